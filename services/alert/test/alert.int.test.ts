// Alerting against a real Kafka broker and real HTTP receivers on loopback:
// signals in → exactly the expected agencies receive correctly signed webhooks
// (checked with the standardwebhooks package), retries keep the webhook-id, a
// receiver that never recovers ends on the dead-letter topic, and a SIGKILLed
// alert process loses no delivery and changes no webhook-id when restarted.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInfluxWriter, createKafkaBus, decodeJson, encodeEvent, silentLogger, type Bus, type DeadLetter, type Delivery, type InfluxWriter } from '@tocsin/core';
import { createApiKey } from '@tocsin/http';
import { Webhook } from 'standardwebhooks';
import { describe, expect, inject, it, onTestFinished, vi } from 'vitest';
import { alertTopicSpecs, buildAlert, type AlertApp } from '../src/app';
import { alertConfig, topicsWithPrefix, type AlertConfig } from '../src/config';
import { operatorKeyFromBase64 } from '../src/crypto/cipher';
import { generateSecret } from '../src/delivery/signing';
import { SsrfGuard } from '../src/delivery/ssrf';
import { loadRegions } from '../src/regions';
import { SubscriptionStore } from '../src/subscriptions/store';
import { consumeUntil, testKafkaClient } from '../../../test/helpers/kafka';
import { eventually, startReceiver } from './helpers/app';
import { evidence, makeSignal } from './helpers/signals';

const brokers = inject('kafkaBrokers');
const influxUrl = inject('influxUrl');

async function influxql(query: string, database?: string): Promise<{ results: Array<{ series?: Array<{ columns: string[]; values: unknown[][] }> }> }> {
  const params = new URLSearchParams({ q: query, epoch: 'ms', ...(database ? { db: database } : {}) });
  const response = await fetch(`${influxUrl}/query`, { method: 'POST', body: params });
  if (!response.ok) throw new Error(`InfluxQL "${query}" failed (${response.status})`);
  return (await response.json()) as never;
}
const admin = { kind: 'admin' } as const;
const MAIN = resolve(import.meta.dirname, '../src/main.ts');

function kafkaBus(): Bus {
  const bus = createKafkaBus({ brokers: brokers.split(','), clientId: `alert-it-${randomUUID().slice(0, 8)}`, logger: silentLogger(), topicRefreshMs: 1_000 });
  onTestFinished(() => bus.close());
  return bus;
}

/** A fresh set of topics (UUID prefix), deleted after the test. */
function freshConfig(operatorKeyBase64: string, delivery: Record<string, number> = {}): AlertConfig {
  const prefix = `it-${randomUUID().slice(0, 8)}.`;
  const config = alertConfig({
    operatorKeyBase64,
    source: 'alert/it',
    groupId: `alert-it-${randomUUID()}`,
    topics: topicsWithPrefix(prefix),
    partitions: 2,
    tickMs: 50,
    lifecycle: { groupWaitMs: 0, groupIntervalMs: 200 },
    delivery: { retryBaseMs: 100, retryMinDelayMs: 20, retryMaxDelayMs: 400, retryHorizonMs: 20_000, requestTimeoutMs: 2_000, breakerOpenMs: 200, ...delivery, ssrf: { allowHttp: true, allowCidrs: ['127.0.0.0/8'] } },
  });
  onTestFinished(async () => {
    const a = testKafkaClient(brokers, 'alert-it-cleanup').admin();
    await a.connect();
    try {
      await a.deleteTopics({ topics: Object.values(config.topics) });
    } finally {
      await a.disconnect();
    }
  });
  return config;
}

async function startApp(bus: Bus, config: AlertConfig, influx?: InfluxWriter): Promise<AlertApp> {
  const app = buildAlert({ bus, config, logger: silentLogger(), ...(influx ? { influx } : {}) });
  await app.start();
  onTestFinished(() => app.stop());
  return app;
}

