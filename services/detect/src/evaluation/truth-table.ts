// The detection table of a run against the simulator's ground truth: per configured count
// detector, first-seen on novel patterns, and the emergence detectors, how many trends were
// flagged in time, the median delay and the false alarms. One function, so the detection
// benchmark and `tocsin backtest` print the same table for the same signals.
import type { Signal } from '@tocsin/core';
import type { DetectorPlan } from '../config';
import { isNoveltyPattern } from '../score/novelty';
import { emergenceSettings } from '../score/emergence-settings';
import { evaluateEmergence, type EmergenceScore, type EmergenceTrendTruth } from './emergence-truth';
import { atLeastOnKey, evaluate, weakerOnKey, type DetectorScore, type TrendTruth } from './ground-truth';

export interface TruthTableOptions {
  /** Trends at least this many times their key's count are scored (default 3). */
  minMultiplier?: number;
  /** Flagged "in time" within this many buckets of the trend's start (default 2). */
  maxDelayBuckets?: number;
  /** Monitored key-years (false alarms per key-year). */
  keyYears: number;
  /** Years the run covers (emergence false alarms per year). */
  years: number;
}

export interface TruthTable {
  rows: DetectorScore[];
  /** first-seen against trends on patterns without a baseline. */
  noveltyRows: DetectorScore[];
  /** Cross-border spread, route displacement and emerging terms against their trend kinds. */
  emergenceRows: EmergenceScore[];
  /** Any configured count detector, per scored trend. */
  combined: { trends: number; detectedInTime: number; missed: string[] };
  /** Count trends below minMultiplier on their key (reported, not scored). */
  weaker: { trends: number; flagged: number };
  minMultiplier: number;
  maxDelayBuckets: number;
}

export function truthTable(signals: readonly Signal[], trends: readonly TrendTruth[], plan: DetectorPlan, options: TruthTableOptions): TruthTable {
  const minMultiplier = options.minMultiplier ?? 3;
  const maxDelay = options.maxDelayBuckets ?? 2;
  const keyYears = options.keyYears;
  const detectors = plan.config.count_detectors.filter((d) => d.enabled !== false).map((d) => ({ id: d.detector, granularity: d.granularity }));
  const include = atLeastOnKey(minMultiplier);
  const rows = evaluate(signals, trends, detectors, { include, maxDelayBuckets: maxDelay, keyYears });
  const weakerTrends = trends.filter((t) => t.kind !== 'new-route' && weakerOnKey(minMultiplier)(t));
  const weakerRows = evaluate(signals, trends, detectors, { include: (t) => weakerTrends.includes(t), maxDelayBuckets: maxDelay, keyYears });
  const weakerFlagged = weakerTrends.filter((t) => weakerRows.some((r) => { const d = r.delays[t.id]; return d !== null && d !== undefined && d <= maxDelay; })).length;
  // Novelty: trends on a pattern with no baseline (a new route, a technology new to a country).
  const novel = (t: TrendTruth): boolean => t.multiplier === null && isNoveltyPattern(t.dimension.type);
  const noveltyRows = evaluate(signals, trends, [{ id: 'first-seen', granularity: 'day' }], { include: novel, maxDelayBuckets: maxDelay, keyYears });
  const emergenceRows = evaluateEmergence(signals, trends as EmergenceTrendTruth[], { years: options.years, minCountries: emergenceSettings(plan).spread.minCountries });
  const scored = trends.filter(include);
  const missed = scored.filter((t) => !rows.some((r) => { const d = r.delays[t.id]; return d !== null && d !== undefined && d <= maxDelay; })).map((t) => t.id);
  return {
    rows, noveltyRows, emergenceRows,
    combined: { trends: scored.length, detectedInTime: scored.length - missed.length, missed },
    weaker: { trends: weakerTrends.length, flagged: weakerFlagged },
    minMultiplier, maxDelayBuckets: maxDelay,
  };
}

/** The table as the detection benchmark prints it. */
export function formatTruthTable(table: TruthTable): string[] {
  const lines = [
    'detector              | bucket | detected <= 2 | rate  | median delay | false alarms | per key-year',
    '----------------------|--------|---------------|-------|--------------|--------------|-------------',
  ];
  const row = (name: string, r: DetectorScore): string =>
    `${name.padEnd(21)} | ${r.granularity.padEnd(6)} | ${`${r.detectedInTime}/${r.trends}`.padStart(13)} | ${r.detectionRate.toFixed(2).padStart(5)} | ${(r.medianDelay === null ? '-' : r.medianDelay.toFixed(1)).padStart(12)} | ${String(r.falseAlarms).padStart(12)} | ${r.falseAlarmsPerKeyYear.toFixed(4).padStart(12)}`;
  for (const r of table.rows) lines.push(row(r.detector, r));
  for (const r of table.noveltyRows) lines.push(row(`${r.detector} (novel)`, r));
  for (const r of table.emergenceRows) {
    const order = r.orderRight === undefined ? '' : `, countries in onset order ${r.orderRight}/${r.detected}`;
    lines.push(
      `${r.detector.padEnd(21)} | ${r.granularity.padEnd(6)} | ${`${r.detectedInTime}/${r.trends}`.padStart(13)} | ${(r.trends ? r.detectedInTime / r.trends : 1).toFixed(2).padStart(5)} | ${(r.medianDelay === null ? '-' : r.medianDelay.toFixed(1)).padStart(12)} | ${String(r.falseAlarms).padStart(12)} | ${`${r.falseAlarmsPerYear.toFixed(2)}/year`.padStart(12)}  (${r.trendKind}; in time = ≤ ${r.maxDelayBuckets} ${r.granularity}s from when detectable${order})`,
    );
  }
  return lines;
}
