import { describe, expect, it } from 'vitest';
import { BusError, RECORD_BATCH_OVERHEAD, recordBytes, splitUnderLimits, type OutgoingMessage, type SendLimits } from '../src/index';

const message = (i: number, bytes: number): OutgoingMessage => ({ key: `k${i}`, value: Buffer.alloc(bytes, 120), headers: { h: String(i) } });
const limits = (batch: Record<string, number>, requestBytes = 100 * 1024 * 1024): SendLimits => ({ batchBytes: (t) => batch[t] ?? 1_048_588, requestBytes });
const bytesOf = (messages: OutgoingMessage[]) => messages.reduce((sum, m) => sum + recordBytes(m), 0);

describe('recordBytes', () => {
  it('bounds the record-batch v2 encoding from above: lengths as varints, headers counted', () => {
    // 1 attributes + 10 timestamp delta + 5 offset delta + key (1 + 2) + value (2 + 100) + headers (1 + 1 + 1 + 1 + 1) = 126,
    // plus its own length as a zig-zag varint (252: 2 bytes).
    expect(recordBytes({ key: 'k1', value: Buffer.alloc(100), headers: { h: '1' } })).toBe(128);
    expect(recordBytes({ key: null, value: null })).toBe(1 + 1 + 10 + 5 + 1 + 1 + 1);
    // Multi-byte characters count in bytes.
    expect(recordBytes({ key: null, value: 'é' }) - recordBytes({ key: null, value: 'e' })).toBe(1);
  });
});

describe('splitUnderLimits', () => {
  it('keeps every message once, in order per topic, each topic under its own batch limit', () => {
    const incidents = Array.from({ length: 50 }, (_, i) => message(i, 1_000));
    const deadLetters = Array.from({ length: 7 }, (_, i) => message(100 + i, 500));
    const requests = splitUnderLimits([{ topic: 'a', messages: incidents }, { topic: 'b', messages: deadLetters }], limits({ a: 10_000, b: 2_000 }));
    expect(requests.length).toBeGreaterThanOrEqual(6);
    for (const request of requests) {
      for (const b of request) {
        expect(b.messages.length).toBeGreaterThan(0);
        expect(bytesOf(b.messages) + RECORD_BATCH_OVERHEAD).toBeLessThanOrEqual(b.topic === 'a' ? 10_000 : 2_000);
      }
      expect(new Set(request.map((b) => b.topic)).size).toBe(request.length);
    }
    const sent = (topic: string) => requests.flat().filter((b) => b.topic === topic).flatMap((b) => b.messages);
    expect(sent('a')).toEqual(incidents);
    expect(sent('b')).toEqual(deadLetters);
  });

  it('caps a whole request at requestBytes less room for framing', () => {
    const many = Array.from({ length: 40 }, (_, i) => message(i, 10_000));
    const requests = splitUnderLimits([{ topic: 'a', messages: many.slice(0, 20) }, { topic: 'b', messages: many.slice(20) }], limits({}, 64 * 1024 + 50_000));
    for (const request of requests) expect(bytesOf(request.flatMap((b) => b.messages))).toBeLessThanOrEqual(50_000);
    expect(requests.flat().flatMap((b) => b.messages)).toHaveLength(40);
  });

  it('merges a topic named twice into one entry per request', () => {
    const requests = splitUnderLimits([{ topic: 'a', messages: [message(0, 10)] }, { topic: 'b', messages: [message(1, 10)] }, { topic: 'a', messages: [message(2, 10)] }], limits({}));
    expect(requests).toEqual([[{ topic: 'a', messages: [message(0, 10), message(2, 10)] }, { topic: 'b', messages: [message(1, 10)] }]]);
  });

  it('refuses a record that can never fit, naming topic, size and limit, before anything is split', () => {
    const send = () => splitUnderLimits([{ topic: 'a', messages: [message(0, 10), message(1, 5_000)] }], { ...limits({ a: 4_096 }), describe: () => 'max.message.bytes of a' });
    expect(send).toThrow(BusError);
    expect(send).toThrow(/record 1 for a takes 50\d\d bytes .* above max\.message\.bytes of a \(4096 bytes\)/);
    try {
      send();
    } catch (error) {
      expect(error).toMatchObject({ code: 'RECORD_TOO_LARGE', retryable: false, retriable: false });
    }
  });

  it('sends nothing for empty batches', () => {
    expect(splitUnderLimits([{ topic: 'a', messages: [] }, { topic: 'b', messages: [] }], limits({}))).toEqual([]);
  });
});
