// `npm run bench -- ingest`: throughput of the ingest service.
// (1) in process, per core: processRecord (decode, validate, normalise, pseudonymise, hash,
//     de-duplicate) vs a bare JSON.parse of the same JSON records; CSV records alone too;
// (2) through real Kafka: the ingest service vs a bare kafkajs eachBatch consumer reading the
//     same records from the same topics and partitions (goal: ratio >= 0.5).
// Kafka is the one in KAFKA_BROKERS, else a throw-away broker started by scripts/provision.
// Records come from the simulator, so they look like real partner feeds (JSON and CSV).
import { randomBytes, randomUUID } from 'node:crypto';
import { compileValidator, createKafkaBus, loadTaxonomy, silentLogger, type BusMessage, type Incident, type PartnerConfig } from '@tocsin/core';
import { createScenario } from '@tocsin/simulator';
import { Kafka, logLevel } from 'kafkajs';
import { benchBrokers } from '../../../scripts/provision/kafka';
import { buildIngest } from '../src/app';
import { ingestConfig, type IngestConfig } from '../src/config';
import { DedupeStore } from '../src/dedupe';
import { decodeJsonRecord } from '../src/decode/json';
import { countryIndex } from '../src/normalise/country';
import { normaliseIncident } from '../src/normalise/incident';
import { processRecord, type ProcessContext } from '../src/process-record';
import { createPseudonymiser } from '../src/pseudonymise';

export interface IngestBenchOptions {
  /** Records pushed through Kafka (default 60,000). */
  kafkaRecords?: number;
  /** Records per in-process pass (default 40,000). */
  inProcessRecords?: number;
  /** Partitions per partner topic (default 3). */
  partitions?: number;
  /** Partner agencies of the scenario; the first four give two JSON and two CSV feeds. */
  partners?: number;
  /** Skip the Kafka part (in-process figures only). */
  skipKafka?: boolean;
  /** Skip the in-process part (Kafka figures only). */
  skipInProcess?: boolean;
  /** Overrides of the ingest service's configuration in the Kafka part, to compare settings. */
  ingest?: Partial<Pick<IngestConfig, 'maxBatchSize' | 'partitionsConcurrently' | 'fetchMaxBytesPerPartition'>>;
  /** Kafka to use; default KAFKA_BROKERS, else a broker is started for the run. */
  brokers?: string;
  print?: (line: string) => void;
}

export interface RateFigure {
  records: number;
  seconds: number;
  perSecond: number;
}

export interface IngestBenchResult {
  inProcess?: {
    /** Whole processRecord on JSON records. */
    json: RateFigure;
    /** Decode + normalise + validate only (the brief's "validate+normalise", JSON.parse included). */
    validateNormalise: RateFigure;
    jsonParse: RateFigure;
    csv: RateFigure;
    /** processRecord / JSON.parse. */
    ratio: number;
    /** validate+normalise / JSON.parse. */
    validateNormaliseRatio: number;
    outcomes: Record<string, number>;
  };
  kafka?: {
    ingest: RateFigure;
    bare: RateFigure;
    ratio: number;
    /**
     * CPU time of this process (both threads' work: our code and kafkajs) per record while each
     * consumer ran, in µs. Unlike wall time it hardly depends on what else the machine runs.
     */
    cpuMicrosPerRecord: { ingest: number; bare: number };
    partitions: number;
    brokerStartedForRun: boolean;
  };
}

const GOAL_IN_PROCESS = 100_000;
const GOAL_KAFKA_RATIO = 0.5;

interface Sample {
  partner: PartnerConfig;
  key: string;
  value: Buffer;
}

/** Simulated partner records, in arrival order, from days well in the past (no future_occurred_at). */
function sampleRecords(count: number, partnerCount: number): { partners: PartnerConfig[]; samples: Sample[] } {
  const days = 300;
  const start = new Date(Date.now() - (days + 100) * 86_400_000).toISOString().slice(0, 10);
  // The rate option counts all simulated partners; scale it so the partners kept send `count` in `days`.
  const probe = createScenario({ seed: 11, start, days, partners: partnerCount, trends: 'none' });
  const ratePerDay = Math.ceil(((probe.options.ratePerDay * count) / (probe.baselinePerDay * days)) * 1.3);
  const scenario = createScenario({ seed: 11, start, days, partners: partnerCount, ratePerDay, trends: 'none' });
  const byId = new Map(scenario.partners.map((p) => [p.id, p]));
  const samples: Sample[] = [];
  for (const incident of scenario.arrivals()) {
    const record = scenario.encode(incident);
    samples.push({ partner: byId.get(record.partner)!, key: record.key, value: record.value });
    if (samples.length >= count) break;
  }
  return { partners: scenario.partners, samples };
}

