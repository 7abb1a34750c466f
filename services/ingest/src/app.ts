// The ingest service, built from its dependencies (no I/O on import). Delivery design:
// - consume partner topics in group `tocsin-ingest`, processing one batch at a time (with
//   partitionsConcurrently > 1, another partition's batch may be waiting for the broker);
// - turn every record of the batch into incident events and dead letters (processRecord),
//   send them all, and return only once the broker acknowledged them: the bus then commits
//   the batch's offsets. A crash in between re-delivers the batch;
// - the de-duplication state is rebuilt from incidents.v1 at start and caught up to its end
//   offsets on every (re)assignment, so a redelivered record whose event another instance
//   (or this one before a crash) already produced is recognised: no loss, no duplicate.
import {
  compileValidator, encodeEvent,
  type Bus, type BusMessage, type Incident, type Logger, type OutgoingMessage, type PartnerConfig, type PartitionRef, type Producer, type Subscription, type Taxonomy,
} from '@tocsin/core';
import type { IngestConfig } from './config';
import { DedupeStore, sourceHeaders, type DedupeStage } from './dedupe';
import { FeedHealth, type FeedProblem, type FeedState } from './feed-health';
import { encodeIncidentEvent, processRecord, incidentKey, type ProcessContext, type RecordOutcome } from './process-record';
import { createPseudonymiser } from './pseudonymise';
import { PartnerMarks, type BatchProgress } from './partner-marks';
import { StatsCounter, UNKNOWN_PARTNER, type IngestStats } from './stats';

export interface IngestDeps {
  bus: Bus;
  partners: PartnerConfig[];
  taxonomy: Taxonomy;
  config: IngestConfig;
  logger: Logger;
  /** ms since the epoch; injectable so tests control "now". */
  clock: () => number;
  /** Real time for feed health (lag, stall, silence); default Date.now. The simulated demo's `clock` runs faster. */
  wallClock?: () => number;
  /** How often partner lag is measured. Default 5 s. */
  feedHealthIntervalMs?: number;
  /** A partner partition read to its end with nothing new for this long is marked idle in the watermarks. Default 30 s. */
  idleMs?: number;
  /** How often idleness is re-checked without a batch (marks re-sent when it changed). Default 5 s. */
  markTickMs?: number;
  /**
   * Processing time for the idle period of partner partitions (`idleMs`); default `clock`. The
   * embedded demo passes the wall clock: its `clock` runs at days per second, so 30 s of it were
   * 30 ms of real time and every partition between two batches counted as idle (the others' newest
   * day then made its records late: 7 % of observations dropped in `npm start`).
   */
  idleClock?: () => number;
}

export interface IngestHealth {
  status: 'ok' | 'degraded';
  /** Per partner: lag, last record handled, status. */
  feeds: Record<string, FeedState>;
  /** Partners whose feed is not ok, and why. */
  degraded: Array<{ partner: string; problem: FeedProblem }>;
  limits: { max_lag_records: number; stall_after_s: number; max_silence_s: number };
}

export interface Ingest {
  /** Creates the output topics, restores the de-duplication state, then starts consuming. */
  start(): Promise<void>;
  /** Finishes the in-flight batch, commits it, leaves the group and closes the producer. */
  stop(): Promise<void>;
  stats(): IngestStats;
  health(): IngestHealth;
  /** Measures partner lag now (health measures on a timer). */
  measureFeeds(): Promise<void>;
  /** These partners' feeds are over (a replayed file or the demo's simulator ended): their silence is not a fault. */
  endFeeds(partners: readonly string[]): void;
}

/** Pruning walks the whole state; once a minute is plenty for a 90-day window. */
const PRUNE_INTERVAL_MS = 60_000;

