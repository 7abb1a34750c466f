// Test harness of the alerting API: F1's real alert service (buildAlert) on the
// in-process bus, the real API server (@tocsin/http) with alertApiRoutes, API keys for two
// agencies in every scope, and a loopback webhook receiver that records what
// arrives. The SSRF allow-list admits loopback explicitly, as an operator would.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';
import { compileValidator, createMemoryBus, loadTaxonomy, silentLogger, type Evidence, type Signal } from '@tocsin/core';
import { buildApiServer, createApiKey, createApiKeyStore, type ApiKeyRecord, type ApiRoutes, type Scope } from '@tocsin/http';
import { alertApiRoutes, type AlertApiOptions } from '../../src/api/index';
import { buildAlert } from '../../src/app';
import { alertConfig, topicsWithPrefix, type ConfigOverrides } from '../../src/config';
import type { LookupFn } from '../../src/delivery/ssrf';

export const AGENCIES = {
  own: { agency: 'nl-police', country: 'NL' },
  other: { agency: 'fr-ocrtis', country: 'FR' },
} as const;

/** Key holders: a key per scope for the "own" agency, plus an admin of the operator. */
export const PRINCIPALS = ['anonymous', 'no-scope', 'alerts:read', 'subscriptions:manage', 'admin'] as const;
export type PrincipalName = (typeof PRINCIPALS)[number];

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Receiver {
  url: string;
  received: ReceivedRequest[];
  /** Resolves when a request with this webhook-id arrived (bounded wait). */
  waitFor(webhookId: string, timeoutMs?: number): Promise<ReceivedRequest>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/tocsin`,
    received,
    async waitFor(webhookId, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        const hit = received.find((r) => r.headers['webhook-id'] === webhookId);
        if (hit) return hit;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`no webhook ${webhookId} within ${timeoutMs} ms (got ${received.length} requests)`);
    },
  };
}

export interface HarnessOptions {
  delivery?: ConfigOverrides['delivery'];
  /** Extra agencies, each given an alerts:read key (readerAuth(agency)). */
  readers?: ReadonlyArray<{ agency: string; country: string }>;
  /** Route modules served besides the alert API (e.g. health, the desk's signals and page). */
  extraRoutes?: ApiRoutes[];
  /** DNS for the SSRF guard (default: the system's). */
  lookup?: LookupFn;
  /** Overrides of the change stream's limits (STREAM_LIMITS). */
  streamLimits?: AlertApiOptions['streamLimits'];
}

export async function apiHarness(options: HarnessOptions = {}) {
  const bus = createMemoryBus();
  const config = alertConfig({
    operatorKeyBase64: randomBytes(32).toString('base64'),
    source: 'alert/api-test',
    groupId: `api-test-${randomUUID()}`,
    topics: topicsWithPrefix(`t${randomUUID().slice(0, 8)}.`),
    partitions: 1,
    // Notifications of the fixture alerts are not what these tests are about: hold them for an hour.
    lifecycle: { groupWaitMs: 3_600_000 },
    tickMs: 50,
    delivery: { retryBaseMs: 100, retryMinDelayMs: 20, ...options.delivery, ssrf: { allowHttp: true, allowCidrs: ['127.0.0.0/8'], ...options.delivery?.ssrf } },
  });
  // One app at a time per bus (the subscription store is the topic's only writer); restart() replaces it.
  const build = () => buildAlert({ bus, config, logger: silentLogger(), ...(options.lookup ? { lookup: options.lookup } : {}) });
  let app = build();
  await app.start();
  let appStopped = false;
  onTestFinished(async () => {
    if (!appStopped) await app.stop();
    await bus.close();
  });

  const keyOf = new Map<PrincipalName, string>();
  const otherKeys = new Map<Scope, string>();
  const records: ApiKeyRecord[] = [];
  const scopesOf: Record<Exclude<PrincipalName, 'anonymous'>, Scope[]> = { 'no-scope': [], 'alerts:read': ['alerts:read'], 'subscriptions:manage': ['subscriptions:manage'], admin: ['admin'] };
  for (const [name, scopes] of Object.entries(scopesOf) as Array<[Exclude<PrincipalName, 'anonymous'>, Scope[]]>) {
    const holder = name === 'admin' ? { agency: 'tocsin-ops', country: 'NL' } : AGENCIES.own;
    const k = createApiKey({ ...holder, scopes });
    keyOf.set(name, k.key);
    records.push(k.record);
  }
  for (const scope of ['alerts:read', 'subscriptions:manage'] as const) {
    const k = createApiKey({ ...AGENCIES.other, scopes: [scope] });
    otherKeys.set(scope, k.key);
    records.push(k.record);
  }
  const readerKeys = new Map<string, string>();
  for (const reader of options.readers ?? []) {
    const k = createApiKey({ ...reader, scopes: ['alerts:read'] });
    readerKeys.set(reader.agency, k.key);
    records.push(k.record);
  }
  // Route probe: registered first, it sees every route the alert API adds.
  const routes: Array<{ method: string; url: string }> = [];
  const probe: ApiRoutes = {
    name: 'route-probe',
    paths: {},
    register(fastify) {
      fastify.addHook('onRoute', (r) => {
        for (const method of [r.method].flat()) if (method !== 'HEAD') routes.push({ method, url: r.url });
      });
    },
  };
  const taxonomy = loadTaxonomy();
  // The rate limit (20/s, burst 60) has its own desk test; here each request sees a second pass.
  let fakeNow = 0;
  const serve = () =>
    buildApiServer({ logger: silentLogger(), version: 'test', keys: createApiKeyStore(records), routes: [probe, ...(options.extraRoutes ?? []), ...alertApiRoutes({ engine: app.engine, subscriptions: app.subscriptions, deliveries: app.deliveries, taxonomy }, { streamLimits: options.streamLimits ?? {} })], clock: () => (fakeNow += 1000) });
  let server = await serve();
  onTestFinished(() => server.close());

  const auth = (who: PrincipalName): Record<string, string> => (who === 'anonymous' ? {} : { authorization: `Bearer ${keyOf.get(who)}` });
  const otherAuth = (scope: 'alerts:read' | 'subscriptions:manage'): Record<string, string> => ({ authorization: `Bearer ${otherKeys.get(scope)}` });
  const readerAuth = (agency: string): Record<string, string> => ({ authorization: `Bearer ${readerKeys.get(agency)}` });
  /** Stops the alert service and starts a new one on the same topics, as after a process restart. */
  async function restart(): Promise<void> {
    await server.close();
    await app.stop();
    appStopped = true;
    app = build();
    await app.start();
    appStopped = false;
    routes.length = 0;
    server = await serve();
  }
  return {
    get app() { return app; },
    get server() { return server; },
    bus, config, routes, auth, otherAuth, readerAuth, restart,
    /** The key records, for another server (the desk's proxy) that must know the same keys. */
    records,
  };
}

export type Harness = Awaited<ReturnType<typeof apiHarness>>;

const validateSignal = compileValidator<Signal>('signal.v1');
let signalSeq = 0;

export function evidence(partner: string, country: string, tlp: Evidence['handling']['tlp'], extra: Partial<Evidence> = {}): Evidence {
  return {
    incident_id: `${partner}:${++signalSeq}`,
    partner,
    country,
    occurred_at: '2026-11-01T10:00:00.000Z',
    category: '0601',
    narrative_excerpt: `secret detail of ${partner}`,
    handling: { tlp, source_reliability: 'B', information_credibility: '2' },
    ...extra,
  };
}

/** A schema-valid signal for `dimension key`, resting on `incidents`. */
export function signalOf(key: string, incidents: Evidence[], overrides: Partial<Signal> = {}): Signal {
  const countries = [...new Set(incidents.map((e) => e.country))].sort();
  const s: Signal = {
    id: `ears-c2|country|${key}|${++signalSeq}`,
    type: 'signal',
    schema_version: 1,
    produced_at: '2026-11-02T00:00:00.000Z',
    source: 'detect/test',
    detector: { id: 'ears-c2', version: '1', kind: 'count' },
    dimension: { type: 'method', key, attributes: { method: key } },
    bucket: { granularity: 'day', start: '2026-11-01T00:00:00.000Z', end: '2026-11-02T00:00:00.000Z' },
    observed: 12,
    expected: 3,
    upperbound: 7,
    score: 4.2,
    p_value: 0.001,
    q_value: 0.01,
    severity: 'high',
    rank_score: 10,
    countries,
    partners: [...new Set(incidents.map((e) => e.partner))].sort(),
    evidence: incidents,
    evidence_total: incidents.length,
    config_version: 'v1',
    ...overrides,
  };
  const checked = validateSignal(s);
  if (!checked.ok) throw new Error(`fixture signal invalid at ${checked.errors[0]?.pointer}: ${checked.errors[0]?.message}`);
  return s;
}

/** Feeds signals through the engine and returns the ids of the alerts they open. */
export async function openAlerts(h: Harness, signals: Signal[]): Promise<string[]> {
  await h.app.engine.ingest(signals.map((signal) => ({ signal })));
  const byKey = new Map(h.app.engine.list({ limit: 10_000 }).alerts.map((a) => [a.dimension.key, a.id]));
  return signals.map((s) => byKey.get(s.dimension.key)!);
}
