// The alert lifecycle as pure functions over the persisted Alert record:
// open on a signal, revise on severity or scope change, resolve when quiet,
// and the Alertmanager-style notification plan (group wait, group interval,
// repeat interval) with flapping suppression. No clocks or I/O here: `now` is
// passed in, so tests drive time directly and a restart continues exactly.
import type { Alert, AlertRevision, Evidence, RecordOrigin, Signal } from '@tocsin/core';
import type { LifecycleConfig } from '../config';
import { alertIdFor } from '../ids';

const iso = (ms: number): string => new Date(ms).toISOString();
const MAX_EVIDENCE = 200;
const MAX_HISTORY = 100;
const MAX_TRANSITIONS = 20;

export interface SignalContext {
  now: number;
  source: string;
  origin?: RecordOrigin;
}

export type ApplyResult = { alert: Alert; revised: boolean; reason: AlertRevision['reason'] | null };

const union = (a: readonly string[], b: readonly string[]): string[] => [...new Set([...a, ...b])].sort();

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

function revisionEntry(alert: Alert, at: number, reason: AlertRevision['reason']): AlertRevision {
  return { revision: alert.revision, at: iso(at), reason, status: alert.status, severity: alert.severity, countries: [...alert.countries], partners: [...alert.partners] };
}

function pushTransition(alert: Alert, at: number): Alert['flapping'] {
  const transitions = [...alert.flapping.transitions, iso(at)].slice(-MAX_TRANSITIONS) as Alert['flapping']['transitions'];
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

function signalStats(signal: Signal): Pick<Alert, 'observed' | 'expected' | 'upperbound' | 'score' | 'p_value' | 'q_value' | 'bucket' | 'rank_score'> {
  return {
    observed: signal.observed,
    expected: signal.expected ?? null,
    upperbound: signal.upperbound ?? null,
    score: signal.score ?? null,
    p_value: signal.p_value ?? null,
    q_value: signal.q_value ?? null,
    bucket: signal.bucket,
    rank_score: signal.rank_score,
  };
}

function optionalFromSignal(signal: Signal): Partial<Pick<Alert, 'summary' | 'terms' | 'first_reported'>> {
  return {
    ...(signal.summary ? { summary: signal.summary } : {}),
    ...(signal.terms ? { terms: signal.terms } : {}),
    ...(signal.first_reported ? { first_reported: signal.first_reported } : {}),
  };
}

export function alertIdOfSignal(signal: Signal): string {
  return alertIdFor(signal.detector.id, signal.dimension.type, signal.dimension.key);
}

export function applySignal(previous: Alert | undefined, signal: Signal, ctx: SignalContext, cfg: LifecycleConfig): ApplyResult {
  const now = ctx.now;
  const lastSignal = { id: signal.id, received_at: iso(now), bucket_end: signal.bucket.end, ...(ctx.origin ? { origin: ctx.origin } : {}) };
  const evidenceTotal = (merged: Evidence[]): number => merged.length + Math.max(0, signal.evidence_total - signal.evidence.length);

  if (!previous) {
    const evidence = mergeEvidence([], signal.evidence);
    const alert: Alert = {
      id: alertIdOfSignal(signal),
      type: 'alert',
      schema_version: 1,
      produced_at: iso(now),
      source: ctx.source,
      revision: 1,
      episode: 1,
      status: 'open',
      detector: signal.detector,
      dimension: signal.dimension,
      severity: signal.severity,
      ...signalStats(signal),
      ...optionalFromSignal(signal),
      countries: union([], signal.countries),
      partners: union([], signal.partners),
      evidence,
      evidence_total: evidenceTotal(evidence),
      opened_at: iso(now),
      updated_at: iso(now),
      last_signal: lastSignal,
      signals_seen: 1,
      history: [],
      notify: { pending_revision: null, due_at: null, last_revision: null, last_status: null, last_at: null, repeat: 0 },
      flapping: { active: false, transitions: [iso(now)] as Alert['flapping']['transitions'] },
      desk: { actions: [] },
    };
    alert.history = [revisionEntry(alert, now, 'opened')];
    alert.notify = schedule(alert, now, cfg);
    return { alert, revised: true, reason: 'opened' };
  }

  const newer = Date.parse(signal.bucket.end) > Date.parse(previous.last_signal.bucket_end);
  const sameBucket = signal.bucket.end === previous.last_signal.bucket_end;

  if (previous.status === 'resolved') {
    // A late or replayed signal from the episode that is over does not reopen it.
    if (!newer) return { alert: previous, revised: false, reason: null };
    const { resolved_at: _r, ...rest } = previous;
    const evidence = mergeEvidence([], signal.evidence);
    const alert: Alert = {
      ...rest,
      ...signalStats(signal),
      ...optionalFromSignal(signal),
      produced_at: iso(now),
      revision: previous.revision + 1,
      episode: previous.episode + 1,
      status: 'open',
      severity: signal.severity,
      countries: union([], signal.countries),
      partners: union([], signal.partners),
      evidence,
      evidence_total: evidenceTotal(evidence),
      opened_at: iso(now),
      updated_at: iso(now),
      last_signal: lastSignal,
      signals_seen: previous.signals_seen + 1,
      flapping: pushTransition(previous, now),
    };
    alert.flapping.active = isFlapping(alert.flapping.transitions, now, cfg);
    alert.history = [...previous.history, revisionEntry(alert, now, 'reopened')].slice(-MAX_HISTORY);
    alert.notify = schedule(alert, now, cfg);
    return { alert, revised: true, reason: 'reopened' };
  }

  const evidence = mergeEvidence(previous.evidence, signal.evidence);
  const countries = union(previous.countries, signal.countries);
  const partners = union(previous.partners, signal.partners);
  // Late signals (older bucket) widen the basis but do not set the current severity.
  const current = newer || sameBucket;
  const severity = current ? signal.severity : previous.severity;
  const scopeChanged = countries.length !== previous.countries.length || partners.length !== previous.partners.length;
  const severityChanged = severity !== previous.severity;
  const alert: Alert = {
    ...previous,
    ...(current ? { ...signalStats(signal), ...optionalFromSignal(signal) } : {}),
    produced_at: iso(now),
    severity,
    countries,
    partners,
    evidence,
    evidence_total: Math.max(previous.evidence_total, evidenceTotal(evidence)),
    updated_at: iso(now),
    last_signal: current ? lastSignal : previous.last_signal,
    signals_seen: previous.signals_seen + 1,
  };
  if (!scopeChanged && !severityChanged) return { alert, revised: false, reason: null };
  const reason = severityChanged ? 'severity' : 'scope';
  alert.revision = previous.revision + 1;
  alert.history = [...previous.history, revisionEntry(alert, now, reason)].slice(-MAX_HISTORY);
  alert.notify = schedule(alert, now, cfg);
  return { alert, revised: true, reason };
}

export function bucketLengthMs(alert: Alert): number {
  return Math.max(1, Date.parse(alert.bucket.end) - Date.parse(alert.bucket.start));
}

export function isFlapping(transitions: readonly string[], now: number, cfg: LifecycleConfig): boolean {
  return transitions.filter((t) => now - Date.parse(t) <= cfg.flapWindowMs).length >= cfg.flapThreshold;
}

/**
 * Resolves an open alert whose signal stayed quiet for `resolveAfterBuckets`
 * buckets: in event time (the newest bucket end seen on any signal of the same
 * granularity, `watermarkMs`) or on the wall clock, whichever comes first.
 */
export function resolveIfQuiet(alert: Alert, now: number, watermarkMs: number | undefined, cfg: LifecycleConfig): Alert | null {
  if (alert.status !== 'open') return null;
  const quietFor = cfg.resolveAfterBuckets * bucketLengthMs(alert);
  const lastBucketEnd = Date.parse(alert.last_signal.bucket_end);
  const eventTimeQuiet = watermarkMs !== undefined && watermarkMs >= lastBucketEnd + quietFor;
  const wallClockQuiet = now - Date.parse(alert.last_signal.received_at) >= quietFor;
  if (!eventTimeQuiet && !wallClockQuiet) return null;
  const resolved: Alert = {
    ...alert,
    produced_at: iso(now),
    status: 'resolved',
    resolved_at: iso(now),
    updated_at: iso(now),
    revision: alert.revision + 1,
    flapping: pushTransition(alert, now),
  };
  resolved.flapping.active = isFlapping(resolved.flapping.transitions, now, cfg);
  resolved.history = [...alert.history, revisionEntry(resolved, now, 'resolved')].slice(-MAX_HISTORY);
  resolved.notify = schedule(resolved, now, cfg);
  return resolved;
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
 * unchanged open alert after the repeat interval. `heldBy` names a silence that
 * currently matches the alert, if any.
 */
export function planNotification(alert: Alert, now: number, heldBy: string | null, cfg: LifecycleConfig): NotificationPlan {
  let a = alert;
  let changed = false;
  const flapping = isFlapping(a.flapping.transitions, now, cfg);
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
