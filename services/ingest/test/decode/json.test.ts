import { describe, expect, it } from 'vitest';
import { decodeJsonRecord } from '../../src/decode/json';

describe('decodeJsonRecord', () => {
  it('parses a JSON object', () => {
    expect(decodeJsonRecord(Buffer.from('{"id":"x"}'))).toEqual({ ok: true, value: { id: 'x' } });
  });

  it.each([
    ['null value', null, 'malformed_json'],
    ['empty bytes', Buffer.alloc(0), 'malformed_json'],
    ['truncated JSON', Buffer.from('{"id":"x",'), 'malformed_json'],
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 'bad_encoding'],
  ])('rejects %s', (_name, bytes, reason) => {
    const result = decodeJsonRecord(bytes);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.rejection.reason).toBe(reason);
  });

  it('does not quote the record in its message', () => {
    const result = decodeJsonRecord(Buffer.from('{"name": "Jan de Vries" "phone": 1}'));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.rejection.message).toMatch(/not valid JSON \(error at byte \d+\)/);
      expect(result.rejection.message).not.toContain('Vries');
    }
  });
});