function rate(records: number, ms: number): RateFigure {
  return { records, seconds: ms / 1000, perSecond: records / (ms / 1000) };
}

function keys(): Pick<IngestConfig, 'pseudonymKey' | 'deadLetterKey'> {
  return { pseudonymKey: randomBytes(32), deadLetterKey: randomBytes(32) };
}

/**
 * Best of `passes` runs after one warm-up, in milliseconds of CPU time of this process: the
 * figure is per core, and CPU time does not count time the scheduler gave to other processes.
 */
function bestOf(passes: number, run: () => void): number {
  run();
  let best = Infinity;
  for (let i = 0; i < passes; i++) {
    const started = process.cpuUsage();
    run();
    const used = process.cpuUsage(started);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

function inProcessBench(samples: Sample[], partners: PartnerConfig[]): NonNullable<IngestBenchResult['inProcess']> {
  const config = ingestConfig({ ...keys(), source: 'ingest/bench' });
  countryIndex();
  const base: Omit<ProcessContext, 'dedupe'> = {
    partners: new Map(partners.map((p) => [p.id, p])),
    taxonomy: loadTaxonomy(),
    validateIncident: compileValidator<Incident>('incident.v1'),
    pseudonymiser: createPseudonymiser(config.pseudonymKey),
    config,
    now: Date.now(),
  };
  const toMessages = (list: Sample[]): BusMessage[] =>
    list.map((s, i) => ({ topic: `partner.${s.partner.id}.incidents`, partition: 0, offset: String(i), key: Buffer.from(s.key), value: s.value, timestamp: Date.now(), headers: {} }));
  const json = toMessages(samples.filter((s) => s.partner.format === 'json'));
  const csv = toMessages(samples.filter((s) => s.partner.format === 'csv'));
  const outcomes: Record<string, number> = {};
  const pass = (messages: BusMessage[], count: boolean) => () => {
    // A fresh state per pass: every record is new, so each pass does the full work.
    const ctx: ProcessContext = { ...base, dedupe: new DedupeStore(config.retentionMs).stage() };
    for (const m of messages) {
      for (const o of processRecord(m, ctx)) {
        if (count) {
          const key = o.kind === 'rejected' ? `rejected:${o.deadLetter.reason}` : o.kind;
          outcomes[key] = (outcomes[key] ?? 0) + 1;
        }
      }
    }
  };
  pass([...json, ...csv], true)();
  const jsonMs = bestOf(3, pass(json, false));
  const csvMs = csv.length > 0 ? bestOf(3, pass(csv, false)) : 0;
  let sink = 0;
  const parseMs = bestOf(3, () => {
    for (const m of json) sink += (JSON.parse(m.value!.toString('utf8')) as { id: string }).id.length;
  });
  if (sink < 0) throw new Error('unreachable: keeps JSON.parse from being optimised away');
  const byId = base.partners;
  const normaliseContext = { taxonomy: base.taxonomy, validateIncident: base.validateIncident, now: base.now, futureSkewMs: config.futureSkewMs };
  const partnerOf = json.map((m) => byId.get(config.partnerTopicPattern.exec(m.topic)![1]!)!);
  const validateNormaliseMs = bestOf(3, () => {
    for (let i = 0; i < json.length; i++) {
      const decoded = decodeJsonRecord(json[i]!.value);
      if (decoded.ok) sink += normaliseIncident(decoded.value, partnerOf[i]!, normaliseContext).ok ? 1 : 0;
    }
  });
  const jsonRate = rate(json.length, jsonMs);
  const parseRate = rate(json.length, parseMs);
  const validateNormalise = rate(json.length, validateNormaliseMs);
  return {
    json: jsonRate,
    validateNormalise,
    jsonParse: parseRate,
    csv: rate(csv.length, csvMs),
    ratio: jsonRate.perSecond / parseRate.perSecond,
    validateNormaliseRatio: validateNormalise.perSecond / parseRate.perSecond,
    outcomes,
  };
}

async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`bench: timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function waitUntilAsync(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`bench: timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function kafkaBench(brokers: string, samples: Sample[], partners: PartnerConfig[], partitions: number, overrides: IngestBenchOptions['ingest'] = {}): Promise<Omit<NonNullable<IngestBenchResult['kafka']>, 'brokerStartedForRun'>> {
  // Topic names unique to this run, so a shared broker is not polluted and nothing old is read.
  const run = `bench${randomUUID().slice(0, 8)}`;
  const topicOf = (partnerId: string) => `${run}.partner.${partnerId}.incidents`;
  const kafka = new Kafka({ clientId: 'tocsin-ingest-bench', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const topics = partners.map((p) => topicOf(p.id));
  try {
    // waitForLeaders of kafkajs can fail while a new topic's metadata propagates; poll instead.
    await admin.createTopics({ waitForLeaders: false, topics: topics.map((topic) => ({ topic, numPartitions: partitions })) });
    await waitUntilAsync(
      () => admin.fetchTopicMetadata({ topics }).then((m) => m.topics.every((t) => t.partitions.length === partitions && t.partitions.every((p) => p.leader >= 0))).catch(() => false),
      30_000,
      'leaders of the bench topics',
    );
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let i = 0; i < samples.length; i += 5_000) {
      const chunk = samples.slice(i, i + 5_000);
      const byTopic = new Map<string, { key: string; value: Buffer }[]>();
      for (const s of chunk) {
        const list = byTopic.get(topicOf(s.partner.id)) ?? [];
        list.push({ key: s.key, value: s.value });
        byTopic.set(topicOf(s.partner.id), list);
      }
      await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
    }
    await producer.disconnect();

    // Bare consumer: the floor any Kafka consumer pays (fetch, decode, commit per batch).
    const consumer = kafka.consumer({ groupId: `${run}-bare`, maxWaitTimeInMs: 500 });
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    let bareCount = 0;
    const bareStarted = performance.now();
    const bareCpu = process.cpuUsage();
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        bareCount += batch.messages.length;
        const last = batch.messages[batch.messages.length - 1];
        if (last) {
          resolveOffset(last.offset);
          await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }]);
        }
        await heartbeat();
      },
    });
    await waitUntil(() => bareCount >= samples.length, 300_000, 'the bare consumer');
    const bareMs = performance.now() - bareStarted;
    const bareCpuUsed = process.cpuUsage(bareCpu);
    await consumer.disconnect();

    const bus = createKafkaBus({ brokers: brokers.split(','), clientId: 'tocsin-ingest-bench', logger: silentLogger() });
    const config = ingestConfig({
      ...keys(),
      source: 'ingest/bench',
      groupId: `${run}-ingest`,
      incidentsTopic: `${run}.incidents.v1`,
      deadLetterTopic: `${run}.dead-letter.v1`,
      partnerTopicPattern: new RegExp(`^${run}\\.partner\\.([a-z0-9][a-z0-9-]{1,62})\\.incidents$`),
      ...overrides,
    });
    const ingest = buildIngest({ bus, partners, taxonomy: loadTaxonomy(), config, logger: silentLogger(), clock: Date.now });
    const handled = () => {
      let n = 0;
      for (const s of Object.values(ingest.stats().partners)) n += s.accepted + s.updated + s.duplicate + Object.values(s.rejected).reduce((a, b) => a + (b ?? 0), 0);
      return n;
    };
    // Topics are created before the clock starts, as they were for the bare consumer.
    await bus.ensureTopics([
      { topic: config.incidentsTopic, partitions: config.incidentsPartitions },
      { topic: config.deadLetterTopic, partitions: config.deadLetterPartitions },
    ]);
    const ingestStarted = performance.now();
    const ingestCpu = process.cpuUsage();
    await ingest.start();
    await waitUntil(() => handled() >= samples.length, 300_000, 'the ingest service');
    const ingestMs = performance.now() - ingestStarted;
    const ingestCpuUsed = process.cpuUsage(ingestCpu);
    await ingest.stop();
    await bus.close();
    await admin.deleteTopics({ topics: [...topics, config.incidentsTopic, config.deadLetterTopic] }).catch(() => {});
    const ingestRate = rate(samples.length, ingestMs);
    const bareRate = rate(samples.length, bareMs);
    const perRecord = (used: NodeJS.CpuUsage) => (used.user + used.system) / samples.length;
    return {
      ingest: ingestRate,
      bare: bareRate,
      ratio: ingestRate.perSecond / bareRate.perSecond,
      cpuMicrosPerRecord: { ingest: perRecord(ingestCpuUsed), bare: perRecord(bareCpuUsed) },
      partitions: partitions * partners.length,
    };
  } finally {
    await admin.disconnect();
  }
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

