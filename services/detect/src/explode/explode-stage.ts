// Stage 1 (explode): consumes incidents.v1 in group tocsin-detect-explode and
// repartitions: one observation per (incident, dimension key) to
// detect.observations.v1, keyed by the dimension so all state of a key lives on
// one score member. The revision memory is rebuilt on assignment from the records
// before the group's committed offset (the first offset the bus delivers).
import {
  compileValidator, decodeJson, encodeEvent, PartitionWatermarks,
  type Bus, type BusMessage, type UpstreamWatermarkRecord, type IncidentEvent, type Logger, type MessageBatch, type PartitionRef, type Producer, type Subscription,
} from '@tocsin/core';
import type { DetectorPlan } from '../config';
import { DEFAULT_DETECT_TOPICS, type DetectTopics } from '../topics';
import { RECORD_HEADER, WATERMARK_RECORD, watermarkKeys, type SourceMark, type WatermarkRecord } from '../watermark';
import { Exploder, type KeyedObservation } from './exploder';

export const EXPLODE_GROUP = 'tocsin-detect-explode';

export interface ExplodeStageDeps {
  bus: Bus;
  plan: () => DetectorPlan;
  logger: Logger;
  maxBatchSize?: number;
  groupId?: string;
  topics?: DetectTopics;
  /** An incidents partition read to its end with nothing new for this long (or never delivered since assignment) counts as idle. Default 30 s. */
  idleMs?: number;
  /** How often the marks are re-checked without a batch (an idle period ending), and re-sent if they changed. Default 5 s. */
  tickMs?: number;
  clock?: () => number;
}

interface SourceProgress {
  /** The last batch reached the partition's end. */
  caughtUp: boolean;
  /** Processing time of the last batch, or of the assignment before the first. */
  lastBatchAt: number;
  batched: boolean;
  /** The partition was empty when last looked at (only looked at until its first batch). */
  empty: boolean;
}

export interface ExplodeStageStats {
  incidents: number;
  new: number;
  revised: number;
  duplicate: number;
  stale: number;
  invalid: number;
  observations: number;
  remembered: number;
  /** Watermark records of ingest read on incidents.v1 (control records, not incidents). */
  upstreamMarks: number;
}

const validateIncident = compileValidator<IncidentEvent>('incident-event.v1');

export interface ExplodeStage {
  start(): Promise<void>;
  stop(): Promise<void>;
  stats(): ExplodeStageStats;
}

