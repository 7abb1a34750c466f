// The alert lifecycle as pure functions over the persisted Alert record.
//
// Grouping: one alert follows one (detector kind, dimension, bucket granularity)
// group, so EARS C1, C2, C3 and Farrington firing on the same dimension and
// bucket kind are one alert that lists them and shows the strongest evidence.
// Emergence kinds (novelty, spread, displacement, terms) are their own groups:
// each is a different statement about a dimension (docs/alerts.md, Grouping).
//
// Time: opening and resolving follow event (bucket) time, with hysteresis. An
// episode lasts while its signals come no more than `resolveAfterBuckets` quiet
// buckets apart; it resolves at the end of that quiet span, and a resolved alert
// does not reopen during `cooldownBuckets` after it. Damping: an episode that
// began with a quick reopening (within `flapWindowBuckets` of the last resolution)
// needs twice the quiet span of the one before it, up to `maxResolveAfterBuckets`,
// so a dimension whose alarms come and go stays one episode. Whether an episode goes on
// depends only on the buckets of its signals, never on when batches arrived.
// Notification pacing (group wait, group interval, repeat interval) is about
// people and stays on the wall clock. No clocks or I/O here: `now` (wall) and
// `eventNow` (bucket time) are passed in, so tests drive both directly.
import type { Alert, AlertRevision, Evidence, RecordOrigin, Signal } from '@tocsin/core';
import type { LifecycleConfig } from '../config';
import { alertIdFor } from '../ids';
import { severityRank } from '../subscriptions/filters';
import { mergeSeries } from './series';

const iso = (ms: number): string => new Date(ms).toISOString();
const MAX_EVIDENCE = 200;
const MAX_HISTORY = 100;
const MAX_TRANSITIONS = 20;
const MAX_DETECTORS = 50;

export interface SignalContext {
  now: number;
  source: string;
  origin?: RecordOrigin;
}

export type ApplyResult = { alert: Alert; revised: boolean; reason: AlertRevision['reason'] | null };

type AlertDetector = Alert['detectors'][number];

const union = (a: readonly string[], b: readonly string[]): string[] => [...new Set([...a, ...b])].sort();

/** The group a signal belongs to: what the watch desk follows, not which detector variant spoke. */
export function alertIdOfSignal(signal: Signal): string {
  return alertIdFor(signal.detector.kind, signal.dimension.type, signal.dimension.key, signal.bucket.granularity);
}

export function bucketLengthMs(alert: Pick<Alert, 'bucket'>): number {
  return Math.max(1, Date.parse(alert.bucket.end) - Date.parse(alert.bucket.start));
}

/**
 * How many quick reopenings in a row led to the current episode: each came within
 * `flapWindowBuckets` of the previous episode's resolution. Read from the alert's
 * transitions (opened, resolved, opened, ... in event time; the newest is the
 * current episode's opening while it is open).
 */
export function quickReopenings(alert: Pick<Alert, 'status' | 'flapping' | 'bucket'>, cfg: LifecycleConfig): number {
  const t = alert.flapping.transitions.map((x) => Date.parse(x));
  const window = cfg.flapWindowBuckets * bucketLengthMs(alert);
  // The newest opening: the last transition of an open alert, the one before the last of a resolved one.
  let open = alert.status === 'open' ? t.length - 1 : t.length - 2;
  let chain = 0;
  while (open >= 1 && t[open]! - t[open - 1]! <= window) {
    chain++;
    open -= 2;
  }
  return chain;
}

/**
 * Quiet buckets that end the current episode: `resolveAfterBuckets`, doubled for each
 * quick reopening in a row before it, at most `maxResolveAfterBuckets` (damping, as
 * BGP route-flap damping does: a dimension whose alarms come and go stays one open
 * episode instead of opening and resolving again and again).
 */
export function quietBucketsOf(alert: Pick<Alert, 'status' | 'flapping' | 'bucket'>, cfg: LifecycleConfig): number {
  const damped = cfg.resolveAfterBuckets * 2 ** Math.min(quickReopenings(alert, cfg), 10);
  return Math.max(cfg.resolveAfterBuckets, Math.min(damped, cfg.maxResolveAfterBuckets));
}

/** Event time at which an open alert's quiet span ends: its newest signal's bucket end + its quiet buckets. */
export function quietSpanEnd(alert: Alert, cfg: LifecycleConfig): number {
  return Date.parse(alert.last_signal.bucket_end) + quietBucketsOf(alert, cfg) * bucketLengthMs(alert);
}