export async function runIngestBench(options: IngestBenchOptions = {}): Promise<IngestBenchResult> {
  const print = options.print ?? ((line: string) => console.log(line));
  const partnerCount = options.partners ?? 4;
  const inProcessRecords = options.inProcessRecords ?? 40_000;
  const kafkaRecords = options.kafkaRecords ?? 60_000;
  const { partners, samples } = sampleRecords(Math.max(inProcessRecords, options.skipKafka ? 0 : kafkaRecords), partnerCount);

  const result: IngestBenchResult = {};
  if (!options.skipInProcess) {
    const inProcess = inProcessBench(samples.slice(0, inProcessRecords), partners);
    result.inProcess = inProcess;
    print('ingest: in process, per core (CPU time, best of 3 passes)');
    print('| what | records | records/s | goal |');
    print('|---|---:|---:|---|');
    const goal = (perSecond: number) => `>= ${fmt(GOAL_IN_PROCESS)}: ${perSecond >= GOAL_IN_PROCESS ? 'met' : 'NOT met'}`;
    print(`| JSON: decode + normalise + validate (JSON.parse included) | ${fmt(inProcess.validateNormalise.records)} | ${fmt(inProcess.validateNormalise.perSecond)} | ${goal(inProcess.validateNormalise.perSecond)} |`);
    print(`| JSON: whole processRecord (+ pseudonymise, hash, de-duplicate) | ${fmt(inProcess.json.records)} | ${fmt(inProcess.json.perSecond)} | ${goal(inProcess.json.perSecond)} |`);
    print(`| JSON: bare JSON.parse of the same records | ${fmt(inProcess.jsonParse.records)} | ${fmt(inProcess.jsonParse.perSecond)} | |`);
    print(`| CSV: whole processRecord | ${fmt(inProcess.csv.records)} | ${fmt(inProcess.csv.perSecond)} | |`);
    print(`| ratio to JSON.parse: validate+normalise / whole processRecord | | ${inProcess.validateNormaliseRatio.toFixed(3)} / ${inProcess.ratio.toFixed(3)} | |`);
    print(`outcomes of one pass: ${JSON.stringify(inProcess.outcomes)}`);
  }

  if (!options.skipKafka) {
    const broker = await benchBrokers(options.brokers, print);
    const brokers = broker.brokers;
    try {
      const figures = await kafkaBench(brokers, samples.slice(0, kafkaRecords), partners, options.partitions ?? 3, options.ingest);
      result.kafka = { ...figures, brokerStartedForRun: broker.startedForRun };
      print(`ingest: through Kafka at ${brokers}, ${figures.partitions} partner partitions, group join included in both${options.ingest ? `, ingest settings ${JSON.stringify(options.ingest)}` : ''}`);
      print('| consumer | records | seconds | records/s | CPU µs/record (this process) |');
      print('|---|---:|---:|---:|---:|');
      print(`| ingest service (processRecord + produce incidents/dead letters + commit) | ${fmt(figures.ingest.records)} | ${figures.ingest.seconds.toFixed(2)} | ${fmt(figures.ingest.perSecond)} | ${figures.cpuMicrosPerRecord.ingest.toFixed(1)} |`);
      print(`| bare kafkajs eachBatch (count + commit) | ${fmt(figures.bare.records)} | ${figures.bare.seconds.toFixed(2)} | ${fmt(figures.bare.perSecond)} | ${figures.cpuMicrosPerRecord.bare.toFixed(1)} |`);
      print(`| ratio ingest / bare | | | ${figures.ratio.toFixed(3)} (goal >= ${GOAL_KAFKA_RATIO}: ${figures.ratio >= GOAL_KAFKA_RATIO ? 'met' : 'NOT met'}) |`);
    } finally {
      await broker.stop();
    }
  }
  return result;
}

