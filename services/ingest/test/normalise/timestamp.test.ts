import { describe, expect, it } from 'vitest';
import { offsetMinutes, toUtcTimestamp } from '../../src/normalise/timestamp';

describe('toUtcTimestamp', () => {
  it.each([
    ['2026-03-01T10:00:00Z', 0, '2026-03-01T10:00:00.000Z'],
    ['2026-03-01T10:00:00+01:00', 0, '2026-03-01T09:00:00.000Z'],
    ['2026-03-01T10:00:00-0530', 0, '2026-03-01T15:30:00.000Z'],
    ['2026-03-01T10:00:00.123456z', 0, '2026-03-01T10:00:00.123Z'],
    ['2026-03-01 10:00', 60, '2026-03-01T09:00:00.000Z'],
    ['2026-03-01', 60, '2026-02-28T23:00:00.000Z'],
    ['2024-02-29T00:00:00Z', 0, '2024-02-29T00:00:00.000Z'],
    ['2000-02-29', 0, '2000-02-29T00:00:00.000Z'],
    ['  2026-03-01T10:00:00Z ', 0, '2026-03-01T10:00:00.000Z'],
  ])('%s (default offset %i min) → %s', (input, offset, expected) => {
    expect(toUtcTimestamp(input, offset)).toBe(expected);
  });

  it.each(['', 'yesterday', '2026-13-01', '2023-02-29', '1900-02-29', '2100-02-29', '2026-04-31T00:00:00Z', '2026-03-01T24:00:00Z', '0099-01-01', '2026-03-01T10:00:00+25:00', '01/03/2026'])(
    'refuses %j',
    (input) => {
      expect(toUtcTimestamp(input)).toBeNull();
    },
  );

  it('reads offsets', () => {
    expect(offsetMinutes('+01:00')).toBe(60);
    expect(offsetMinutes('-02')).toBe(-120);
    expect(offsetMinutes('+1')).toBeNull();
  });
});
