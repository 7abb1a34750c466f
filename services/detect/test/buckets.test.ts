import { describe, expect, it } from 'vitest';
import { bucketBoundsMs, bucketIndexOfDay, bucketStartIso, dayIndexOf, firstDayOfWeek, lastDayOfBucket, weekIndexOfDay } from '../src/buckets';

describe('event-time buckets', () => {
  it('counts days from 1970-01-01 UTC', () => {
    expect(dayIndexOf('1970-01-01T00:00:00Z')).toBe(0);
    expect(dayIndexOf('1970-01-01T23:59:59.999Z')).toBe(0);
    expect(dayIndexOf('2025-01-01T00:00:00+02:00')).toBe(dayIndexOf('2024-12-31T22:00:00Z'));
    expect(Number.isNaN(dayIndexOf('not a date'))).toBe(true);
  });

  it('puts a day in the ISO week that starts on the Monday on or before it', () => {
    // 2025-01-01 is a Wednesday; its ISO week (2025-W01) starts on Monday 2024-12-30.
    const week = weekIndexOfDay(dayIndexOf('2025-01-01T10:00:00Z'));
    expect(bucketStartIso('week', week)).toBe('2024-12-30T00:00:00.000Z');
    expect(weekIndexOfDay(dayIndexOf('2025-01-05T23:00:00Z'))).toBe(week);
    expect(weekIndexOfDay(dayIndexOf('2025-01-06T00:00:00Z'))).toBe(week + 1);
    expect(new Date(firstDayOfWeek(week + 1) * 86_400_000).getUTCDay()).toBe(1);
  });

  it('gives bucket bounds and last days for both granularities', () => {
    const day = dayIndexOf('2025-03-10T12:00:00Z');
    expect(bucketBoundsMs('day', day)).toEqual({ startMs: Date.parse('2025-03-10T00:00:00Z'), endMs: Date.parse('2025-03-11T00:00:00Z') });
    const week = bucketIndexOfDay('week', day);
    expect(bucketBoundsMs('week', week).endMs - bucketBoundsMs('week', week).startMs).toBe(7 * 86_400_000);
    expect(lastDayOfBucket('week', week)).toBe(dayIndexOf('2025-03-16T00:00:00Z'));
  });
});
