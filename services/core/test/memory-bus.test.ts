import { describe, expect, it, onTestFinished } from 'vitest';
import { createMemoryBus, partitionForKey, type BusMessage, type MessageBatch } from '../src/index';

async function waitFor(check: () => boolean, timeoutMs = 3_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting for condition');
    await new Promise((r) => setTimeout(r, 5));
  }
}

function newBus() {
  const bus = createMemoryBus({ defaultPartitions: 3, maxRetryDelayMs: 20 });
  onTestFinished(() => bus.close());
  return bus;
}

describe('memory bus', () => {
  it('keeps one key on one partition, in order, with the same partition as Kafka murmur2', async () => {
    const bus = newBus();
    await bus.ensureTopics([{ topic: 't', partitions: 4 }]);
    const producer = await bus.producer();
    await producer.send([{ topic: 't', messages: ['a', 'b', 'c'].map((v) => ({ key: 'k1', value: v })) }]);
    const seen: BusMessage[] = [];
    await bus.readToEnd('t', (m) => void seen.push(m));
    expect(seen.map((m) => m.value?.toString())).toEqual(['a', 'b', 'c']);
    expect(new Set(seen.map((m) => m.partition))).toEqual(new Set([partitionForKey(Buffer.from('k1'), 4)]));
    expect(seen.map((m) => m.offset)).toEqual(['0', '1', '2']);
  });

  it('rejects sends to a topic that does not exist', async () => {
    const bus = newBus();
    const producer = await bus.producer();
    await expect(producer.send([{ topic: 'missing', messages: [{ key: null, value: 'x' }] }])).rejects.toThrow(/unknown topic missing/);
  });

  it('redelivers a batch whose handler threw, and commits only after success', async () => {
    const bus = newBus();
    await bus.ensureTopics([{ topic: 't', partitions: 1 }]);
    const producer = await bus.producer();
    await producer.send([{ topic: 't', messages: [{ key: 'k', value: '1' }, { key: 'k', value: '2' }] }]);
    let attempts = 0;
    const delivered: string[] = [];
    const sub = await bus.subscribe({
      groupId: 'g', topics: ['t'],
      async eachBatch(batch) {
        attempts++;
        if (attempts === 1) throw new Error('side effect failed');
        delivered.push(...batch.messages.map((m) => m.value!.toString()));
      },
    });
    await waitFor(() => delivered.length === 2);
    await sub.stop();
    expect(attempts).toBe(2);
    // A new member of the same group starts after the committed offset: nothing is delivered twice.
    const again: string[] = [];
    await producer.send([{ topic: 't', messages: [{ key: 'k', value: '3' }] }]);
    const sub2 = await bus.subscribe({ groupId: 'g', topics: ['t'], async eachBatch(b) { again.push(...b.messages.map((m) => m.value!.toString())); } });
    await waitFor(() => again.length === 1);
    await sub2.stop();
    expect(again).toEqual(['3']);
  });

  it('splits partitions between two members of a group and rebalances when one leaves', async () => {
    const bus = newBus();
    await bus.ensureTopics([{ topic: 't', partitions: 4 }]);
    const got = new Map<string, string[]>();
    const handler = (name: string) => async (b: MessageBatch) => {
      got.set(name, [...(got.get(name) ?? []), ...b.messages.map((m) => m.value!.toString())]);
    };
    const revoked: number[] = [];
    const a = await bus.subscribe({ groupId: 'g', topics: ['t'], eachBatch: handler('a'), onRevoked: async (p) => void revoked.push(...p.map((x) => x.partition)) });
    const b = await bus.subscribe({ groupId: 'g', topics: ['t'], eachBatch: handler('b') });
    expect(a.assignment().length).toBe(2);
    expect(b.assignment().length).toBe(2);
    expect(revoked.length).toBe(2);
    const producer = await bus.producer();
    const values = Array.from({ length: 40 }, (_, i) => String(i));
    await producer.send([{ topic: 't', messages: values.map((v) => ({ key: `key-${v}`, value: v })) }]);
    await waitFor(() => (got.get('a')?.length ?? 0) + (got.get('b')?.length ?? 0) === 40);
    await b.stop();
    expect(a.assignment().length).toBe(4);
    await producer.send([{ topic: 't', messages: values.map((v) => ({ key: `key-${v}`, value: `x${v}` })) }]);
    await waitFor(() => (got.get('a') ?? []).filter((v) => v.startsWith('x')).length === 40);
    await a.stop();
  });

  it('picks up a new topic matching a pattern subscription', async () => {
    const bus = newBus();
    const got: string[] = [];
    const sub = await bus.subscribe({ groupId: 'g', topics: [/^partner\..+\.incidents$/], async eachBatch(b) { got.push(b.topic); } });
    await bus.ensureTopics([{ topic: 'partner.fr-dgddi.incidents', partitions: 1 }, { topic: 'other', partitions: 1 }]);
    const producer = await bus.producer();
    await producer.send([{ topic: 'partner.fr-dgddi.incidents', messages: [{ key: null, value: '{}' }] }, { topic: 'other', messages: [{ key: null, value: '{}' }] }]);
    await waitFor(() => got.length === 1);
    await sub.stop();
    expect(got).toEqual(['partner.fr-dgddi.incidents']);
  });

  it('reports end offsets per partition', async () => {
    const bus = newBus();
    await bus.ensureTopics([{ topic: 't', partitions: 2 }]);
    const producer = await bus.producer();
    await producer.send([{ topic: 't', messages: [{ key: 'a', value: '1' }, { key: 'a', value: '2' }] }]);
    const ends = await bus.endOffsets('t');
    expect([...ends.values()].map(Number).reduce((x, y) => x + y, 0)).toBe(2);
  });
});

