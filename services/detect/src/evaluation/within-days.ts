// Scores a whole configuration against injected trends with a deadline in days rather
// than buckets: a trend counts as flagged when any configured detector (count detectors
// on any granularity, first-seen) signals on the trend's own key no later than
// `maxDelayDays` after its start (the bucket's last day). This is the sparse-data
// question: "was this seen within a month, by anything?", where the per-detector
// bucket-delay view of `ground-truth.ts` asks which detector sees it first.
import type { Signal } from '@tocsin/core';
import { dayIndexOf, lastDayOfBucket, bucketIndexOfDay } from '../buckets';
import { overlaps, type TrendTruth } from './ground-truth';

export interface WithinDaysRow {
  /** `<detector>@<granularity>`, or `any` for the whole configuration. */
  detector: string;
  trends: number;
  flagged: number;
  medianDelayDays: number | null;
  falseAlarms: number;
  falseAlarmsPerKeyYear: number;
}

export interface WithinDaysResult {
  rows: WithinDaysRow[];
  /** Per trend: days from start to the first flag by any detector, or null. */
  delays: Record<string, number | null>;
  missed: string[];
}

export interface WithinDaysOptions {
  include(trend: TrendTruth): boolean;
  maxDelayDays: number;
  keyYears: number;
}

/** Last day (day index) of the bucket a signal is about: when it could be known at the earliest. */
function signalDay(s: Signal): number {
  const granularity = s.bucket.granularity === 'week' ? 'week' : 'day';
  return lastDayOfBucket(granularity, bucketIndexOfDay(granularity, dayIndexOf(s.bucket.start)));
}

const median = (values: number[]): number | null => {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** True when a signal is explained by some trend (overlapping dimension, inside its window plus a week). */
export function explained(signal: Signal, trends: readonly TrendTruth[]): boolean {
  const day = dayIndexOf(signal.bucket.start);
  const from = signal.bucket.granularity === 'week' ? -7 : 0;
  return trends.some((t) => {
    const start = dayIndexOf(`${t.start}T00:00:00Z`) + from;
    const end = dayIndexOf(`${t.end}T00:00:00Z`) + 7;
    if (day < start || day > end) return false;
    if (signal.dimension.type === t.dimension.type && signal.dimension.key === t.dimension.key) return true;
    return overlaps(signal, t);
  });
}

/**
 * `signals` are every signal of the run with a count or novelty detector; rows per
 * detector and granularity present in `signals`, plus `any`.
 */
export function evaluateWithinDays(signals: readonly Signal[], trends: readonly TrendTruth[], options: WithinDaysOptions): WithinDaysResult {
  const scored = trends.filter(options.include);
  const groups = new Map<string, Signal[]>();
  for (const s of signals) {
    const id = `${s.detector.id}@${s.bucket.granularity === 'week' ? 'week' : 'day'}`;
    let list = groups.get(id);
    if (!list) groups.set(id, (list = []));
    list.push(s);
  }
  const delaysOf = (mine: readonly Signal[]): Record<string, number | null> => {
    const out: Record<string, number | null> = {};
    for (const t of scored) {
      const start = dayIndexOf(`${t.start}T00:00:00Z`);
      const end = dayIndexOf(`${t.end}T00:00:00Z`);
      let best: number | null = null;
      for (const s of mine) {
        if (s.dimension.type !== t.dimension.type || s.dimension.key !== t.dimension.key) continue;
        const day = signalDay(s);
        if (day < start || dayIndexOf(s.bucket.start) > end) continue;
        const delay = day - start;
        if (best === null || delay < best) best = delay;
      }
      out[t.id] = best;
    }
    return out;
  };
  const row = (detector: string, mine: readonly Signal[]): { row: WithinDaysRow; delays: Record<string, number | null> } => {
    const delays = delaysOf(mine);
    const inTime = Object.values(delays).filter((d): d is number => d !== null && d <= options.maxDelayDays);
    const falseAlarms = mine.filter((s) => !explained(s, trends)).length;
    return {
      delays,
      row: {
        detector, trends: scored.length, flagged: inTime.length, medianDelayDays: median(inTime),
        falseAlarms, falseAlarmsPerKeyYear: options.keyYears > 0 ? falseAlarms / options.keyYears : 0,
      },
    };
  };
  const rows = [...groups.keys()].sort().map((id) => row(id, groups.get(id)!).row);
  const any = row('any', signals);
  rows.push(any.row);
  const missed = scored.filter((t) => { const d = any.delays[t.id]; return d === null || d === undefined || d > options.maxDelayDays; }).map((t) => t.id);
  return { rows, delays: any.delays, missed };
}
