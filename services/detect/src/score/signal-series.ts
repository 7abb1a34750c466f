// The recent buckets a signal carries (signal.v1 `series`), so the watch desk can
// chart an alert's dimension with its expected band without a time-series store.
// Bounded: 56 days or 26 weeks per signal, recomputed when the signal goes out.
import type { SignalSeries } from '@tocsin/core';
import { bucketStartIso, type Granularity } from '../buckets';
import type { ResolvedDetector } from '../config';
import type { KeyState } from './key-state';

/** Buckets per signal series: eight weeks of days, half a year of weeks (signal.v1 allows 60). */
export const SERIES_BUCKETS: Record<Granularity, number> = { day: 56, week: 26 };

export interface SeriesRow {
  observed: number;
  expected: number | null;
  upperbound: number | null;
  alarm: boolean;
}

/** What can recompute a key's recent rows: the partition scorer (recentRows). */
export interface SeriesSource {
  recentRows(key: KeyState, detector: ResolvedDetector | null, granularity: Granularity, index: number, buckets: number): SeriesRow[];
}

/** The series ending at bucket `index`, from `detector`'s rows (null: counts only). */
export function signalSeries(source: SeriesSource, key: KeyState, detectorId: string, detector: ResolvedDetector | null, granularity: Granularity, index: number): SignalSeries {
  const buckets = SERIES_BUCKETS[granularity];
  const rows = source.recentRows(key, detector, granularity, index, buckets);
  return {
    detector: detectorId,
    granularity,
    start: bucketStartIso(granularity, index - buckets + 1),
    observed: rows.map((r) => r.observed),
    expected: rows.map((r) => (r.expected === null ? null : round(r.expected))),
    upperbound: rows.map((r) => (r.upperbound === null ? null : round(r.upperbound))),
    alarm: rows.map((r) => r.alarm),
  };
}

/** Four significant decimals: the chart needs no more, and the record stays small. */
function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
