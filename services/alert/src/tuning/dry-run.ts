// "What would this configuration change?": the current and the candidate configuration
// each run over the same recent incidents through detect's own scoring (its backtest,
// passed in as DetectorScoring) and the
// alert engine's grouping and lifecycle (replayAlerts); the two alert sets are compared by
// alert id (one per detector kind, dimension and bucket kind, so the same alert in both
// runs has the same id), and so are the subscribers each alert would reach through the
// sharing rules and the subscription filters the delivery service applies.
import { viewFor, type Alert, type IncidentEvent, type WebhookSubscription } from '@tocsin/core';
import type { LifecycleConfig } from '../config';
import { replayAlerts } from '../engine/replay';
import type { Regions } from '../regions';
import { matchesFilters } from '../subscriptions/filters';
import type { DetectorScoring, ScoringPlan } from './scoring';

/** Alerts listed per kind of difference (the counts are always complete). */
export const DRY_RUN_LIST_LIMIT = 200;

/** An alert as a dry run shows it: what decides whether and whom it notifies. */
export interface AlertSummary {
  id: string;
  kind: string;
  granularity: string;
  dimension: { type: string; key: string };
  detectors: string[];
  severity: string;
  status: string;
  episode: number;
  opened: string;
  resolved: string | null;
  countries: string[];
  /** Ids of the active subscriptions it would notify. */
  subscribers: string[];
}

export interface AlertChange {
  id: string;
  /** Fields of the summary that differ. */
  fields: string[];
  before: AlertSummary;
  after: AlertSummary;
}

export interface SubscriberDifference {
  subscription_id: string;
  agency: string;
  /** Alerts it would be told about with the candidate and not now, and the reverse. */
  gained: string[];
  lost: string[];
}

export interface DryRunRun {
  version: string;
  signals: number;
  alerts: number;
}

export interface DryRunResult {
  window: { from: string | null; to: string | null; days: number; incidents: number };
  current: DryRunRun;
  candidate: DryRunRun;
  counts: { appear: number; disappear: number; change: number; same: number };
  appear: AlertSummary[];
  disappear: AlertSummary[];
  change: AlertChange[];
  subscribers: SubscriberDifference[];
  /** True when a list holds only its first DRY_RUN_LIST_LIMIT entries. */
  truncated: boolean;
  elapsed_ms: number;
}

export interface DryRunInput {
  events: readonly IncidentEvent[];
  window: { fromDay: number | null; toDay: number | null; days: number };
  current: ScoringPlan;
  candidate: ScoringPlan;
  /** detect's scoring (backtest), passed in by the composition root. */
  scoring: Pick<DetectorScoring, 'signals'>;
  lifecycle: LifecycleConfig;
  subscriptions: readonly WebhookSubscription[];
  regions: Regions;
  clock?: () => number;
}

const DAY_MS = 86_400_000;
const isoDay = (day: number | null): string | null => (day === null ? null : new Date(day * DAY_MS).toISOString().slice(0, 10));

function subscribersOf(alert: Alert, subscriptions: readonly WebhookSubscription[], regions: Regions): string[] {
  const out: string[] = [];
  for (const sub of subscriptions) {
    const view = viewFor(alert, { agency: sub.agency, country: sub.agency_country });
    if (view.level !== 'withheld' && matchesFilters(sub.filters, sub.agency_country, view, regions)) out.push(sub.id);
  }
  return out;
}

function summarise(alert: Alert, subscribers: string[]): AlertSummary {
  return {
    id: alert.id, kind: alert.detector.kind, granularity: alert.bucket.granularity,
    dimension: { type: alert.dimension.type, key: alert.dimension.key },
    detectors: alert.detectors.map((d) => d.id).sort(), severity: alert.severity, status: alert.status, episode: alert.episode,
    opened: alert.event_time.opened, resolved: alert.event_time.resolved ?? null, countries: [...alert.countries].sort(), subscribers,
  };
}

const COMPARED: ReadonlyArray<keyof AlertSummary> = ['detectors', 'severity', 'status', 'episode', 'opened', 'resolved', 'countries', 'subscribers'];

function alertsOf(input: DryRunInput, plan: ScoringPlan, now: number): { summaries: Map<string, AlertSummary>; run: DryRunRun } {
  const signals = input.scoring.signals(input.events, plan, now);
  const replay = replayAlerts(signals, input.lifecycle);
  const summaries = new Map<string, AlertSummary>();
  for (const alert of replay.alerts) summaries.set(alert.id, summarise(alert, subscribersOf(alert, input.subscriptions, input.regions)));
  return { summaries, run: { version: plan.version, signals: signals.length, alerts: summaries.size } };
}

export function dryRun(input: DryRunInput): DryRunResult {
  const clock = input.clock ?? Date.now;
  const started = clock();
  const before = alertsOf(input, input.current, started);
  const after = alertsOf(input, input.candidate, started);

  const appear: AlertSummary[] = [];
  const disappear: AlertSummary[] = [];
  const change: AlertChange[] = [];
  let same = 0;
  const gained = new Map<string, Set<string>>();
  const lost = new Map<string, Set<string>>();
  const note = (into: Map<string, Set<string>>, subs: string[], alertId: string) => {
    for (const s of subs) (into.get(s) ?? into.set(s, new Set()).get(s)!).add(alertId);
  };
  for (const [id, b] of before.summaries) {
    const a = after.summaries.get(id);
    if (!a) {
      disappear.push(b);
      note(lost, b.subscribers, id);
      continue;
    }
    const fields = COMPARED.filter((f) => JSON.stringify(a[f]) !== JSON.stringify(b[f]));
    if (fields.length === 0) same++;
    else change.push({ id, fields, before: b, after: a });
    note(gained, a.subscribers.filter((s) => !b.subscribers.includes(s)), id);
    note(lost, b.subscribers.filter((s) => !a.subscribers.includes(s)), id);
  }
  for (const [id, a] of after.summaries) {
    if (before.summaries.has(id)) continue;
    appear.push(a);
    note(gained, a.subscribers, id);
  }

  const agencyOf = new Map(input.subscriptions.map((s) => [s.id, s.agency]));
  const subscribers: SubscriberDifference[] = [...new Set([...gained.keys(), ...lost.keys()])].sort().map((id) => ({
    subscription_id: id, agency: agencyOf.get(id) ?? '', gained: [...(gained.get(id) ?? [])].sort(), lost: [...(lost.get(id) ?? [])].sort(),
  }));
  const cap = <T>(list: T[]): T[] => list.slice(0, DRY_RUN_LIST_LIMIT);
  const truncated = [appear, disappear, change].some((l) => l.length > DRY_RUN_LIST_LIMIT)
    || subscribers.some((s) => s.gained.length > DRY_RUN_LIST_LIMIT || s.lost.length > DRY_RUN_LIST_LIMIT);
  return {
    window: { from: isoDay(input.window.fromDay), to: isoDay(input.window.toDay), days: input.window.days, incidents: input.events.length },
    current: before.run,
    candidate: after.run,
    counts: { appear: appear.length, disappear: disappear.length, change: change.length, same },
    appear: cap(appear),
    disappear: cap(disappear),
    change: cap(change),
    subscribers: subscribers.map((s) => ({ ...s, gained: cap(s.gained), lost: cap(s.lost) })),
    truncated,
    elapsed_ms: clock() - started,
  };
}
