// AlertEngine: turns signals into alerts, persists every change to alerts.v1
// (compacted; restored on start), decides notifications on a timer, and serves
// the watch desk's queries and actions. All state changes run one at a time
// (a promise queue), so a tick never interleaves with a batch of signals.
//
// Durability order for one batch of signals: alerts are written first (the
// pending notification is part of the alert record), then notifications that
// are already due are handed to the Notifier, which resolves only once their
// deliveries are written to deliveries.v1, then the notified state is written.
// The caller commits the signals' offsets after ingest() resolves. A crash at
// any point replays from a state that re-derives the same delivery ids.
import type { Alert, AlertAction, Bus, Logger, Matcher, Producer, Silence } from '@tocsin/core';
import { compileValidator, decodeJson, encodeEvent } from '@tocsin/core';
import type { LifecycleConfig } from '../config';
import { AlertError } from '../errors';
import { randomId } from '../ids';
import { severityRank } from '../subscriptions/filters';
import { AlertBook, type IncomingSignal } from './book';
import { planNotification, upgradeLegacyAlert, type EventType } from './lifecycle';
import { withoutRedEvidence } from './red-guard';
import { checkMatchers, silenceSelects } from './silences';

export interface Notifier {
  /** Schedules deliveries of this alert revision to every matching subscription; resolves once they are durably written. */
  notifyAlert(alert: Alert, type: EventType, repeat: number): Promise<number>;
}

export interface AlertEngineDeps {
  bus: Bus;
  topic: string;
  source: string;
  lifecycle: LifecycleConfig;
  clock: () => number;
  logger: Logger;
  notifier: Notifier;
}

export interface AlertFilter {
  status?: 'open' | 'resolved';
  /** Minimum severity. */
  severity?: string;
  country?: string;
  detector_kind?: string;
  /** Any detector of the alert's episode. */
  detector?: string;
  /** updated_at >= since (ISO). */
  since?: string;
  /** updated_at < until (ISO). */
  until?: string;
  acknowledged?: boolean;
  label?: 'true_positive' | 'false_positive' | 'none';
  assignee?: string;
  limit?: number;
  offset?: number;
}

export type { IncomingSignal } from './book';

/** A change the watch desk's live list follows: an alert written, or the set of active silences. */
export type EngineChange = { kind: 'alert'; alert: Readonly<Alert> } | { kind: 'silences' };
export type EngineChangeListener = (change: EngineChange) => void;

export interface EngineStats {
  alerts: number;
  open: number;
  pending_notifications: number;
  silences: number;
  signals_applied: number;
  notifications_sent: number;
}

const validateAlert = compileValidator<Alert>('alert.v1');
const validateAction = compileValidator<AlertAction>('alert-action.v1');
const MAX_ACTIONS = 200;

export class AlertEngine {
  /** Alerts in memory and the event-time clock that resolves them. */
  private readonly book: AlertBook;
  private readonly alerts: ReadonlyMap<string, Alert>;
  private readonly silencesById = new Map<string, Silence>();
  private queue: Promise<unknown> = Promise.resolve();
  private producer: Producer | null = null;
  private signalsApplied = 0;
  private notificationsSent = 0;
  /** Alerts with a pending notification: checked on every batch and tick. */
  private readonly pending = new Set<string>();
  /** Resolution, repeats and flapping expiry need a scan of every alert, at most this often. */
  private lastFullScan = -Infinity;
  private static readonly FULL_SCAN_MS = 1_000;
  private readonly listeners = new Set<EngineChangeListener>();

  constructor(private readonly deps: AlertEngineDeps) {
    this.book = new AlertBook(deps.lifecycle, deps.source);
    this.alerts = this.book.alerts;
  }

  async restore(): Promise<void> {
    await this.deps.bus.readToEnd(this.deps.topic, (m) => {
      if (m.value === null) return;
      const value = decodeJson(m.value) as { type?: string };
      if (value.type === 'alert') {
        const checked = validateAlert(upgradeLegacyAlert(value as Record<string, unknown>));
        if (checked.ok) this.remember(checked.value);
        else this.deps.logger.error({ key: m.key?.toString(), error: checked.errors[0] }, 'skipping invalid alert record');
      } else if (value.type === 'alert-action') {
        const checked = validateAction(value);
        if (!checked.ok) return;
        const a = checked.value;
        if (a.action === 'silence' && a.silence) this.silencesById.set(a.silence.id, a.silence);
        if (a.action === 'expire_silence' && a.silence) this.silencesById.delete(a.silence.id);
      }
    });
    this.deps.logger.info({ alerts: this.alerts.size, silences: this.silencesById.size }, 'alerts restored');
  }