export function buildIngest(deps: IngestDeps): Ingest {
  const { bus, config, clock } = deps;
  const idleClock = deps.idleClock ?? clock;
  const log = deps.logger.child({ component: 'ingest' });
  const dedupe = new DedupeStore(config.retentionMs);
  const stats = new StatsCounter();
  const partners = new Map(deps.partners.map((p) => [p.id, p]));
  const feeds = new FeedHealth(bus, [...partners.keys()], {
    maxLagRecords: config.feedMaxLagRecords, stallAfterMs: config.feedStallAfterMs, maxSilenceMs: config.feedMaxSilenceMs,
  }, deps.wallClock ?? Date.now);
  const base: Omit<ProcessContext, 'dedupe' | 'now'> = {
    partners,
    taxonomy: deps.taxonomy,
    validateIncident: compileValidator<Incident>('incident.v1'),
    pseudonymiser: createPseudonymiser(config.pseudonymKey),
    config,
  };
  let producer: Producer | null = null;
  let subscription: Subscription | null = null;
  let state: 'new' | 'starting' | 'running' | 'stopped' = 'new';
  let lastPrune = 0;
  // Event-time progress per partner partition, sent to incidents.v1 after what it covers.
  const marks = new PartnerMarks(deps.idleMs ?? 30_000);
  let ticker: NodeJS.Timeout | null = null;
  // A tick's marks must not overtake a batch's newer ones: ticks wait while batches are being sent.
  let sending = 0;
  let tickSend: Promise<void> = Promise.resolve();
  // A send that failed may still have written part of the batch (the broker acknowledged
  // some records before the error): read them back before processing the retry. Counted, not
  // a flag: a send of another partition may fail while a catch-up is already under way.
  let failedSends = 0;
  let failedSendsReadBack = 0;
  // Batches are processed and catch-ups run one after another: a batch's de-dup reads and
  // staged writes must not interleave with another batch's processing or with a catch-up.
  // Sends of different partitions' batches may overlap (see handleBatch).
  let queue: Promise<void> = Promise.resolve();
  const serial = (work: () => Promise<void>): Promise<void> => {
    const run = queue.then(work);
    queue = run.catch(() => {});
    return run;
  };

  function prune(now: number): void {
    // The interval is real time: `now` is simulated time in the embedded demo (a day per second),
    // where a simulated minute would walk the whole state on every batch and log each time.
    if (Date.now() - lastPrune < PRUNE_INTERVAL_MS) return;
    lastPrune = Date.now();
    const removed = dedupe.prune(now);
    if (removed > 0) log.info({ removed, entries: dedupe.size }, 'pruned incidents older than the retention window');
  }

  async function catchUp(why: string): Promise<void> {
    const ends = await bus.endOffsets(config.incidentsTopic);
    if (dedupe.caughtUpWith(ends)) return;
    const started = Date.now();
    let applied = 0;
    await bus.readToEnd(config.incidentsTopic, (message) => {
      if (dedupe.hasApplied(message)) return;
      if (dedupe.applyIncidentMessage(message)) applied++;
    });
    lastPrune = 0;
    prune(clock());
    log.info({ why, applied, entries: dedupe.size, ms: Date.now() - started }, 'de-duplication state caught up with the incidents topic');
  }

  function toMessages(outcomes: readonly RecordOutcome[]): { incidents: OutgoingMessage[]; deadLetters: OutgoingMessage[] } {
    const incidents: OutgoingMessage[] = [];
    const deadLetters: OutgoingMessage[] = [];
    for (const outcome of outcomes) {
      if (outcome.kind === 'accepted') {
        const { event, source, incidentJson } = outcome;
        incidents.push({ key: incidentKey(event.incident.partner, event.incident.id), value: encodeIncidentEvent(event, incidentJson), headers: sourceHeaders(source) });
      } else if (outcome.kind === 'rejected') {
        const dl = outcome.deadLetter;
        deadLetters.push({ key: `ingest:${outcome.partner ?? UNKNOWN_PARTNER}`, value: encodeEvent(dl) });
        // Reason and position only: the message is safe, but the log is not the place to read it.
        log.debug({ id: dl.id, partner: dl.partner, reason: dl.reason, pointer: dl.pointer }, 'record dead-lettered');
      }
    }
    return { incidents, deadLetters };
  }

  interface PreparedBatch {
    stage: DedupeStage;
    outcomes: RecordOutcome[];
    incidents: OutgoingMessage[];
    deadLetters: OutgoingMessage[];
  }

  /** Turns a batch into its output. Runs in `serial`: never interleaved with a catch-up or another batch's processing. */
  async function prepareBatch(messages: readonly BusMessage[]): Promise<PreparedBatch> {
    if (failedSends > failedSendsReadBack) {
      const failed = failedSends;
      await catchUp('retry after a failed send');
      failedSendsReadBack = failed;
    }
    const now = clock();
    prune(now);
    // Cached by the bus and read again from the broker every few minutes.
    const maxEventBytes = producer ? await producer.maxRecordBytes(config.incidentsTopic) : undefined;
    // Sees the writes of batches still being sent (other partitions), so an incident seen
    // there gets the next revision, not the same one.
    const stage = dedupe.stage();
    const context: ProcessContext = { ...base, dedupe: stage, now, ...(maxEventBytes !== undefined ? { maxEventBytes } : {}) };
    const outcomes: RecordOutcome[] = [];
    try {
      // processRecord does not throw for any input (a property test feeds it hostile bytes); if a
      // bug made it throw, the batch fails and is retried by the bus rather than dropped.
      for (const message of messages) for (const outcome of processRecord(message, context)) outcomes.push(outcome);
    } catch (error) {
      stage.discard();
      throw error;
    }
    return { stage, outcomes, ...toMessages(outcomes) };
  }

  /**
   * Processing is serial, sending is not: while one partition's batch waits for the broker,
   * the next partition's batch is processed (partitionsConsumedConcurrently). The bus commits
   * a batch's offsets only after this resolves, i.e. after its own events were acknowledged.
   */
  async function handleBatch(messages: BusMessage[], topic: string, partition: number, highWatermark: string): Promise<void> {
    let prepared!: PreparedBatch;
    await serial(async () => {
      prepared = await prepareBatch(messages);
    });
    const { stage, outcomes, incidents, deadLetters } = prepared;
    if (!producer) {
      stage.discard();
      throw new Error('ingest is not started');
    }
    const last = messages[messages.length - 1];
    const progress: BatchProgress = {
      topic,
      partition,
      occurredAt: outcomes.flatMap((o) => (o.kind === 'accepted' ? [o.event.incident.occurred_at] : [])),
      caughtUp: last !== undefined && BigInt(last.offset) + 1n >= BigInt(highWatermark),
    };
    sending++;
    await tickSend;
    const now = idleClock();
    try {
      // The bus splits this into requests under the broker's limits, sent one after another:
      // the batch is done (and may be committed) only when all are acknowledged. The watermark
      // marks go last: on each incidents partition they follow the incidents they cover.
      await producer.send([
        { topic: config.incidentsTopic, messages: [...incidents, ...marks.messages(now, progress)] },
        { topic: config.deadLetterTopic, messages: deadLetters },
      ]);
    } catch (error) {
      // A failed send must leave the state as if the batch never ran; what the broker did
      // write is read back from incidents.v1 before the next batch is processed.
      stage.discard();
      failedSends++;
      log.warn({ err: error, topic, partition, records: messages.length }, 'sending the batch failed; it will be re-delivered');
      throw error;
    } finally {
      sending--;
    }
    stage.commit();
    marks.commit(progress, now);
    stats.countBatch(outcomes);
    const partner = config.partnerTopicPattern.exec(topic)?.[1];
    if (partner && messages.length > 0) feeds.handled(partner, topic, partition, Number(messages[messages.length - 1]!.offset));
    log.debug({ topic, partition, records: messages.length, incidents: incidents.length, deadLetters: deadLetters.length }, 'batch done');
  }

  /** Output topics, producer, de-duplication state restored from incidents.v1, then the subscription. */
  async function startNow(): Promise<void> {
    await bus.ensureTopics([
      { topic: config.incidentsTopic, partitions: config.incidentsPartitions, config: { 'cleanup.policy': 'delete' } },
      { topic: config.deadLetterTopic, partitions: config.deadLetterPartitions, config: { 'cleanup.policy': 'delete' } },
    ]);
    producer = await bus.producer();
    marks.setIncidentPartitions((await bus.endOffsets(config.incidentsTopic)).size);
    await serial(() => catchUp('start'));
    subscription = await bus.subscribe({
      groupId: config.groupId,
      topics: [config.partnerTopicPattern],
      fromBeginning: true,
      maxBatchSize: config.maxBatchSize,
      fetch: { maxBytesPerPartition: config.fetchMaxBytesPerPartition },
      onAssigned: (gained: PartitionRef[]) =>
        serial(async () => {
          log.info({ partitions: gained.map((p) => `${p.topic}:${p.partition}`) }, 'partitions assigned');
          // Every partner topic is announced, also those whose partitions other instances hold:
          // detect then waits for all of them, not only for the ones some instance reported.
          const counts = new Map<string, number>();
          const ends = new Map<string, string>();
          const partnerTopics = (await bus.listTopics()).filter((t) => config.partnerTopicPattern.test(t));
          for (const topic of new Set([...partnerTopics, ...gained.map((p) => p.topic)])) {
            const offsets = await bus.endOffsets(topic);
            counts.set(topic, offsets.size);
            for (const [p, end] of offsets) ends.set(`${topic}:${p}`, end);
          }
          marks.assigned(gained, counts, ends, idleClock());
          await catchUp('assignment');
        }),
      onRevoked: async (lost: PartitionRef[]) => marks.revoked(lost),
      partitionsConsumedConcurrently: config.partitionsConcurrently,
      eachBatch: (batch) => handleBatch(batch.messages, batch.topic, batch.partition, batch.highWatermark),
    });
    feeds.start(deps.feedHealthIntervalMs);
    // Without batches an idle period starts (a partner partition read to its end): tell detect.
    let ticking = false;
    ticker = setInterval(() => {
      if (sending > 0 || ticking || !producer) return;
      const messages = marks.tick(idleClock());
      if (messages.length === 0) return;
      ticking = true;
      tickSend = producer
        .send([{ topic: config.incidentsTopic, messages }])
        .catch((error: unknown) => log.warn({ err: error }, 'sending the watermark marks failed; sent again with the next batch'))
        .finally(() => (ticking = false));
    }, deps.markTickMs ?? 5_000);
    ticker.unref();
    log.info({ groupId: config.groupId, pattern: config.partnerTopicPattern.source, partners: [...partners.keys()], entries: dedupe.size }, 'ingest started');
  }

  let starting: Promise<void> | null = null;

  return {
    async start() {
      if (state !== 'new') throw new Error(`ingest cannot start: it is ${state}`);
      state = 'starting';
      starting = startNow();
      await starting;
      if (state === 'starting') state = 'running';
    },
    async stop() {
      if (state === 'stopped') return;
      state = 'stopped';
      // A stop during start (a signal at boot) waits for the start, then undoes it.
      await starting?.catch(() => {});
      feeds.stop();
      if (ticker) clearInterval(ticker);
      await subscription?.stop();
      await queue;
      await producer?.close();
      log.info({ stats: stats.snapshot(dedupe.size) }, 'ingest stopped');
    },
    stats: () => stats.snapshot(dedupe.size),
    health() {
      const { feeds: byPartner, degraded } = feeds.report();
      const l = feeds.limits;
      return {
        status: degraded.length > 0 ? 'degraded' : 'ok', feeds: byPartner, degraded,
        limits: { max_lag_records: l.maxLagRecords, stall_after_s: l.stallAfterMs / 1000, max_silence_s: l.maxSilenceMs / 1000 },
      };
    },
    measureFeeds: () => feeds.measure(),
    endFeeds: (ended) => feeds.end(ended),
  };
}
