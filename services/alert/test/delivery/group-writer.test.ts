import { createMemoryBus, type Producer, type TopicBatch } from '@tocsin/core';
import { describe, expect, it } from 'vitest';
import { GroupWriter } from '../../src/delivery/group-writer';

describe('GroupWriter (group commit of delivery records)', () => {
  it('groups writes made while a send is in flight, in order, and resolves each caller', async () => {
    const bus = createMemoryBus();
    await bus.ensureTopics([{ topic: 't', partitions: 1 }]);
    const inner = await bus.producer();
    const sends: number[] = [];
    const producer: Producer = { close: () => inner.close(), maxRecordBytes: (t) => inner.maxRecordBytes(t), send: async (b: TopicBatch[]) => (sends.push(b[0]!.messages.length), inner.send(b)) };
    const writer = new GroupWriter('t', async () => producer);
    await Promise.all(Array.from({ length: 50 }, (_, i) => writer.write([{ key: `k${i}`, value: String(i) }])));
    expect(sends.reduce((a, b) => a + b, 0)).toBe(50);
    expect(sends.length).toBeLessThan(50);
    const values: string[] = [];
    await bus.readToEnd('t', (m) => void values.push(m.value!.toString()));
    expect(values).toEqual(Array.from({ length: 50 }, (_, i) => String(i)));
  });

  it('rejects every caller of a failed send, and keeps working afterwards', async () => {
    let fail = true;
    const producer: Producer = { close: async () => {}, maxRecordBytes: async () => 1_000_000, send: async () => {
      await new Promise((r) => setTimeout(r, 5));
      if (fail) throw new Error('broker down');
    } };
    const writer = new GroupWriter('t', async () => producer);
    const results = await Promise.allSettled([writer.write([{ key: 'a', value: '1' }]), writer.write([{ key: 'b', value: '2' }])]);
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    fail = false;
    await expect(writer.write([{ key: 'c', value: '3' }])).resolves.toBeUndefined();
  });
});
