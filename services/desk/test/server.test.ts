import { describe, expect, it, onTestFinished } from 'vitest';
import { silentLogger, type Signal } from '@tocsin/core';
import { buildApiServer, createApiKey, createApiKeyStore, healthRoutes } from '@tocsin/http';
import { pageRoutes, signalRoutes } from '../src/index';

function signal(overrides: Partial<Signal> = {}): Signal {
  return {
    id: 'ears-c2|country|NL|2026-11-01T00:00:00.000Z', type: 'signal', schema_version: 1, produced_at: '2026-11-02T00:00:00.000Z', source: 'detect/test',
    detector: { id: 'ears-c2', version: '1', kind: 'count' },
    dimension: { type: 'country', key: 'NL', attributes: { country: 'NL' } },
    bucket: { granularity: 'day', start: '2026-11-01T00:00:00.000Z', end: '2026-11-02T00:00:00.000Z' },
    observed: 12, expected: 3, upperbound: 7, score: 4.2, p_value: 0.001, q_value: 0.01, severity: 'high', rank_score: 10,
    countries: ['NL'], partners: ['nl-police'],
    evidence: [{ incident_id: 'nl-police:1', partner: 'nl-police', country: 'NL', occurred_at: '2026-11-01T10:00:00.000Z', handling: { tlp: 'AMBER', source_reliability: 'B', information_credibility: '2' } }],
    evidence_total: 1, config_version: 'v1', ...overrides,
  };
}

async function server(signals: Signal[] | null = [signal()]) {
  const admin = createApiKey({ agency: 'tocsin-ops', country: 'NL', scopes: ['admin'] });
  const reader = createApiKey({ agency: 'fr-ocrtis', country: 'FR', scopes: ['alerts:read'] });
  const manager = createApiKey({ agency: 'de-bka', country: 'DE', scopes: ['subscriptions:manage'] });
  const app = await buildApiServer({
    logger: silentLogger(), version: '0.1.0', keys: createApiKeyStore([admin.record, reader.record, manager.record]),
    routes: [
      healthRoutes({ version: '0.1.0', bus: 'memory', startedAt: Date.now() - 5000, components: () => ({ ingest: { status: 'ok', stats: { partners: { 'nl-police': { accepted: 3 } } } } }) }),
      signalRoutes(signals ? { recentSignals: () => signals } : null),
      pageRoutes(),
    ],
  });
  onTestFinished(() => app.close());
  return { app, admin: admin.key, reader: reader.key, manager: manager.key };
}

describe('desk server: signals and page', () => {
  it('refuses signals without a key, with a bad key, and without the scope', async () => {
    const { app, manager } = await server();
    expect((await app.inject({ method: 'GET', url: '/api/signals' })).json()).toEqual({ error: { code: 'unauthenticated', message: expect.any(String) } });
    const forged = await app.inject({ method: 'GET', url: '/api/signals', headers: { authorization: `Bearer tsk_000000000000_${'a'.repeat(43)}` } });
    expect(forged.statusCode).toBe(401);
    const wrongScope = await app.inject({ method: 'GET', url: '/api/signals', headers: { authorization: `Bearer ${manager}` } });
    expect(wrongScope.statusCode).toBe(403);
    expect(wrongScope.json().error.code).toBe('forbidden');
  });

  it('shows signals to admins as emitted and to agencies through the sharing rules', async () => {
    const amberNl = signal();
    const greenNl = signal({
      id: 'green', evidence: [{ ...amberNl.evidence[0]!, incident_id: 'nl-police:2', handling: { tlp: 'GREEN', source_reliability: 'A', information_credibility: '1' } }],
    });
    const { app, admin, reader } = await server([amberNl, greenNl]);
    const full = (await app.inject({ method: 'GET', url: '/api/signals', headers: { authorization: `Bearer ${admin}` } })).json();
    expect(full.signals.map((s: Signal) => s.id).sort()).toEqual([amberNl.id, 'green'].sort());
    expect(full.signals[0].evidence).toHaveLength(1);
    // FR may count, but not read, the AMBER incident of an NL partner about NL (no allow-list).
    const limited = (await app.inject({ method: 'GET', url: '/api/signals', headers: { 'x-api-key': reader } })).json();
    const byLevel = Object.fromEntries(limited.signals.map((v: { level: string }) => [v.level, v]));
    expect(byLevel['full']).toMatchObject({ counts: { incidents: 1, incidents_detailed: 1 } });
    expect(byLevel['aggregate']).toMatchObject({ counts: { incidents: 1, incidents_detailed: 0 } });
    expect(byLevel['aggregate'].evidence ?? []).toEqual([]);
    expect(JSON.stringify(limited)).not.toContain('nl-police:1');
  });

  it('filters and orders signals and rejects bad parameters with a specific message', async () => {
    const signals = [signal({ id: 'a', rank_score: 1, severity: 'low' }), signal({ id: 'b', rank_score: 5, severity: 'high', countries: ['FR'] })];
    const { app, admin } = await server(signals);
    const auth = { authorization: `Bearer ${admin}` };
    expect((await app.inject({ url: '/api/signals', headers: auth })).json().signals.map((s: Signal) => s.id)).toEqual(['b', 'a']);
    expect((await app.inject({ url: '/api/signals?min_severity=medium', headers: auth })).json().signals.map((s: Signal) => s.id)).toEqual(['b']);
    expect((await app.inject({ url: '/api/signals?country=NL', headers: auth })).json().signals.map((s: Signal) => s.id)).toEqual(['a']);
    const bad = await app.inject({ url: '/api/signals?limit=0', headers: auth });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/limit/);
    expect((await app.inject({ url: '/api/signals?min_severity=purple', headers: auth })).statusCode).toBe(400);
  });

  it('says 503 when detection is not running here', async () => {
    const { app, admin } = await server(null);
    const res = await app.inject({ url: '/api/signals', headers: { authorization: `Bearer ${admin}` } });
    expect(res.statusCode).toBe(503);
  });

  it('serves the OpenAPI document with every API route and the event schemas', async () => {
    const { app } = await server();
    const doc = (await app.inject({ url: '/docs/json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/health', '/api/signals']));
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Signal', 'Incident', 'Error']));
    expect((await app.inject({ url: '/docs' })).statusCode).toBeLessThan(400);
  });

  it('serves the page with a strict content security policy and JSON 404s', async () => {
    const { app } = await server();
    const page = await app.inject({ url: '/' });
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.body).toContain('Tocsin');
    const missing = await app.inject({ url: '/api/nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('not_found');
  });
});
