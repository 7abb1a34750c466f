// The backtest pipeline, in memory and in event time: an incident file through ingest's
// reader (decode, normalise, pseudonymise, de-duplicate), in occurred_at order through
// detect's buckets and detectors (one scorer, the services' multiple-testing families),
// the signals through the alert service's lifecycle and grouping (replayAlerts: the same
// AlertBook steps), and each alert revision through the sharing rules and the subscribers'
// filters. No bus, no wall clock: the data's event time drives every stage.
import type { Alert, BacktestSubscriber, PartnerConfig, Signal } from '@tocsin/core';
import { compileValidator, viewFor } from '@tocsin/core';
import { backtest, bucketBoundsMs, dayIndexOf, explained, keyYearsOf, MULTIPLE_TESTING_FAMILIES, truthTable, type ClosedBucket, type DetectorPlan, type TrendTruth, type TruthTable } from '@tocsin/detect';
import { DEFAULT_LIFECYCLE, isNews, loadRegions, matchesFilters, replayAlerts, withoutRedEvidence, type LifecycleConfig } from '@tocsin/alert';
import { IncidentFileReader, inEventTimeOrder, type DeadLetterReason } from '@tocsin/ingest';
import type { IncidentEvent } from '@tocsin/core';

const DAY_MS = 86_400_000;

export interface BacktestTruth {
  /** The simulator's ground-truth file: { generated_by, scenario, partners, trends }. */
  scenario?: { days?: number; start?: string };
  trends: TrendTruth[];
}

export interface BacktestInput {
  file: Buffer | string;
  partner?: PartnerConfig;
  plan: DetectorPlan;
  lifecycle?: LifecycleConfig;
  subscriptions?: BacktestSubscriber[];
  truth?: BacktestTruth;
  /** A labelled alert history (alert.v1 records with desk labels), to score alerts by the desk's TP/FP. */
  labels?: Alert[];
  pseudonymKey?: Buffer;
  taxonomyDir?: string;
  /** Progress: phase, records done, newest event day (ms), records per second so far. */
  onProgress?(p: BacktestProgress): void;
}

export interface BacktestProgress {
  phase: 'read' | 'detect' | 'alert';
  records: number;
  /** Newest event time reached, ms (detect phase). */
  eventTime: number | null;
  perSecond: number;
}

export interface Rejection {
  line: number;
  partner: string | null;
  reason: DeadLetterReason;
  message: string;
  pointer?: string;
}

/** One alert episode: what `alerts.ndjson` holds per line. */
export interface AlertEpisode {
  id: string;
  episode: number;
  detector: string;
  detectors: string[];
  kind: string;
  granularity: 'day' | 'week';
  dimension: Alert['dimension'];
  severity: string;
  /** Event time: the start of the opening signal's bucket. */
  opened_at: string;
  /** Event time: the end of its quiet span; null while open at the end of the file. */
  resolved_at: string | null;
  countries: string[];
  partners: string[];
  summary: string | null;
  observed: number;
  expected: number | null;
  upperbound: number | null;
  rank_score: number;
  /** Signals the alert has taken in (signals_seen). */
  signals: number;
  /** With --truth: the trend it is explained by (id), or null for a false positive. With --labels: the desk's label, or null. */
  truth?: string | null;
  label?: 'true_positive' | 'false_positive' | null;
}

export interface Delivery {
  subscription: string;
  agency: string;
  alert_id: string;
  episode: number;
  alert_revision: number;
  type: 'alert.opened' | 'alert.updated' | 'alert.resolved';
  /** Event time of the revision. */
  event_time: string;
  /** What the subscriber gets: full detail or aggregate only (after the sharing rules). */
  level: 'full' | 'aggregate';
  severity: string;
  countries: string[];
}

export interface DetectorAlertRow {
  detector: string;
  alerts: number;
  truePositives: number;
  falsePositives: number;
  /** Labels: alerts without a desk label. */
  unlabelled: number;
  /** Truth: trends with an alert of this detector, and the median days from trend start to the first one. */
  trendsFound: number;
  medianDelayDays: number | null;
}