/** Event time before which a resolved alert does not reopen. */
function cooldownEnd(alert: Alert, cfg: LifecycleConfig): number {
  const resolved = alert.event_time.resolved ? Date.parse(alert.event_time.resolved) : Date.parse(alert.last_signal.bucket_end);
  return resolved + cfg.cooldownBuckets * bucketLengthMs(alert);
}

type Strength = Pick<Signal, 'severity' | 'rank_score' | 'bucket' | 'detector'>;

/**
 * Total order of evidence strength: severity, rank score, then the newer bucket,
 * then the detector id, so the strongest of a set does not depend on arrival order.
 */
function stronger(a: Strength, b: Strength): boolean {
  const bySeverity = severityRank(a.severity) - severityRank(b.severity);
  if (bySeverity !== 0) return bySeverity > 0;
  if (a.rank_score !== b.rank_score) return a.rank_score > b.rank_score;
  const byBucket = Date.parse(a.bucket.end) - Date.parse(b.bucket.end);
  if (byBucket !== 0) return byBucket > 0;
  return a.detector.id < b.detector.id;
}

function mergeEvidence(previous: readonly Evidence[], incoming: readonly Evidence[]): Evidence[] {
  const byId = new Map<string, Evidence>();
  for (const e of previous) byId.set(e.incident_id, e);
  for (const e of incoming) {
    byId.delete(e.incident_id); // re-insert: newest last
    byId.set(e.incident_id, e);
  }
  const all = [...byId.values()];
  return all.slice(Math.max(0, all.length - MAX_EVIDENCE));
}

/** Adds the signal's detector to the episode's list; `joined` when it was not there yet. */
function mergeDetectors(list: readonly AlertDetector[], signal: Signal): { detectors: Alert['detectors']; joined: boolean } {
  const current = list.find((d) => d.id === signal.detector.id);
  if (!current) {
    const added: AlertDetector = { id: signal.detector.id, version: signal.detector.version, buckets: 1, last_bucket_end: signal.bucket.end, severity: signal.severity };
    return { detectors: [...list, added].sort((a, b) => (a.id < b.id ? -1 : 1)).slice(0, MAX_DETECTORS) as Alert['detectors'], joined: true };
  }
  const newer = Date.parse(signal.bucket.end) > Date.parse(current.last_bucket_end);
  const updated: AlertDetector = {
    id: current.id,
    version: newer ? signal.detector.version : current.version,
    buckets: current.buckets + (newer ? 1 : 0),
    last_bucket_end: newer ? signal.bucket.end : current.last_bucket_end,
    severity: severityRank(signal.severity) > severityRank(current.severity) ? signal.severity : current.severity,
  };
  return { detectors: list.map((d) => (d.id === current.id ? updated : d)) as Alert['detectors'], joined: false };
}

function revisionEntry(alert: Alert, at: number, eventTime: number, reason: AlertRevision['reason']): AlertRevision {
  return { revision: alert.revision, at: iso(at), event_time: iso(eventTime), reason, status: alert.status, severity: alert.severity, countries: [...alert.countries], partners: [...alert.partners] };
}

function pushTransition(alert: Alert, eventTime: number): Alert['flapping'] {
  const transitions = [...alert.flapping.transitions, iso(eventTime)].slice(-MAX_TRANSITIONS) as Alert['flapping']['transitions'];
  return { ...alert.flapping, transitions };
}

/** Schedules the notification of the alert's current revision (kept if one is already pending: group wait does not slide). */
function schedule(alert: Alert, now: number, cfg: LifecycleConfig): Alert['notify'] {
  const n = alert.notify;
  // Subscribers never heard this episode open and it is over: nothing to say.
  if (alert.status === 'resolved' && n.last_status !== 'open') return { ...n, pending_revision: null, due_at: null };
  const due = n.due_at ?? iso(n.last_at === null ? now + cfg.groupWaitMs : Math.max(now, Date.parse(n.last_at) + cfg.groupIntervalMs));
  return { ...n, pending_revision: alert.revision, due_at: due };
}

/** The statistics an alert shows: those of its strongest signal. */
function evidenceOf(signal: Signal): Pick<Alert, 'detector' | 'severity' | 'observed' | 'expected' | 'upperbound' | 'score' | 'p_value' | 'q_value' | 'bucket' | 'rank_score' | 'config_version'> & Partial<Pick<Alert, 'summary' | 'terms' | 'first_reported'>> {
  return {
    detector: signal.detector,
    severity: signal.severity,
    observed: signal.observed,
    expected: signal.expected ?? null,
    upperbound: signal.upperbound ?? null,
    score: signal.score ?? null,
    p_value: signal.p_value ?? null,
    q_value: signal.q_value ?? null,
    bucket: signal.bucket,
    rank_score: signal.rank_score,
    config_version: signal.config_version,
    ...(signal.summary ? { summary: signal.summary } : {}),
    ...(signal.terms ? { terms: signal.terms } : {}),
    ...(signal.first_reported ? { first_reported: signal.first_reported } : {}),
  };
}

