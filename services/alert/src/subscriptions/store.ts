// SubscriptionStore: agencies' webhook subscriptions, persisted on the compacted
// topic subscriptions.v1 (key = subscription id, null value = deleted) and held
// in memory. This process is the only writer; on start it reads the topic to its
// end. Every read and write is scoped: an agency scope only ever sees or changes
// its own subscriptions (a foreign id answers SUBSCRIPTION_NOT_FOUND, so ids
// cannot be probed); the admin scope sees all.
import type { Bus, Logger, Producer, SubscriptionFilters, WebhookSubscription } from '@tocsin/core';
import { compileValidator, decodeJson, encodeEvent } from '@tocsin/core';
import { decrypt, encrypt, type OperatorKey } from '../crypto/cipher';
import { checkChosenSecret, generateSecret } from '../delivery/signing';
import type { SsrfGuard } from '../delivery/ssrf';
import { AlertError } from '../errors';
import { randomId } from '../ids';
import type { Regions } from '../regions';

export type Scope = { kind: 'agency'; agency: string } | { kind: 'admin' };

export interface SubscriptionInput {
  agency: string;
  agency_country: string;
  endpoint_url: string;
  description?: string;
  filters?: SubscriptionFilters;
  /** An agency may bring its own whsec_ secret; otherwise one is generated and returned once. */
  secret?: string;
}

export interface SubscriptionPatch {
  endpoint_url?: string;
  description?: string;
  filters?: SubscriptionFilters;
}

/** A subscription as shown to its agency: secrets only by id and dates. */
export type SubscriptionView = Omit<WebhookSubscription, 'secrets'> & {
  secrets: Array<{ id: string; created_at: string; expires_at?: string }>;
};

export interface SubscriptionStoreDeps {
  bus: Bus;
  topic: string;
  source: string;
  operatorKey: OperatorKey;
  guard: SsrfGuard;
  regions: Regions;
  clock: () => number;
  logger: Logger;
  /** Default overlap of old and new secret after a rotation, ms. */
  secretOverlapMs: number;
}

const validate = compileValidator<WebhookSubscription>('subscription.v1');

export function publicView(s: WebhookSubscription): SubscriptionView {
  const { secrets, ...rest } = s;
  return structuredClone({ ...rest, secrets: secrets.map((x) => ({ id: x.id, created_at: x.created_at, ...(x.expires_at ? { expires_at: x.expires_at } : {}) })) });
}

export class SubscriptionStore {
  private readonly byId = new Map<string, WebhookSubscription>();
  private producer: Producer | null = null;
  private readonly decrypted = new Map<string, { revision: number; secrets: Array<{ value: string; expiresAt: number | null }> }>();
  private readonly listeners = new Set<(s: WebhookSubscription | null, id: string) => void>();

  constructor(private readonly deps: SubscriptionStoreDeps) {}

  /** Reads subscriptions.v1 to its end. Call once before serving. */
  async restore(): Promise<void> {
    await this.deps.bus.readToEnd(this.deps.topic, (m) => {
      const id = m.key?.toString('utf8');
      if (!id) return;
      if (m.value === null) {
        this.byId.delete(id);
        return;
      }
      const checked = validate(decodeJson(m.value));
      if (!checked.ok) {
        this.deps.logger.error({ id, error: checked.errors[0] }, 'skipping invalid subscription record');
        return;
      }
      this.byId.set(id, checked.value);
    });
    this.deps.logger.info({ subscriptions: this.byId.size }, 'subscriptions restored');
  }

