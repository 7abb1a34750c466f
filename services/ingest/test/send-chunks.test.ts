import type { OutgoingMessage } from '@tocsin/core';
import { describe, expect, it } from 'vitest';
import { splitForSend } from '../src/send-chunks';

const message = (i: number, bytes: number): OutgoingMessage => ({ key: `k${i}`, value: Buffer.alloc(bytes, 120), headers: { h: String(i) } });

describe('splitForSend', () => {
  it('keeps every message once, in order per topic, in requests under the byte cap', () => {
    const incidents = Array.from({ length: 50 }, (_, i) => message(i, 1_000));
    const deadLetters = Array.from({ length: 7 }, (_, i) => message(100 + i, 500));
    const requests = splitForSend([{ topic: 'a', messages: incidents }, { topic: 'b', messages: deadLetters }], 10_000);
    expect(requests.length).toBeGreaterThan(5);
    for (const request of requests) {
      const bytes = request.flatMap((b) => b.messages).reduce((sum, m) => sum + (m.value as Buffer).length, 0);
      expect(bytes).toBeLessThanOrEqual(10_000);
      for (const b of request) expect(b.messages.length).toBeGreaterThan(0);
    }
    const sent = (topic: string) => requests.flat().filter((b) => b.topic === topic).flatMap((b) => b.messages);
    expect(sent('a')).toEqual(incidents);
    expect(sent('b')).toEqual(deadLetters);
  });

  it('sends a message larger than the cap alone, and nothing for empty batches', () => {
    const big = message(1, 50_000);
    expect(splitForSend([{ topic: 'a', messages: [message(0, 10), big, message(2, 10)] }], 1_000).map((r) => r.flatMap((b) => b.messages))).toEqual([
      [message(0, 10)],
      [big],
      [message(2, 10)],
    ]);
    expect(splitForSend([{ topic: 'a', messages: [] }, { topic: 'b', messages: [] }])).toEqual([]);
  });
});