  /** Applies signals, persists the changed alerts and schedules what is due; resolves when all of it is durable. */
  ingest(items: readonly IncomingSignal[]): Promise<void> {
    return this.serial(async () => {
      const now = this.deps.clock();
      let redDropped = 0;
      const kept: IncomingSignal[] = [];
      for (const item of items) {
        const { signal, dropped } = withoutRedEvidence(item.signal);
        redDropped += dropped;
        // Nothing but RED behind it: as if it never came (not even its bucket moves event time).
        if (dropped > 0 && signal.evidence_total === 0) continue;
        kept.push({ ...item, signal });
      }
      if (redDropped > 0) this.deps.logger.warn({ incidents: redDropped }, 'signals listed TLP:RED incidents; they were left out of the alerts');
      const changed = this.book.apply(kept, now);
      this.signalsApplied += kept.length;
      await this.persist(changed);
      await this.runDue(now, false);
    });
  }

  /** Timer work: resolve quiet alerts, expire silences, send due and repeat notifications. */
  tick(): Promise<void> {
    return this.serial(() => {
      const now = this.deps.clock();
      const full = now - this.lastFullScan >= AlertEngine.FULL_SCAN_MS;
      if (full) this.lastFullScan = now;
      return this.runDue(now, full);
    });
  }

  /**
   * `full`: look at every alert (resolution, repeat interval, flapping expiry);
   * otherwise only at alerts with a pending notification (the hot path after
   * each batch of signals).
   */
  private async runDue(now: number, full: boolean): Promise<void> {
    if (full) {
      const resolved = this.book.resolveDue(now);
      if (resolved.length) await this.persist(resolved);
    }

    const expired = [...this.silencesById.values()].filter((s) => now >= Date.parse(s.ends_at));
    for (const s of expired) await this.writeAction({ action: 'expire_silence', actor: 'system', silence: s }, now, `silence:${s.id}`);

    const toPersist: Alert[] = [];
    const candidates = full ? [...this.alerts.values()] : [...this.pending].map((id) => this.alerts.get(id)!).filter(Boolean);
    const silences = [...this.silencesById.values()];
    for (const alert of candidates) {
      const silence = silences.find((s) => silenceSelects(s, alert, now));
      const plan = planNotification(alert, now, this.book.eventNow(alert.bucket.granularity), silence ? silence.id : null, this.deps.lifecycle);
      if (plan.send) {
        // Deliveries first: if we crash before the alert's notified state is
        // written, the same notification is planned again and yields the same ids.
        await this.deps.notifier.notifyAlert(plan.alert, plan.send.type, plan.send.repeat);
        this.notificationsSent++;
      }
      if (plan.changed) toPersist.push(plan.alert);
    }
    if (toPersist.length) await this.persist(toPersist);
  }

  /**
   * Calls `listener` after every alert or silence change is durably written
   * (synchronously, inside the engine's queue: it must be quick and must not
   * call back into the engine's actions). Returns the function that stops it.
   */
  onChange(listener: EngineChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(change: EngineChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (err) {
        this.deps.logger.error({ err }, 'alert change listener failed');
      }
    }
  }

  // ---- queries (AlertStore) ----

  get(id: string): Alert {
    const a = this.alerts.get(id);
    if (!a) throw new AlertError('ALERT_NOT_FOUND', `no alert ${id}`);
    return structuredClone(a);
  }

  /** Alerts matching `filter`, most important first (rank score, then most recently updated). */
  list(filter: AlertFilter = {}): { total: number; alerts: Alert[] } {
    const matches = this.select(filter);
    const offset = filter.offset ?? 0;
    const limit = filter.limit ?? 100;
    return { total: matches.length, alerts: matches.slice(offset, offset + limit).map((a) => structuredClone(a)) };
  }

