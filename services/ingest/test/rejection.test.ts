import { describe, expect, it } from 'vitest';
import { quoteCode, reject } from '../src/rejection';

describe('rejections', () => {
  it('carry reason, message and pointer', () => {
    expect(reject('unknown_code', 'm', '/methods/0')).toEqual({ ok: false, rejection: { reason: 'unknown_code', message: 'm', pointer: '/methods/0' } });
    expect(reject('malformed_json', 'm')).toEqual({ ok: false, rejection: { reason: 'malformed_json', message: 'm' } });
  });

  it('quote codes bounded and printable', () => {
    expect(quoteCode('drone.border')).toBe('"drone.border"');
    expect(quoteCode('a\nb"c')).toBe('"a?b?c"');
    expect(quoteCode('x'.repeat(200))).toBe(`"${'x'.repeat(80)}…"`);
  });
});
