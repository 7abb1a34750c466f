// Stage 2 (score): consumes detect.observations.v1 in group tocsin-detect-score, so all
// observations of one key reach one member. Per batch: apply observations, close the
// buckets the watermark passed, run the detectors, then send the signals and the
// snapshots of every changed key in ONE producer call, and only then let the bus
// commit the offsets. On assignment, keys are restored from detect.state.v1.
import {
  compileValidator, decodeJson, encodeEvent, RepeatedWarnings,
  type Bus, type BusMessage, type DetectKeyState, type InfluxWriter, type Logger, type MessageBatch, type Observation,
  type PartitionRef, type Producer, type Signal, type Subscription, type TopicBatch,
} from '@tocsin/core';
import { dayIndexOf } from '../buckets';
import { DEFAULT_DETECT_TOPICS, type DetectTopics } from '../topics';
import type { DetectorPlan } from '../config';
import { dimensionTopicKey } from '../keys';
import { KeyState } from './key-state';
import { PartitionScorer, type ClosedBucket } from './partition-scorer';
import { RECORD_HEADER, WATERMARK_RECORD, type WatermarkRecord } from '../watermark';
import { noveltySignals } from './novelty';
import { emergenceSignals } from './emergence-signals';
import { metricPoints, MULTIPLE_TESTING_FAMILIES, signalsForBucket } from './signals';
import { FALLBACK_WARNING_INTERVAL_MS, RateLimitedWarnings } from './rate-limited-warnings';
import { changelogMessages, EvidenceRestore, parseEvidenceRecordKey } from './state-changelog';

export const SCORE_GROUP = 'tocsin-detect-score';
/** Per-partition health of the score stage, one point per batch (counters are cumulative per partition owner). */
export const STAGE_MEASUREMENT = 'tocsin_detect';

export interface ScoreStageDeps {
  bus: Bus;
  plan: () => DetectorPlan;
  logger: Logger;
  influx?: InfluxWriter;
  clock: () => number;
  source: string;
  /** Called with every signal sent (for recentSignals). */
  onSignals(signals: Signal[]): void;
  maxBatchSize?: number;
  groupId?: string;
  topics?: DetectTopics;
  /**
   * Write the snapshot of every changed key to detect.state.v1 (default true). Off only where
   * nothing can restore from it: the embedded pipeline, whose in-process bus ends with the
   * process (there the changelog was the largest topic and a fifth of the CPU). Without it, a
   * failed batch is retried against the in-memory state, whose per-key offsets skip what it
   * already counted, instead of against the last written snapshots.
   */
  changelog?: boolean;
}

export interface ScoreStageStats {
  observations: number;
  /** Watermark records of the explode stage read (control records on the observations topic). */
  watermarks: number;
  applied: number;
  replayedSkipped: number;
  lateDropped: number;
  invalid: number;
  signals: number;
  bucketsClosed: number;
  detectorRuns: number;
  detectorErrors: number;
  /** Detector rows computed under a stated fallback rule (DETECTOR_FALLBACK warnings). */
  detectorFallbacks: number;
  restoredKeys: number;
  activeKeys: number;
  partitions: number[];
}

const validateObservation = compileValidator<Observation>('detect-observation.v1');
const validateState = compileValidator<DetectKeyState>('detect-state.v1');

function parseWatermark(value: Buffer | null): WatermarkRecord | null {
  try {
    const record = decodeJson(value) as WatermarkRecord;
    if (!Number.isInteger(record.sources) || !Array.isArray(record.marks)) return null;
    return record;
  } catch {
    return null;
  }
}

export interface ScoreStage {
  start(): Promise<void>;
  stop(): Promise<void>;
  stats(): ScoreStageStats;
}

