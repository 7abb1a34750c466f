// The desk's proxy to the alert service, with both as real HTTP servers on
// loopback: the alert API (engine on the memory bus) plus one event-stream route
// documented as key-free, as the alert change stream is. Checks what is
// forwarded (documented operations only), what stays at the desk (bad keys,
// oversized bodies, undocumented paths), streaming without buffering, the
// client's disconnect closing the upstream stream, and 502/504 when the alert
// service is down or silent.
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { silentLogger } from '@tocsin/core';
import { buildApiServer, createApiKeyStore, healthRoutes, type ApiRoutes } from '@tocsin/http';
import { pageRoutes } from '@tocsin/desk';
import { apiProxyRoutes } from '../../services/desk/src/proxy/api-proxy';
import { createUpstreamCatalog } from '../../services/desk/src/proxy/upstream-catalog';
import { matchOperation, upstreamOperations } from '../../services/desk/src/proxy/upstream-operations';
import { AGENCIES, apiHarness, evidence, openAlerts, signalOf } from '../../services/alert/test/api/harness';

/** Upstream test routes: an event stream (key-free, like the alert change stream) and a route that never answers. */
function streamingRoutes(closed: { count: number }): ApiRoutes {
  return {
    name: 'test-stream',
    paths: {
      '/api/test-events': { get: { summary: 'test event stream', security: [], responses: { '200': { description: 'events' } } } },
      '/api/test-silent': { get: { summary: 'never answers', security: [{ apiKey: [] }], responses: { '200': { description: 'never' } } } },
    },
    register(app) {
      app.get('/api/test-events', (request, reply) => {
        reply.hijack();
        reply.raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store' });
        let n = 0;
        reply.raw.write(`event: ready\ndata: ${n}\n\n`);
        const timer = setInterval(() => reply.raw.write(`event: tick\ndata: ${++n}\n\n`), 100);
        request.raw.socket.once('close', () => {
          clearInterval(timer);
          closed.count++;
        });
      });
      app.get('/api/test-silent', () => new Promise(() => {}));
    },
  };
}

const listen = async (app: FastifyInstance): Promise<string> => {
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
};

async function setup(options: { startUpstream?: boolean } = {}) {
  const closed = { count: 0 };
  const h = await apiHarness({ extraRoutes: [streamingRoutes(closed)] });
  const upstreamUrl = options.startUpstream === false ? 'http://127.0.0.1:9' : await listen(h.server);
  const catalog = createUpstreamCatalog({ baseUrl: new URL(upstreamUrl), logger: silentLogger(), fetchTimeoutMs: 2_000, retryMs: 100, refreshMs: 60_000 });
  const desk = await buildApiServer({
    logger: silentLogger(), version: 'test', keys: createApiKeyStore(h.records),
    routes: [
      healthRoutes({ version: 'test', bus: 'memory', startedAt: Date.now(), components: () => ({ alert_api: catalog.component() }) }),
      pageRoutes(),
      apiProxyRoutes({ name: 'alert', baseUrl: new URL(upstreamUrl), catalog, limits: { responseHeadersMs: 500 } }),
    ],
  });
  onTestFinished(() => desk.close());
  const deskUrl = await listen(desk);
  if (options.startUpstream !== false) await expect.poll(() => catalog.operations() !== null, { timeout: 5_000 }).toBe(true);
  return { h, desk, deskUrl, closed, catalog };
}