function lastSignalOf(signal: Signal, ctx: SignalContext): Alert['last_signal'] {
  return { id: signal.id, received_at: iso(ctx.now), bucket_end: signal.bucket.end, ...(ctx.origin ? { origin: ctx.origin } : {}) };
}

const evidenceTotal = (merged: Evidence[], signal: Signal): number => merged.length + Math.max(0, signal.evidence_total - signal.evidence.length);

/** A new alert, or a new episode of a resolved one (same id). */
function openEpisode(previous: Alert | undefined, signal: Signal, ctx: SignalContext, cfg: LifecycleConfig): ApplyResult {
  const now = ctx.now;
  const opened = Date.parse(signal.bucket.start);
  const evidence = mergeEvidence([], signal.evidence);
  const fresh = {
    ...evidenceOf(signal),
    produced_at: iso(now),
    status: 'open' as const,
    detectors: mergeDetectors([], signal).detectors,
    event_time: { opened: iso(opened) },
    countries: union([], signal.countries),
    partners: union([], signal.partners),
    evidence,
    evidence_total: evidenceTotal(evidence, signal),
    opened_at: iso(now),
    updated_at: iso(now),
    last_signal: lastSignalOf(signal, ctx),
  };
  // The dimension's series goes on across episodes: the chart shows the quiet span between them.
  const series = mergeSeries(previous?.series, signal, true);
  if (series) Object.assign(fresh, { series });
  if (!previous) {
    const alert: Alert = {
      id: alertIdOfSignal(signal),
      type: 'alert',
      schema_version: 1,
      source: ctx.source,
      revision: 1,
      episode: 1,
      dimension: signal.dimension,
      ...fresh,
      signals_seen: 1,
      history: [],
      notify: { pending_revision: null, due_at: null, last_revision: null, last_status: null, last_at: null, repeat: 0 },
      flapping: { active: false, transitions: [iso(opened)] as Alert['flapping']['transitions'] },
      desk: { actions: [] },
    };
    alert.history = [revisionEntry(alert, now, opened, 'opened')];
    alert.notify = schedule(alert, now, cfg);
    return { alert, revised: true, reason: 'opened' };
  }
  // The previous episode's optional fields must not leak into this one.
  const { resolved_at: _r, summary: _s, terms: _t, first_reported: _f, ...rest } = previous;
  const alert: Alert = { ...rest, ...fresh, revision: previous.revision + 1, episode: previous.episode + 1, signals_seen: previous.signals_seen + 1 };
  alert.flapping = pushTransition(previous, opened);
  alert.flapping.active = isFlapping(alert.flapping.transitions, opened, bucketLengthMs(alert), cfg);
  alert.history = [...previous.history, revisionEntry(alert, now, opened, 'reopened')].slice(-MAX_HISTORY);
  alert.notify = schedule(alert, now, cfg);
  return { alert, revised: true, reason: 'reopened' };
}

/** A signal that cannot change the episode (late, replayed, or in the cool-down) is still counted and its detector listed. */
function recordOnly(previous: Alert, signal: Signal, ctx: SignalContext, listDetector: boolean): ApplyResult {
  const alert: Alert = {
    ...previous,
    produced_at: iso(ctx.now),
    signals_seen: previous.signals_seen + 1,
    ...(listDetector ? { detectors: mergeDetectors(previous.detectors, signal).detectors } : {}),
  };
  const series = mergeSeries(previous.series, signal, false);
  if (series) alert.series = series;
  return { alert, revised: false, reason: null };
}

/**
 * Adds a signal to the open episode; a revision only when the severity rises, a country
 * joins, a detector joins, or the episode's alarms resume after a quiet span that only
 * damping kept open (`resumed`: subscribers hear that it is active again).
 */
