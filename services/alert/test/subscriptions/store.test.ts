import { createMemoryBus, silentLogger } from '@tocsin/core';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { operatorKeyFromBase64 } from '../../src/crypto/cipher';
import { generateSecret } from '../../src/delivery/signing';
import { SsrfGuard } from '../../src/delivery/ssrf';
import { isAlertError, type AlertErrorCode } from '../../src/errors';
import { loadRegions } from '../../src/regions';
import { SubscriptionStore, type Scope } from '../../src/subscriptions/store';

async function storeOn(bus = createMemoryBus(), clock = () => Date.parse('2026-11-21T00:00:00Z'), key = randomBytes(32).toString('base64')) {
  await bus.ensureTopics([{ topic: 'subscriptions.v1', partitions: 1 }]);
  const make = () =>
    new SubscriptionStore({
      bus,
      topic: 'subscriptions.v1',
      source: 'alert/test',
      operatorKey: operatorKeyFromBase64(key),
      guard: new SsrfGuard({ allowCidrs: [], allowHosts: [], allowHttp: false }, async () => [{ address: '93.184.216.34', family: 4 }]),
      regions: loadRegions(),
      clock,
      logger: silentLogger(),
      secretOverlapMs: 3_600_000,
    });
  return { bus, make, store: make() };
}

const nl: Scope = { kind: 'agency', agency: 'nl-police' };
const be: Scope = { kind: 'agency', agency: 'be-customs' };
const input = { agency: 'nl-police', agency_country: 'NL', endpoint_url: 'https://hooks.politie.example/tocsin', filters: { touches_territory: true, regions: ['west-africa'] } };

async function code(p: Promise<unknown> | (() => unknown)): Promise<AlertErrorCode | 'none'> {
  try {
    await (typeof p === 'function' ? p() : p);
    return 'none';
  } catch (e) {
    if (isAlertError(e)) return e.code;
    throw e;
  }
}

describe('SubscriptionStore', () => {
  it('returns the secret once and never again, and stores it encrypted', async () => {
    const { bus, store } = await storeOn();
    const { subscription, secret } = await store.create(nl, input);
    expect(secret).toMatch(/^whsec_/);
    expect(JSON.stringify(store.get(nl, subscription.id))).not.toContain(secret.slice(6));
    const raw: string[] = [];
    await bus.readToEnd('subscriptions.v1', (m) => void raw.push(m.value!.toString()));
    expect(raw.join('')).not.toContain(secret.slice(6));
    expect(store.signingSecrets(subscription.id, Date.now())).toEqual([secret]);
  });

  it('keeps agencies apart: another agency can neither see nor change a subscription', async () => {
    const { store } = await storeOn();
    const { subscription } = await store.create(nl, input);
    expect(await code(() => store.get(be, subscription.id))).toBe('SUBSCRIPTION_NOT_FOUND');
    expect(await code(store.update(be, subscription.id, { description: 'x' }))).toBe('SUBSCRIPTION_NOT_FOUND');
    expect(await code(store.pause(be, subscription.id))).toBe('SUBSCRIPTION_NOT_FOUND');
    expect(await code(store.rotateSecret(be, subscription.id))).toBe('SUBSCRIPTION_NOT_FOUND');
    expect(await code(store.delete(be, subscription.id))).toBe('SUBSCRIPTION_NOT_FOUND');
    expect(await code(store.create(be, input))).toBe('SUBSCRIPTION_INVALID');
    expect(store.list(be)).toEqual([]);
    expect(store.list(nl).map((s) => s.id)).toEqual([subscription.id]);
    expect(store.list({ kind: 'admin' })).toHaveLength(1);
  });

  it('rotates secrets with an overlap during which both sign, newest first', async () => {
    let now = Date.parse('2026-11-21T00:00:00Z');
    const { store } = await storeOn(createMemoryBus(), () => now);
    const { subscription, secret: first } = await store.create(nl, input);
    const { secret: second, subscription: rotated } = await store.rotateSecret(nl, subscription.id, { overlapMs: 60_000 });
    expect(store.signingSecrets(subscription.id, now)).toEqual([second, first]);
    expect(rotated.secrets[1]?.expires_at).toBe(new Date(now + 60_000).toISOString());
    now += 60_001;
    expect(store.signingSecrets(subscription.id, now)).toEqual([second]);
    const { secret: third } = await store.rotateSecret(nl, subscription.id);
    expect(store.signingSecrets(subscription.id, now)).toEqual([third, second]);
  });

  it('pauses, resumes, deletes, and survives a restart from the topic', async () => {
    const key = randomBytes(32).toString('base64');
    const { bus, store, make } = await storeOn(createMemoryBus(), undefined, key);
    const a = (await store.create(nl, input)).subscription;
    const b = await store.create(nl, { ...input, secret: generateSecret() });
    await store.pause(nl, a.id, 'maintenance');
    await store.delete(nl, b.subscription.id);
    const restarted = make();
    await restarted.restore();
    expect(restarted.list(nl).map((s) => [s.id, s.status])).toEqual([[a.id, 'paused']]);
    expect((await restarted.resume(nl, a.id)).status).toBe('active');
    expect(restarted.signingSecrets(a.id, Date.now())).toHaveLength(1);
    void bus;
  });

  it('refuses internal endpoints, unknown regions and invalid filters', async () => {
    const { store } = await storeOn();
    const internal = new SubscriptionStore({
      ...(store as unknown as { deps: ConstructorParameters<typeof SubscriptionStore>[0] }).deps,
      guard: new SsrfGuard({ allowCidrs: [], allowHosts: [], allowHttp: false }, async () => [{ address: '10.0.0.8', family: 4 }]),
    });
    expect(await code(internal.create(nl, input))).toBe('ENDPOINT_REFUSED');
    expect(await code(store.create(nl, { ...input, endpoint_url: 'http://hooks.example/' }))).toBe('ENDPOINT_REFUSED');
    expect(await code(store.create(nl, { ...input, filters: { regions: ['atlantis'] } }))).toBe('SUBSCRIPTION_INVALID');
    expect(await code(store.create(nl, { ...input, filters: { min_severity: 'apocalyptic' as never } }))).toBe('SUBSCRIPTION_INVALID');
    expect(await code(store.create(nl, { ...input, secret: 'not-a-secret' }))).toBe('SECRET_INVALID');
  });
});