async function publishSignals(bus: Bus, topic: string, signals: ReturnType<typeof makeSignal>[]): Promise<void> {
  const p = await bus.producer();
  await p.send([{ topic, messages: signals.map((s) => ({ key: `${s.detector.id}|${s.dimension.type}|${s.dimension.key}`, value: encodeEvent(s) })) }]);
  await p.close();
}

describe('alerting with real Kafka and real receivers', () => {
  it('delivers to exactly the expected agencies, signed; verifies during a rotation; rejects a stale timestamp', async () => {
    const bus = kafkaBus();
    const config = freshConfig(randomBytes(32).toString('base64'));
    const app = await startApp(bus, config);
    const secrets = { nl: generateSecret(), fr: generateSecret(), ng: generateSecret(), es: generateSecret() };
    const nl = await startReceiver({ secrets: () => [secrets.nl] });
    const fr = await startReceiver({ secrets: () => [secrets.fr] });
    const ng = await startReceiver({ secrets: () => [secrets.ng] });
    const es = await startReceiver({ secrets: () => [secrets.es] });
    const subNl = await app.subscriptions.create(admin, { agency: 'nl-police', agency_country: 'NL', endpoint_url: nl.url, secret: secrets.nl, filters: { touches_territory: true } });
    await app.subscriptions.create(admin, { agency: 'fr-dgddi', agency_country: 'FR', endpoint_url: fr.url, secret: secrets.fr, filters: { regions: ['eu'], min_severity: 'medium' } });
    await app.subscriptions.create(admin, { agency: 'ng-ndlea', agency_country: 'NG', endpoint_url: ng.url, secret: secrets.ng, filters: { touches_territory: true } });
    const paused = await app.subscriptions.create(admin, { agency: 'es-guardia', agency_country: 'ES', endpoint_url: es.url, secret: secrets.es });
    await app.subscriptions.pause(admin, paused.subscription.id, 'holiday');
    // NL rotates its secret; its receiver still only knows the old one.
    const rotated = await app.subscriptions.rotateSecret(admin, subNl.subscription.id, { overlapMs: 3_600_000 });

    await publishSignals(bus, config.topics.signals, [
      makeSignal({ evidence: [evidence('be-customs', 'BE', 1, { tlp: 'AMBER' }, { route: { origin: 'CO', transit: ['DO'], destination: 'NL' } })] }),
      // Low severity: FR's min_severity filters it out; NL's territory filter does not match (BR → PT).
      makeSignal({ detector: 'first-seen', kind: 'novelty', severity: 'low', dimensionKey: 'BR>PT|air', attributes: { origin: 'BR', destination: 'PT', modality: 'air' }, evidence: [evidence('pt-pj', 'PT', 3, {}, { route: { origin: 'BR', transit: [], destination: 'PT' } })] }),
    ]);
    await eventually(() => nl.received().length >= 1 && fr.received().length >= 1, 'deliveries to NL and FR', 30_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(nl.received()).toHaveLength(1);
    expect(fr.received()).toHaveLength(1);
    expect(ng.received()).toHaveLength(0);
    expect(es.received()).toHaveLength(0);

    for (const [got, secretList] of [[nl.received()[0]!, [secrets.nl, rotated.secret]], [fr.received()[0]!, [secrets.fr]]] as const) {
      const headers = { 'webhook-id': got.id, 'webhook-timestamp': String(got.timestamp), 'webhook-signature': got.signature };
      for (const s of secretList) expect(new Webhook(s).verify(got.body, headers)).toMatchObject({ type: 'alert.opened' });
      expect(() => new Webhook(generateSecret()).verify(got.body, headers)).toThrow();
    }
    expect(JSON.parse(nl.received()[0]!.body).data.alert.level).toBe('full');
    expect(JSON.parse(fr.received()[0]!.body).data.alert.level).toBe('aggregate');

    // Ten minutes later the same request is a replay: the reference verifier refuses it.
    const got = nl.received()[0]!;
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 10 * 60_000);
      expect(() => new Webhook(secrets.nl).verify(got.body, { 'webhook-id': got.id, 'webhook-timestamp': String(got.timestamp), 'webhook-signature': got.signature })).toThrow(/too old/);
    } finally {
      vi.useRealTimers();
    }

    // The oversight record: who received which warning, when, with what content.
    const records = await consumeUntil(brokers, config.topics.deliveries, (r) => r.filter((m) => (JSON.parse(m.value!) as Delivery).state === 'delivered').length >= 2, 20_000);
    const delivered = records.map((m) => JSON.parse(m.value!) as Delivery).filter((d) => d.state === 'delivered');
    expect(delivered.map((d) => d.agency).sort()).toEqual(['fr-dgddi', 'nl-police']);
    expect(delivered.find((d) => d.agency === 'nl-police')!.payload).toBe(got.body);
  });

  it('keeps the webhook-id through 500s until the receiver recovers, and dead-letters one that never does', async () => {
    const bus = kafkaBus();
    const config = freshConfig(randomBytes(32).toString('base64'), { retryHorizonMs: 2_500 });
    const database = `alert_it_${randomUUID().replace(/-/g, '')}`;
    await influxql(`CREATE DATABASE "${database}"`);
    onTestFinished(() => influxql(`DROP DATABASE "${database}"`).then(() => undefined));
    const influx = createInfluxWriter({ url: influxUrl, bucket: database, api: 'v1', flushIntervalMs: 100 });
    onTestFinished(() => influx.close());
    const app = await startApp(bus, config, influx);
    const secret = generateSecret();
    const flaky = await startReceiver({ secrets: () => [secret], respond: ({ attempt }) => ({ status: attempt <= 2 ? 500 : 200 }) });
    const dead = await startReceiver({ secrets: () => [secret], respond: () => ({ status: 500 }) });
    await app.subscriptions.create(admin, { agency: 'nl-police', agency_country: 'NL', endpoint_url: flaky.url, secret });
    await app.subscriptions.create(admin, { agency: 'be-customs', agency_country: 'BE', endpoint_url: dead.url, secret });
    await publishSignals(bus, config.topics.signals, [makeSignal()]);

    const ok = await eventually(() => app.deliveries.list(admin, { state: 'delivered' })[0], 'delivery after recovery', 30_000);
    expect(flaky.received().map((r) => r.id)).toEqual([ok.id, ok.id, ok.id]);
    expect(flaky.received().every((r) => r.verified)).toBe(true);

    const letters = await consumeUntil(brokers, config.topics.deadLetter, (r) => r.length >= 1, 30_000);
    const letter = JSON.parse(letters[0]!.value!) as DeadLetter;
    const deadIds = new Set(dead.received().map((r) => r.id));
    expect(deadIds.size).toBe(1);
    expect(letter).toMatchObject({ reason: 'delivery_exhausted', stage: 'alert', origin: { topic: config.topics.signals } });
    expect(letter.message).toContain([...deadIds][0]);
    expect(app.deliveries.deadLetters(admin).map((d) => d.id)).toEqual([...deadIds]);

    // Every attempt is also a point in InfluxDB, tagged by agency and outcome.
    await influx.flush();
    const counted = await influxql('SELECT count("attempt") FROM "alert_delivery_attempt" GROUP BY "agency", "outcome"', database);
    const series = (counted.results[0]?.series ?? []) as Array<{ tags?: Record<string, string>; values: unknown[][] }>;
    const byKey = Object.fromEntries(series.map((s) => [`${s.tags?.['agency']}/${s.tags?.['outcome']}`, s.values[0]![1]]));
    expect(byKey['nl-police/http_error']).toBe(2);
    expect(byKey['nl-police/delivered']).toBe(1);
    expect(byKey['be-customs/http_error']).toBe(dead.received().length);
  });

  it('a SIGKILLed alert process loses no delivery and changes no webhook-id when restarted', async () => {
    const bus = kafkaBus();
    const operatorKey = randomBytes(32).toString('base64');
    const config = freshConfig(operatorKey);
    await bus.ensureTopics(alertTopicSpecs(config));
    let failing = true;
    const secret = generateSecret();
    const receiver = await startReceiver({ secrets: () => [secret], respond: () => ({ status: failing ? 503 : 200 }) });
    // The subscription is written to Kafka by a store in this process; the child restores it.
    const store = new SubscriptionStore({
      bus,
      topic: config.topics.subscriptions,
      source: 'alert/it',
      operatorKey: operatorKeyFromBase64(operatorKey),
      guard: new SsrfGuard(config.delivery.ssrf),
      regions: loadRegions(),
      clock: Date.now,
      logger: silentLogger(),
      secretOverlapMs: 0,
    });
    onTestFinished(() => store.close());
    await store.create(admin, { agency: 'nl-police', agency_country: 'NL', endpoint_url: receiver.url, secret });

    // The child also serves the alert API: it needs a keys file and takes any free port.
    const keysFile = join(mkdtempSync(join(tmpdir(), 'tocsin-keys-')), 'keys.json');
    writeFileSync(keysFile, JSON.stringify([createApiKey({ agency: 'tocsin-ops', country: 'NL', scopes: ['admin'] }).record]));
    const env = {
      ...process.env,
      KAFKA_BROKERS: brokers,
      TOCSIN_API_KEYS_FILE: keysFile,
      ALERT_HTTP_PORT: '0',
      TOCSIN_TOPIC_PREFIX: config.topics.signals.replace('signals.v1', ''),
      ALERT_GROUP_ID: config.groupId,
      ALERT_OPERATOR_KEY: operatorKey,
      ALERT_ALLOW_HTTP: 'true',
      ALERT_SSRF_ALLOW_CIDRS: '127.0.0.0/8',
      ALERT_GROUP_WAIT_MS: '0',
      ALERT_RETRY_BASE_MS: '300',
      ALERT_RETRY_MAX_DELAY_MS: '600',
      ALERT_RETRY_MIN_DELAY_MS: '100',
      ALERT_RETRY_HORIZON_MS: '120000',
      ALERT_BREAKER_OPEN_MS: '300',
      ALERT_TICK_MS: '50',
      // The killed member leaves the group only when its session times out; keep that short.
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      LOG_LEVEL: 'warn',
    };
    const spawnAlert = (): ChildProcess => {
      const child = spawn(process.execPath, ['--import', 'tsx', MAIN], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      child.stderr!.on('data', (b: Buffer) => process.env['ALERT_IT_VERBOSE'] && process.stderr.write(b));
      onTestFinished(() => {
        if (child.exitCode === null) child.kill('SIGKILL');
      });
      return child;
    };

    const first = spawnAlert();
    await publishSignals(bus, config.topics.signals, [makeSignal()]);
    await eventually(() => receiver.received().length >= 2, 'two failed attempts by the first process', 60_000);
    first.kill('SIGKILL');
    await new Promise<void>((r) => (first.exitCode !== null ? r() : first.once('exit', () => r())));
    const idBefore = receiver.received()[0]!.id;
    const attemptsBefore = receiver.received().length;
    failing = false;

    const second = spawnAlert();
    await eventually(() => receiver.received().some((r) => r.status === 200), 'delivery by the restarted process', 60_000);
    second.kill('SIGTERM');
    await new Promise<void>((r) => (second.exitCode !== null ? r() : second.once('exit', () => r())));
    expect(second.exitCode).toBe(0);

    const ids = new Set(receiver.received().map((r) => r.id));
    expect(ids).toEqual(new Set([idBefore]));
    expect(receiver.received().length).toBeGreaterThan(attemptsBefore);
    expect(receiver.received().every((r) => r.verified)).toBe(true);
    // The delivery log agrees: one delivery id, ending delivered, every attempt recorded.
    const records = await consumeUntil(brokers, config.topics.deliveries, (r) => r.some((m) => (decodeJson(m.value) as Delivery).state === 'delivered'), 20_000);
    const states = records.map((m) => decodeJson(m.value) as Delivery);
    expect(new Set(states.map((d) => d.id))).toEqual(new Set([idBefore]));
    expect(states.at(-1)).toMatchObject({ state: 'delivered' });
  });
});
