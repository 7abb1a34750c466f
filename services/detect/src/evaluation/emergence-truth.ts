// Scores the wired emergence detectors against the simulator's ground truth:
// technology spreads (cross-border-spread), route displacements
// (route-displacement) and new terms (emerging-terms). Each has its own matching
// rule and its own "detectable from" day: a spread can only be seen once the
// second country rises, a displacement or a term from its start.
import type { Signal } from '@tocsin/core';
import { bucketIndexOfDay, dayIndexOf, type Granularity } from '../buckets';
import { EMERGENCE_DETECTORS } from '../emergence';
import { overlaps, type TrendTruth } from './ground-truth';

/** The ground-truth fields used here besides TrendTruth's (structurally the simulator's). */
export interface EmergenceTrendTruth extends TrendTruth {
  onsets?: Array<{ country: string; start: string }>;
}

export interface EmergenceScore {
  detector: string;
  granularity: Granularity;
  trendKind: string;
  trends: number;
  /** Flagged within `maxDelayBuckets` of the day it became detectable. */
  detectedInTime: number;
  maxDelayBuckets: number;
  detected: number;
  /** Over every detected trend. */
  medianDelay: number | null;
  /** Per trend: delay in buckets from the detectable day, or null. */
  delays: Record<string, number | null>;
  /** Spread only: trends whose last signal names the countries in their order of onset. */
  orderRight?: number;
  /** Signals explained by no trend of any kind (dimension or term and time). */
  falseAlarms: number;
  /** False alarms per year of replayed data. */
  falseAlarmsPerYear: number;
}

interface Rule {
  detector: string;
  granularity: Granularity;
  trendKind: string;
  /**
   * What counts as in time: two weeks for a spread; for a displacement and a term
   * the recent window the tests compare (14 and 7 days), plus a week for the
   * second partner of a term.
   */
  maxDelayBuckets: number;
  matches(signal: Signal, trend: EmergenceTrendTruth): boolean;
  /** First day the detector can possibly see the trend. */
  detectableFrom(trend: EmergenceTrendTruth, minCountries: number): number;
}

const dayOf = (date: string): number => dayIndexOf(`${date}T00:00:00Z`);

const termOf = (trend: TrendTruth): string => String(trend.dimension.attributes['term'] ?? trend.dimension.key).toLowerCase();

function namesTerm(signal: Signal, term: string): boolean {
  return signal.dimension.attributes.term === term || (signal.terms ?? []).includes(term);
}

const RULES: readonly Rule[] = [
  {
    detector: EMERGENCE_DETECTORS.crossBorderSpread.id,
    granularity: 'week',
    trendKind: 'technology-spread',
    maxDelayBuckets: 2,
    matches: (s, t) => s.dimension.type === t.dimension.type && s.dimension.key === t.dimension.key,
    detectableFrom: (t, k) => {
      const onsets = [...(t.onsets ?? [])].sort((a, b) => (a.start < b.start ? -1 : 1));
      return dayOf(onsets[Math.min(k, onsets.length) - 1]?.start ?? t.start);
    },
  },
  {
    detector: EMERGENCE_DETECTORS.routeDisplacement.id,
    granularity: 'day',
    trendKind: 'route-displacement',
    maxDelayBuckets: 14,
    matches: (s, t) => s.dimension.attributes.destination === t.dimension.attributes['destination'] && s.dimension.attributes.modality === t.dimension.attributes['modality'],
    detectableFrom: (t) => dayOf(t.start),
  },
  {
    detector: EMERGENCE_DETECTORS.emergingTerms.id,
    granularity: 'day',
    trendKind: 'new-term',
    maxDelayBuckets: 14,
    matches: (s, t) => namesTerm(s, termOf(t)),
    detectableFrom: (t) => dayOf(t.start),
  },
];

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((x, y) => x - y);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Whether any trend explains a signal: same dimension (or the term), within the trend's window (a week of slack each side). */
function explained(signal: Signal, trends: readonly EmergenceTrendTruth[]): boolean {
  const day = dayIndexOf(signal.bucket.start);
  return trends.some((t) => {
    if (day < dayOf(t.start) - 7 || day > dayOf(t.end) + 7) return false;
    if (t.kind === 'new-term') return namesTerm(signal, termOf(t));
    if (overlaps(signal, t)) return true;
    // A spread of a pattern the trend's incidents carry (its method, its route) in its countries.
    return signal.detector.kind === 'spread' && signal.countries.some((c) => t.countries.includes(c)) && Object.values(t.dimension.attributes).some((v) => v !== undefined && signal.dimension.key === v);
  });
}

export function evaluateEmergence(
  signals: readonly Signal[],
  trends: readonly EmergenceTrendTruth[],
  options: { years: number; minCountries: number },
): EmergenceScore[] {
  return RULES.map((rule) => {
    const mine = signals.filter((s) => s.detector.id === rule.detector);
    const scored = trends.filter((t) => t.kind === rule.trendKind);
    const delays: Record<string, number | null> = {};
    const all: number[] = [];
    let inTime = 0;
    let detected = 0;
    let orderRight = 0;
    for (const trend of scored) {
      const from = bucketIndexOfDay(rule.granularity, rule.detectableFrom(trend, options.minCountries));
      const end = bucketIndexOfDay(rule.granularity, dayOf(trend.end)) + 1;
      const matching = mine.filter((s) => {
        const b = bucketIndexOfDay(rule.granularity, dayIndexOf(s.bucket.start));
        return rule.matches(s, trend) && b >= from && b <= end;
      });
      const best = matching.length === 0 ? null : Math.min(...matching.map((s) => bucketIndexOfDay(rule.granularity, dayIndexOf(s.bucket.start)) - from));
      delays[trend.id] = best;
      if (best !== null) {
        detected++;
        all.push(best);
        if (best <= rule.maxDelayBuckets) inTime++;
      }
      if (rule.trendKind === 'technology-spread' && matching.length > 0) {
        const last = matching.reduce((a, b) => (b.countries.length > a.countries.length ? b : a));
        const expected = [...(trend.onsets ?? [])].sort((a, b) => (a.start < b.start ? -1 : 1)).map((o) => o.country).slice(0, last.countries.length);
        if (JSON.stringify(last.countries) === JSON.stringify(expected)) orderRight++;
      }
    }
    const falseAlarms = mine.filter((s) => !explained(s, trends)).length;
    return {
      detector: rule.detector,
      granularity: rule.granularity,
      trendKind: rule.trendKind,
      trends: scored.length,
      detectedInTime: inTime,
      maxDelayBuckets: rule.maxDelayBuckets,
      detected,
      medianDelay: median(all),
      delays,
      ...(rule.trendKind === 'technology-spread' ? { orderRight } : {}),
      falseAlarms,
      falseAlarmsPerYear: options.years > 0 ? falseAlarms / options.years : 0,
    };
  });
}