  /**
   * Like list() but every match, uncopied (added for the HTTP API, which views
   * thousands of alerts to serve one page). Read-only by contract: the engine
   * replaces stored alerts and never changes one in place, so a reference stays
   * a consistent snapshot.
   */
  select(filter: Omit<AlertFilter, 'limit' | 'offset'> = {}): ReadonlyArray<Readonly<Alert>> {
    const matches = [...this.alerts.values()].filter((a) => {
      if (filter.status && a.status !== filter.status) return false;
      if (filter.severity && severityRank(a.severity) < severityRank(filter.severity)) return false;
      if (filter.country && !a.countries.includes(filter.country)) return false;
      if (filter.detector_kind && a.detector.kind !== filter.detector_kind) return false;
      if (filter.detector && !a.detectors.some((d) => d.id === filter.detector)) return false;
      if (filter.since && a.updated_at < filter.since) return false;
      if (filter.until && a.updated_at >= filter.until) return false;
      if (filter.acknowledged !== undefined && (a.desk.acknowledged !== undefined) !== filter.acknowledged) return false;
      if (filter.label && (a.desk.label?.value ?? 'none') !== filter.label) return false;
      if (filter.assignee && a.desk.assignee?.to !== filter.assignee) return false;
      return true;
    });
    matches.sort((x, y) => y.rank_score - x.rank_score || (x.updated_at < y.updated_at ? 1 : x.updated_at > y.updated_at ? -1 : 0));
    return matches;
  }

  silences(options: { includeExpired?: boolean } = {}): Silence[] {
    const now = this.deps.clock();
    return [...this.silencesById.values()].filter((s) => options.includeExpired || now < Date.parse(s.ends_at)).map((s) => structuredClone(s));
  }

  stats(): EngineStats {
    let open = 0;
    let pending = 0;
    for (const a of this.alerts.values()) {
      if (a.status === 'open') open++;
      if (a.notify.pending_revision !== null) pending++;
    }
    return { alerts: this.alerts.size, open, pending_notifications: pending, silences: this.silencesById.size, signals_applied: this.signalsApplied, notifications_sent: this.notificationsSent };
  }

  // ---- watch-desk actions (each recorded with actor and time) ----

  acknowledge(id: string, input: { actor: string; comment?: string }): Promise<Alert> {
    return this.act(id, { action: 'acknowledge', actor: input.actor, ...(input.comment ? { comment: input.comment } : {}) }, (a, at) => {
      a.desk.acknowledged = { by: input.actor, at, ...(input.comment ? { comment: input.comment } : {}) };
    });
  }

  unacknowledge(id: string, input: { actor: string; comment?: string }): Promise<Alert> {
    return this.act(id, { action: 'unacknowledge', actor: input.actor, ...(input.comment ? { comment: input.comment } : {}) }, (a) => {
      delete a.desk.acknowledged;
    });
  }

  assign(id: string, input: { actor: string; assignee: string; comment?: string }): Promise<Alert> {
    if (!input.assignee) return Promise.reject(new AlertError('ACTION_INVALID', 'assignee is required'));
    return this.act(id, { action: 'assign', actor: input.actor, assignee: input.assignee, ...(input.comment ? { comment: input.comment } : {}) }, (a, at) => {
      a.desk.assignee = { to: input.assignee, by: input.actor, at };
    });
  }

  unassign(id: string, input: { actor: string }): Promise<Alert> {
    return this.act(id, { action: 'unassign', actor: input.actor }, (a) => {
      delete a.desk.assignee;
    });
  }

  label(id: string, input: { actor: string; label: 'true_positive' | 'false_positive'; comment?: string }): Promise<Alert> {
    if (input.label !== 'true_positive' && input.label !== 'false_positive') {
      return Promise.reject(new AlertError('ACTION_INVALID', `label must be true_positive or false_positive, got ${JSON.stringify(input.label)}`));
    }
    return this.act(id, { action: 'label', actor: input.actor, label: input.label, ...(input.comment ? { comment: input.comment } : {}) }, (a, at) => {
      a.desk.label = { value: input.label, by: input.actor, at, ...(input.comment ? { comment: input.comment } : {}) };
    });
  }

  /** Holds notifications of every alert the matchers select, from now for `durationMs`. */
  silence(input: { actor: string; matchers: Matcher[]; durationMs: number; comment?: string }): Promise<Silence> {
    return this.serial(async () => {
      checkMatchers(input.matchers);
      if (!Number.isFinite(input.durationMs) || input.durationMs <= 0 || input.durationMs > 366 * 86_400_000) {
        throw new AlertError('ACTION_INVALID', `silence duration must be between 1 ms and 366 days, got ${input.durationMs}`);
      }
      const now = this.deps.clock();
      const silence: Silence = {
        id: randomId('sil'),
        matchers: input.matchers.map((m) => ({ name: m.name, op: m.op, value: m.value })) as Silence['matchers'],
        starts_at: new Date(now).toISOString(),
        ends_at: new Date(now + input.durationMs).toISOString(),
        created_by: input.actor,
        ...(input.comment ? { comment: input.comment } : {}),
      };
      await this.writeAction({ action: 'silence', actor: input.actor, silence, ...(input.comment ? { comment: input.comment } : {}) }, now, `silence:${silence.id}`);
      return structuredClone(silence);
    });
  }

