// GET /api/health: what the public, key holders and admins each see.
import { describe, expect, it, onTestFinished } from 'vitest';
import { silentLogger } from '@tocsin/core';
import { buildApiServer, createApiKey, createApiKeyStore, healthRoutes } from '../src/index';

async function server() {
  const admin = createApiKey({ agency: 'tocsin-ops', country: 'NL', scopes: ['admin'] });
  const reader = createApiKey({ agency: 'fr-ocrtis', country: 'FR', scopes: ['alerts:read'] });
  const app = await buildApiServer({
    logger: silentLogger(), version: '0.1.0', keys: createApiKeyStore([admin.record, reader.record]),
    routes: [
      healthRoutes({ version: '0.1.0', bus: 'memory', startedAt: Date.now() - 5000, components: () => ({ ingest: { status: 'ok', stats: { partners: { 'nl-police': { accepted: 3 } } } } }) }),
    ],
  });
  onTestFinished(() => app.close());
  return { app, admin: admin.key, reader: reader.key };
}

describe('health route', () => {
  it('answers health without a key with status and version only; key holders see statuses, admins counters (issue 9 finding 7)', async () => {
    const { app, admin, reader } = await server();
    const open = await app.inject({ method: 'GET', url: '/api/health' });
    expect(open.statusCode).toBe(200);
    expect(open.json()).toEqual({ status: 'ok', version: '0.1.0' });
    const keyed = await app.inject({ method: 'GET', url: '/api/health', headers: { authorization: `Bearer ${reader}` } });
    expect(keyed.json()).toMatchObject({ status: 'ok', bus: 'memory', components: { ingest: { status: 'ok' } } });
    expect(keyed.json().components.ingest.stats).toBeUndefined();
    expect(keyed.body).not.toContain('nl-police');
    const full = await app.inject({ method: 'GET', url: '/api/health', headers: { authorization: `Bearer ${admin}` } });
    expect(full.json()).toMatchObject({ status: 'ok', bus: 'memory', components: { ingest: { stats: { partners: { 'nl-police': { accepted: 3 } } } } } });
    // A bad key is not silently treated as no key (that would make health a key-guessing oracle).
    expect((await app.inject({ method: 'GET', url: '/api/health', headers: { authorization: `Bearer tsk_000000000000_${'a'.repeat(43)}` } })).statusCode).toBe(401);
  });

  it('shows a degraded component as "degraded" to everyone, and which one to key holders', async () => {
    const reader = createApiKey({ agency: 'fr-ocrtis', country: 'FR', scopes: ['alerts:read'] });
    const app = await buildApiServer({
      logger: silentLogger(), version: '0.1.0', keys: createApiKeyStore([reader.record]),
      routes: [healthRoutes({ version: '0.1.0', bus: 'memory', startedAt: Date.now(), components: () => ({ ingest: { status: 'ok', stats: {} }, alert: { status: 'degraded', stats: { demoReceiver: 'http://127.0.0.1:1/' } } }) })],
    });
    onTestFinished(() => app.close());
    expect((await app.inject({ url: '/api/health' })).json()).toEqual({ status: 'degraded', version: '0.1.0' });
    const keyed = (await app.inject({ url: '/api/health', headers: { authorization: `Bearer ${reader.key}` } })).json();
    expect(keyed.components).toEqual({ ingest: { status: 'ok' }, alert: { status: 'degraded' } });
  });
});
