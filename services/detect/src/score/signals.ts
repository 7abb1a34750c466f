// From closed buckets to what leaves the score stage: Signal events (after
// multiple-testing control, severity, rank and the per-bucket budget) and one
// metric point per detector row for InfluxDB.
import { partitionForKey, type MetricPoint, type Signal } from '@tocsin/core';
import { bucketBoundsMs, bucketStartIso } from '../buckets';
import type { DetectorPlan } from '../config';
import { dimensionTopicKey } from '../keys';
import { scoreBucket, type ScorableSignal } from '../ranking';
import type { KeyState } from './key-state';
import type { ClosedBucket, ScoredRow } from './partition-scorer';
import { signalSeries, type SeriesSource } from './signal-series';

export const BUCKET_MEASUREMENT = 'tocsin_bucket';
/** Tag values longer than this are cut, so one odd key cannot blow up series names. */
export const MAX_TAG_LENGTH = 128;

export interface SignalContext {
  plan: DetectorPlan;
  /** Producing service and instance, e.g. detect/host-1. */
  source: string;
  clock: () => number;
  /** Called for each key whose emitted-signal marks changed, so its snapshot is rewritten. */
  markDirty(key: KeyState): void;
  /**
   * Multiple-testing families per bucket: BH and the budget run over the keys whose
   * murmur2 hash modulo this is the same. Default 1: every key of the bucket handed in.
   */
  families?: number;
  /** Recomputes a key's recent rows so each signal carries its series (the service); absent: no series (backtests). */
  series?: SeriesSource;
}

/**
 * The score stage's families: the keys of one observations partition of a 6-partition
 * layout (the default). A score partition of a layout with 1, 2, 3 or 6 partitions holds
 * whole families, so BH q-values and the budget are the same whatever that count.
 */
export const MULTIPLE_TESTING_FAMILIES = 6;

const familyCache = new WeakMap<KeyState, [number, number]>();
function familyOf(key: KeyState, families: number): number {
  const cached = familyCache.get(key);
  if (cached && cached[0] === families) return cached[1];
  const family = partitionForKey(Buffer.from(dimensionTopicKey(key.dimType, key.dimKey)), families);
  familyCache.set(key, [families, family]);
  return family;
}

/** Where a key remembers what it emitted: per detector and granularity. */
const markOf = (row: ScoredRow): string => `${row.detector.detector.id}@${row.detector.granularity}`;

/**
 * `<detector>|<dimension type>|<dimension key>|<bucket start>`; a week's start gets the
 * ISO 8601 duration `/P1W` so a detector run on days and on weeks never reuses an id
 * (a Monday's day bucket and its week start at the same instant).
 */
export function signalId(detectorId: string, dimType: string, dimKey: string, bucketStart: string, granularity: 'day' | 'week' = 'day'): string {
  return `${detectorId}|${dimType}|${dimKey}|${bucketStart}${granularity === 'week' ? '/P1W' : ''}`;
}

interface Candidate extends ScorableSignal {
  scored: ScoredRow;
}

/**
 * Signals of one closed bucket, most important first. An alarm becomes a signal when
 * its count reaches the detector's min_observed and min_ratio x expected, it was not emitted before (a replay
 * after a crash), its BH q-value is within the configured FDR (alarms without a
 * p-value pass), and it is within the bucket's budget.
 */
export function signalsForBucket(closed: ClosedBucket, ctx: SignalContext): Signal[] {
  const families = ctx.families ?? 1;
  if (families <= 1) return familySignals(closed, closed.rows, ctx);
  const byFamily = new Map<number, ScoredRow[]>();
  for (const row of closed.rows) {
    const f = familyOf(row.key, families);
    let rows = byFamily.get(f);
    if (!rows) byFamily.set(f, (rows = []));
    rows.push(row);
  }
  const out: Signal[] = [];
  for (const f of [...byFamily.keys()].sort((a, b) => a - b)) out.push(...familySignals(closed, byFamily.get(f)!, ctx));
  return out;
}

