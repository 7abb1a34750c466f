// Scores alerts (not signals) against the simulator's ground truth: did each
// injected trend get an alert announcement (opened, reopened, or a revision) in
// time, and how many alerts does the desk get per simulated week. The alert
// revisions come from the alert service's replay (`replayAlerts`), passed in so
// this package does not depend on the alert service.
import { dayIndexOf } from '../buckets';
import { overlaps } from './ground-truth';
import type { EmergenceTrendTruth } from './emergence-truth';

const DAY_MS = 86_400_000;

/** What this evaluation needs of one alert revision (structurally the alert replay's). */
export interface AlertRevisionLike {
  alert_id: string;
  reason: string;
  /** ms, bucket time. */
  event_time: number;
  kind: string;
  granularity: 'day' | 'week';
  dimension: { type: string; key: string; attributes: Record<string, unknown> };
  countries: string[];
  terms: string[];
  /** The alert engine's flap rule was holding the alert at this revision. */
  flapping?: boolean;
}

export interface AlertTrendScore {
  trend: string;
  kind: string;
  /** Days from when the trend became detectable to the first matching announcement, or null. */
  delayDays: number | null;
  /** In time when delayDays <= boundDays (the detection benchmark's bound for this kind). */
  boundDays: number;
  inTime: boolean;
  /** The announcing alert: detector kind, dimension, granularity. */
  via: string | null;
}

export interface AlertLoad {
  alerts: number;
  /** Episodes opened (first openings and reopenings). */
  episodes: number;
  perWeekMedian: number;
  perWeekP95: number;
  /** Reopened within `flapBuckets` buckets of its own granularity after resolving (its first bucket one of them). */
  flaps: number;
  /** Alerts the engine's own flap rule marked at some revision (state changes within its flap window). */
  markedFlapping: number;
  revisions: number;
}

const dayMsOf = (date: string): number => dayIndexOf(`${date}T00:00:00Z`) * DAY_MS;

/** Which alerts speak about a trend, and from when it can be seen and how late is still in time (days). */
function ruleFor(trend: EmergenceTrendTruth & { displaced_from?: Record<string, unknown> }): { from: number; boundDays: number; matches(r: AlertRevisionLike): boolean } {
  const attrs = trend.dimension.attributes;
  const sameKey = (r: AlertRevisionLike): boolean => r.dimension.type === trend.dimension.type && r.dimension.key === trend.dimension.key;
  const onsets = [...(trend.onsets ?? [])].sort((a, b) => (a.start < b.start ? -1 : 1));
  switch (trend.kind) {
    case 'method-surge':
      return { from: dayMsOf(trend.start), boundDays: 14, matches: (r) => r.kind === 'count' && sameKey(r) };
    case 'new-route':
      return {
        from: dayMsOf(trend.start),
        boundDays: 2,
        matches: (r) => (r.kind === 'novelty' || r.kind === 'count') && (sameKey(r) || (r.dimension.type === 'route_edge' && overlaps(r, trend))),
      };
    case 'technology-spread':
      // From the first onset: first-seen in that country, or the spread once a second country rises.
      return {
        from: dayMsOf(onsets[0]?.start ?? trend.start),
        boundDays: 14 + (onsets[1] ? (dayMsOf(onsets[1].start) - dayMsOf(onsets[0]!.start)) / DAY_MS : 0),
        matches: (r) =>
          (r.kind === 'spread' && r.dimension.key === attrs['technology']) ||
          (r.dimension.attributes['technology'] === attrs['technology'] && (r.dimension.attributes['country'] === undefined || trend.countries.includes(String(r.dimension.attributes['country'])))),
      };
    case 'route-displacement':
      return {
        from: dayMsOf(trend.start),
        boundDays: 14,
        matches: (r) =>
          (r.kind === 'displacement' && r.dimension.attributes['destination'] === attrs['destination'] && r.dimension.attributes['modality'] === attrs['modality']) ||
          (r.dimension.type === 'route' && r.dimension.key === trend.dimension.key),
      };
    case 'new-term': {
      const term = String(attrs['term'] ?? trend.dimension.key).toLowerCase();
      return { from: dayMsOf(trend.start), boundDays: 14, matches: (r) => r.kind === 'terms' && (r.dimension.attributes['term'] === term || r.terms.includes(term)) };
    }
    default:
      return { from: dayMsOf(trend.start), boundDays: 14, matches: (r) => sameKey(r) };
  }
}

const ANNOUNCING = new Set(['opened', 'reopened', 'resumed', 'severity', 'scope', 'detectors']);

/** Per trend: the first announcement of a matching alert from a week before it could be seen to a week after it ended. */
export function scoreAlertsOnTruth(revisions: readonly AlertRevisionLike[], trends: readonly EmergenceTrendTruth[]): AlertTrendScore[] {
  return trends.map((trend) => {
    const rule = ruleFor(trend);
    const until = dayMsOf(trend.end) + 8 * DAY_MS;
    let first: AlertRevisionLike | null = null;
    for (const r of revisions) {
      if (!ANNOUNCING.has(r.reason) || r.event_time < rule.from - 7 * DAY_MS || r.event_time > until || !rule.matches(r)) continue;
      if (first === null || r.event_time < first.event_time) first = r;
    }
    const delayDays = first === null ? null : Math.max(0, (first.event_time - rule.from) / DAY_MS);
    return {
      trend: trend.id,
      kind: trend.kind,
      delayDays,
      boundDays: rule.boundDays,
      inTime: delayDays !== null && delayDays <= rule.boundDays,
      via: first === null ? null : `${first.kind} ${first.dimension.type}:${first.dimension.key} (${first.granularity})`,
    };
  });
}

function quantile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** Episodes opened per simulated week over [startMs, startMs + days), and reopenings within `flapBuckets` of a resolution. */
export function alertLoad(revisions: readonly AlertRevisionLike[], startMs: number, days: number, flapBuckets: number): AlertLoad {
  const weeks = new Array<number>(Math.max(1, Math.ceil(days / 7))).fill(0);
  const lastResolved = new Map<string, number>();
  const ids = new Set<string>();
  let episodes = 0;
  let flaps = 0;
  const marked = new Set<string>();
  for (const r of revisions) {
    ids.add(r.alert_id);
    if (r.flapping) marked.add(r.alert_id);
    if (r.reason === 'resolved') lastResolved.set(r.alert_id, r.event_time);
    if (r.reason !== 'opened' && r.reason !== 'reopened') continue;
    episodes++;
    const week = Math.floor((r.event_time - startMs) / (7 * DAY_MS));
    if (week >= 0 && week < weeks.length) weeks[week]!++;
    const resolved = lastResolved.get(r.alert_id);
    const bucketMs = (r.granularity === 'week' ? 7 : 1) * DAY_MS;
    if (r.reason === 'reopened' && resolved !== undefined && r.event_time - resolved < flapBuckets * bucketMs) flaps++;
  }
  const sorted = [...weeks].sort((a, b) => a - b);
  return { alerts: ids.size, episodes, perWeekMedian: quantile(sorted, 0.5), perWeekP95: quantile(sorted, 0.95), flaps, markedFlapping: marked.size, revisions: revisions.length };
}