export function createExplodeStage(deps: ExplodeStageDeps): ExplodeStage {
  const log = deps.logger.child({ stage: 'explode' });
  const topics = deps.topics ?? DEFAULT_DETECT_TOPICS;
  const exploders = new Map<number, Exploder>();
  const pendingRestore = new Set<number>();
  const counts = { incidents: 0, new: 0, revised: 0, duplicate: 0, stale: 0, invalid: 0, observations: 0, upstreamMarks: 0 };
  /** Per incidents partition: ingest's marks of the partner partitions whose records land there. */
  const upstream = new Map<number, PartitionWatermarks>();
  let lastMarks = '';
  let ticker: NodeJS.Timeout | null = null;
  // Batches and mark ticks one after another: a tick must never announce a batch whose observations are not sent yet.
  let queue: Promise<void> = Promise.resolve();
  const serial = (work: () => Promise<void>): Promise<void> => {
    const run = queue.then(work);
    queue = run.catch(() => {});
    return run;
  };
  let producer: Producer | null = null;
  let subscription: Subscription | null = null;
  let batches = 0;
  const clock = deps.clock ?? Date.now;
  const idleMs = deps.idleMs ?? 30_000;
  const progress = new Map<number, SourceProgress>();
  let sourceCount = 0;
  let markKeys: string[] = [];

  /**
   * How far one incidents partition is complete. With ingest's marks (records through
   * ingest): the slowest busy partner partition whose records land there, so a partner
   * partition read later than the others holds the buckets open instead of having its
   * records dropped. Without (records written to incidents.v1 directly): the newest day
   * exploded, idle when read to its end with nothing new for `idleMs` (or empty).
   */
  function markOf(source: number, p: SourceProgress, now: number): SourceMark {
    const exploder = exploders.get(source);
    const first = exploder?.earliestDay ?? null;
    const up = upstream.get(source);
    if (up?.engaged) {
      const day = up.day();
      return { source, day: Number.isFinite(day) ? day : null, first, idle: false };
    }
    return {
      source,
      day: exploder?.newestDay ?? null,
      first,
      idle: (p.empty && !p.batched) || ((p.caughtUp || !p.batched) && now - p.lastBatchAt > idleMs),
    };
  }

  /** One record per observations partition: how far each incidents partition of this member is complete. */
  function watermarkMessages(): Array<{ key: string; value: Buffer; headers: Record<string, string> }> {
    const now = clock();
    const marks = [...progress].map(([source, p]) => markOf(source, p, now));
    const record: WatermarkRecord = { sources: sourceCount, marks };
    const value = encodeEvent(record);
    lastMarks = value.toString('utf8');
    return markKeys.map((key) => ({ key, value, headers: { [RECORD_HEADER]: WATERMARK_RECORD } }));
  }

  /** Ingest's control record on incidents.v1; false when the message is not one. */
  function applyUpstream(message: BusMessage, restoring = false): boolean {
    if (message.headers[RECORD_HEADER] !== WATERMARK_RECORD) return false;
    if (!restoring) counts.upstreamMarks++;
    let record: UpstreamWatermarkRecord | null = null;
    try {
      record = decodeJson(message.value) as UpstreamWatermarkRecord;
    } catch {
      record = null;
    }
    if (!record || typeof record.topics !== 'object' || record.topics === null || !Array.isArray(record.marks)) {
      log.error({ partition: message.partition, offset: message.offset }, 'INCIDENT_INVALID: malformed watermark record on incidents.v1 skipped');
      return true;
    }
    let up = upstream.get(message.partition);
    if (!up) upstream.set(message.partition, (up = new PartitionWatermarks()));
    up.update(record.topics, record.marks);
    return true;
  }

  /** Without batches, an idle period may end: send the marks again when they changed. */
  async function tick(): Promise<void> {
    if (!producer || progress.size === 0 || markKeys.length === 0) return;
    const messages = watermarkMessages();
    const value = messages[0]!.value.toString('utf8');
    if (value === sentMarks) return;
    await producer.send([{ topic: topics.observations, messages }]);
    sentMarks = value;
  }
  let sentMarks = '';

  // Revisions can only change buckets that are still open: remember a little longer than the lateness.
  const newExploder = (): Exploder =>
    new Exploder(() => deps.plan().dimensions, () => deps.plan().allowedLatenessDays + 2);

  function decode(value: Buffer | null): IncidentEvent | null {
    let data: unknown;
    try {
      data = decodeJson(value);
    } catch {
      return null;
    }
    const checked = validateIncident(data);
    return checked.ok ? checked.value : null;
  }

  async function restore(partition: number, before: bigint): Promise<Exploder> {
    const exploder = newExploder();
    upstream.delete(partition);
    await deps.bus.readToEnd(
      topics.incidents,
      (message) => {
        if (BigInt(message.offset) >= before) return;
        if (applyUpstream(message, true)) return;
        const event = decode(message.value);
        if (event) exploder.remember(event);
      },
      [partition],
    );
    exploder.prune();
    log.info({ partition, remembered: exploder.remembered, before: String(before) }, 'explode revision memory restored');
    return exploder;
  }

  async function handle(batch: MessageBatch): Promise<void> {
    let exploder = exploders.get(batch.partition);
    if (!exploder || pendingRestore.has(batch.partition)) {
      exploder = await restore(batch.partition, BigInt(batch.messages[0]?.offset ?? batch.highWatermark));
      exploders.set(batch.partition, exploder);
      pendingRestore.delete(batch.partition);
    }
    const out: KeyedObservation[] = [];
    const source = progress.get(batch.partition) ?? { caughtUp: false, batched: false, empty: false, lastBatchAt: clock() };
    progress.set(batch.partition, source);
    for (const message of batch.messages) {
      if (applyUpstream(message)) continue;
      counts.incidents++;
      const event = decode(message.value);
      if (!event) {
        // ingest validated it; a bad record here is a bug upstream, logged and skipped.
        counts.invalid++;
        log.error({ partition: batch.partition, offset: message.offset }, 'INCIDENT_INVALID: record on incidents.v1 is not an IncidentEvent; skipped');
        continue;
      }
      const { outcome } = exploder.explode(event, out);
      counts[outcome]++;
    }
    const last = batch.messages[batch.messages.length - 1];
    source.batched = true;
    source.lastBatchAt = clock();
    source.caughtUp = last !== undefined && BigInt(last.offset) + 1n >= BigInt(batch.highWatermark);
    // A partition never read since assignment holds the others back unless it is empty right now.
    const unread = [...progress].filter(([, p]) => !p.batched);
    if (unread.length > 0) {
      const ends = await deps.bus.endOffsets(topics.incidents);
      for (const [partition, p] of unread) p.empty = ends.get(partition) === '0';
    }
    try {
      // Observations first, then the watermarks: on each observations partition a mark follows what it covers.
      const marks = watermarkMessages();
      await producer!.send([
        { topic: topics.observations, messages: [...out.map((o) => ({ key: o.topicKey, value: encodeEvent(o.observation) })), ...marks] },
      ]);
      sentMarks = lastMarks;
    } catch (error) {
      // The memory already holds this batch's revisions: rebuild it before the retry.
      pendingRestore.add(batch.partition);
      throw error;
    }
    counts.observations += out.length;
    if (++batches % 100 === 0) for (const e of exploders.values()) e.prune();
  }

  return {
    async start() {
      producer = await deps.bus.producer();
      sourceCount = (await deps.bus.endOffsets(topics.incidents)).size;
      markKeys = watermarkKeys((await deps.bus.endOffsets(topics.observations)).size);
      subscription = await deps.bus.subscribe({
        groupId: deps.groupId ?? EXPLODE_GROUP,
        topics: [topics.incidents],
        fromBeginning: true,
        maxBatchSize: deps.maxBatchSize ?? 1000,
        onAssigned: async (partitions: PartitionRef[]) => {
          const ends = await deps.bus.endOffsets(topics.incidents);
          for (const p of partitions) {
            pendingRestore.add(p.partition);
            // An empty partition has nothing to wait for.
            progress.set(p.partition, { caughtUp: false, batched: false, empty: ends.get(p.partition) === '0', lastBatchAt: clock() });
          }
        },
        onRevoked: async (partitions: PartitionRef[]) => {
          for (const p of partitions) {
            exploders.delete(p.partition);
            upstream.delete(p.partition);
            pendingRestore.delete(p.partition);
            progress.delete(p.partition);
          }
        },
        eachBatch: (batch) => serial(() => handle(batch)),
      });
      ticker = setInterval(() => void serial(tick).catch((error: unknown) => log.warn({ err: error }, 'sending the watermark marks failed; retried at the next tick')), deps.tickMs ?? 5_000);
      ticker.unref();
    },
    async stop() {
      if (ticker) clearInterval(ticker);
      ticker = null;
      await subscription?.stop();
      subscription = null;
      await producer?.close();
      producer = null;
    },
    stats() {
      let remembered = 0;
      for (const e of exploders.values()) remembered += e.remembered;
      return { ...counts, remembered };
    },
  };
}
