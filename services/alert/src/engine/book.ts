// AlertBook: the alerts in memory and the event-time clock that drives their
// lifecycle, without I/O. The engine stages changes here, persists them, then
// stores them (put); the replay (benchmarks, tests) uses the same steps, so what
// a replay counts is what the service does.
import type { Alert, RecordOrigin, Signal } from '@tocsin/core';
import type { LifecycleConfig } from '../config';
import { alertIdOfSignal, applySignal, bucketLengthMs, resolveIfQuiet, type ApplyResult } from './lifecycle';

export interface IncomingSignal {
  signal: Signal;
  origin?: RecordOrigin;
}

export class AlertBook {
  readonly alerts = new Map<string, Alert>();
  /** Open alert ids per bucket granularity: the ones event time can resolve. */
  private readonly openIds = new Map<string, Set<string>>();
  /**
   * Per granularity, the start of the newest bucket seen on a signal: event time
   * is complete up to there (the detect service closes buckets in order, so the
   * buckets before the newest one have sent all their signals).
   */
  private readonly watermarks = new Map<string, number>();

  constructor(
    private readonly lifecycle: LifecycleConfig,
    private readonly source: string,
  ) {}

  /** Event time of a granularity: how far it is complete (see watermarks). */
  eventNow(granularity: string): number | undefined {
    return this.watermarks.get(granularity);
  }

  /**
   * Applies signals in order and returns the alerts they change (staged, not
   * stored: call put() once they are durable). When a signal moves event time on,
   * open alerts of its granularity whose quiet span ended resolve first.
   */
  apply(items: readonly IncomingSignal[], now: number, onApplied?: (result: ApplyResult, previous: Alert | undefined) => void): Alert[] {
    const staged = new Map<string, Alert>();
    const current = (id: string): Alert | undefined => staged.get(id) ?? this.alerts.get(id);
    for (const { signal, origin } of items) {
      const granularity = signal.bucket.granularity;
      if (this.advance(granularity, Date.parse(signal.bucket.start))) {
        for (const alert of this.resolvable(granularity, staged)) {
          const resolved = resolveIfQuiet(alert, now, this.eventNow(granularity), this.lifecycle);
          if (resolved) {
            onApplied?.({ alert: resolved, revised: true, reason: 'resolved' }, alert);
            staged.set(resolved.id, resolved);
          }
        }
      }
      const id = alertIdOfSignal(signal);
      const previous = current(id);
      const result = applySignal(previous, signal, { now, source: this.source, ...(origin ? { origin } : {}) }, this.lifecycle);
      onApplied?.(result, previous);
      if (result.alert !== previous) staged.set(id, result.alert);
    }
    return [...staged.values()];
  }

  /** Open alerts whose quiet span has ended in event time (not stored: put() them once durable). */
  resolveDue(now: number): Alert[] {
    const out: Alert[] = [];
    for (const [granularity, ids] of this.openIds) {
      const eventNow = this.eventNow(granularity);
      for (const id of ids) {
        const resolved = resolveIfQuiet(this.alerts.get(id)!, now, eventNow, this.lifecycle);
        if (resolved) out.push(resolved);
      }
    }
    return out;
  }

  /** Stores an alert (after it was persisted, or when restoring). */
  put(alert: Alert): void {
    this.alerts.set(alert.id, alert);
    const granularity = alert.bucket.granularity;
    let ids = this.openIds.get(granularity);
    if (!ids) this.openIds.set(granularity, (ids = new Set()));
    if (alert.status === 'open') ids.add(alert.id);
    else ids.delete(alert.id);
    // A restored alert's newest bucket is event time already seen.
    this.advance(granularity, Date.parse(alert.last_signal.bucket_end) - bucketLengthMs(alert));
  }

  private resolvable(granularity: string, staged: ReadonlyMap<string, Alert>): Alert[] {
    const out = new Map<string, Alert>();
    for (const id of this.openIds.get(granularity) ?? []) out.set(id, staged.get(id) ?? this.alerts.get(id)!);
    for (const a of staged.values()) if (a.bucket.granularity === granularity) out.set(a.id, a);
    return [...out.values()].filter((a) => a.status === 'open');
  }

  private advance(granularity: string, bucketStart: number): boolean {
    if (bucketStart <= (this.watermarks.get(granularity) ?? -Infinity)) return false;
    this.watermarks.set(granularity, bucketStart);
    return true;
  }
}