/** One multiple-testing family of a closed bucket: BH over its tests, then its budget. */
function familySignals(closed: ClosedBucket, rows: readonly ScoredRow[], ctx: SignalContext): Signal[] {
  const { plan } = ctx;
  const bucketStart = bucketStartIso(closed.granularity, closed.index);
  // Sequential charts are not BH hypotheses (see ScorableSignal.sequential).
  const tests = rows.filter((r) => r.row.pValue !== null && !r.detector.sequential).length;
  const candidates: Candidate[] = [];
  for (const scored of rows) {
    const { row, key, detector } = scored;
    if (!row.alarm || row.observed < detector.minObserved) continue;
    if (row.expected !== null && Number.isFinite(row.expected) && row.observed < detector.minRatio * row.expected) continue;
    if ((key.emitted[markOf(scored)] ?? Number.NEGATIVE_INFINITY) >= closed.index) continue;
    const { countries, partners } = breadth(scored);
    candidates.push({
      id: signalId(detector.detector.id, key.dimType, key.dimKey, bucketStart, closed.granularity),
      kind: 'count',
      pValue: row.pValue,
      observed: row.observed,
      expected: row.expected,
      countries: countries.length,
      partners: partners.length,
      ...(detector.sequential ? { sequential: true } : {}),
      scored,
    });
  }
  if (candidates.length === 0) return [];
  const mt = plan.config.multiple_testing;
  // BH counts the tests of this partition's bucket: with `none` there is no family, hence no q-value.
  const ranked = scoreBucket(candidates, { tests: Math.max(tests, 1), correct: mt.method !== 'none' })
    .filter((c) => mt.method === 'none' || c.qValue === null || c.qValue <= mt.fdr)
    .slice(0, mt.max_signals_per_bucket);
  const { endMs } = bucketBoundsMs(closed.granularity, closed.index);
  const producedAt = new Date(ctx.clock()).toISOString();
  return ranked.map((c) => {
    const { key, bucket, detector, row } = c.scored;
    key.emitted[markOf(c.scored)] = closed.index;
    ctx.markDirty(key);
    const { countries, partners } = breadth(c.scored);
    const signal: Signal = {
      id: c.id,
      type: 'signal',
      schema_version: 1,
      produced_at: producedAt,
      source: ctx.source,
      detector: { id: detector.detector.id, version: detector.detector.version, kind: 'count' },
      dimension: { type: key.dimType, key: key.dimKey, attributes: key.attributes },
      bucket: { granularity: closed.granularity, start: bucketStart, end: new Date(endMs).toISOString() },
      observed: row.observed,
      expected: finite(row.expected),
      upperbound: finite(row.upperbound),
      score: finite(row.score),
      p_value: row.pValue === null ? null : clamp01(row.pValue),
      q_value: c.qValue === null ? null : clamp01(c.qValue),
      severity: c.severity,
      rank_score: c.rankScore,
      summary: summary(c.scored, bucketStart),
      countries,
      partners,
      evidence: bucket.evidence,
      evidence_total: bucket.total,
      config_version: plan.version,
    };
    if (ctx.series) signal.series = signalSeries(ctx.series, key, detector.detector.id, detector, closed.granularity, closed.index);
    return signal;
  });
}

function finite(x: number | null): number | null {
  return x !== null && Number.isFinite(x) ? x : null;
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

function breadth(scored: ScoredRow): { countries: string[]; partners: string[] } {
  const countries = new Set<string>();
  const partners = new Set<string>();
  if (scored.key.attributes.country) countries.add(scored.key.attributes.country);
  for (const e of scored.bucket.evidence) {
    countries.add(e.country);
    partners.add(e.partner);
  }
  return { countries: [...countries].sort(), partners: [...partners].sort() };
}

function summary(scored: ScoredRow, bucketStart: string): string {
  const { key, row, detector } = scored;
  const expected = row.expected === null || !Number.isFinite(row.expected) ? 'n/a' : row.expected.toFixed(1);
  const bound = row.upperbound === null || !Number.isFinite(row.upperbound) ? 'n/a' : row.upperbound.toFixed(1);
  const text = `${detector.detector.id}: ${row.observed} incidents for ${key.dimType} ${key.dimKey} in the ${detector.granularity} of ${bucketStart.slice(0, 10)} (expected ${expected}, upper bound ${bound})`;
  return text.length > 500 ? `${text.slice(0, 497)}...` : text;
}

/** One point per detector row: the series a dashboard plots next to its alarms. */
export function metricPoints(closed: ClosedBucket): MetricPoint[] {
  const { startMs } = bucketBoundsMs(closed.granularity, closed.index);
  return closed.rows.map(({ key, detector, row }) => ({
    measurement: BUCKET_MEASUREMENT,
    tags: {
      detector: detector.detector.id,
      dim_type: key.dimType,
      dim_key: key.dimKey.length > MAX_TAG_LENGTH ? key.dimKey.slice(0, MAX_TAG_LENGTH) : key.dimKey,
      granularity: closed.granularity,
      // A route edge names its countries, so a dashboard can draw the route graph (node graph panel).
      ...(key.dimType === 'route_edge' && key.attributes.origin && key.attributes.destination ? { origin: key.attributes.origin, destination: key.attributes.destination } : {}),
    },
    fields: {
      observed: row.observed,
      expected: row.expected,
      upperbound: row.upperbound,
      score: row.score,
      p_value: row.pValue,
      alarm: row.alarm ? 1 : 0,
    },
    timeMs: startMs,
  }));
}
