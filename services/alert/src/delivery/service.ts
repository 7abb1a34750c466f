// DeliveryService: fans an alert notification out to the subscriptions that may
// and want to see it, writes each delivery to deliveries.v1 before anything is
// sent (durable scheduling), then works the pending deliveries: sign, POST,
// classify, retry with backoff until the horizon, record every attempt, and
// dead-letter what never got through. Restarting reads deliveries.v1 and
// resumes every pending delivery under its original id (= webhook-id).
import { randomBytes } from 'node:crypto';
import type { Alert, Bus, DeadLetter, Delivery, DeliveryAttempt, InfluxWriter, Logger, Producer } from '@tocsin/core';
import { compileValidator, decodeJson, encodeEvent } from '@tocsin/core';
import type { DeliveryConfig } from '../config';
import { encrypt, type OperatorKey } from '../crypto/cipher';
import type { EventType } from '../engine/lifecycle';
import type { Notifier } from '../engine/engine';
import { AlertError } from '../errors';
import { deliveryIdFor, sha256Hex } from '../ids';
import type { Regions } from '../regions';
import { viewFor } from '@tocsin/core';
import { matchesFilters } from '../subscriptions/filters';
import type { Scope, SubscriptionStore } from '../subscriptions/store';
import { nextAttemptAt, type BackoffPolicy } from './backoff';
import { CircuitBreakers, type BreakerSnapshot } from './breaker';
import { alertBody, testBody } from './payload';
import { endpointKey, type WebhookSender } from './sender';
import { signedHeaders } from './signing';
import { GroupWriter } from './group-writer';
import { TimerQueue } from './timer-queue';

export interface DeliveryServiceDeps {
  bus: Bus;
  topics: { deliveries: string; deadLetter: string };
  source: string;
  config: DeliveryConfig;
  clock: () => number;
  logger: Logger;
  subscriptions: SubscriptionStore;
  regions: Regions;
  operatorKey: OperatorKey;
  sender: WebhookSender;
  influx?: Pick<InfluxWriter, 'write'>;
  random?: () => number;
}

export interface DeliveryFilter {
  agency?: string;
  subscription_id?: string;
  alert_id?: string;
  state?: Delivery['state'];
  limit?: number;
}

export interface DeliveryStats {
  known: number;
  pending: number;
  in_flight: number;
  scheduled_total: number;
  attempts_total: number;
  delivered_total: number;
  exhausted_total: number;
  abandoned_total: number;
  breakers: BreakerSnapshot[];
}

const FINAL_STATES = new Set<Delivery['state']>(['delivered', 'exhausted', 'abandoned']);
const MAX_ATTEMPTS_KEPT = 100;
/** A paused subscription's deliveries are looked at again this often. */
const PAUSED_RECHECK_MS = 30_000;
const validateDelivery = compileValidator<Delivery>('delivery.v1');
const validateDeadLetter = compileValidator<DeadLetter>('dead-letter.v1');

const iso = (ms: number): string => new Date(ms).toISOString();

interface SentView {
  revision: number;
  severity: string;
  status: string | null;
}

/** Whether an update of `view` is news to a subscriber last told `sent`. */
export function isNews(view: { revision: number | null; severity: string; status: string | null }, sent: SentView | undefined): boolean {
  if (sent === undefined || view.revision === null) return true;
  return view.revision > sent.revision || view.severity !== sent.severity || view.status !== sent.status;
}