  expireSilence(silenceId: string, input: { actor: string }): Promise<Silence> {
    return this.serial(async () => {
      const s = this.silencesById.get(silenceId);
      if (!s) throw new AlertError('SILENCE_NOT_FOUND', `no active silence ${silenceId}`);
      const now = this.deps.clock();
      const ended: Silence = { ...s, ends_at: new Date(now).toISOString() };
      await this.writeAction({ action: 'expire_silence', actor: input.actor, silence: ended }, now, `silence:${s.id}`);
      return structuredClone(ended);
    });
  }

  private act(id: string, action: Omit<AlertAction, 'id' | 'type' | 'schema_version' | 'produced_at' | 'source' | 'at' | 'alert_id'>, mutate: (a: Alert, at: string) => void): Promise<Alert> {
    return this.serial(async () => {
      const current = this.alerts.get(id);
      if (!current) throw new AlertError('ALERT_NOT_FOUND', `no alert ${id}`);
      if (!action.actor) throw new AlertError('ACTION_INVALID', 'actor is required');
      const now = this.deps.clock();
      const at = new Date(now).toISOString();
      const record = this.actionRecord({ ...action, alert_id: id }, now);
      const next = structuredClone(current);
      mutate(next, at);
      next.produced_at = at;
      next.desk.actions = [...next.desk.actions, record].slice(-MAX_ACTIONS);
      const checked = validateAction(record);
      if (!checked.ok) throw new AlertError('ACTION_INVALID', `action ${checked.errors[0]?.pointer}: ${checked.errors[0]?.message}`);
      // The action event and the alert carrying it go out in one send.
      await (await this.getProducer()).send([
        { topic: this.deps.topic, messages: [{ key: `${id}#${record.id}`, value: encodeEvent(record) }, { key: id, value: encodeEvent(next) }] },
      ]);
      this.remember(next);
      this.emit({ kind: 'alert', alert: next });
      return structuredClone(next);
    });
  }

  private actionRecord(fields: Omit<AlertAction, 'id' | 'type' | 'schema_version' | 'produced_at' | 'source' | 'at'>, now: number): AlertAction {
    const at = new Date(now).toISOString();
    return { id: randomId('act'), type: 'alert-action', schema_version: 1, produced_at: at, source: this.deps.source, at, ...fields };
  }

  private async writeAction(fields: Omit<AlertAction, 'id' | 'type' | 'schema_version' | 'produced_at' | 'source' | 'at'>, now: number, key: string): Promise<void> {
    const record = this.actionRecord(fields, now);
    const checked = validateAction(record);
    if (!checked.ok) throw new AlertError('ACTION_INVALID', `action ${checked.errors[0]?.pointer}: ${checked.errors[0]?.message}`);
    await (await this.getProducer()).send([{ topic: this.deps.topic, messages: [{ key, value: encodeEvent(record) }] }]);
    if (record.action === 'silence' && record.silence) this.silencesById.set(record.silence.id, record.silence);
    if (record.action === 'expire_silence' && record.silence) this.silencesById.delete(record.silence.id);
    if (record.silence) this.emit({ kind: 'silences' });
  }

  private async persist(alerts: Alert[]): Promise<void> {
    if (alerts.length === 0) return;
    for (const a of alerts) {
      const checked = validateAlert(a);
      // A record we cannot read back after a restart must never be written.
      if (!checked.ok) throw new Error(`alert ${a.id} fails alert.v1 at ${checked.errors[0]?.pointer}: ${checked.errors[0]?.message}`);
    }
    await (await this.getProducer()).send([{ topic: this.deps.topic, messages: alerts.map((a) => ({ key: a.id, value: encodeEvent(a) })) }]);
    for (const a of alerts) {
      this.remember(a);
      this.emit({ kind: 'alert', alert: a });
    }
  }

  private remember(a: Alert): void {
    this.book.put(a);
    if (a.notify.pending_revision !== null) this.pending.add(a.id);
    else this.pending.delete(a.id);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async getProducer(): Promise<Producer> {
    this.producer ??= await this.deps.bus.producer();
    return this.producer;
  }

  async close(): Promise<void> {
    await this.queue;
    await this.producer?.close();
    this.producer = null;
  }
}
