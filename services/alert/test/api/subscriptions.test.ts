// Subscriptions API: body validation names the field, the SSRF guard decides
// which URLs are accepted, the secret is shown once, rotation keeps two secrets
// valid, and "send test event" reaches a real receiver through the real
// delivery path with a signature the standardwebhooks package accepts.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it, onTestFinished } from 'vitest';
import { apiHarness, startReceiver, type Harness, type ReceivedRequest } from './harness';

const json = { 'content-type': 'application/json' };

async function create(h: Harness, payload: Record<string, unknown>) {
  return h.server.inject({ method: 'POST', url: '/api/subscriptions', headers: { ...h.auth('subscriptions:manage'), ...json }, payload });
}

function signatureHeaders(r: ReceivedRequest): Record<string, string> {
  return { 'webhook-id': String(r.headers['webhook-id']), 'webhook-timestamp': String(r.headers['webhook-timestamp']), 'webhook-signature': String(r.headers['webhook-signature']) };
}

async function sendTest(h: Harness, id: string): Promise<string> {
  const res = await h.server.inject({ method: 'POST', url: `/api/subscriptions/${id}/test`, headers: h.auth('subscriptions:manage') });
  expect(res.statusCode).toBe(202);
  return res.json().delivery_id as string;
}

describe('subscriptions API', () => {
  it('rejects invalid bodies with the JSON pointer of the bad field', async () => {
    const h = await apiHarness();
    const receiver = await startReceiver();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{}, '/endpoint_url'],
      [{ endpoint_url: receiver.url, colour: 'red' }, '/colour'],
      [{ endpoint_url: receiver.url, filters: { min_severity: 'purple' } }, '/filters/min_severity'],
      [{ endpoint_url: receiver.url, filters: { countries: ['nl'] } }, '/filters/countries/0'],
      [{ endpoint_url: receiver.url, filters: { detector_kinds: ['magic'] } }, '/filters/detector_kinds/0'],
      [{ endpoint_url: receiver.url, filters: { regions: ['atlantis'] } }, '/filters/regions'],
      [{ endpoint_url: receiver.url, filters: { methods: ['concealment.container', 'concealment.teleport'] } }, '/filters/methods/1 "concealment.teleport" is not a code of the methods taxonomy'],
      [{ endpoint_url: receiver.url, filters: { technologies: ['Bad Code'] } }, '/filters/technologies/0'],
      [{ endpoint_url: receiver.url, secret: 'not-a-secret' }, '/secret'],
      [{ endpoint_url: receiver.url, secret: 'whsec_AAAA' }, '/secret: signing secret must hold 24 to 64 bytes'],
    ];
    for (const [payload, pointer] of cases) {
      const res = await create(h, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.code).toBe('bad_request');
      expect(res.json().error.message, JSON.stringify(payload)).toContain(pointer);
    }
    const patch = await h.server.inject({ method: 'PATCH', url: '/api/subscriptions/sub_whatever', headers: { ...h.auth('subscriptions:manage'), ...json }, payload: {} });
    expect(patch.statusCode).toBe(400);
    const notJson = await h.server.inject({ method: 'POST', url: '/api/subscriptions', headers: { ...h.auth('subscriptions:manage'), 'content-type': 'application/json' }, payload: '{"endpoint_url":' });
    expect(notJson.statusCode).toBe(400);
  });

  it('lets the SSRF guard refuse private, link-local and (when not allowed) plain-http endpoints', async () => {
    const h = await apiHarness();
    for (const endpoint_url of ['http://10.1.2.3/hook', 'http://169.254.169.254/latest/meta-data', 'http://[::1]:8080/hook', 'http://user:pw@127.0.0.1/hook', 'ftp://127.0.0.1/hook']) {
      const res = await create(h, { endpoint_url });
      expect(res.statusCode, endpoint_url).toBe(400);
      expect(res.json().error.message, endpoint_url).toMatch(/^\/endpoint_url: .*\(ENDPOINT_REFUSED\)$/);
    }
    // Without the operator's http/loopback allowance the same loopback URL is refused.
    const strict = await apiHarness({ delivery: { ssrf: { allowHttp: false, allowCidrs: [] } } });
    const receiver = await startReceiver();
    const refused = await create(strict, { endpoint_url: receiver.url });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.message).toContain('https');
    const loopbackTls = await create(strict, { endpoint_url: 'https://127.0.0.1:9443/hook' });
    expect(loopbackTls.json().error.message).toMatch(/loopback|private/);
    expect((await create(h, { endpoint_url: receiver.url })).statusCode).toBe(201);
  });

  it('answers 400 ENDPOINT_REFUSED for a host that does not resolve, on create and on change (issue 9 finding 6)', async () => {
    const h = await apiHarness();
    const receiver = await startReceiver();
    const url = 'https://unresolvable.invalid/x';
    const created = await create(h, { endpoint_url: url });
    expect(created.statusCode).toBe(400);
    expect(created.json().error.message).toMatch(/^\/endpoint_url: host unresolvable\.invalid cannot be resolved.*\(ENDPOINT_REFUSED\)$/);
    const id = (await create(h, { endpoint_url: receiver.url })).json().subscription.id as string;
    const changed = await h.server.inject({ method: 'PATCH', url: `/api/subscriptions/${id}`, headers: { ...h.auth('subscriptions:manage'), ...json }, payload: { endpoint_url: url } });
    expect(changed.statusCode).toBe(400);
    expect(changed.json().error.message).toMatch(/\(ENDPOINT_REFUSED\)$/);
  });

  it('returns the signing secret once and never again', async () => {
    const h = await apiHarness();
    const receiver = await startReceiver();
    const res = await create(h, { endpoint_url: receiver.url, description: 'NL desk', filters: { touches_territory: true, min_severity: 'medium' } });
    expect(res.statusCode).toBe(201);
    const { subscription, secret } = res.json() as { subscription: { id: string; agency: string; agency_country: string; status: string }; secret: string };
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(res.headers['location']).toBe(`/api/subscriptions/${subscription.id}`);
    expect(subscription).toMatchObject({ agency: 'nl-police', agency_country: 'NL', status: 'active' });
    const auth = h.auth('subscriptions:manage');
    const later = [
      await h.server.inject({ url: `/api/subscriptions/${subscription.id}`, headers: auth }),
      await h.server.inject({ url: '/api/subscriptions', headers: auth }),
      await h.server.inject({ method: 'PATCH', url: `/api/subscriptions/${subscription.id}`, headers: auth, payload: { description: 'renamed' } }),
      await h.server.inject({ method: 'POST', url: `/api/subscriptions/${subscription.id}/pause`, headers: auth, payload: { reason: 'maintenance' } }),
      await h.server.inject({ method: 'POST', url: `/api/subscriptions/${subscription.id}/resume`, headers: auth }),
    ];
    const secretBase64 = secret.slice('whsec_'.length);
    for (const r of later) {
      expect(r.statusCode).toBe(200);
      expect(r.body).not.toContain(secretBase64);
      expect(r.body).not.toContain('encrypted');
    }
    expect(later[2]!.json().description).toBe('renamed');
    expect(later[3]!.json()).toMatchObject({ status: 'paused', status_reason: 'maintenance' });
    expect(later[4]!.json().status).toBe('active');
    const deleted = await h.server.inject({ method: 'DELETE', url: `/api/subscriptions/${subscription.id}`, headers: auth });
    expect(deleted.statusCode).toBe(204);
    expect((await h.server.inject({ url: `/api/subscriptions/${subscription.id}`, headers: auth })).statusCode).toBe(404);
  });

  it('sends a test event through the delivery path that verifies with the standardwebhooks package', async () => {
    const h = await apiHarness();
    const receiver = await startReceiver();
    const { subscription, secret } = (await create(h, { endpoint_url: receiver.url })).json() as { subscription: { id: string }; secret: string };
    const deliveryId = await sendTest(h, subscription.id);
    expect(deliveryId).toMatch(/^msg_[0-9a-f]{32}$/);
    const got = await receiver.waitFor(deliveryId);
    const body = new Webhook(secret).verify(got.body, signatureHeaders(got)) as { type: string; data: { subscription_id: string } };
    expect(body).toMatchObject({ type: 'test', data: { subscription_id: subscription.id } });
    // A stale timestamp (replay) is refused by the independent implementation.
    const stale = { ...signatureHeaders(got), 'webhook-timestamp': String(Number(got.headers['webhook-timestamp']) - 3600) };
    expect(() => new Webhook(secret).verify(got.body, stale)).toThrow();
    expect(() => new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(got.body, signatureHeaders(got))).toThrow();

    // The attempt and outcome are recorded and shown, with the exact body sent.
    let delivery: { id: string; state: string; attempts: Array<{ outcome: string; status_code: number }>; payload: string } | undefined;
    for (let i = 0; i < 100 && delivery?.state !== 'delivered'; i++) {
      const list = await h.server.inject({ url: `/api/subscriptions/${subscription.id}/deliveries`, headers: h.auth('subscriptions:manage') });
      delivery = (list.json().deliveries as (typeof delivery)[])[0];
      if (delivery?.state !== 'delivered') await new Promise((r) => setTimeout(r, 20));
    }
    expect(delivery).toMatchObject({ id: deliveryId, state: 'delivered', attempts: [{ outcome: 'delivered', status_code: 204 }] });
    expect(delivery!.payload).toBe(got.body);
    const filtered = await h.server.inject({ url: `/api/subscriptions/${subscription.id}/deliveries?state=exhausted`, headers: h.auth('subscriptions:manage') });
    expect(filtered.json().deliveries).toEqual([]);
    expect((await h.server.inject({ url: `/api/subscriptions/${subscription.id}/deliveries?state=lost`, headers: h.auth('subscriptions:manage') })).statusCode).toBe(400);
  });

  it('rotates the secret: both secrets verify during the overlap, only the new one after', async () => {
    const h = await apiHarness();
    const receiver = await startReceiver();
    const { subscription, secret: first } = (await create(h, { endpoint_url: receiver.url })).json() as { subscription: { id: string }; secret: string };
    const before = Date.now();
    const rotated = await h.server.inject({ method: 'POST', url: `/api/subscriptions/${subscription.id}/rotate-secret`, headers: h.auth('subscriptions:manage'), payload: { overlap_seconds: 3600 } });
    expect(rotated.statusCode).toBe(200);
    const r = rotated.json() as { secret: string; previous_secret_expires_at: string; subscription: { secrets: Array<{ id: string; expires_at?: string }> } };
    expect(r.secret).toMatch(/^whsec_/);
    expect(r.secret).not.toBe(first);
    expect(r.subscription.secrets).toHaveLength(2);
    const expires = Date.parse(r.previous_secret_expires_at);
    expect(expires).toBeGreaterThanOrEqual(before + 3_600_000 - 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 3_600_000 + 1000);

    const during = await receiver.waitFor(await sendTest(h, subscription.id));
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(new Webhook(first).verify(during.body, signatureHeaders(during))).toMatchObject({ type: 'test' });
    expect(new Webhook(r.secret).verify(during.body, signatureHeaders(during))).toMatchObject({ type: 'test' });

    // Rotating again with no overlap drops both older secrets at once.
    const again = (await h.server.inject({ method: 'POST', url: `/api/subscriptions/${subscription.id}/rotate-secret`, headers: h.auth('subscriptions:manage'), payload: { overlap_seconds: 0 } })).json() as { secret: string; previous_secret_expires_at: string | null };
    expect(again.previous_secret_expires_at).toBeNull();
    const after = await receiver.waitFor(await sendTest(h, subscription.id));
    expect(new Webhook(again.secret).verify(after.body, signatureHeaders(after))).toMatchObject({ type: 'test' });
    expect(() => new Webhook(first).verify(after.body, signatureHeaders(after))).toThrow();
    expect(() => new Webhook(r.secret).verify(after.body, signatureHeaders(after))).toThrow();
    const bad = await h.server.inject({ method: 'POST', url: `/api/subscriptions/${subscription.id}/rotate-secret`, headers: h.auth('subscriptions:manage'), payload: { overlap_seconds: -1 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('/overlap_seconds');
  });

  it('keeps subscriptions, their state and their secret across a restart (compacted topic)', async () => {
    const h = await apiHarness();
    const receiver = await startReceiver();
    const auth = h.auth('subscriptions:manage');
    const { subscription, secret } = (await create(h, { endpoint_url: receiver.url, filters: { countries: ['NL', 'BE'] } })).json() as { subscription: { id: string }; secret: string };
    const gone = (await create(h, { endpoint_url: receiver.url })).json().subscription.id as string;
    await h.server.inject({ method: 'POST', url: `/api/subscriptions/${subscription.id}/pause`, headers: auth });
    await h.server.inject({ method: 'DELETE', url: `/api/subscriptions/${gone}`, headers: auth });
    await h.restart();
    const listed = (await h.server.inject({ url: '/api/subscriptions', headers: auth })).json().subscriptions as Array<{ id: string; status: string; filters: unknown }>;
    expect(listed).toEqual([expect.objectContaining({ id: subscription.id, status: 'paused', filters: { countries: ['NL', 'BE'] } })]);
    await h.server.inject({ method: 'POST', url: `/api/subscriptions/${subscription.id}/resume`, headers: auth });
    // The secret was stored encrypted under the operator key and still signs.
    const got = await receiver.waitFor(await sendTest(h, subscription.id));
    expect(new Webhook(secret).verify(got.body, signatureHeaders(got))).toMatchObject({ type: 'test' });
  });

  it('shows an exhausted delivery to its agency and on the admin dead-letter list', async () => {
    const h = await apiHarness({ delivery: { retryBaseMs: 20, retryMinDelayMs: 10, retryMaxDelayMs: 50, retryHorizonMs: 400, breakerFailureThreshold: 1000 } });
    let hits = 0;
    const failing = createServer((_req, res) => {
      hits++;
      res.writeHead(500).end('down');
    });
    await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => failing.close(() => resolve())));
    const endpoint_url = `http://127.0.0.1:${(failing.address() as AddressInfo).port}/hook`;
    const { subscription } = (await create(h, { endpoint_url })).json() as { subscription: { id: string } };
    const deliveryId = await sendTest(h, subscription.id);
    let dead: Array<{ id: string; state: string; agency: string; attempts: unknown[] }> = [];
    for (let i = 0; i < 150 && dead.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      dead = (await h.server.inject({ url: '/api/deliveries/dead-letter', headers: h.auth('admin') })).json().deliveries;
    }
    expect(dead.map((d) => d.id)).toEqual([deliveryId]);
    expect(dead[0]).toMatchObject({ state: 'exhausted', agency: 'nl-police' });
    expect(dead[0]!.attempts.length).toBe(hits);
    expect(hits).toBeGreaterThan(1);
    const own = (await h.server.inject({ url: `/api/subscriptions/${subscription.id}/deliveries?state=exhausted`, headers: h.auth('subscriptions:manage') })).json().deliveries;
    expect(own.map((d: { id: string }) => d.id)).toEqual([deliveryId]);
    const otherAgency = (await h.server.inject({ url: '/api/deliveries/dead-letter?agency=fr-ocrtis', headers: h.auth('admin') })).json().deliveries;
    expect(otherAgency).toEqual([]);
  });
});