export class DeliveryService implements Notifier {
  private readonly records = new Map<string, Delivery>();
  private readonly queue = new TimerQueue();
  private readonly breakers: CircuitBreakers;
  /** Keyed by subscription id (the unit of blame). */
  private readonly throttledUntil = new Map<string, number>();
  /** Keyed by "<agency> <host:port>" (the unit of the per-endpoint concurrency cap). */
  private readonly inFlightByLane = new Map<string, number>();
  private readonly waitingByLane = new Map<string, string[]>();
  private readonly running = new Set<Promise<void>>();
  private readonly policy: BackoffPolicy;
  private producer: Producer | null = null;
  private readonly writer: GroupWriter;
  private timer: NodeJS.Timeout | null = null;
  private pruneTimer: NodeJS.Timeout | null = null;
  private started = false;
  private inFlight = 0;
  private counters = { scheduled: 0, attempts: 0, delivered: 0, exhausted: 0, abandoned: 0 };
  private readonly listeners = new Set<(d: Delivery) => void>();
  /**
   * "<alert id> <subscription id>" → the subscriber's view revision (and severity and
   * status) last scheduled to it: an update goes out only when that subscriber's own
   * revision moved on, or — should its numbering ever step back (evidence evicted from a
   * long alert) — when its severity or status differs from what it was last told.
   */
  private readonly viewSent = new Map<string, SentView>();

  constructor(private readonly deps: DeliveryServiceDeps) {
    const c = deps.config;
    this.breakers = new CircuitBreakers({ failureThreshold: c.breakerFailureThreshold, openMs: c.breakerOpenMs, maxOpenMs: c.breakerMaxOpenMs });
    this.policy = { baseDelayMs: c.retryBaseMs, maxDelayMs: c.retryMaxDelayMs, minDelayMs: c.retryMinDelayMs };
    this.writer = new GroupWriter(deps.topics.deliveries, () => this.getProducer());
    // A resumed subscription gets its waiting deliveries at once, not at the next paused re-check.
    deps.subscriptions.onChange((sub) => {
      if (sub?.status !== 'active') return;
      const now = deps.clock();
      for (const d of this.records.values()) if (d.subscription_id === sub.id && !FINAL_STATES.has(d.state) && this.queue.has(d.id)) this.queue.set(d.id, now);
      this.pump();
    });
  }

  /** Reads deliveries.v1 to its end and queues every delivery that is not final. */
  /** Restore only: the alert revision behind each viewSent entry. */
  private readonly newestRestored = new Map<string, number>();

  async restore(): Promise<void> {
    await this.deps.bus.readToEnd(this.deps.topics.deliveries, (m) => {
      if (m.value === null) return;
      const d = decodeJson(m.value) as Delivery;
      if (d?.type !== 'delivery' || typeof d.id !== 'string') return;
      this.records.set(d.id, d);
      this.rememberViewRevision(d);
    });
    this.newestRestored.clear();
    const now = this.deps.clock();
    this.prune(now);
    let pending = 0;
    for (const d of this.records.values()) {
      if (FINAL_STATES.has(d.state)) continue;
      this.queue.set(d.id, Math.max(now, d.next_attempt_at ? Date.parse(d.next_attempt_at) : now));
      pending++;
    }
    this.deps.logger.info({ deliveries: this.records.size, pending }, 'deliveries restored');
  }

  start(): void {
    this.started = true;
    this.pruneTimer = setInterval(() => this.prune(this.deps.clock()), 60_000);
    this.pruneTimer.unref?.();
    this.pump();
  }

  /** Forgets finished deliveries older than retainFinishedMs (memory stays bounded; the topic keeps the record). */
  private prune(now: number): void {
    const cutoff = now - this.deps.config.retainFinishedMs;
    for (const [id, d] of this.records) if (FINAL_STATES.has(d.state) && Date.parse(d.produced_at) < cutoff) this.records.delete(id);
  }

  /** Stops taking new attempts and waits for the ones in flight (their outcome is recorded). */
  async stop(): Promise<void> {
    this.started = false;
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    this.pruneTimer = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await Promise.allSettled([...this.running]);
    await this.writer.drain();
    await this.producer?.close();
    this.producer = null;
  }

