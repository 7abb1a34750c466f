// Scores a detector run against injected trends (the simulator's ground truth):
// detection rate, delay in buckets, and false alarms per key-year. A signal is
// explained by a trend when its dimension is the trend's or overlaps it (same
// country, method, route part...) and its bucket falls in the trend's window;
// every other signal is a false alarm.
import type { Signal } from '@tocsin/core';
import { bucketIndexOfDay, dayIndexOf, type Granularity } from '../buckets';

/** The fields of a ground-truth trend this evaluation needs (structurally the simulator's GroundTruthTrend). */
export interface TrendTruth {
  id: string;
  kind: string;
  dimension: { type: string; key: string; attributes: Record<string, string | string[] | undefined> };
  countries: string[];
  /** YYYY-MM-DD, end inclusive. */
  start: string;
  end: string;
  /** Nominal factor on the streams the trend acts on. */
  multiplier: number | null;
  /** Expected ratio on the trend's own key (what the detectors score), from the simulator's intensity model; null for a novelty. */
  key_multiplier: number | null;
  /** Expected incidents per day on the key without the trend, over its plateau. */
  key_baseline_per_day: number;
}

/** A trend of at least `min` times its key's expected count without it (the key-level ratio, not the nominal factor). */
export const atLeastOnKey = (min: number) => (t: TrendTruth): boolean => t.key_multiplier !== null && t.key_multiplier >= min;

/** A count trend weaker than `min` on its key (reported beside the scored ones, not scored). */
export const weakerOnKey = (min: number) => (t: TrendTruth): boolean => t.key_multiplier !== null && t.key_multiplier < min;

export interface DetectorScore {
  detector: string;
  granularity: Granularity;
  trends: number;
  /** Flagged on the trend's own key within `maxDelay` buckets of its start. */
  detectedInTime: number;
  /** Flagged on the trend's own key at any time in its window. */
  detected: number;
  detectionRate: number;
  medianDelay: number | null;
  falseAlarms: number;
  falseAlarmsPerKeyYear: number;
  /** Per trend: delay in buckets, or null when not flagged. */
  delays: Record<string, number | null>;
}

export interface EvaluationOptions {
  /** Trends to score (e.g. multiplier >= 3). */
  include(trend: TrendTruth): boolean;
  maxDelayBuckets: number;
  /** Monitored key-years, the denominator of the false alarm rate. */
  keyYears: number;
}

const ROUTE_ATTRS = ['origin', 'destination', 'modality'] as const;

/** True when a signal's dimension overlaps the trend's: every attribute both name agrees, and they share at least one. */
export function overlaps(signal: { dimension: { attributes: object } }, trend: TrendTruth): boolean {
  const a = signal.dimension.attributes as Record<string, unknown>;
  const t = trend.dimension.attributes;
  let shared = 0;
  for (const [name, value] of Object.entries(t)) {
    if (value === undefined || a[name] === undefined) continue;
    if (name === 'transit') continue;
    if (name === 'country' && trend.countries.length > 0) {
      if (!trend.countries.includes(String(a[name]))) return false;
    } else if (String(a[name]) !== String(value)) {
      // A route edge lies on a route trend when both ends are on its path.
      if (ROUTE_ATTRS.includes(name as (typeof ROUTE_ATTRS)[number]) && onRoutePath(a, t)) continue;
      return false;
    }
    shared++;
  }
  if (shared === 0 && a['country'] !== undefined && trend.countries.includes(String(a['country']))) shared++;
  return shared > 0;
}

function onRoutePath(a: Record<string, unknown>, t: Record<string, string | string[] | undefined>): boolean {
  if (!t['origin'] || !t['destination']) return false;
  const path = [t['origin'] as string, ...((t['transit'] as string[] | undefined) ?? []), t['destination'] as string];
  return path.includes(String(a['origin'])) && path.includes(String(a['destination'])) && (a['modality'] === undefined || a['modality'] === t['modality']);
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((x, y) => x - y);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** One row per (detector, granularity) present in `detectors`. */
export function evaluate(signals: readonly Signal[], trends: readonly TrendTruth[], detectors: ReadonlyArray<{ id: string; granularity: Granularity }>, options: EvaluationOptions): DetectorScore[] {
  const scored = trends.filter(options.include);
  return detectors.map(({ id, granularity }) => {
    const mine = signals.filter((s) => s.detector.id === id && s.bucket.granularity === granularity);
    const delays: Record<string, number | null> = {};
    const inTime: number[] = [];
    let detected = 0;
    for (const trend of scored) {
      const startBucket = bucketIndexOfDay(granularity, dayIndexOf(`${trend.start}T00:00:00Z`));
      const endBucket = bucketIndexOfDay(granularity, dayIndexOf(`${trend.end}T00:00:00Z`));
      let best: number | null = null;
      for (const s of mine) {
        if (s.dimension.type !== trend.dimension.type || s.dimension.key !== trend.dimension.key) continue;
        const b = bucketIndexOfDay(granularity, dayIndexOf(s.bucket.start));
        if (b < startBucket || b > endBucket) continue;
        const delay = b - startBucket;
        if (best === null || delay < best) best = delay;
      }
      delays[trend.id] = best;
      if (best !== null) {
        detected++;
        if (best <= options.maxDelayBuckets) inTime.push(best);
      }
    }
    const falseAlarms = mine.filter((s) => {
      const day = dayIndexOf(s.bucket.start);
      return !trends.some((t) => {
        const from = dayIndexOf(`${t.start}T00:00:00Z`) - (granularity === 'week' ? 7 : 0);
        // Effects linger a little after a trend ends (reporting, ramp-down).
        const to = dayIndexOf(`${t.end}T00:00:00Z`) + 7;
        return day >= from && day <= to && overlaps(s, t);
      });
    }).length;
    return {
      detector: id,
      granularity,
      trends: scored.length,
      detectedInTime: inTime.length,
      detected,
      detectionRate: scored.length === 0 ? 1 : inTime.length / scored.length,
      medianDelay: median(inTime),
      falseAlarms,
      falseAlarmsPerKeyYear: options.keyYears > 0 ? falseAlarms / options.keyYears : 0,
      delays,
    };
  });
}

/** Monitored key-years: for each scored key, the span from its first to its last scored day. */
export function keyYearsOf(scoredKeys: ReadonlyMap<unknown, { first: number; last: number }>): number {
  let days = 0;
  for (const { first, last } of scoredKeys.values()) days += last - first + 1;
  return days / 365;
}