describe('desk proxy to the alert service', () => {
  it('forwards documented alert routes with the caller\'s key and answers as the alert service does', async () => {
    const { h, deskUrl } = await setup();
    const [alertId] = await openAlerts(h, [signalOf('concealment.container', [evidence(AGENCIES.own.agency, 'NL', 'GREEN')])]);
    const admin = h.auth('admin');

    const listed = await fetch(`${deskUrl}/api/alerts?limit=5`, { headers: admin });
    expect(listed.status).toBe(200);
    const direct = await h.server.inject({ method: 'GET', url: '/api/alerts?limit=5', headers: admin });
    expect(await listed.json()).toEqual(direct.json());

    const ack = await fetch(`${deskUrl}/api/alerts/${encodeURIComponent(alertId!)}/acknowledge`, { method: 'POST', headers: { ...admin, 'content-type': 'application/json' }, body: JSON.stringify({ comment: 'through the desk' }) });
    expect(ack.status).toBe(200);
    expect(h.app.engine.get(alertId!).desk.acknowledged?.comment).toBe('through the desk');
    expect(h.app.engine.get(alertId!).desk.actions[0]?.actor).toMatch(/^tocsin-ops\//);

    // The alert service's own answers pass through: scope refusal, unknown query parameter.
    const reader = await fetch(`${deskUrl}/api/silences`, { headers: h.auth('alerts:read') });
    expect(reader.status).toBe(403);
    expect(((await reader.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    const head = await fetch(`${deskUrl}/api/alerts?limit=1`, { method: 'HEAD', headers: admin });
    expect([head.status, head.headers.get('content-type')]).toEqual([200, 'application/json; charset=utf-8']);
    const badQuery = await fetch(`${deskUrl}/api/alerts?colour=red`, { headers: admin });
    expect(badQuery.status).toBe(400);
    expect(await badQuery.text()).toContain('colour');
  });

  it('keeps at the desk what must not reach the alert service', async () => {
    const { h, deskUrl } = await setup();
    const admin = h.auth('admin');
    const codeOf = async (res: Response) => [res.status, ((await res.json()) as { error: { code: string } }).error.code];
    // Undocumented paths, dot segments, missing and bad keys, oversized bodies.
    expect(await codeOf(await fetch(`${deskUrl}/api/nowhere`, { headers: admin }))).toEqual([404, 'not_found']);
    expect(await codeOf(await fetch(`${deskUrl}/api/alerts/%2e%2e`, { headers: admin }))).toEqual([404, 'not_found']);
    expect(await codeOf(await fetch(`${deskUrl}/api/alerts`))).toEqual([401, 'unauthenticated']);
    expect(await codeOf(await fetch(`${deskUrl}/api/alerts`, { headers: { authorization: `Bearer tsk_000000000000_${'a'.repeat(43)}` } }))).toEqual([401, 'unauthenticated']);
    const big = JSON.stringify({ matchers: [{ name: 'alert_id', op: '=', value: 'x' }], comment: 'x'.repeat(1024 * 1024 + 10), duration_seconds: 60 });
    expect(await codeOf(await fetch(`${deskUrl}/api/silences`, { method: 'POST', headers: { ...admin, 'content-type': 'application/json' }, body: big }))).toEqual([413, 'payload_too_large']);
    expect(h.app.engine.silences()).toEqual([]);
    // The desk's own routes stay the desk's.
    expect((await fetch(`${deskUrl}/api/health`)).status).toBe(200);
  });

  it('lists the forwarded operations in the desk\'s OpenAPI document', async () => {
    const { deskUrl } = await setup();
    const doc = (await (await fetch(`${deskUrl}/docs/json`)).json()) as { paths: Record<string, Record<string, Record<string, unknown>>> };
    expect(doc.paths['/api/alerts']?.['get']?.['x-tocsin-served-by']).toBe('alert');
    expect(doc.paths['/api/silences']?.['post']?.['x-tocsin-served-by']).toBe('alert');
    // Routes added to the alert API later (series, route map) come with no change to the desk.
    expect(doc.paths['/api/alerts/{id}/series']?.['get']?.['x-tocsin-served-by']).toBe('alert');
    expect(doc.paths['/api/routes']?.['get']?.['x-tocsin-served-by']).toBe('alert');
    expect(doc.paths['/api/health']?.['get']?.['x-tocsin-served-by']).toBeUndefined();
  });

  it('streams server-sent events as they come and closes the upstream stream when the client leaves', async () => {
    const { deskUrl, closed } = await setup();
    const aborter = new AbortController();
    const res = await fetch(`${deskUrl}/api/test-events`, { signal: aborter.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = res.body!.getReader();
    let text = '';
    // Three events arrive one by one, 100 ms apart: nothing waits for the (endless) body to end.
    while (!text.includes('data: 2')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toMatch(/^event: ready\ndata: 0\n\nevent: tick\ndata: 1\n\n/);
    aborter.abort();
    await expect.poll(() => closed.count, { timeout: 5_000 }).toBe(1);
  });

  it('answers 504 when the alert service does not answer in time, 502 when it is down', async () => {
    const { h, deskUrl } = await setup();
    const admin = h.auth('admin');
    const silent = await fetch(`${deskUrl}/api/test-silent`, { headers: admin });
    expect([silent.status, ((await silent.json()) as { error: { code: string } }).error.code]).toEqual([504, 'upstream_timeout']);
    await h.server.close();
    const down = await fetch(`${deskUrl}/api/alerts`, { headers: admin });
    expect(down.status).toBe(502);
    expect(await down.json()).toEqual({ error: { code: 'upstream_unavailable', message: expect.stringContaining('ECONNREFUSED') } });
  });

  it('answers 502 while the alert service was never reached, and says so in health', async () => {
    const { h, deskUrl, catalog } = await setup({ startUpstream: false });
    const res = await fetch(`${deskUrl}/api/alerts`, { headers: h.auth('admin') });
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('upstream_unavailable');
    expect(catalog.component().status).toBe('degraded');
    expect(((await (await fetch(`${deskUrl}/api/health`)).json()) as { status: string }).status).toBe('degraded');
  });
});

describe('which paths the desk forwards', () => {
  const operations = upstreamOperations({
    '/api/alerts/{id}': { get: { security: [{ apiKey: [] }] } },
    '/api/alerts/events': { get: { security: [] } },
    '/api/signals': { get: {} },
    '/docs/json': { get: {} },
  }, new Set(['/api/signals']));

  it('matches documented templates only, one segment per parameter, never dot segments', () => {
    expect(matchOperation(operations, 'GET', '/api/alerts/a1')?.template).toBe('/api/alerts/{id}');
    expect(matchOperation(operations, 'HEAD', '/api/alerts/a1')?.keyRequired).toBe(true);
    expect(matchOperation(operations, 'GET', '/api/alerts/events')?.keyRequired).toBe(false);
    expect(matchOperation(operations, 'POST', '/api/alerts/a1')).toBeNull();
    expect(matchOperation(operations, 'GET', '/api/alerts/a1/b')).toBeNull();
    expect(matchOperation(operations, 'GET', '/api/alerts/..')).toBeNull();
    expect(matchOperation(operations, 'GET', '/api/alerts/%2E%2e')).toBeNull();
    expect(matchOperation(operations, 'GET', '/api/signals')).toBeNull();
    expect(matchOperation(operations, 'GET', '/docs/json')).toBeNull();
  });
});
