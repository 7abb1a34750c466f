// The Kafka bus against a real broker whose topics have small size limits: a send larger
// than max.message.bytes or segment.bytes is split and lands in full and in order; a record
// that can never fit is refused before anything is written; limits lowered after they were
// read are read again after the broker's refusal; a consumer that fails for good is
// reported (onConsumerFailure, health) instead of sitting stopped.
import { randomUUID } from 'node:crypto';
import { ConfigResourceTypes } from 'kafkajs';
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { BusError, createKafkaBus, silentLogger, type Bus, type ConsumerFailure, type OutgoingMessage } from '../src/index';
import { testKafkaClient } from '../../../test/helpers/kafka';

const brokers = inject('kafkaBrokers');

function kafkaBus(extra: Partial<Parameters<typeof createKafkaBus>[0]> = {}): Bus {
  const bus = createKafkaBus({ brokers: [brokers], clientId: `limits-it-${randomUUID().slice(0, 8)}`, logger: silentLogger(), ...extra });
  onTestFinished(() => bus.close());
  return bus;
}

/** A topic with the given configs, deleted after the test. */
async function topicWith(config: Record<string, string>, partitions = 3): Promise<string> {
  const topic = `limits-${randomUUID()}`;
  const admin = testKafkaClient(brokers, 'limits-it-admin').admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions, configEntries: Object.entries(config).map(([name, value]) => ({ name, value })) }] });
  onTestFinished(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect();
  });
  return topic;
}

/** `count` records of about `bytes` bytes over 10 keys, each value saying its key and sequence. */
function records(count: number, bytes: number): OutgoingMessage[] {
  return Array.from({ length: count }, (_, i) => {
    const head = `k${i % 10}:${i}:`;
    return { key: `k${i % 10}`, value: head + 'x'.repeat(Math.max(0, bytes - head.length)) };
  });
}

/** Every record of the topic, as "key:sequence", per key in offset order. */
async function readBack(bus: Bus, topic: string): Promise<Map<string, number[]>> {
  const perKey = new Map<string, number[]>();
  await bus.readToEnd(topic, (m) => {
    const [key, seq] = m.value!.toString().split(':');
    perKey.set(key!, [...(perKey.get(key!) ?? []), Number(seq)]);
  });
  return perKey;
}

function expectAllInOrder(perKey: Map<string, number[]>, count: number): void {
  expect([...perKey.values()].reduce((n, seqs) => n + seqs.length, 0)).toBe(count);
  for (const [key, seqs] of perKey) expect(seqs, key).toEqual([...seqs].sort((a, b) => a - b));
}

describe('Kafka bus under small broker limits', () => {
  it('splits a send above max.message.bytes and above segment.bytes; every record lands once, in order per key', async () => {
    const bus = kafkaBus();
    // 16 KiB per record batch; and 8 MiB per message but 1 MiB segments (Kafka's smallest segment).
    const small = await topicWith({ 'max.message.bytes': '16384' });
    const segmented = await topicWith({ 'max.message.bytes': String(8 * 1024 * 1024), 'segment.bytes': String(1024 * 1024) }, 1);
    const producer = await bus.producer();
    onTestFinished(() => producer.close());
    // 2,000 × 300 B = ~600 KB (37 × the batch limit) and 3,000 × 1 KB = ~3 MB in one partition (3 × the segment) in ONE send.
    await producer.send([{ topic: small, messages: records(2000, 300) }, { topic: segmented, messages: records(3000, 1000) }]);
    expectAllInOrder(await readBack(bus, small), 2000);
    expectAllInOrder(await readBack(bus, segmented), 3000);
    expect(await producer.maxRecordBytes(small)).toBe(16384 - 61);
    expect(await producer.maxRecordBytes(segmented)).toBe(1024 * 1024 - 61);
  });

  it('refuses a record that can never fit with RECORD_TOO_LARGE and writes nothing of the send', async () => {
    const bus = kafkaBus();
    const topic = await topicWith({ 'max.message.bytes': '4096' });
    const producer = await bus.producer();
    onTestFinished(() => producer.close());
    const send = producer.send([{ topic, messages: [...records(20, 100), { key: 'big', value: 'y'.repeat(5000) }] }]);
    await expect(send).rejects.toThrow(BusError);
    await expect(send).rejects.toMatchObject({ code: 'RECORD_TOO_LARGE', message: expect.stringMatching(/above max\.message\.bytes of .* \(4096 bytes\)/) });
    expect([...(await bus.endOffsets(topic)).values()]).toEqual(['0', '0', '0']);
  });

  it('reads the limits again when the broker refuses a request because they were lowered meanwhile', async () => {
    const bus = kafkaBus();
    const topic = await topicWith({ 'max.message.bytes': String(1024 * 1024) });
    const producer = await bus.producer();
    onTestFinished(() => producer.close());
    await producer.send([{ topic, messages: records(10, 100) }]);
    // The bus now trusts 1 MiB for a while; an operator lowers the topic to 8 KiB.
    const admin = testKafkaClient(brokers, 'limits-it-admin').admin();
    await admin.connect();
    onTestFinished(() => admin.disconnect());
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'max.message.bytes', value: '8192' }] }] });
    await producer.send([{ topic, messages: records(1000, 200).map((m, i) => ({ ...m, value: String(m.value).replace(/^k\d:\d+:/, `k${i % 10}:${i + 10}:`) })) }]);
    expectAllInOrder(await readBack(bus, topic), 1010);
  });

  it('reports a consumer that fails for good through onConsumerFailure and health, never staying silently stopped', async () => {
    const failures: ConsumerFailure[] = [];
    const bus = kafkaBus({ onConsumerFailure: (failure) => failures.push(failure) });
    const input = await topicWith({}, 1);
    const output = await topicWith({ 'max.message.bytes': '4096' }, 1);
    const feeder = await bus.producer();
    onTestFinished(() => feeder.close());
    const producer = await bus.producer();
    onTestFinished(() => producer.close());
    let handled = 0;
    const groupId = `limits-it-${randomUUID()}`;
    await bus.subscribe({
      groupId,
      topics: [input],
      // Each input record makes a record for `output`; one of them can never fit its 4 KiB.
      eachBatch: async (batch) => {
        for (const m of batch.messages) {
          await producer.send([{ topic: output, messages: [{ key: null, value: m.value!.toString().repeat(m.value!.length > 10 ? 1000 : 1) }] }]);
          handled++;
        }
      },
    });
    await feeder.send([{ topic: input, messages: [{ key: null, value: 'small' }, { key: null, value: 'far too large' }] }]);
    const deadline = Date.now() + 60_000;
    while (failures.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ groupId, error: { code: 'CONSUMER_FAILED', message: expect.stringMatching(/RECORD_TOO_LARGE|above max\.message\.bytes/) } });
    expect(handled).toBe(1);
    expect(bus.health()).toMatchObject({ status: 'failed', consumers: [{ groupId, state: 'failed' }] });
  });
});
