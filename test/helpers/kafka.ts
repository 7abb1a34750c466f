// Kafka helpers for integration tests. Every resource is cleaned up by an `onTestFinished`
// hook registered where it is created, so call these inside a test, not in beforeAll.
import { randomUUID } from 'node:crypto';
import { AssignerProtocol, Kafka, logLevel, type Consumer, type ConsumerConfig, type IHeaders, type KafkaMessage, type Producer, type ProducerConfig } from 'kafkajs';
import { onTestFinished } from 'vitest';

/**
 * A kafkajs client for tests. Its log is off because kafkajs logs retried, harmless errors
 * (e.g. "coordinator is loading") at ERROR; set KAFKAJS_LOG_LEVEL=debug to see everything.
 */
export function testKafkaClient(brokers: string, clientId = 'tocsin-test'): Kafka {
  return new Kafka({ clientId, brokers: brokers.split(','), logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 100 } });
}

/** Creates a topic with a UUID name, waits for its leaders, and deletes it after the test. */
export async function createTestTopic(brokers: string, options: { partitions?: number } = {}): Promise<string> {
  const topic = `test-${randomUUID()}`;
  const admin = testKafkaClient(brokers, 'tocsin-test-admin').admin();
  await admin.connect();
  try {
    const created = await admin.createTopics({ topics: [{ topic, numPartitions: options.partitions ?? 1 }], waitForLeaders: true });
    if (!created) throw new Error(`topic ${topic} already existed`);
  } finally {
    await admin.disconnect();
  }
  onTestFinished(async () => {
    const cleanup = testKafkaClient(brokers, 'tocsin-test-admin').admin();
    await cleanup.connect();
    try {
      await cleanup.deleteTopics({ topics: [topic] });
    } finally {
      await cleanup.disconnect();
    }
  });
  return topic;
}

/** A consumer group id no other test uses. */
export function uniqueGroupId(prefix = 'test-group'): string {
  return `${prefix}-${randomUUID()}`;
}

/** A connected producer, disconnected after the test. */
export async function createProducer(brokers: string, config: ProducerConfig = {}): Promise<Producer> {
  const producer = testKafkaClient(brokers, 'tocsin-test-producer').producer(config);
  await producer.connect();
  onTestFinished(() => producer.disconnect());
  return producer;
}

/** A connected consumer in a fresh group unless `groupId` is given, disconnected after the test. */
export async function createConsumer(brokers: string, config: Partial<ConsumerConfig> = {}): Promise<Consumer> {
  const consumer = testKafkaClient(brokers, 'tocsin-test-consumer').consumer({ groupId: uniqueGroupId(), ...config });
  await consumer.connect();
  onTestFinished(() => consumer.disconnect());
  return consumer;
}

export interface ConsumedMessage {
  readonly partition: number;
  readonly offset: string;
  /** Key and value decoded as UTF-8; `message` keeps the raw buffers. */
  readonly key: string | null;
  readonly value: string | null;
  readonly headers: IHeaders;
  readonly message: KafkaMessage;
}

/** The incident events among records of incidents.v1 (ingest's watermark control records carry the header tocsin-record). */
export const incidentsOf = (messages: readonly ConsumedMessage[]): ConsumedMessage[] =>
  messages.filter((m) => m.headers['tocsin-record'] === undefined);

/**
 * Reads `topic` from the beginning in a fresh consumer group until `until(received)` holds
 * for everything received so far, and returns those messages. Rejects after `timeoutMs`
 * with the count received, so a missing message fails the test instead of hanging it.
 */
export async function consumeUntil(
  brokers: string,
  topic: string,
  until: (received: readonly ConsumedMessage[]) => boolean,
  timeoutMs = 15_000,
): Promise<ConsumedMessage[]> {
  const consumer = await createConsumer(brokers);
  const received: ConsumedMessage[] = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`consumeUntil: condition not met on ${topic} within ${timeoutMs} ms (received ${received.length} messages)`)),
        timeoutMs,
      );
      // kafkajs restarts a consumer by itself after retriable errors; only a final crash fails.
      consumer.on(consumer.events.CRASH, (event) => {
        if (!event.payload.restart) reject(event.payload.error);
      });
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            received.push({
              partition,
              offset: message.offset,
              key: message.key?.toString('utf8') ?? null,
              value: message.value?.toString('utf8') ?? null,
              headers: message.headers ?? {},
              message,
            });
            if (until(received)) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    clearTimeout(timer);
    // Stop before returning so the caller's assertions see a settled list.
    await consumer.stop();
  }
  return received;
}

/**
 * Joins `groupId` on `topic` with a partition assigner no Tocsin consumer offers, and stays in
 * the group until the test ends. A consumer joining that group afterwards is refused by the
 * broker with INCONSISTENT_GROUP_PROTOCOL, which kafkajs does not retry: a real way to make a
 * service's consumer fail for good (as when two applications share a group id by mistake).
 */
export async function holdGroupWithForeignProtocol(brokers: string, groupId: string, topic: string): Promise<void> {
  const name = 'TocsinTestForeignAssigner';
  const foreign = () => ({
    name,
    version: 1,
    async assign({ members }: { members: Array<{ memberId: string }> }) {
      return members.map((m) => ({ memberId: m.memberId, memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 1, assignment: {}, userData: Buffer.alloc(0) }) }));
    },
    protocol({ topics }: { topics: string[] }) {
      return { name, metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }) };
    },
  });
  const consumer = await createConsumer(brokers, { groupId, partitionAssigners: [foreign] });
  await consumer.subscribe({ topic, fromBeginning: true });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({ eachMessage: async () => {} });
  await joined;
}