function continueEpisode(previous: Alert, signal: Signal, ctx: SignalContext, cfg: LifecycleConfig, resumed = false): ApplyResult {
  const now = ctx.now;
  const evidence = mergeEvidence(previous.evidence, signal.evidence);
  const countries = union(previous.countries, signal.countries);
  const partners = union(previous.partners, signal.partners);
  const { detectors, joined } = mergeDetectors(previous.detectors, signal);
  const newest = Date.parse(signal.bucket.end) >= Date.parse(previous.last_signal.bucket_end);
  // The alert shows the strongest evidence of the episode; weaker later buckets do not lower it.
  const takeSignal = stronger(signal, previous);
  const { summary: _s, terms: _t, first_reported: _f, ...withoutOptional } = previous;
  const alert: Alert = {
    ...(takeSignal ? { ...withoutOptional, ...evidenceOf(signal) } : previous),
    produced_at: iso(now),
    countries,
    partners,
    detectors,
    evidence,
    evidence_total: Math.max(previous.evidence_total, evidenceTotal(evidence, signal)),
    updated_at: iso(now),
    last_signal: newest ? lastSignalOf(signal, ctx) : previous.last_signal,
    signals_seen: previous.signals_seen + 1,
  };
  const series = mergeSeries(previous.series, signal, takeSignal);
  if (series) alert.series = series;
  const reason: AlertRevision['reason'] | null =
    severityRank(alert.severity) > severityRank(previous.severity) ? 'severity' : countries.length !== previous.countries.length ? 'scope' : joined ? 'detectors' : resumed ? 'resumed' : null;
  if (reason === null) return { alert, revised: false, reason: null };
  alert.revision = previous.revision + 1;
  alert.history = [...previous.history, revisionEntry(alert, now, Date.parse(signal.bucket.start), reason)].slice(-MAX_HISTORY);
  alert.notify = schedule(alert, now, cfg);
  return { alert, revised: true, reason };
}

export function applySignal(previous: Alert | undefined, signal: Signal, ctx: SignalContext, cfg: LifecycleConfig): ApplyResult {
  if (!previous) return openEpisode(undefined, signal, ctx, cfg);
  const bucketStart = Date.parse(signal.bucket.start);

  if (previous.status === 'resolved') {
    // Late signals of the finished episode and signals in the cool-down do not reopen it.
    if (bucketStart < cooldownEnd(previous, cfg)) return recordOnly(previous, signal, ctx, true);
    return openEpisode(previous, signal, ctx, cfg);
  }

  // The quiet span ended before this signal's bucket: the episode is over in event
  // time even if no other signal said so yet. Resolve it there, then apply.
  const quietEnd = quietSpanEnd(previous, cfg);
  if (bucketStart >= quietEnd) {
    const resolved = resolveAt(previous, ctx.now, quietEnd, cfg);
    const next = applySignal(resolved, signal, ctx, cfg);
    return next.revised ? next : { alert: next.alert, revised: true, reason: 'resolved' };
  }
  const opened = Date.parse(previous.event_time.opened);
  if (bucketStart < opened) {
    // A late signal just before the episode began would have been part of it in
    // order: it moves the start back. An older one belongs to an earlier episode.
    if (bucketStart < opened - cfg.resolveAfterBuckets * bucketLengthMs(previous)) return recordOnly(previous, signal, ctx, false);
    const result = continueEpisode(previous, signal, ctx, cfg);
    return { ...result, alert: { ...result.alert, event_time: { ...result.alert.event_time, opened: iso(bucketStart) } } };
  }
  // Quiet for N buckets or more: undamped, the episode would have ended; damping kept it open.
  const resumed = bucketStart >= Date.parse(previous.last_signal.bucket_end) + cfg.resolveAfterBuckets * bucketLengthMs(previous);
  return continueEpisode(previous, signal, ctx, cfg, resumed);
}

export function isFlapping(transitions: readonly string[], eventNow: number, bucketMs: number, cfg: LifecycleConfig): boolean {
  const window = cfg.flapWindowBuckets * bucketMs;
  return transitions.filter((t) => eventNow - Date.parse(t) <= window).length >= cfg.flapThreshold;
}

function resolveAt(alert: Alert, now: number, eventTime: number, cfg: LifecycleConfig): Alert {
  const resolved: Alert = {
    ...alert,
    produced_at: iso(now),
    status: 'resolved',
    resolved_at: iso(now),
    updated_at: iso(now),
    event_time: { ...alert.event_time, resolved: iso(eventTime) },
    revision: alert.revision + 1,
    flapping: pushTransition(alert, eventTime),
  };
  resolved.flapping.active = isFlapping(resolved.flapping.transitions, eventTime, bucketLengthMs(alert), cfg);
  resolved.history = [...alert.history, revisionEntry(resolved, now, eventTime, 'resolved')].slice(-MAX_HISTORY);
  resolved.notify = schedule(resolved, now, cfg);
  return resolved;
}

