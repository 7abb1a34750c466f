// Delivery end to end on the in-process bus with real HTTP receivers on loopback.
import { decodeJson, encodeEvent, type DeadLetter, type Delivery } from '@tocsin/core';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { decrypt, operatorKeyFromBase64 } from '../../src/crypto/cipher';
import { generateSecret } from '../../src/delivery/signing';
import { evidence, makeSignal } from '../helpers/signals';
import { eventually, startReceiver, startTestApp, TEST_OPERATOR_KEY } from '../helpers/app';

const admin = { kind: 'admin' } as const;

async function publishSignal(bus: Awaited<ReturnType<typeof startTestApp>>['bus'], signal = makeSignal()): Promise<void> {
  const p = await bus.producer();
  await p.send([{ topic: 'signals.v1', messages: [{ key: `${signal.detector.id}|${signal.dimension.type}|${signal.dimension.key}`, value: encodeEvent(signal) }] }]);
  await p.close();
}

async function readTopic<T>(bus: Awaited<ReturnType<typeof startTestApp>>['bus'], topic: string): Promise<T[]> {
  const out: T[] = [];
  await bus.readToEnd(topic, (m) => {
    if (m.value) out.push(decodeJson(m.value) as T);
  });
  return out;
}

describe('webhook delivery', () => {
  it('delivers a signed alert.opened that the reference library verifies', async () => {
    const secret = generateSecret();
    const receiver = await startReceiver({ secrets: () => [secret] });
    const { app, bus } = await startTestApp();
    await app.subscriptions.create(admin, { agency: 'nl-police', agency_country: 'NL', endpoint_url: receiver.url, secret });
    await publishSignal(bus);
    const got = await eventually(() => receiver.received()[0], 'a webhook');
    expect(got.verified).toBe(true);
    expect(JSON.parse(got.body)).toMatchObject({ type: 'alert.opened', data: { alert: { level: 'full', severity: 'high' } } });
    const d = await eventually(() => app.deliveries.list(admin, { state: 'delivered' })[0], 'delivered record');
    expect(d.id).toBe(got.id);
    expect(d.payload).toBe(got.body);
  });

  it('retries a receiver that answers 500 with the same webhook-id until it recovers', async () => {
    const secret = generateSecret();
    const receiver = await startReceiver({ secrets: () => [secret], respond: ({ attempt }) => ({ status: attempt <= 3 ? 500 : 200 }) });
    const { app, bus } = await startTestApp();
    await app.subscriptions.create(admin, { agency: 'nl-police', agency_country: 'NL', endpoint_url: receiver.url, secret });
    await publishSignal(bus);
    const delivered = await eventually(() => app.deliveries.list(admin, { state: 'delivered' })[0], 'delivery after recovery');
    const ids = new Set(receiver.received().map((r) => r.id));
    expect(ids).toEqual(new Set([delivered.id]));
    expect(receiver.attempts(delivered.id)).toBe(4);
    expect(delivered.attempts.map((a) => a.outcome)).toEqual(['http_error', 'http_error', 'http_error', 'delivered']);
    // Each attempt is signed afresh with its own timestamp; all verify with the reference library.
    for (const r of receiver.received()) {
      expect(r.verified).toBe(true);
      expect(() => new Webhook(secret).verify(r.body, { 'webhook-id': r.id, 'webhook-timestamp': String(r.timestamp), 'webhook-signature': r.signature })).not.toThrow();
    }
    const records = (await readTopic<Delivery>(bus, 'deliveries.v1')).filter((x) => x.id === delivered.id);
    expect(records.map((x) => x.state)).toEqual(['scheduled', 'retrying', 'retrying', 'retrying', 'delivered']);
  });

  it('dead-letters a delivery whose receiver never recovers, with the payload encrypted', async () => {
    const secret = generateSecret();
    const receiver = await startReceiver({ secrets: () => [secret], respond: () => ({ status: 503 }) });
    const { app, bus } = await startTestApp({ overrides: { delivery: { retryHorizonMs: 600 } } });
    await app.subscriptions.create(admin, { agency: 'nl-police', agency_country: 'NL', endpoint_url: receiver.url, secret });
    await publishSignal(bus);
    const exhausted = await eventually(() => app.deliveries.deadLetters(admin)[0], 'exhausted delivery');
    expect(exhausted.attempt).toBeGreaterThan(1);
    expect(new Set(receiver.received().map((r) => r.id))).toEqual(new Set([exhausted.id]));
    let letters: DeadLetter[] = [];
    await eventually(() => {
      void readTopic<DeadLetter>(bus, 'dead-letter.v1').then((l) => (letters = l));
      return letters.some((l) => l.reason === 'delivery_exhausted');
    }, 'dead letter on the topic');
    const letter = letters.find((l) => l.reason === 'delivery_exhausted')!;
    expect(letter).toMatchObject({ stage: 'alert', origin: { topic: 'signals.v1' } });
    expect(letter.message).toContain(exhausted.id);
    const plain = decrypt([operatorKeyFromBase64(TEST_OPERATOR_KEY)], letter.original, exhausted.id).toString('utf8');
    expect(plain).toBe(exhausted.payload);
  });

  it('disables the endpoint on 410 Gone and stops', async () => {
    const secret = generateSecret();
    const receiver = await startReceiver({ secrets: () => [secret], respond: () => ({ status: 410 }) });
    const { app, bus } = await startTestApp();
    const { subscription } = await app.subscriptions.create(admin, { agency: 'nl-police', agency_country: 'NL', endpoint_url: receiver.url, secret });
    await publishSignal(bus);
    await eventually(() => app.subscriptions.get(admin, subscription.id).status === 'disabled', 'subscription disabled');
    expect(app.subscriptions.get(admin, subscription.id).status_reason).toMatch(/410/);
    expect(app.deliveries.list(admin)[0]).toMatchObject({ state: 'abandoned' });
    expect(receiver.received()).toHaveLength(1);
  });

  it('honours Retry-After on 429 for the subscription', async () => {
    const secret = generateSecret();
    const receiver = await startReceiver({ secrets: () => [secret], respond: ({ attempt }) => (attempt === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 204 }) });
    const { app, bus } = await startTestApp();
    await app.subscriptions.create(admin, { agency: 'nl-police', agency_country: 'NL', endpoint_url: receiver.url, secret });
    await publishSignal(bus);
    const d = await eventually(() => app.deliveries.list(admin, { state: 'delivered' })[0], 'delivery after throttle');
    const [first, second] = d.attempts;
    expect(first).toMatchObject({ outcome: 'throttled', status_code: 429, retry_after_ms: 1000 });
    expect(Date.parse(second!.at) - Date.parse(first!.at)).toBeGreaterThanOrEqual(1000);
  });

  it('times out a receiver that does not answer, and retries', async () => {
    const secret = generateSecret();
    const { createServer } = await import('node:http');
    let hits = 0;
    const server = createServer(() => {
      hits++; // never answers
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
    const { app, bus } = await startTestApp({ overrides: { delivery: { requestTimeoutMs: 200, retryHorizonMs: 900 } } });
    try {
      await app.subscriptions.create(admin, { agency: 'nl-police', agency_country: 'NL', endpoint_url: url, secret });
      await publishSignal(bus);
      const d = await eventually(() => app.deliveries.deadLetters(admin)[0], 'exhausted after timeouts');
      expect(d.attempts.every((a) => a.outcome === 'timeout')).toBe(true);
      expect(hits).toBeGreaterThanOrEqual(2);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('sends only to matching subscribers, and what each may see', async () => {
    const secret = generateSecret();
    const [nl, fr, ng] = await Promise.all([0, 1, 2].map(() => startReceiver({ secrets: () => [secret] })));
    const { app, bus } = await startTestApp();
    await app.subscriptions.create(admin, { agency: 'nl-police', agency_country: 'NL', endpoint_url: nl!.url, secret, filters: { touches_territory: true } });
    await app.subscriptions.create(admin, { agency: 'fr-dgddi', agency_country: 'FR', endpoint_url: fr!.url, secret, filters: { regions: ['eu'], min_severity: 'medium' } });
    await app.subscriptions.create(admin, { agency: 'ng-ndlea', agency_country: 'NG', endpoint_url: ng!.url, secret, filters: { touches_territory: true } });
    // AMBER without a list: NL (on the route) gets details, FR only aggregates; NG is not on the route.
    await publishSignal(bus, makeSignal({ evidence: [evidence('be-customs', 'BE', 1, { tlp: 'AMBER' }, { route: { origin: 'CO', transit: ['DO'], destination: 'NL' } })] }));
    await eventually(() => nl!.received().length === 1 && fr!.received().length === 1, 'both deliveries');
    await new Promise((r) => setTimeout(r, 200));
    expect(ng!.received()).toHaveLength(0);
    expect(JSON.parse(nl!.received()[0]!.body).data.alert.level).toBe('full');
    const frView = JSON.parse(fr!.received()[0]!.body).data.alert;
    expect(frView.level).toBe('aggregate');
    expect(fr!.received()[0]!.body).not.toContain('be-customs:inc-1');
  });
});
