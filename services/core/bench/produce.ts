// `npm run bench -- produce`: what splitting sends under the broker's limits costs. The same
// records go through the Kafka bus to topics whose max.message.bytes is 2 MiB (Tocsin's
// default), 256 KiB, 64 KiB and 16 KiB, and through a bare kafkajs sendBatch (idempotent,
// acks=all, one request per send, no splitting) to a topic with a 64 MiB limit, the baseline.
// Kafka is the one in KAFKA_BROKERS, else a throw-away broker started by scripts/provision.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { benchBrokers } from '../../../scripts/provision/kafka';
import { createKafkaBus, silentLogger, splitUnderLimits, type OutgoingMessage } from '../src/index';

export interface ProduceBenchOptions {
  /** Records per run (default 40,000). */
  records?: number;
  /** Records per send call, like one consumer batch of a stage (default 2,000). */
  perSend?: number;
  /** Bytes per record value (default 600, about an observation). */
  valueBytes?: number;
  brokers?: string;
  print?: (line: string) => void;
}

interface Run {
  label: string;
  limit: number;
  seconds: number;
  requests: number;
}

const LIMITS = [2 * 1024 * 1024, 256 * 1024, 64 * 1024, 16 * 1024];

export async function runProduceBench(options: ProduceBenchOptions = {}): Promise<Run[]> {
  const print = options.print ?? ((line: string) => console.log(line));
  const count = options.records ?? 40_000;
  const perSend = options.perSend ?? 2_000;
  const valueBytes = options.valueBytes ?? 600;
  const records: OutgoingMessage[] = Array.from({ length: count }, (_, i) => ({ key: `dim|key-${i % 500}`, value: `${i}:`.padEnd(valueBytes, 'x') }));
  const sends = Array.from({ length: Math.ceil(count / perSend) }, (_, i) => records.slice(i * perSend, (i + 1) * perSend));

  const broker = await benchBrokers(options.brokers, print);
  const brokers = broker.brokers;
  const kafka = new Kafka({ clientId: 'produce-bench', brokers: [brokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const topics: string[] = [];
  const topic = async (maxMessageBytes: number) => {
    const name = `bench-produce-${randomUUID()}`;
    topics.push(name);
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: name, numPartitions: 6, configEntries: [{ name: 'max.message.bytes', value: String(maxMessageBytes) }, { name: 'segment.bytes', value: String(128 * 1024 * 1024) }] }] });
    return name;
  };
  const runs: Run[] = [];
  try {
    // Baseline: one sendBatch per send, as the bus did before it split. Measured before and
    // after the bus runs (their mean is the baseline), after an untimed warm-up send.
    const bareTopic = await topic(64 * 1024 * 1024);
    const bare = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await bare.connect();
    const bareRun = async (label: string): Promise<Run> => {
      const started = performance.now();
      for (const messages of sends) await bare.sendBatch({ acks: -1, topicMessages: [{ topic: bareTopic, messages: messages.map((m) => ({ key: m.key, value: m.value })) }] });
      return { label, limit: 64 * 1024 * 1024, seconds: (performance.now() - started) / 1000, requests: sends.length };
    };
    await bare.sendBatch({ acks: -1, topicMessages: [{ topic: bareTopic, messages: sends[0]!.map((m) => ({ key: m.key, value: m.value })) }] });
    runs.push(await bareRun('bare kafkajs sendBatch, 64 MiB limit (baseline, before)'));
    const bus = createKafkaBus({ brokers: [brokers], clientId: 'produce-bench-bus', logger: silentLogger() });
    try {
      const producer = await bus.producer();
      for (const limit of LIMITS) {
        const name = await topic(limit);
        // Limits read and connection warm before the clock starts, as in a running service.
        await producer.send([{ topic: name, messages: sends[0]!.slice(0, 10) }]);
        const requests = sends.reduce((n, messages) => n + splitUnderLimits([{ topic: name, messages }], { batchBytes: () => limit, requestBytes: 4 * 1024 * 1024 }).length, 0);
        const started = performance.now();
        for (const messages of sends) await producer.send([{ topic: name, messages }]);
        runs.push({ label: `Kafka bus, max.message.bytes ${limit / 1024} KiB`, limit, seconds: (performance.now() - started) / 1000, requests });
      }
      await producer.close();
    } finally {
      await bus.close();
    }
    runs.push(await bareRun('bare kafkajs sendBatch, 64 MiB limit (baseline, after)'));
    await bare.disconnect();
  } finally {
    await admin.deleteTopics({ topics }).catch(() => {});
    await admin.disconnect();
    await broker.stop();
  }
  const bareRuns = runs.filter((r) => r.label.startsWith('bare'));
  const baseline = bareRuns.reduce((sum, r) => sum + r.seconds, 0) / bareRuns.length;
  const mb = (count * valueBytes) / 1e6;
  print(`produce: ${count} records of ${valueBytes} B (${mb.toFixed(1)} MB) in sends of ${perSend}, 6 partitions, to ${brokers}`);
  print('| producer | requests | seconds | MB/s | throughput ratio to the mean baseline |');
  print('|---|---:|---:|---:|---:|');
  for (const run of runs) print(`| ${run.label} | ${run.requests} | ${run.seconds.toFixed(2)} | ${(mb / run.seconds).toFixed(1)} | ${(baseline / run.seconds).toFixed(3)} |`);
  return runs;
}