/** Per series point: bucket start (ms), observed, expected, upper bound, alarm (1/0). */
export type SeriesPoint = [number, number, number | null, number | null, 0 | 1];

export interface BacktestRun {
  read: { records: number; accepted: number; duplicates: number; rejected: number; byReason: Record<string, number>; seconds: number };
  rejections: Rejection[];
  incidents: number;
  firstEvent: string | null;
  lastEvent: string | null;
  signals: Signal[];
  episodes: AlertEpisode[];
  deliveries: Delivery[] | null;
  /** Series of the keys that raised alerts: `<dim type>|<dim key>` → `<detector>@<granularity>` → points. */
  series: Map<string, Map<string, SeriesPoint[]>>;
  truthTable: TruthTable | null;
  alertTable: DetectorAlertRow[];
  scoredBy: 'truth' | 'labels' | null;
  lateDropped: number;
  seconds: { read: number; detect: number; alert: number; total: number };
  /** Incidents per second over the whole run (read, detect, alert). */
  rate: number;
  families: number;
}

const median = (values: number[]): number | null => {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

const validateSubscriptions = compileValidator<BacktestSubscriber[]>('backtest-subscriptions.v1');

/** The subscribers of a --subscriptions file, or a message naming what is wrong. */
export function parseSubscriptions(value: unknown): BacktestSubscriber[] {
  const checked = validateSubscriptions(value);
  if (!checked.ok) throw new Error(`subscriptions${checked.errors[0]?.pointer ?? ''}: ${checked.errors[0]?.message ?? 'invalid'}`);
  return checked.value;
}

export function runBacktest(input: BacktestInput): BacktestRun {
  const started = performance.now();
  const progress = input.onProgress ?? (() => {});
  const lifecycle = input.lifecycle ?? DEFAULT_LIFECYCLE;

  // 1. Ingest's path, in file order (revisions and duplicates as ingest would see them).
  const reader = new IncidentFileReader({
    ...(input.partner ? { partner: input.partner } : {}),
    ...(input.pseudonymKey ? { pseudonymKey: input.pseudonymKey } : {}),
    ...(input.taxonomyDir ? { taxonomyDir: input.taxonomyDir } : {}),
    source: 'tocsin-backtest',
  });
  const events: IncidentEvent[] = [];
  const rejections: Rejection[] = [];
  const byReason: Record<string, number> = {};
  let records = 0;
  let duplicates = 0;
  for (const piece of reader.split(input.file)) {
    for (const outcome of reader.read(piece)) {
      records++;
      if (outcome.kind === 'accepted') events.push(outcome.event);
      else if (outcome.kind === 'duplicate') duplicates++;
      else {
        rejections.push({ line: outcome.line, partner: outcome.partner, reason: outcome.reason, message: outcome.message, ...(outcome.pointer === undefined ? {} : { pointer: outcome.pointer }) });
        byReason[outcome.reason] = (byReason[outcome.reason] ?? 0) + 1;
      }
    }
    if (records % 20_000 === 0) progress({ phase: 'read', records, eventTime: null, perSecond: records / ((performance.now() - started) / 1000) });
  }
  const readSeconds = (performance.now() - started) / 1000;
  const ordered = inEventTimeOrder(events);

  // 2. Detect, keeping the scored rows of every key (charts are drawn for the keys that alert).
  const detectStarted = performance.now();
  const rows = new Map<string, Map<string, SeriesPoint[]>>();
  const onClosed = (bucket: ClosedBucket): void => {
    const start = bucketBoundsMs(bucket.granularity, bucket.index).startMs;
    for (const r of bucket.rows) {
      const key = `${r.key.dimType}|${r.key.dimKey}`;
      let byDetector = rows.get(key);
      if (!byDetector) rows.set(key, (byDetector = new Map()));
      const id = `${r.detector.detector.id}@${r.detector.granularity}`;
      let points = byDetector.get(id);
      if (!points) byDetector.set(id, (points = []));
      points.push([start, r.row.observed, r.row.expected, r.row.upperbound, r.row.alarm ? 1 : 0]);
    }
  };
  const run = backtest(ordered, input.plan, {
    onClosed,
    onProgress: (n, day) => {
      if (n % 10_000 === 0) progress({ phase: 'detect', records: n, eventTime: day * DAY_MS, perSecond: n / ((performance.now() - detectStarted) / 1000) });
    },
  });
  const detectSeconds = (performance.now() - detectStarted) / 1000;

  // 3. Alerts: the service's lifecycle and grouping, then each revision per subscriber.
  const alertStarted = performance.now();
  const episodes = new Map<string, { alert: Alert; first: Signal }>();
  const regions = input.subscriptions ? loadRegions() : null;
  const deliveries: Delivery[] | null = input.subscriptions ? [] : null;
  const sent = new Map<string, { revision: number; severity: string; status: string | null }>();
  let current: Signal | null = null;
  const kept: Signal[] = [];
  for (const s of run.signals) {
    const { signal, dropped } = withoutRedEvidence(s);
    // As the alert service: a signal with nothing but RED behind it never came.
    if (dropped > 0 && signal.evidence_total === 0) continue;
    kept.push(signal);
  }
  const feed = function* (): Generator<Signal> {
    for (const s of kept) {
      current = s;
      yield s;
    }
  };
  // The data is complete up to the end of its last day: alerts quiet by then resolve.
  const lastEvent = ordered.at(-1)?.incident.occurred_at;
  replayAlerts(feed(), lifecycle, {
    ...(lastEvent ? { endEventTime: (dayIndexOf(lastEvent) + 1) * DAY_MS } : {}),
    onRevision: (alert) => {
      const key = `${alert.id}#${alert.episode}`;
      // The signal being applied opened a new episode; later revisions keep its opening signal.
      episodes.set(key, { alert, first: episodes.get(key)?.first ?? current! });
      if (deliveries && regions) {
        const last = alert.history[alert.history.length - 1];
        const type: Delivery['type'] = alert.status === 'resolved' ? 'alert.resolved' : last?.reason === 'opened' || last?.reason === 'reopened' ? 'alert.opened' : 'alert.updated';
        for (const sub of input.subscriptions!) {
          const view = viewFor(alert, { agency: sub.agency, country: sub.agency_country });
          if (view.level === 'withheld') continue;
          if (!matchesFilters(sub.filters ?? {}, sub.agency_country, view, regions)) continue;
          const sentKey = `${alert.id} ${sub.id}`;
          if (type === 'alert.updated' && !isNews(view, sent.get(sentKey))) continue;
          if (view.revision !== null) sent.set(sentKey, { revision: view.revision, severity: view.severity, status: view.status });
          deliveries.push({
            subscription: sub.id, agency: sub.agency, alert_id: alert.id, episode: alert.episode, alert_revision: alert.revision, type,
            event_time: last?.event_time ?? alert.event_time.opened, level: view.level, severity: view.severity, countries: [...view.countries],
          });
        }
      }
    },
  });

  const trends = input.truth?.trends ?? null;
  const labels = new Map<string, 'true_positive' | 'false_positive'>();
  for (const a of input.labels ?? []) if (a.desk?.label) labels.set(`${a.id}#${a.episode}`, a.desk.label.value);
  const list: AlertEpisode[] = [...episodes.values()].map(({ alert: a, first }) => ({
    id: a.id, episode: a.episode, detector: a.detector.id, detectors: a.detectors.map((d) => d.id), kind: a.detector.kind, granularity: a.bucket.granularity,
    dimension: a.dimension, severity: a.severity, opened_at: a.event_time.opened, resolved_at: a.event_time.resolved ?? null,
    countries: [...a.countries], partners: [...a.partners], summary: a.summary ?? null, observed: a.observed, expected: a.expected ?? null, upperbound: a.upperbound ?? null,
    rank_score: a.rank_score, signals: a.signals_seen,
    ...(trends ? { truth: explainingTrend(first, trends) } : {}),
    ...(input.labels ? { label: labels.get(`${a.id}#${a.episode}`) ?? null } : {}),
  }));
  list.sort((x, y) => (x.opened_at < y.opened_at ? -1 : x.opened_at > y.opened_at ? 1 : x.id < y.id ? -1 : 1));
  const alertSeconds = (performance.now() - alertStarted) / 1000;

  const series = new Map<string, Map<string, SeriesPoint[]>>();
  for (const e of list) {
    const key = `${e.dimension.type}|${e.dimension.key}`;
    const found = rows.get(key);
    if (found) series.set(key, found);
  }
  const years = input.truth?.scenario?.days !== undefined ? input.truth.scenario.days / 365 : spanYears(ordered);
  const total = (performance.now() - started) / 1000;
  return {
    read: { records, accepted: events.length, duplicates, rejected: rejections.length, byReason, seconds: readSeconds },
    rejections,
    incidents: run.incidents,
    firstEvent: ordered[0]?.incident.occurred_at ?? null,
    lastEvent: ordered.at(-1)?.incident.occurred_at ?? null,
    signals: run.signals,
    episodes: list,
    deliveries,
    series,
    truthTable: trends ? truthTable(run.signals, trends, input.plan, { keyYears: keyYearsOf(run.scoredKeys), years }) : null,
    alertTable: alertTable(list, trends),
    scoredBy: trends ? 'truth' : input.labels ? 'labels' : null,
    lateDropped: run.lateDropped,
    seconds: { read: readSeconds, detect: detectSeconds, alert: alertSeconds, total },
    rate: records / total,
    families: MULTIPLE_TESTING_FAMILIES,
  };
}

function spanYears(events: readonly IncidentEvent[]): number {
  if (events.length === 0) return 0;
  return (dayIndexOf(events.at(-1)!.incident.occurred_at) - dayIndexOf(events[0]!.incident.occurred_at) + 1) / 365;
}

/** The trend an episode's opening signal is explained by (same or overlapping dimension, in its window), or null. */
function explainingTrend(signal: Signal, trends: readonly TrendTruth[]): string | null {
  if (!explained(signal, trends)) return null;
  const same = trends.find((t) => t.dimension.type === signal.dimension.type && t.dimension.key === signal.dimension.key && explained(signal, [t]));
  return (same ?? trends.find((t) => explained(signal, [t])))!.id;
}

/** Per detector (any detector of an episode counts it): alerts, TP, FP and, with truth, trends found and the median delay. */
function alertTable(episodes: readonly AlertEpisode[], trends: readonly TrendTruth[] | null): DetectorAlertRow[] {
  const ids = [...new Set(episodes.flatMap((e) => e.detectors))].sort();
  return ids.map((detector) => {
    const mine = episodes.filter((e) => e.detectors.includes(detector));
    const tp = mine.filter((e) => (trends ? e.truth != null : e.label === 'true_positive')).length;
    const fp = mine.filter((e) => (trends ? e.truth === null : e.label === 'false_positive')).length;
    // The first alert of this detector explained by each trend: days from the trend's start to the alert's first bucket.
    const firstByTrend = new Map<string, number>();
    if (trends) {
      for (const e of mine) {
        if (!e.truth) continue;
        const t = trends.find((x) => x.id === e.truth)!;
        const delay = Math.max(0, (Date.parse(e.opened_at) - Date.parse(`${t.start}T00:00:00Z`)) / DAY_MS);
        const prev = firstByTrend.get(t.id);
        if (prev === undefined || delay < prev) firstByTrend.set(t.id, delay);
      }
    }
    return {
      detector, alerts: mine.length, truePositives: tp, falsePositives: fp, unlabelled: mine.length - tp - fp,
      trendsFound: firstByTrend.size, medianDelayDays: median([...firstByTrend.values()]),
    };
  });
}