describe('partitioner', () => {
  it('agrees with kafkajs (Java-compatible murmur2) on many keys', async () => {
    const { createRequire } = await import('node:module');
    const require = createRequire(import.meta.url);
    const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as (key: Buffer) => number;
    const { murmur2 } = await import('../src/index');
    for (let i = 0; i < 500; i++) {
      const key = Buffer.from(`partner-${i}:incident-${i * 7919}`.slice(0, (i % 40) + 1));
      expect(murmur2(key)).toBe(kafkajsMurmur2(key) & 0x7fffffff);
    }
  });
});

describe('memory bus offsets reset', () => {
  it('with fromBeginning false, a new group starts at the end and then receives new records', async () => {
    const bus = createMemoryBus({ defaultPartitions: 1 });
    onTestFinished(() => bus.close());
    await bus.ensureTopics([{ topic: 't', partitions: 1 }]);
    const producer = await bus.producer();
    await producer.send([{ topic: 't', messages: [{ key: 'k', value: 'old' }] }]);
    const got: string[] = [];
    const sub = await bus.subscribe({ groupId: 'latest', topics: ['t'], fromBeginning: false, async eachBatch(b) { got.push(...b.messages.map((m) => m.value!.toString())); } });
    await new Promise((r) => setTimeout(r, 50));
    await producer.send([{ topic: 't', messages: [{ key: 'k', value: 'new' }] }]);
    await waitFor(() => got.length === 1);
    await sub.stop();
    expect(got).toEqual(['new']);
  });
});

describe('logger', () => {
  it('redacts personal data and secrets but keeps error names', async () => {
    const { PassThrough } = await import('node:stream');
    const { createLogger } = await import('../src/index');
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString()));
    const log = createLogger('t', { destination: out });
    log.info({ incident: { persons: [{ name: 'Jean Dupont' }], narrative: { text: 'call +33 6 12 34 56 78' } }, subscription: { secret: 'whsec_abc' } }, 'x');
    log.error({ err: new TypeError('boom') }, 'failed');
    await new Promise((r) => setImmediate(r));
    expect(text).not.toContain('Dupont');
    expect(text).not.toContain('+33');
    expect(text).not.toContain('whsec_abc');
    expect(text).toContain('TypeError');
  });
});

describe('memory bus fairness (partner feeds stalled under npm start)', () => {
  it('serves every assigned partition while an earlier one never runs dry', async () => {
    // A busy topic sorted first and a quiet one after it, consumed by one member that is
    // slower than the busy feed: the quiet topic's record must still come through.
    const bus = newBus();
    await bus.ensureTopics([{ topic: 'a-busy', partitions: 1 }, { topic: 'z-quiet', partitions: 1 }]);
    const producer = await bus.producer();
    const feed = (n: number) => producer.send([{ topic: 'a-busy', messages: Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: 'x' })) }]);
    await feed(20);
    await producer.send([{ topic: 'z-quiet', messages: [{ key: 'q', value: 'quiet' }] }]);
    const topicsSeen: string[] = [];
    const sub = await bus.subscribe({
      groupId: 'g', topics: ['a-busy', 'z-quiet'], maxBatchSize: 5,
      async eachBatch(batch) {
        topicsSeen.push(batch.topic);
        // The busy feed produces more than one batch's worth while each batch is handled.
        if (topicsSeen.length < 200) await feed(10);
      },
    });
    await waitFor(() => topicsSeen.length >= 50 || topicsSeen.includes('z-quiet'));
    await sub.stop();
    expect(topicsSeen.indexOf('z-quiet')).toBeGreaterThanOrEqual(0);
    expect(topicsSeen.indexOf('z-quiet')).toBeLessThan(3);
  });
});

