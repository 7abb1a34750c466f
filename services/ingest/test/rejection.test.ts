import { describe, expect, it } from 'vitest';
import { quoteValue, reject } from '../src/rejection';

describe('rejections', () => {
  it('carry reason, message and pointer', () => {
    expect(reject('unknown_code', 'm', '/methods/0')).toEqual({ ok: false, rejection: { reason: 'unknown_code', message: 'm', pointer: '/methods/0' } });
    expect(reject('malformed_json', 'm')).toEqual({ ok: false, rejection: { reason: 'malformed_json', message: 'm' } });
  });

  it('quote values bounded, in JSON string syntax', () => {
    expect(quoteValue('drone.border')).toBe('"drone.border"');
    expect(quoteValue('a\nb"c')).toBe('"a\\nb\\"c"');
    expect(quoteValue('x'.repeat(200))).toBe(`"${'x'.repeat(60)}…"`);
    // Cut by characters, not UTF-16 units: an emoji is never split.
    expect(quoteValue('😀'.repeat(61))).toBe(`"${'😀'.repeat(60)}…"`);
  });
});
