// The series an alert keeps for the watch desk's chart (alert.v1 `series`): merged
// from its signals' series (signal.v1), at most MAX_SERIES_BUCKETS buckets, so the
// alert engine's memory per alert stays bounded (about 1 KB as JSON). It follows the
// detector of the alert's strongest evidence, whose expected value and bound the
// alert shows; a bucket in which any detector of the alert fired is marked as alarm.
import type { Signal, SignalSeries } from '@tocsin/core';

/** Buckets an alert's series keeps (signal.v1 and alert.v1 allow 60). */
export const MAX_SERIES_BUCKETS = 60;

const BUCKET_MS = { day: 86_400_000, week: 7 * 86_400_000 } as const;

const bucketMs = (s: Pick<SignalSeries, 'granularity'>): number => BUCKET_MS[s.granularity];

/** Index of the bucket starting at `ms` in `s`, or -1. */
function indexOf(s: SignalSeries, ms: number): number {
  const i = (ms - Date.parse(s.start)) / bucketMs(s);
  return Number.isInteger(i) && i >= 0 && i < s.observed.length ? i : -1;
}

/** `s` with bucket `ms` marked as alarm (when it holds that bucket). */
function markAlarm(s: SignalSeries, ms: number): SignalSeries {
  const i = indexOf(s, ms);
  if (i < 0 || s.alarm[i]) return s;
  const alarm = [...s.alarm];
  alarm[i] = true;
  return { ...s, alarm };
}

/** The last `max` buckets of `s`. */
function tail(s: SignalSeries, max: number): SignalSeries {
  const drop = Math.max(0, s.observed.length - max);
  if (drop === 0) return s;
  return {
    ...s,
    start: new Date(Date.parse(s.start) + drop * bucketMs(s)).toISOString(),
    observed: s.observed.slice(drop),
    expected: s.expected.slice(drop),
    upperbound: s.upperbound.slice(drop),
    alarm: s.alarm.slice(drop),
  };
}

/** Buckets of `older` and `newer` (same detector and granularity) on one axis; `newer` wins where both have a bucket. */
function union(older: SignalSeries, newer: SignalSeries): SignalSeries {
  const ms = bucketMs(newer);
  const from = Math.min(Date.parse(older.start), Date.parse(newer.start));
  const to = Math.max(Date.parse(older.start) + older.observed.length * ms, Date.parse(newer.start) + newer.observed.length * ms);
  const n = Math.round((to - from) / ms);
  // Too far apart to chart on one axis of the kept length: the newer alone.
  if (n > 2 * MAX_SERIES_BUCKETS) return newer;
  const out: SignalSeries = { detector: newer.detector, granularity: newer.granularity, start: new Date(from).toISOString(), observed: [], expected: [], upperbound: [], alarm: [] };
  for (let i = 0; i < n; i++) {
    const at = from + i * ms;
    const j = indexOf(newer, at);
    const k = indexOf(older, at);
    const src = j >= 0 ? newer : k >= 0 ? older : null;
    const idx = j >= 0 ? j : k;
    out.observed.push(src ? src.observed[idx]! : 0);
    out.expected.push(src ? src.expected[idx]! : null);
    out.upperbound.push(src ? src.upperbound[idx]! : null);
    // An alarm once seen stays marked (another detector's, or an earlier signal's).
    out.alarm.push((j >= 0 && newer.alarm[j]!) || (k >= 0 && older.alarm[k]!));
  }
  return out;
}

/**
 * The alert's series after `signal`: `strongest` says whether the signal is now the
 * alert's strongest evidence (its detector's band is then the one to show).
 */
export function mergeSeries(previous: SignalSeries | undefined, signal: Signal, strongest: boolean): SignalSeries | undefined {
  const bucketStart = Date.parse(signal.bucket.start);
  const incoming = signal.series;
  if (!incoming || incoming.granularity !== signal.bucket.granularity) return previous ? markAlarm(previous, bucketStart) : undefined;
  const own = markAlarm(incoming, bucketStart);
  if (!previous || previous.granularity !== own.granularity) return tail(own, MAX_SERIES_BUCKETS);
  if (previous.detector === own.detector) return tail(union(previous, own), MAX_SERIES_BUCKETS);
  // Another detector: its band replaces the shown one only when it is the strongest evidence now;
  // either way the alarms of both stay marked.
  const countsOnly = (s: SignalSeries): SignalSeries => ({ ...s, expected: s.expected.map(() => null), upperbound: s.upperbound.map(() => null) });
  return tail(strongest ? union(countsOnly(previous), own) : union(countsOnly(own), previous), MAX_SERIES_BUCKETS);
}