/**
 * Resolves an open alert once event time has passed its quiet span. `eventNow`
 * is how far event time is complete: the start of the newest bucket seen on any
 * signal of the alert's granularity (that bucket's own signals may still be
 * coming; every bucket before it is closed). The resolution is dated at the end
 * of the quiet span, whenever it is noticed.
 */
export function resolveIfQuiet(alert: Alert, now: number, eventNow: number | undefined, cfg: LifecycleConfig): Alert | null {
  if (alert.status !== 'open' || eventNow === undefined) return null;
  const quietEnd = quietSpanEnd(alert, cfg);
  return eventNow >= quietEnd ? resolveAt(alert, now, quietEnd, cfg) : null;
}

export type EventType = 'alert.opened' | 'alert.updated' | 'alert.resolved';

export interface NotificationPlan {
  alert: Alert;
  /** Set when a notification is to be sent now. */
  send: { type: EventType; revision: number; repeat: number } | null;
  changed: boolean;
}

/**
 * What the alert's notification state does at `now`: send the pending revision
 * once its due time passed (unless held by flapping or a silence), or repeat an
 * unchanged open alert after the repeat interval. `eventNow` is the bucket time
 * of the alert's granularity (flapping is judged in it); `heldBy` names a
 * silence that currently matches the alert, if any.
 */
export function planNotification(alert: Alert, now: number, eventNow: number | undefined, heldBy: string | null, cfg: LifecycleConfig): NotificationPlan {
  let a = alert;
  let changed = false;
  const flapping = isFlapping(a.flapping.transitions, eventNow ?? Date.parse(a.last_signal.bucket_end), bucketLengthMs(a), cfg);
  if (flapping !== a.flapping.active) {
    a = { ...a, flapping: { ...a.flapping, active: flapping } };
    changed = true;
  }
  const n = a.notify;
  const hold = a.flapping.active ? 'flapping' : heldBy;
  const setHold = (value: string | null): void => {
    if ((n.held_by ?? null) === value) return;
    const { held_by: _h, ...rest } = a.notify;
    a = { ...a, notify: value === null ? rest : { ...rest, held_by: value } };
    changed = true;
  };

  if (n.pending_revision !== null && n.due_at !== null && now >= Date.parse(n.due_at)) {
    if (hold) {
      setHold(hold);
      return { alert: a, send: null, changed };
    }
    const type: EventType = a.status === 'resolved' ? 'alert.resolved' : n.last_status === 'open' ? 'alert.updated' : 'alert.opened';
    const { held_by: _h, ...rest } = a.notify;
    a = { ...a, notify: { ...rest, pending_revision: null, due_at: null, last_revision: a.revision, last_status: a.status, last_at: iso(now), repeat: 0 } };
    return { alert: a, send: { type, revision: a.revision, repeat: 0 }, changed: true };
  }
  if (
    n.pending_revision === null &&
    a.status === 'open' &&
    n.last_status === 'open' &&
    n.last_revision === a.revision &&
    n.last_at !== null &&
    now >= Date.parse(n.last_at) + cfg.repeatIntervalMs
  ) {
    if (hold) {
      setHold(hold);
      return { alert: a, send: null, changed };
    }
    const repeat = n.repeat + 1;
    const { held_by: _h, ...rest } = a.notify;
    a = { ...a, notify: { ...rest, last_at: iso(now), repeat } };
    return { alert: a, send: { type: 'alert.updated', revision: a.revision, repeat }, changed: true };
  }
  if (!hold) setHold(null);
  return { alert: a, send: null, changed };
}

/**
 * An alert record written before alerts were grouped (one per detector, no
 * detector list or event times) in the current shape, so a restart keeps it: it
 * resolves by event time like any other and new signals go to the grouped alerts.
 */
export function upgradeLegacyAlert(record: Record<string, unknown>): Record<string, unknown> {
  if (record['type'] !== 'alert' || record['detectors'] !== undefined) return record;
  const detector = record['detector'] as Alert['detector'] | undefined;
  const bucket = record['bucket'] as Alert['bucket'] | undefined;
  const last = record['last_signal'] as Alert['last_signal'] | undefined;
  if (!detector || !bucket || !last) return record;
  const detectors: Alert['detectors'] = [{ id: detector.id, version: detector.version, buckets: 1, last_bucket_end: last.bucket_end, severity: record['severity'] as Alert['severity'] }];
  const eventTime: Alert['event_time'] = { opened: bucket.start, ...(record['status'] === 'resolved' ? { resolved: last.bucket_end } : {}) };
  return { ...record, detectors, event_time: eventTime };
}
