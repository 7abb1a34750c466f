// Replays incidents through the explode and score logic in one process, without a
// bus: "what would this config have flagged?". Used by the detection benchmark,
// the ground-truth acceptance test, the throughput benchmark and `tocsin backtest`. One
// scorer holds every key; multiple-testing control runs per family of keys as in the
// services (MULTIPLE_TESTING_FAMILIES), so the backtest flags what they would.
import type { Incident, IncidentEvent, Signal } from '@tocsin/core';
import { DAY_MS, dayIndexOf, lastDayOfBucket } from '../buckets';
import type { DetectorPlan } from '../config';
import { Exploder, type KeyedObservation } from '../explode/exploder';
import type { KeyState } from '../score/key-state';
import { PartitionScorer, type ClosedBucket } from '../score/partition-scorer';
import { noveltySignals } from '../score/novelty';
import { emergenceSignals } from '../score/emergence-signals';
import { MULTIPLE_TESTING_FAMILIES, signalsForBucket } from '../score/signals';

export interface BacktestOptions {
  /** Incidents between watermark advances (how often buckets are closed). Default 200. */
  advanceEvery?: number;
  /** Receives every closed bucket (e.g. to count tests or write metrics). */
  onClosed?(bucket: ClosedBucket): void;
  /** Time stamped on signals (produced_at); default: event time, the day after the newest event seen. */
  clock?: () => number;
  /**
   * Multiple-testing families per bucket (see signals.ts). Default: the services'
   * MULTIPLE_TESTING_FAMILIES, so a backtest flags what the services would; 1 puts every
   * key of a bucket in one family.
   */
  families?: number;
  /** Called after every watermark advance with the incidents read and the newest event day. */
  onProgress?(incidents: number, newestDay: number): void;
  /** Close every open bucket at the end of the input, as if time moved on. Default true. */
  closeAtEnd?: boolean;
  /** Keys journal their evidence changes as the service's do (for the changelog measure of the detect bench). */
  changelog?: boolean;
  /** Called after every watermark advance, as the service does after each batch (e.g. to write the changed keys' state). */
  afterAdvance?(scorer: PartitionScorer): void;
  /** Receives every observation as it is applied (dimension key, event day, weight): e.g. to count a key's realised series. */
  onObservation?(dimType: string, dimKey: string, day: number, weight: number): void;
}

export interface BacktestResult {
  signals: Signal[];
  incidents: number;
  observations: number;
  lateDropped: number;
  /** Per key: first and last day scored (a week counts as its last day). */
  scoredKeys: Map<KeyState, { first: number; last: number }>;
  scorer: PartitionScorer;
}

/** Wraps an incident as the event ingest would publish (revision 1). */
export function asEvent(incident: Incident, revision = 1): IncidentEvent {
  return {
    id: `${incident.partner}:${incident.id}:r${revision}`,
    type: 'incident',
    schema_version: 1,
    produced_at: incident.reported_at,
    source: 'backtest',
    revision,
    received_at: incident.reported_at,
    content_hash: '0'.repeat(64),
    incident,
  };
}

export function backtest(incidents: Iterable<Incident | IncidentEvent>, plan: DetectorPlan, options: BacktestOptions = {}): BacktestResult {
  const getPlan = (): DetectorPlan => plan;
  const exploder = new Exploder(() => plan.dimensions, () => plan.allowedLatenessDays + 2);
  const scorer = new PartitionScorer(getPlan, () => {}, 'own', undefined, options.changelog ?? false);
  const signals: Signal[] = [];
  const scoredKeys = new Map<KeyState, { first: number; last: number }>();
  const advanceEvery = options.advanceEvery ?? 200;
  const clock = options.clock ?? ((): number => (scorer.maxEventDay + 1) * DAY_MS);
  const ctx = { plan, source: 'detect/backtest', clock, markDirty: () => {}, families: options.families ?? MULTIPLE_TESTING_FAMILIES };
  let offset = 0;
  let count = 0;
  const out: KeyedObservation[] = [];

  const close = (closed: ClosedBucket[]): void => {
    for (const bucket of closed) {
      options.onClosed?.(bucket);
      const day = lastDayOfBucket(bucket.granularity, bucket.index);
      for (const { key } of bucket.rows) {
        const seen = scoredKeys.get(key);
        if (!seen) scoredKeys.set(key, { first: day, last: day });
        else {
          seen.first = Math.min(seen.first, day);
          seen.last = Math.max(seen.last, day);
        }
      }
      signals.push(...signalsForBucket(bucket, ctx));
    }
    signals.push(...noveltySignals(scorer.takeNovelty(), ctx));
    signals.push(...emergenceSignals(scorer.takeEmergence(), ctx));
  };

  for (const item of incidents) {
    const event = 'incident' in item && typeof item.incident === 'object' ? (item as IncidentEvent) : asEvent(item as Incident);
    out.length = 0;
    const dayOfEvent = exploder.explode(event, out).day;
    for (const { topicKey, observation: o } of out) {
      // A retraction belongs to the day of the revision it retracts.
      const day = o.evidence.occurred_at === event.incident.occurred_at ? dayOfEvent : dayIndexOf(o.evidence.occurred_at);
      options.onObservation?.(o.dim_type, o.dim_key, day, o.weight);
      scorer.apply(topicKey, { dimType: o.dim_type, dimKey: o.dim_key, attributes: o.attributes, weight: o.weight, day, evidence: o.evidence, ...(o.terms ? { terms: o.terms } : {}) }, offset++);
    }
    if (++count % advanceEvery === 0) {
      close(scorer.advance());
      options.afterAdvance?.(scorer);
      options.onProgress?.(count, scorer.maxEventDay);
    }
    if (count % 50_000 === 0) exploder.prune();
  }
  // End of input: let the watermark pass every open bucket (a week is at most 7 days long).
  if (options.closeAtEnd !== false) scorer.maxEventDay += plan.allowedLatenessDays + 8;
  close(scorer.advance());
  options.afterAdvance?.(scorer);
  return { signals, incidents: count, observations: offset, lateDropped: scorer.stats.lateDropped, scoredKeys, scorer };
}
