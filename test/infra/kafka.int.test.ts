// Proves kafkajs 2.2.4 works against the broker the tests run on (Kafka 4.x removed old
// protocol versions, KIP-896): every client feature Tocsin relies on is exercised once.
import type { Consumer, ConsumerGroupJoinEvent } from 'kafkajs';
import { describe, expect, inject, it } from 'vitest';
import { consumeUntil, createConsumer, createProducer, createTestTopic, testKafkaClient, uniqueGroupId } from '../helpers/kafka';

const brokers = inject('kafkaBrokers');

/** Resolves with the next group join of `consumer` whose assignment satisfies `accept`. */
function nextGroupJoin(consumer: Consumer, accept: (partitions: number[]) => boolean, topic: string, timeoutMs = 20_000): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      removeListener();
      reject(new Error(`no matching group join within ${timeoutMs} ms`));
    }, timeoutMs);
    const removeListener = consumer.on(consumer.events.GROUP_JOIN, (event: ConsumerGroupJoinEvent) => {
      const partitions = [...(event.payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b);
      if (!accept(partitions)) return;
      clearTimeout(timer);
      removeListener();
      resolve(partitions);
    });
  });
}

describe('kafkajs 2.2.4 against the test broker', () => {
  it('reaches a single-node cluster at the provided address', async () => {
    const admin = testKafkaClient(brokers).admin();
    await admin.connect();
    try {
      const cluster = await admin.describeCluster();
      expect(cluster.brokers.map(({ host, port }) => `${host}:${port}`)).toEqual([brokers]);
      console.log(`kafka ${inject('kafkaVersion')} (KRaft) at ${brokers}, cluster ${cluster.clusterId}`);
    } finally {
      await admin.disconnect();
    }
  });

  it('creates and deletes topics, and refuses to create one twice', async () => {
    const admin = testKafkaClient(brokers).admin();
    await admin.connect();
    const topic = `admin-${uniqueGroupId('topic')}`;
    try {
      expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true })).toBe(true);
      expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true })).toBe(false);
      const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
      expect(metadata?.partitions).toHaveLength(3);

      await admin.deleteTopics({ topics: [topic], timeout: 10_000 });
      // Deletion is acknowledged by the controller before every broker's metadata cache drops the topic.
      await expect.poll(() => admin.listTopics(), { timeout: 10_000, interval: 100 }).not.toContain(topic);
    } finally {
      await admin.disconnect();
    }
  });

  it('does not create topics on first use (auto creation is off)', async () => {
    const producer = await createProducer(brokers, { allowAutoTopicCreation: true, retry: { retries: 1 } });
    await expect(producer.send({ topic: `missing-${uniqueGroupId('topic')}`, messages: [{ value: 'x' }] })).rejects.toThrow();
  });

  it('produces and consumes keys, values and headers', async () => {
    const topic = await createTestTopic(brokers, { partitions: 2 });
    const producer = await createProducer(brokers);
    await producer.send({
      topic,
      messages: [
        { key: 'route:balkan', value: JSON.stringify({ n: 1 }), headers: { source: 'agency-a' } },
        { key: 'route:central-med', value: JSON.stringify({ n: 2 }) },
      ],
    });

    const received = await consumeUntil(brokers, topic, (messages) => messages.length >= 2);

    expect(received.map((m) => [m.key, m.value]).sort()).toEqual([
      ['route:balkan', '{"n":1}'],
      ['route:central-med', '{"n":2}'],
    ]);
    expect(received.find((m) => m.key === 'route:balkan')?.headers['source']?.toString()).toBe('agency-a');
  });

  it('commits offsets so a restarted group resumes after the last committed message', async () => {
    const topic = await createTestTopic(brokers);
    const groupId = uniqueGroupId();
    const producer = await createProducer(brokers);
    await producer.send({ topic, messages: ['a', 'b', 'c'].map((value) => ({ value })) });

    const first = await createConsumer(brokers, { groupId });
    await first.subscribe({ topic, fromBeginning: true });
    const firstBatch: string[] = [];
    await new Promise<void>((resolve, reject) => {
      first
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            firstBatch.push(message.value?.toString() ?? '');
            await first.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
            if (firstBatch.length === 3) resolve();
          },
        })
        .catch(reject);
    });
    await first.disconnect();
    expect(firstBatch).toEqual(['a', 'b', 'c']);

    const admin = testKafkaClient(brokers).admin();
    await admin.connect();
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    await admin.disconnect();
    expect(committed?.partitions).toEqual([expect.objectContaining({ partition: 0, offset: '3' })]);

    await producer.send({ topic, messages: [{ value: 'd' }] });
    const second = await createConsumer(brokers, { groupId });
    await second.subscribe({ topic, fromBeginning: true });
    const secondBatch = await new Promise<string[]>((resolve, reject) => {
      second
        .run({ eachMessage: async ({ message }) => resolve([message.value?.toString() ?? '']) })
        .catch(reject);
    });
    expect(secondBatch).toEqual(['d']);
  });

  it('rebalances partitions when a second consumer joins the group', async () => {
    const topic = await createTestTopic(brokers, { partitions: 2 });
    const groupId = uniqueGroupId();
    // Short heartbeats and fetch waits so the first member learns about the rebalance quickly:
    // kafkajs only rejoins between fetches.
    const consumerConfig = { groupId, heartbeatInterval: 500, sessionTimeout: 10_000, maxWaitTimeInMs: 500 };
    const seen = new Map<string, number[]>();
    const record = (name: string) => async ({ partition }: { partition: number }) => {
      seen.set(name, [...(seen.get(name) ?? []), partition]);
    };

    const first = await createConsumer(brokers, consumerConfig);
    await first.subscribe({ topic, fromBeginning: true });
    const firstAlone = nextGroupJoin(first, (partitions) => partitions.length === 2, topic);
    void first.run({ eachMessage: record('first') });
    expect(await firstAlone).toEqual([0, 1]);

    const firstShares = nextGroupJoin(first, (partitions) => partitions.length === 1, topic);
    const second = await createConsumer(brokers, consumerConfig);
    await second.subscribe({ topic, fromBeginning: true });
    const secondShares = nextGroupJoin(second, (partitions) => partitions.length === 1, topic);
    void second.run({ eachMessage: record('second') });
    const [firstPartitions, secondPartitions] = await Promise.all([firstShares, secondShares]);
    expect([...firstPartitions, ...secondPartitions].sort()).toEqual([0, 1]);

    // Each member now receives exactly the partition it was given.
    const producer = await createProducer(brokers);
    await producer.send({ topic, messages: [{ partition: 0, value: 'p0' }, { partition: 1, value: 'p1' }] });
    await expect.poll(() => seen.get('first')?.length ?? 0, { timeout: 15_000 }).toBe(1);
    await expect.poll(() => seen.get('second')?.length ?? 0, { timeout: 15_000 }).toBe(1);
    expect(seen.get('first')).toEqual(firstPartitions);
    expect(seen.get('second')).toEqual(secondPartitions);
  });

  it('delivers each message of an idempotent producer exactly once, in order', async () => {
    const topic = await createTestTopic(brokers);
    const producer = await createProducer(brokers, { idempotent: true, maxInFlightRequests: 1 });
    const values = Array.from({ length: 50 }, (_, i) => `incident-${i}`);
    // Several requests, so the broker checks the producer's sequence numbers across batches.
    for (let start = 0; start < values.length; start += 10) {
      await producer.send({ topic, acks: -1, messages: values.slice(start, start + 10).map((value) => ({ value })) });
    }

    const received = await consumeUntil(brokers, topic, (messages) => messages.length >= values.length);
    expect(received.map((m) => m.value)).toEqual(values);
    expect(received.map((m) => m.offset)).toEqual(values.map((_, i) => String(i)));
  });
});