  /** Observes every delivery record written (tests, the demo page). */
  onRecord(listener: (d: Delivery) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async notifyAlert(alert: Alert, type: EventType, repeat: number): Promise<number> {
    const now = this.deps.clock();
    const fresh: Delivery[] = [];
    const sentNow: Array<[string, SentView]> = [];
    for (const sub of this.deps.subscriptions.active()) {
      const view = viewFor(alert, { agency: sub.agency, country: sub.agency_country });
      if (view.level === 'withheld') continue;
      if (!matchesFilters(sub.filters, sub.agency_country, view, this.deps.regions)) continue;
      // A revision that changed nothing this subscriber sees is not news to it.
      if (type === 'alert.updated' && repeat === 0 && !isNews(view, this.viewSent.get(`${alert.id} ${sub.id}`))) continue;
      const id = deliveryIdFor(alert.id, alert.revision, sub.id, repeat);
      // Already scheduled before a crash: keep that record and its body.
      if (this.records.has(id)) continue;
      const payload = alertBody(type, view, repeat, now);
      if (view.revision !== null) sentNow.push([`${alert.id} ${sub.id}`, { revision: view.revision, severity: view.severity, status: view.status }]);
      fresh.push(
        this.newDelivery(id, now, sub, payload, type, view.level, {
          alert_id: alert.id,
          alert_revision: alert.revision,
          repeat,
          ...(alert.last_signal.origin ? { origin: alert.last_signal.origin } : {}),
        }),
      );
    }
    await this.schedule(fresh, now);
    for (const [key, sent] of sentNow) this.viewSent.set(key, sent);
    return fresh.length;
  }

  /** The "send test event" call: a signed test body through the same pipeline (retries included). */
  async sendTest(scope: Scope, subscriptionId: string): Promise<Delivery> {
    this.deps.subscriptions.get(scope, subscriptionId); // scope check: foreign ids are "not found"
    const sub = this.deps.subscriptions.record(subscriptionId)!;
    const now = this.deps.clock();
    const id = `msg_${randomBytes(16).toString('hex')}`;
    const d = this.newDelivery(id, now, sub, testBody(sub.id, now), 'test', 'test', {});
    await this.schedule([d], now);
    return structuredClone(d);
  }

  get(id: string, scope: Scope = { kind: 'admin' }): Delivery {
    const d = this.records.get(id);
    if (!d || (scope.kind === 'agency' && d.agency !== scope.agency)) throw new AlertError('DELIVERY_NOT_FOUND', `no delivery ${id}`);
    return structuredClone(d);
  }

  list(scope: Scope, filter: DeliveryFilter = {}): Delivery[] {
    const agency = scope.kind === 'agency' ? scope.agency : filter.agency;
    const out: Delivery[] = [];
    for (const d of this.records.values()) {
      if (agency !== undefined && d.agency !== agency) continue;
      if (filter.subscription_id && d.subscription_id !== filter.subscription_id) continue;
      if (filter.alert_id && d.alert_id !== filter.alert_id) continue;
      if (filter.state && d.state !== filter.state) continue;
      out.push(d);
    }
    out.sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0));
    return out.slice(0, filter.limit ?? 100).map((d) => structuredClone(d));
  }

  /** Deliveries that ran out of retries (also on the dead-letter topic). */
  deadLetters(scope: Scope, limit = 100): Delivery[] {
    return this.list(scope, { state: 'exhausted', limit });
  }

  stats(): DeliveryStats {
    return {
      known: this.records.size,
      pending: this.queue.size + [...this.waitingByLane.values()].reduce((n, w) => n + w.length, 0),
      in_flight: this.inFlight,
      scheduled_total: this.counters.scheduled,
      attempts_total: this.counters.attempts,
      delivered_total: this.counters.delivered,
      exhausted_total: this.counters.exhausted,
      abandoned_total: this.counters.abandoned,
      breakers: this.breakers.snapshot(),
    };
  }

  // ---- internals ----

  private newDelivery(
    id: string,
    now: number,
    sub: { id: string; agency: string; agency_country: string; endpoint_url: string },
    payload: string,
    eventType: Delivery['event_type'],
    view: Delivery['view'],
    extra: Partial<Pick<Delivery, 'alert_id' | 'alert_revision' | 'repeat' | 'origin'>>,
  ): Delivery {
    return {
      id,
      type: 'delivery',
      schema_version: 1,
      produced_at: iso(now),
      source: this.deps.source,
      event_type: eventType,
      ...extra,
      subscription_id: sub.id,
      agency: sub.agency,
      agency_country: sub.agency_country,
      endpoint_host: endpointKey(sub.endpoint_url),
      state: 'scheduled',
      attempt: 0,
      attempts: [],
      next_attempt_at: iso(now),
      created_at: iso(now),
      deadline_at: iso(now + this.deps.config.retryHorizonMs),
      view,
      payload_sha256: sha256Hex(payload),
      payload,
    };
  }

  private async schedule(fresh: Delivery[], now: number): Promise<void> {
    if (fresh.length === 0) return;
    for (const d of fresh) {
      const checked = validateDelivery(d);
      if (!checked.ok) throw new Error(`delivery ${d.id} fails delivery.v1 at ${checked.errors[0]?.pointer}: ${checked.errors[0]?.message}`);
    }
    await this.write(fresh);
    for (const d of fresh) {
      this.records.set(d.id, d);
      this.queue.set(d.id, now);
      this.counters.scheduled++;
    }
    this.pump();
  }

  /** On restore: the view revision a recorded delivery carried (its body is the view). */
  private rememberViewRevision(d: Delivery): void {
    if (d.alert_id === undefined || d.event_type === 'test' || typeof d.payload !== 'string') return;
    let view: { revision?: unknown; severity?: unknown; status?: unknown } | undefined;
    try {
      view = (JSON.parse(d.payload) as { data?: { alert?: typeof view } })?.data?.alert;
    } catch {
      return;
    }
    if (typeof view?.revision !== 'number' || typeof view.severity !== 'string') return;
    const key = `${d.alert_id} ${d.subscription_id}`;
    // Deliveries are read in topic order; the newest alert revision wins.
    const newest = this.newestRestored.get(key) ?? -1;
    if ((d.alert_revision ?? 0) < newest) return;
    this.newestRestored.set(key, d.alert_revision ?? 0);
    this.viewSent.set(key, { revision: view.revision, severity: view.severity, status: typeof view.status === 'string' ? view.status : null });
  }

  private async write(records: Delivery[]): Promise<void> {
    await this.writer.write(records.map((d) => ({ key: d.id, value: encodeEvent(d) })));
    for (const d of records) for (const l of this.listeners) l(d);
  }

  private async getProducer(): Promise<Producer> {
    this.producer ??= await this.deps.bus.producer();
    return this.producer;
  }

  /** Starts every due attempt the concurrency limits allow, then sleeps until the next due time. */
  private pump(): void {
    if (!this.started) return;
    const now = this.deps.clock();
    while (this.inFlight < this.deps.config.concurrency) {
      const id = this.queue.popDue(now);
      if (id === null) break;
      this.begin(id, now);
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const next = this.queue.peekTime();
    if (next !== null && this.inFlight < this.deps.config.concurrency) {
      // Bounded sleep: the injected clock may differ from the timer clock.
      this.timer = setTimeout(() => this.pump(), Math.min(Math.max(next - now, 0), 1_000));
      this.timer.unref?.();
    }
  }

  private begin(id: string, now: number): void {
    const d = this.records.get(id);
    if (!d || FINAL_STATES.has(d.state)) return;
    const sub = this.deps.subscriptions.record(d.subscription_id);
    if (!sub) return this.track(this.finish(d, 'abandoned', 'subscription deleted'));
    if (sub.status === 'disabled') return this.track(this.finish(d, 'abandoned', `subscription disabled: ${sub.status_reason ?? 'no reason given'}`));
    const deadline = Date.parse(d.deadline_at);
    const defer = (until: number, why: string): void => {
      if (until > deadline) return this.track(this.exhaust(d, `retry horizon reached while ${why}`));
      this.queue.set(id, until);
    };
    if (sub.status === 'paused') return defer(now + PAUSED_RECHECK_MS, 'the subscription was paused');
    // Isolation between agencies: the breaker and throttling are per subscription and
    // the concurrency cap per agency and host:port, so one agency's failing or slow
    // URL never holds back another agency's deliveries to the same host.
    const breaker = d.subscription_id;
    const lane = `${sub.agency} ${endpointKey(sub.endpoint_url)}`;
    const available = Math.max(this.breakers.availableAt(breaker, now), this.throttledUntil.get(breaker) ?? 0);
    if (available > now) return defer(available, 'the endpoint was throttled or its circuit open');
    if ((this.inFlightByLane.get(lane) ?? 0) >= this.deps.config.perEndpointConcurrency) {
      const waiting = this.waitingByLane.get(lane) ?? [];
      waiting.push(id);
      this.waitingByLane.set(lane, waiting);
      return;
    }
    this.inFlight++;
    this.inFlightByLane.set(lane, (this.inFlightByLane.get(lane) ?? 0) + 1);
    this.breakers.onRequest(breaker);
    const run = this.attempt(d, sub.endpoint_url, breaker, now)
      .catch((err: unknown) => {
        // Recording failed (bus down): keep the delivery pending and try again later.
        this.deps.logger.error({ err, delivery: id }, 'could not record a delivery attempt; will retry');
        if (!FINAL_STATES.has(this.records.get(id)?.state ?? 'scheduled')) this.queue.set(id, this.deps.clock() + this.deps.config.retryBaseMs);
      })
      .finally(() => {
        this.inFlight--;
        const left = (this.inFlightByLane.get(lane) ?? 1) - 1;
        if (left > 0) this.inFlightByLane.set(lane, left);
        else this.inFlightByLane.delete(lane);
        const waiting = this.waitingByLane.get(lane);
        const next = waiting?.shift();
        if (waiting?.length === 0) this.waitingByLane.delete(lane);
        if (next !== undefined) this.queue.set(next, this.deps.clock());
        this.pump();
      });
    this.track(run);
  }

  private track(p: Promise<void> | void): void {
    if (!p) return;
    this.running.add(p);
    void p.finally(() => this.running.delete(p));
  }

  private async attempt(d: Delivery, url: string, breaker: string, startedAt: number): Promise<void> {
    const timestamp = Math.floor(startedAt / 1000);
    const secrets = this.deps.subscriptions.signingSecrets(d.subscription_id, startedAt);
    const headers = signedHeaders(secrets, d.id, timestamp, d.payload);
    const result = await this.deps.sender.send(url, headers, d.payload);
    const now = this.deps.clock();
    this.counters.attempts++;
    const attempt: DeliveryAttempt = {
      n: d.attempt + 1,
      at: iso(startedAt),
      webhook_timestamp: timestamp,
      outcome: result.outcome,
      duration_ms: result.durationMs,
      ...(result.statusCode !== undefined ? { status_code: result.statusCode } : {}),
      ...(result.error ? { error: result.error.slice(0, 500) } : {}),
      ...(result.retryAfterMs !== null ? { retry_after_ms: Math.round(result.retryAfterMs) } : {}),
    };
    const base: Delivery = {
      ...d,
      produced_at: iso(now),
      attempt: attempt.n,
      attempts: [...d.attempts, attempt].slice(-MAX_ATTEMPTS_KEPT),
    };
    this.metric(base, attempt, now);

    if (result.outcome === 'delivered') {
      this.breakers.onSuccess(breaker);
      this.counters.delivered++;
      return this.save({ ...base, state: 'delivered', next_attempt_at: null });
    }
    if (result.outcome === 'gone') {
      // 410: the agency retired this endpoint. Stop, and stop the others to it.
      this.breakers.onSuccess(breaker);
      const reason = `endpoint ${d.endpoint_host} answered 410 Gone`;
      await this.deps.subscriptions.disable(d.subscription_id, reason);
      await this.finish(base, 'abandoned', reason);
      for (const other of this.records.values()) {
        if (other.subscription_id === d.subscription_id && other.id !== d.id && !FINAL_STATES.has(other.state)) {
          this.queue.delete(other.id);
          await this.finish(other, 'abandoned', reason);
        }
      }
      return;
    }
    if (result.outcome === 'throttled') {
      this.breakers.onSuccess(breaker); // alive: answered, just busy
    } else {
      this.breakers.onFailure(breaker, now);
    }
    const next = nextAttemptAt(this.policy, attempt.n, now, Date.parse(d.deadline_at), result.retryAfterMs, this.deps.random);
    if (result.outcome === 'throttled') {
      const until = next ?? now + (result.retryAfterMs ?? this.policy.baseDelayMs);
      this.throttledUntil.set(breaker, Math.max(this.throttledUntil.get(breaker) ?? 0, until));
    }
    if (next === null) return this.exhaust(base, `no attempt succeeded within the retry horizon; last: ${describe(attempt)}`);
    await this.save({ ...base, state: 'retrying', next_attempt_at: iso(next), state_reason: describe(attempt) });
    this.queue.set(d.id, next);
  }

  private async finish(d: Delivery, state: 'abandoned', reason: string): Promise<void> {
    this.counters.abandoned++;
    await this.save({ ...d, produced_at: iso(this.deps.clock()), state, state_reason: reason, next_attempt_at: null });
  }

  private async exhaust(d: Delivery, reason: string): Promise<void> {
    this.counters.exhausted++;
    const now = this.deps.clock();
    const final: Delivery = { ...d, produced_at: iso(now), state: 'exhausted', state_reason: reason.slice(0, 500), next_attempt_at: null };
    await this.save(final);
    if (!final.origin) {
      // Test events have no originating signal to point at; they stay visible through the API only.
      this.deps.logger.warn({ delivery: final.id, subscription: final.subscription_id }, 'test delivery exhausted');
      return;
    }
    const dead: DeadLetter = {
      id: `${this.deps.topics.deliveries}:${final.id}`,
      type: 'dead-letter',
      schema_version: 1,
      produced_at: iso(now),
      source: this.deps.source,
      stage: 'alert',
      reason: 'delivery_exhausted',
      message: `webhook ${final.id} (${final.event_type} ${final.alert_id ?? ''} r${final.alert_revision ?? '-'}) to agency ${final.agency} at ${final.endpoint_host} failed ${final.attempt} attempt(s): ${reason}`.slice(0, 2000),
      origin: final.origin,
      original: { ...encrypt(this.deps.operatorKey, final.payload, final.id), size: Buffer.byteLength(final.payload), truncated: false },
    };
    const checked = validateDeadLetter(dead);
    if (!checked.ok) throw new Error(`dead letter fails dead-letter.v1 at ${checked.errors[0]?.pointer}: ${checked.errors[0]?.message}`);
    await (await this.getProducer()).send([{ topic: this.deps.topics.deadLetter, messages: [{ key: `alert:${final.agency}`, value: encodeEvent(dead) }] }]);
    this.deps.logger.warn({ delivery: final.id, agency: final.agency, endpoint: final.endpoint_host }, 'delivery exhausted; dead-lettered');
  }

  private async save(d: Delivery): Promise<void> {
    await this.write([d]);
    this.records.set(d.id, d);
  }

  private metric(d: Delivery, a: DeliveryAttempt, now: number): void {
    this.deps.influx?.write({
      measurement: 'alert_delivery_attempt',
      tags: { agency: d.agency, outcome: a.outcome, event_type: d.event_type, endpoint: d.endpoint_host },
      fields: { attempt: a.n, duration_ms: a.duration_ms, status_code: a.status_code ?? 0, age_ms: now - Date.parse(d.created_at) },
      timeMs: now,
    });
  }
}

function describe(a: DeliveryAttempt): string {
  return `attempt ${a.n}: ${a.outcome}${a.status_code !== undefined ? ` (HTTP ${a.status_code})` : ''}${a.error ? ` ${a.error}` : ''}`.slice(0, 500);
}