/** Value of a numeric `--name=value` argument, if given. */
function numberArg(name: string): number | undefined {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  if (arg === undefined) return undefined;
  const value = Number(arg.slice(name.length + 3));
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} needs a positive integer, got ${arg}`);
  return value;
}

// Direct run: npx tsx services/ingest/bench/ingest.ts [--skip-kafka | --skip-in-process]
//   [--max-batch=N] [--concurrency=N] [--fetch-partition-bytes=N] (ingest settings of the Kafka part)
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*services\/ingest/, 'services/ingest'))) {
  const ingest: NonNullable<IngestBenchOptions['ingest']> = {};
  const maxBatch = numberArg('max-batch');
  const concurrency = numberArg('concurrency');
  const fetchBytes = numberArg('fetch-partition-bytes');
  if (maxBatch !== undefined) ingest.maxBatchSize = maxBatch;
  if (concurrency !== undefined) ingest.partitionsConcurrently = concurrency;
  if (fetchBytes !== undefined) ingest.fetchMaxBytesPerPartition = fetchBytes;
  runIngestBench({
    skipKafka: process.argv.includes('--skip-kafka'),
    skipInProcess: process.argv.includes('--skip-in-process'),
    ...(Object.keys(ingest).length > 0 ? { ingest } : {}),
  }).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