  /** Called after each change (the delivery side reacts to disable/delete). */
  onChange(listener: (s: WebhookSubscription | null, id: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async create(scope: Scope, input: SubscriptionInput): Promise<{ subscription: SubscriptionView; secret: string }> {
    if (scope.kind === 'agency' && scope.agency !== input.agency) {
      throw new AlertError('SUBSCRIPTION_INVALID', 'an agency can only create subscriptions for itself', { pointer: '/agency' });
    }
    await this.deps.guard.checkEndpoint(input.endpoint_url);
    const secret = input.secret ?? generateSecret();
    checkChosenSecret(secret);
    const now = this.now();
    const id = randomId('sub');
    const record: WebhookSubscription = {
      id,
      type: 'subscription',
      schema_version: 1,
      produced_at: now,
      source: this.deps.source,
      agency: input.agency,
      agency_country: input.agency_country,
      ...(input.description ? { description: input.description } : {}),
      endpoint_url: input.endpoint_url,
      filters: input.filters ?? {},
      status: 'active',
      secrets: [{ id: randomId('sec'), created_at: now, encrypted: encrypt(this.deps.operatorKey, secret, id) }],
      created_at: now,
      updated_at: now,
      revision: 1,
    };
    await this.write(record);
    return { subscription: publicView(record), secret };
  }

  async update(scope: Scope, id: string, patch: SubscriptionPatch): Promise<SubscriptionView> {
    const current = this.owned(scope, id);
    if (patch.endpoint_url !== undefined) await this.deps.guard.checkEndpoint(patch.endpoint_url);
    const next: WebhookSubscription = {
      ...current,
      ...(patch.endpoint_url !== undefined ? { endpoint_url: patch.endpoint_url } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.filters !== undefined ? { filters: patch.filters } : {}),
    };
    return publicView(await this.write(this.bump(next)));
  }

  get(scope: Scope, id: string): SubscriptionView {
    return publicView(this.owned(scope, id));
  }

  /** Subscriptions of one agency (agency scope: its own; admin: any agency, or all when agency is omitted). */
  list(scope: Scope, agency?: string): SubscriptionView[] {
    const wanted = scope.kind === 'agency' ? scope.agency : agency;
    return [...this.byId.values()].filter((s) => wanted === undefined || s.agency === wanted).map(publicView);
  }

  async pause(scope: Scope, id: string, reason?: string): Promise<SubscriptionView> {
    const current = this.owned(scope, id);
    if (current.status === 'disabled') throw new AlertError('SUBSCRIPTION_INVALID', `subscription ${id} is disabled (${current.status_reason ?? 'no reason'}); resume it first`);
    return publicView(await this.write(this.bump({ ...current, status: 'paused', ...(reason ? { status_reason: reason } : {}) })));
  }

  /** Re-activates a paused or disabled (e.g. after 410 Gone) subscription. */
  async resume(scope: Scope, id: string): Promise<SubscriptionView> {
    const { status_reason: _dropped, ...current } = this.owned(scope, id);
    return publicView(await this.write(this.bump({ ...current, status: 'active' })));
  }

  /** Internal: the delivery side disables an endpoint that answered 410 Gone. */
  async disable(id: string, reason: string): Promise<void> {
    const current = this.byId.get(id);
    if (!current || current.status === 'disabled') return;
    await this.write(this.bump({ ...current, status: 'disabled', status_reason: reason }));
  }

  /**
   * New secret first; the previous one keeps signing until now + overlapMs, so
   * the agency can roll its receivers without losing a delivery. A secret that
   * had already been superseded is dropped.
   */
  async rotateSecret(scope: Scope, id: string, options: { overlapMs?: number; secret?: string } = {}): Promise<{ subscription: SubscriptionView; secret: string }> {
    const current = this.owned(scope, id);
    const secret = options.secret ?? generateSecret();
    checkChosenSecret(secret);
    const nowMs = this.deps.clock();
    const now = new Date(nowMs).toISOString();
    const overlap = options.overlapMs ?? this.deps.secretOverlapMs;
    const previous = current.secrets.find((s) => !s.expires_at || Date.parse(s.expires_at) > nowMs);
    const secrets: WebhookSubscription['secrets'] = [{ id: randomId('sec'), created_at: now, encrypted: encrypt(this.deps.operatorKey, secret, id) }];
    if (previous && overlap > 0) secrets.push({ ...previous, expires_at: new Date(nowMs + overlap).toISOString() });
    const next = await this.write(this.bump({ ...current, secrets }));
    return { subscription: publicView(next), secret };
  }

  async delete(scope: Scope, id: string): Promise<void> {
    this.owned(scope, id);
    const producer = await this.getProducer();
    await producer.send([{ topic: this.deps.topic, messages: [{ key: id, value: null }] }]);
    this.byId.delete(id);
    this.decrypted.delete(id);
    for (const l of this.listeners) l(null, id);
  }

  // ---- internal, for the delivery side ----

  /** The stored record (with encrypted secrets), or undefined. */
  record(id: string): WebhookSubscription | undefined {
    return this.byId.get(id);
  }

  /** Active subscriptions, for fan-out. */
  active(): WebhookSubscription[] {
    return [...this.byId.values()].filter((s) => s.status === 'active');
  }

  /** Secrets that sign at `nowMs`, newest first, decrypted (cached per subscription revision). */
  signingSecrets(id: string, nowMs: number): string[] {
    const s = this.byId.get(id);
    if (!s) return [];
    let cached = this.decrypted.get(id);
    if (cached?.revision !== s.revision) {
      cached = {
        revision: s.revision,
        secrets: s.secrets.map((x) => ({ value: decrypt([this.deps.operatorKey], x.encrypted, id).toString('utf8'), expiresAt: x.expires_at ? Date.parse(x.expires_at) : null })),
      };
      this.decrypted.set(id, cached);
    }
    return cached.secrets.filter((x) => x.expiresAt === null || x.expiresAt > nowMs).map((x) => x.value);
  }

  size(): number {
    return this.byId.size;
  }

  private owned(scope: Scope, id: string): WebhookSubscription {
    const s = this.byId.get(id);
    if (!s || (scope.kind === 'agency' && s.agency !== scope.agency)) throw new AlertError('SUBSCRIPTION_NOT_FOUND', `no subscription ${id}`);
    return s;
  }

  private bump(s: WebhookSubscription): WebhookSubscription {
    const now = this.now();
    return { ...s, revision: s.revision + 1, updated_at: now, produced_at: now };
  }

  private async write(record: WebhookSubscription): Promise<WebhookSubscription> {
    const checked = validate(record);
    if (!checked.ok) {
      const first = checked.errors[0]!;
      throw new AlertError('SUBSCRIPTION_INVALID', `subscription ${first.pointer || '/'} ${first.message}`, { pointer: first.pointer });
    }
    for (const r of record.filters.regions ?? []) {
      if (!this.deps.regions.has(r)) throw new AlertError('SUBSCRIPTION_INVALID', `unknown region ${JSON.stringify(r)}`, { pointer: '/filters/regions' });
    }
    const producer = await this.getProducer();
    try {
      await producer.send([{ topic: this.deps.topic, messages: [{ key: record.id, value: encodeEvent(record) }] }]);
    } catch (cause) {
      throw new AlertError('BUS_WRITE_FAILED', `could not write subscription ${record.id}`, { cause });
    }
    this.byId.set(record.id, record);
    for (const l of this.listeners) l(record, record.id);
    return record;
  }

  private async getProducer(): Promise<Producer> {
    this.producer ??= await this.deps.bus.producer();
    return this.producer;
  }

  private now(): string {
    return new Date(this.deps.clock()).toISOString();
  }

  async close(): Promise<void> {
    await this.producer?.close();
    this.producer = null;
  }
}