export function createScoreStage(deps: ScoreStageDeps): ScoreStage {
  const log = deps.logger.child({ stage: 'score' });
  const topics = deps.topics ?? DEFAULT_DETECT_TOPICS;
  const changelog = deps.changelog ?? true;
  const scorers = new Map<number, PartitionScorer>();
  const totals = { observations: 0, watermarks: 0, applied: 0, invalid: 0, signals: 0, restoredKeys: 0 };
  // Stats of partitions this member no longer owns, so counters never go backwards.
  const retired = { replayedSkipped: 0, lateDropped: 0, bucketsClosed: 0, detectorRuns: 0, detectorErrors: 0, detectorFallbacks: 0 };
  const fallbackWarnings = new RateLimitedWarnings(deps.clock, FALLBACK_WARNING_INTERVAL_MS);
  let producer: Producer | null = null;
  let subscription: Subscription | null = null;
  // Late observations and failing keys repeat by the thousand: one line per cause per minute.
  const repeated = new RepeatedWarnings(log);

  const newScorer = (): PartitionScorer =>
    new PartitionScorer(
      deps.plan,
      (error, detectorId, topicKey) =>
        repeated.warn('DETECTOR_FAILED', 'detector failed on one key; bucket left unscored', 1, { detector: detectorId, key: topicKey, error: (error as Error)?.message }),
      'records',
      (note, detectorId, topicKey) =>
        fallbackWarnings.warn(detectorId, (suppressed) =>
          log.warn({ detector: detectorId, key: topicKey, note, suppressed }, 'DETECTOR_FALLBACK: degenerate in-control model; the detector used its stated fallback rule'),
        ),
      changelog,
    );

  async function restore(partitions: PartitionRef[]): Promise<void> {
    const numbers = partitions.filter((p) => p.topic === topics.observations).map((p) => p.partition);
    if (numbers.length === 0) return;
    const fresh = new Map(numbers.map((n) => [n, newScorer()]));
    const evidence = new Map(numbers.map((n) => [n, new EvidenceRestore()]));
    let restored = 0;
    await deps.bus.readToEnd(
      topics.state,
      (message: BusMessage) => {
        const scorer = fresh.get(message.partition);
        const topicKey = message.key?.toString('utf8');
        if (!scorer || !topicKey) return;
        const evidenceAt = parseEvidenceRecordKey(topicKey);
        if (evidenceAt) {
          if (!evidence.get(message.partition)!.add(topicKey, evidenceAt, message.value)) {
            log.error({ offset: message.offset, partition: message.partition }, 'STATE_INVALID: evidence record ignored');
          }
          return;
        }
        if (message.value === null) return;
        let record: unknown;
        try {
          record = decodeJson(message.value);
        } catch {
          record = null;
        }
        const checked = validateState(record);
        if (!checked.ok) {
          log.error({ key: topicKey, offset: message.offset, error: checked.ok ? undefined : checked.errors[0] }, 'STATE_INVALID: state record ignored; the key restarts from later records');
          return;
        }
        // Compacted topic: the last record of a key wins.
        scorer.restore(topicKey, KeyState.fromRecord(checked.value), checked.value);
        restored++;
      },
      numbers,
    );
    for (const [n, scorer] of fresh) {
      evidence.get(n)!.attach(scorer, deps.plan().evidenceLimit);
      scorer.finishRestore();
      scorers.set(n, scorer);
    }
    totals.restoredKeys += restored;
    log.info({ partitions: numbers, restored }, 'score partitions assigned and restored');
  }

  async function revoke(partitions: PartitionRef[]): Promise<void> {
    for (const p of partitions) {
      if (p.topic !== topics.observations) continue;
      const scorer = scorers.get(p.partition);
      if (scorer) for (const k of Object.keys(retired) as Array<keyof typeof retired>) retired[k] += scorer.stats[k];
      scorers.delete(p.partition);
    }
    log.info({ partitions: partitions.map((p) => p.partition) }, 'score partitions revoked');
  }

  async function handle(batch: MessageBatch): Promise<void> {
    try {
      await score(batch);
    } catch (error) {
      // The in-memory state already holds this batch; forget it so the retried batch
      // is scored against the last state that was actually written (without a changelog
      // there is none: the retry skips, by offset, what the state already counted).
      if (changelog) scorers.delete(batch.partition);
      log.warn({ err: error, partition: batch.partition }, 'score batch failed; state will be restored and the batch retried');
      throw error;
    }
  }

  async function score(batch: MessageBatch): Promise<void> {
    let scorer = scorers.get(batch.partition);
    if (!scorer) {
      // Assigned without onAssigned (should not happen): restore now rather than score from nothing.
      await restore([{ topic: batch.topic, partition: batch.partition }]);
      scorer = scorers.get(batch.partition)!;
    }
    const lateBefore = scorer.stats.lateDropped;
    for (const message of batch.messages) {
      if (message.headers[RECORD_HEADER] === WATERMARK_RECORD) {
        totals.watermarks++;
        const record = parseWatermark(message.value);
        if (record) scorer.watermarks.update(record);
        else log.error({ partition: batch.partition, offset: message.offset }, 'OBSERVATION_INVALID: malformed watermark record skipped');
        continue;
      }
      totals.observations++;
      let decoded: unknown;
      try {
        decoded = decodeJson(message.value);
      } catch {
        decoded = null;
      }
      const checked = validateObservation(decoded);
      const day = checked.ok ? dayIndexOf(checked.value.evidence.occurred_at) : Number.NaN;
      if (!checked.ok || !Number.isFinite(day)) {
        totals.invalid++;
        log.error({ offset: message.offset, partition: batch.partition, error: checked.ok ? 'bad occurred_at' : checked.errors[0] }, 'OBSERVATION_INVALID: observation skipped');
        continue;
      }
      const obs = checked.value;
      const outcome = scorer.apply(
        dimensionTopicKey(obs.dim_type, obs.dim_key),
        { dimType: obs.dim_type, dimKey: obs.dim_key, attributes: obs.attributes, weight: obs.weight, day, evidence: obs.evidence, ...(obs.terms ? { terms: obs.terms } : {}) },
        Number(message.offset),
      );
      if (outcome === 'applied') totals.applied++;
    }
    const late = scorer.stats.lateDropped - lateBefore;
    if (late > 0) {
      repeated.warn('LATE_OBSERVATION', 'observations later than the allowed lateness were not counted', late, { partition: batch.partition, lateTotal: scorer.stats.lateDropped });
    }
    const s = scorer;
    const closed: ClosedBucket[] = scorer.advance();
    const signals: Signal[] = [];
    const plan = deps.plan();
    // BH families independent of the observations partition count (1, 2, 3 or 6): see signals.ts.
    const ctx = { plan, source: deps.source, clock: deps.clock, markDirty: (k: KeyState) => s.markDirty(k), families: MULTIPLE_TESTING_FAMILIES, series: s };
    for (const bucket of closed) {
      signals.push(...signalsForBucket(bucket, ctx));
      if (deps.influx) for (const point of metricPoints(bucket)) deps.influx.write(point);
    }
    signals.push(...noveltySignals(scorer.takeNovelty(), ctx));
    signals.push(...emergenceSignals(scorer.takeEmergence(), ctx));
    const dirty = scorer.takeDirty();
    const batches: TopicBatch[] = [];
    if (signals.length > 0) {
      batches.push({
        topic: topics.signals,
        messages: signals.map((sig) => ({ key: `${sig.detector.id}|${sig.dimension.type}|${sig.dimension.key}`, value: encodeEvent(sig) })),
      });
    }
    if (dirty.length > 0 && changelog) {
      batches.push({
        topic: topics.state,
        messages: changelogMessages(s, dirty, (k) => dimensionTopicKey(k.dimType, k.dimKey), batch.partition),
      });
    }
    // Signals and state go out together before the offsets are committed; see docs/detect.md.
    if (batches.length > 0) await producer!.send(batches);
    if (signals.length > 0) {
      totals.signals += signals.length;
      deps.onSignals(signals);
    }
    deps.influx?.write({
      measurement: STAGE_MEASUREMENT,
      tags: { partition: String(batch.partition), source: deps.source },
      fields: { late_dropped: scorer.stats.lateDropped, replayed_skipped: scorer.stats.replayedSkipped, keys: scorer.keys.size, signals: signals.length },
      timeMs: deps.clock(),
    });
  }

  return {
    async start() {
      producer = await deps.bus.producer();
      subscription = await deps.bus.subscribe({
        groupId: deps.groupId ?? SCORE_GROUP,
        topics: [topics.observations],
        fromBeginning: true,
        maxBatchSize: deps.maxBatchSize ?? 2000,
        onAssigned: restore,
        onRevoked: revoke,
        eachBatch: handle,
      });
    },
    async stop() {
      await subscription?.stop();
      subscription = null;
      repeated.stop();
      await producer?.close();
      producer = null;
    },
    stats() {
      const live = { replayedSkipped: 0, lateDropped: 0, bucketsClosed: 0, detectorRuns: 0, detectorErrors: 0, detectorFallbacks: 0 };
      let activeKeys = 0;
      for (const scorer of scorers.values()) {
        for (const k of Object.keys(live) as Array<keyof typeof live>) live[k] += scorer.stats[k];
        activeKeys += scorer.keys.size;
      }
      return {
        ...totals,
        replayedSkipped: retired.replayedSkipped + live.replayedSkipped,
        lateDropped: retired.lateDropped + live.lateDropped,
        bucketsClosed: retired.bucketsClosed + live.bucketsClosed,
        detectorRuns: retired.detectorRuns + live.detectorRuns,
        detectorErrors: retired.detectorErrors + live.detectorErrors,
        detectorFallbacks: retired.detectorFallbacks + live.detectorFallbacks,
        activeKeys,
        // What the group gave this member (the Kafka bus restores lazily, on the first batch).
        partitions: (subscription?.assignment() ?? []).filter((p) => p.topic === topics.observations).map((p) => p.partition).sort((a, b) => a - b),
      };
    },
  };
}