describe('memory bus limits', () => {
  const totalBytes = async (bus: ReturnType<typeof createMemoryBus>, topic: string) => {
    let bytes = 0;
    let records = 0;
    await bus.readToEnd(topic, (m) => {
      bytes += (m.value?.length ?? 0) + (m.key?.length ?? 0);
      records++;
    });
    return { bytes, records };
  };

  it('keeps the latest record per key on a compacted topic, compacting as it grows, with offsets unchanged', async () => {
    const bus = createMemoryBus({ compactAfterBytes: 10_000 });
    onTestFinished(() => bus.close());
    await bus.ensureTopics([{ topic: 'state', partitions: 1, config: { 'cleanup.policy': 'compact' } }]);
    const producer = await bus.producer();
    const value = 'v'.repeat(200);
    for (let round = 0; round < 200; round++) {
      await producer.send([{ topic: 'state', messages: Array.from({ length: 10 }, (_, k) => ({ key: `key-${k}`, value: `${round}:${value}` })) }]);
    }
    // 2,000 records written, 10 keys: far fewer than 2,000 are kept, and the latest of each key is there.
    const latest = new Map<string, string>();
    const offsets: number[] = [];
    await bus.readToEnd('state', (m) => {
      latest.set(m.key!.toString(), m.value!.toString());
      offsets.push(Number(m.offset));
    });
    const { records } = await totalBytes(bus, 'state');
    expect(records).toBeLessThan(200);
    expect(latest.size).toBe(10);
    for (const v of latest.values()) expect(v.startsWith('199:')).toBe(true);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    expect((await bus.endOffsets('state')).get(0)).toBe('2000');
  });

  it('drops tombstoned keys after two compactions', async () => {
    const bus = createMemoryBus({ compactAfterBytes: 2_000 });
    onTestFinished(() => bus.close());
    await bus.ensureTopics([{ topic: 'c', partitions: 1, config: { 'cleanup.policy': 'compact' } }]);
    const producer = await bus.producer();
    await producer.send([{ topic: 'c', messages: [{ key: 'gone', value: 'x' }, { key: 'gone', value: null }] }]);
    for (let i = 0; i < 200; i++) await producer.send([{ topic: 'c', messages: [{ key: 'live', value: 'y'.repeat(50) }] }]);
    const keys = new Set<string>();
    await bus.readToEnd('c', (m) => void keys.add(m.key!.toString()));
    expect([...keys]).toEqual(['live']);
  });

  it('never keeps a slice of a caller\'s or Node\'s pooled block: compacted records in buffers of their own, delete topics in blocks of the partition', async () => {
    const bus = createMemoryBus();
    onTestFinished(() => bus.close());
    await bus.ensureTopics([{ topic: 'feed', partitions: 1 }, { topic: 'state', partitions: 1, config: { 'cleanup.policy': 'compact' } }]);
    const producer = await bus.producer();
    // A 300-byte value cut from an 8 KiB block (as Buffer.from() of a short string is cut from Node's pool).
    const block = Buffer.alloc(8192, 'x');
    for (const topic of ['feed', 'state']) {
      await producer.send([{ topic, messages: [{ key: block.subarray(0, 5), value: block.subarray(100, 400) }, { key: 'k', value: 'short text' }] }]);
    }
    const kept = async (topic: string) => {
      const out: Buffer[] = [];
      await bus.readToEnd(topic, (m) => void out.push(m.key!, m.value!));
      return out;
    };
    const state = await kept('state');
    expect(state).toHaveLength(4);
    // The retained bytes are exactly the record's: 8 KiB per record would be 27x a 300-byte record.
    for (const b of state) expect(b.buffer.byteLength).toBe(b.length);
    const feed = await kept('feed');
    expect(feed.map((b) => b.toString())).toEqual(['x'.repeat(5), 'x'.repeat(300), 'k', 'short text']);
    for (const b of feed) expect(b.buffer).not.toBe(block.buffer);
    expect(new Set(feed.map((b) => b.buffer)).size).toBe(1);
  });

  it('holds at most two 64 KiB blocks per delete-topic partition beyond the bytes it retains', async () => {
    const retention = 100_000;
    const bus = createMemoryBus({ retentionBytes: retention });
    onTestFinished(() => bus.close());
    await bus.ensureTopics([{ topic: 'feed', partitions: 2 }]);
    const producer = await bus.producer();
    // 5 MB through 2 partitions, in records of 300 to 1,300 bytes, and a few above the block's per-record limit.
    for (let i = 0; i < 4_000; i++) {
      const size = i % 500 === 0 ? 20_000 : 300 + (i % 1000);
      await producer.send([{ topic: 'feed', messages: [{ key: `k${i}`, value: String(i % 10).repeat(size) }] }]);
    }
    for (const partition of [0, 1]) {
      const blocks = new Set<ArrayBufferLike>();
      let records = 0;
      await bus.readToEnd('feed', (m) => {
        records++;
        expect(m.value!.toString()).toBe(String(Number(m.key!.toString().slice(1)) % 10).repeat(m.value!.length));
        blocks.add(m.key!.buffer);
        blocks.add(m.value!.buffer);
      }, [partition]);
      expect(records).toBeGreaterThan(0);
      const held = [...blocks].reduce((n, b) => n + b.byteLength, 0);
      expect(held).toBeLessThanOrEqual(retention + 2 * 64 * 1024);
    }
  });

  it('caps a delete topic at retention.bytes once its groups have read it, and never drops unread records', async () => {
    const bus = createMemoryBus({ retentionBytes: 50_000 });
    onTestFinished(() => bus.close());
    await bus.ensureTopics([{ topic: 'feed', partitions: 1 }, { topic: 'small', partitions: 1, config: { 'retention.bytes': '5000' } }]);
    const producer = await bus.producer();
    const record = { key: 'k', value: 'x'.repeat(1000) };
    // Nobody subscribed: plain retention.
    for (let i = 0; i < 300; i++) await producer.send([{ topic: 'feed', messages: [record] }, { topic: 'small', messages: [record] }]);
    expect((await totalBytes(bus, 'feed')).bytes).toBeLessThanOrEqual(50_000);
    expect((await totalBytes(bus, 'small')).bytes).toBeLessThanOrEqual(5_000);
    expect((await bus.endOffsets('feed')).get(0)).toBe('300');
    // A group that does not read: what it has not read stays.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let read = 0;
    const sub = await bus.subscribe({
      groupId: 'slow', topics: ['small'], fromBeginning: false, maxBatchSize: 1_000,
      async eachBatch(b) {
        await gate;
        read += b.messages.length;
      },
    });
    for (let i = 0; i < 100; i++) await producer.send([{ topic: 'small', messages: [record] }]);
    expect((await totalBytes(bus, 'small')).records).toBe(100);
    release();
    await waitFor(() => read === 100);
    await producer.send([{ topic: 'small', messages: [record] }]);
    expect((await totalBytes(bus, 'small')).bytes).toBeLessThanOrEqual(5_000);
    await sub.stop();
  });
});

describe('memory bus backpressure', () => {
  it('makes a send wait while a subscribed group has more than maxUnreadBytes unread, until it reads', async () => {
    const bus = createMemoryBus({ maxUnreadBytes: 10 * 130 });
    onTestFinished(() => bus.close());
    await bus.ensureTopics([{ topic: 'feed', partitions: 1 }]);
    const producer = await bus.producer();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const sub = await bus.subscribe({ groupId: 'g', topics: ['feed'], maxBatchSize: 100, async eachBatch() { await gate; } });
    await producer.send([{ topic: 'feed', messages: Array.from({ length: 11 }, () => ({ key: 'k', value: 'x' })) }]);
    let sent = false;
    const blocked = producer.send([{ topic: 'feed', messages: [{ key: 'k', value: 'y' }] }]).then(() => (sent = true));
    await new Promise((r) => setTimeout(r, 150));
    expect(sent).toBe(false);
    release();
    await blocked;
    expect(sent).toBe(true);
    await sub.stop();
  });
});
