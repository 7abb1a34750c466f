// Replays a signal stream through the alert lifecycle, in memory and without
// notifications: how many alerts, episodes and revisions a detector
// configuration produces. The detection benchmark uses it; it runs the same
// AlertBook steps as the service.
import type { Alert, AlertRevision, Signal } from '@tocsin/core';
import type { LifecycleConfig } from '../config';
import { AlertBook } from './book';
import { resolveIfQuiet, type ApplyResult } from './lifecycle';

/** One revision of one alert, in event (bucket) time. */
export interface ReplayRevision {
  alert_id: string;
  reason: AlertRevision['reason'];
  /** ms: the bucket start of the signal that made it, or the end of the quiet span for a resolution. */
  event_time: number;
  episode: number;
  kind: Signal['detector']['kind'];
  granularity: Signal['bucket']['granularity'];
  dimension: Signal['dimension'];
  detectors: string[];
  countries: string[];
  terms: string[];
  /** The engine's flap rule held the alert's notifications at this revision. */
  flapping: boolean;
}

export interface ReplayResult {
  alerts: Alert[];
  /** Every revision, in the order made. */
  revisions: ReplayRevision[];
  signals: number;
  /** Signals that would have reopened a resolved alert but came within its cool-down. */
  heldInCooldown: number;
}

export interface ReplayOptions {
  /** Every new revision of an alert, as the service would persist it (the backtest keeps episodes and deliveries from them). */
  onRevision?(alert: Alert, previous: Alert | undefined): void;
  /**
   * Event time (ms) the data is complete up to at the end of the stream: open alerts whose
   * quiet span ended by then resolve, as they would once the service saw later signals.
   * Without it, event time ends at the newest signal's bucket of each granularity.
   */
  endEventTime?: number;
}

export function replayAlerts(signals: Iterable<Signal>, lifecycle: LifecycleConfig, options: ReplayOptions = {}): ReplayResult {
  const book = new AlertBook(lifecycle, 'alert/replay');
  const revisions: ReplayRevision[] = [];
  let count = 0;
  let heldInCooldown = 0;
  const record = (result: ApplyResult, previous: Alert | undefined): void => {
    if (!result.revised) return;
    const a = result.alert;
    options.onRevision?.(a, previous);
    for (const h of a.history) {
      if (h.revision <= (previous?.revision ?? 0)) continue;
      revisions.push({
        alert_id: a.id, reason: h.reason, event_time: Date.parse(h.event_time ?? a.updated_at), episode: a.episode, kind: a.detector.kind,
        granularity: a.bucket.granularity, dimension: a.dimension, detectors: a.detectors.map((d) => d.id), countries: [...h.countries], terms: a.terms ?? [], flapping: a.flapping.active,
      });
    }
  };
  for (const signal of signals) {
    count++;
    const changed = book.apply([{ signal }], 0, (result, previous) => {
      const resolvedBefore = previous?.status === 'resolved' ? Date.parse(previous.event_time.resolved ?? previous.last_signal.bucket_end) : null;
      if (!result.revised && resolvedBefore !== null && Date.parse(signal.bucket.start) >= resolvedBefore && result.alert.status === 'resolved') heldInCooldown++;
      record(result, previous);
    });
    for (const a of changed) book.put(a);
  }
  if (options.endEventTime !== undefined) {
    for (const previous of [...book.alerts.values()]) {
      const resolved = resolveIfQuiet(previous, options.endEventTime, options.endEventTime, lifecycle);
      if (!resolved) continue;
      record({ alert: resolved, revised: true, reason: 'resolved' }, previous);
      book.put(resolved);
    }
  }
  return { alerts: [...book.alerts.values()], revisions, signals: count, heldInCooldown };
}
