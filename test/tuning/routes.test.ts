// The detector-config routes on the in-process bus: scope checks, validation errors that
// name the bad value, optimistic concurrency, the history (and its survival of a restart,
// read back from the topic), the OpenAPI entries with their query parameter, and docs/api.md.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createMemoryBus, decodeJson, schemaDir, silentLogger, type Bus, type DetectorConfig } from '@tocsin/core';
import { buildPlan } from '@tocsin/detect';
import { buildApiServer, createApiKey, createApiKeyStore, type Scope } from '@tocsin/http';
import { detectorConfigRoutes } from '../../services/alert/src/api/detector-config';
import { detectScoring } from '../../services/cli/src/detector-scoring';
import { DEFAULT_LIFECYCLE } from '../../services/alert/src/config';
import { loadRegions } from '../../services/alert/src/regions';
import { DetectorTuning } from '../../services/alert/src/tuning/tuning';

const TOPICS = { config: 'detector-config.v1', incidents: 'incidents.v1' };

function config(version: string, overrides: Partial<DetectorConfig> = {}): DetectorConfig {
  return {
    id: 'default', version,
    buckets: { granularities: ['day'], allowed_lateness_days: 2, min_history_days: 0 },
    dimensions: ['country'],
    count_detectors: [{ detector: 'ears-c1', granularity: 'day', history: 8, min_observed: 3, params: { baseline: 7, alpha: 0.001, minSigma: 1 } }],
    multiple_testing: { method: 'benjamini-hochberg', fdr: 0.05, max_signals_per_bucket: 50 },
    overrides: [],
    ...overrides,
  };
}

const keys = Object.fromEntries((['detectors:tune', 'admin', 'alerts:read'] as Scope[]).map((s) => [s, createApiKey({ agency: 'watch-desk', country: 'NL', scopes: [s] })]));

async function service(bus: Bus) {
  const tuning = new DetectorTuning({
    bus, topics: TOPICS, baseline: buildPlan(config('v1')), scoring: detectScoring, lifecycle: DEFAULT_LIFECYCLE,
    subscriptions: { active: () => [] }, regions: loadRegions(), logger: silentLogger(),
  });
  await tuning.start();
  onTestFinished(() => tuning.stop());
  const app = await buildApiServer({ logger: silentLogger(), version: 'test', keys: createApiKeyStore(Object.values(keys).map((k) => k.record)), routes: [detectorConfigRoutes(tuning)] });
  onTestFinished(() => app.close());
  const call = async (method: string, url: string, scope: Scope | null, body?: unknown) => {
    const res = await app.inject({
      method: method as 'GET', url,
      headers: { ...(scope ? { authorization: `Bearer ${keys[scope]!.key}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
    return { status: res.statusCode, body: res.json() as Record<string, any>, headers: res.headers };
  };
  return { tuning, app, call };
}

describe('/api/detector-config', () => {
  it('is for detectors:tune (and admin) only', async () => {
    const { call } = await service(createMemoryBus());
    expect((await call('GET', '/api/detector-config', null)).status).toBe(401);
    expect((await call('GET', '/api/detector-config', 'alerts:read')).status).toBe(403);
    expect((await call('PUT', '/api/detector-config', 'alerts:read', { config: config('v2'), previous_version: 'v1', reason: 'not allowed' })).status).toBe(403);
    expect((await call('POST', '/api/detector-config/dry-run', 'alerts:read', { config: config('v2') })).status).toBe(403);
    expect((await call('GET', '/api/detector-config', 'detectors:tune')).status).toBe(200);
    expect((await call('GET', '/api/detector-config', 'admin')).status).toBe(200);
  });

  it('answers 400 naming the bad value, and changes nothing', async () => {
    const { call, tuning } = await service(createMemoryBus());
    const put = (body: unknown) => call('PUT', '/api/detector-config', 'detectors:tune', body);
    const cases: Array<[unknown, RegExp]> = [
      [{ config: config('v2', { multiple_testing: { method: 'benjamini-hochberg', fdr: 2, max_signals_per_bucket: 50 } }), previous_version: 'v1', reason: 'looser fdr' }, /^\/config\/multiple_testing\/fdr .*\(CONFIG_INVALID\)$/],
      [{ config: { ...config('v2'), colour: 'red' }, previous_version: 'v1', reason: 'extra field' }, /^\/config\/colour is not an allowed property \(CONFIG_INVALID\)$/],
      [{ config: config('v2', { count_detectors: [{ detector: 'ears-c9', granularity: 'day' }] }), previous_version: 'v1', reason: 'unknown detector' }, /^\/config\/count_detectors\/0: .*ears-c9.*\(CONFIG_INVALID\)$/],
      [{ config: config('v2', { count_detectors: [{ detector: 'ears-c1', granularity: 'day', params: { level: 3 } }] }), previous_version: 'v1', reason: 'unknown parameter' }, /^\/config\/count_detectors\/0: detector ears-c1 has no parameter "level"/],
      [{ config: { ...config('v2'), id: 'other' }, previous_version: 'v1', reason: 'another id' }, /^\/config\/id: .*"default" \(CONFIG_INVALID\)$/],
      [{ config: config('v2'), previous_version: 'v1' }, /reason/],
      [{ config: config('v2'), previous_version: 'v1', reason: '   ' }, /^\/reason /],
      [{ config: config('v2'), reason: 'no previous version' }, /previous_version/],
    ];
    for (const [body, message] of cases) {
      const res = await put(body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.body['error'].code).toBe('bad_request');
      expect(res.body['error'].message).toMatch(message);
    }
    const dry = await call('POST', '/api/detector-config/dry-run', 'detectors:tune', { config: config('v2', { dimensions: [] as unknown as DetectorConfig['dimensions'] }) });
    expect(dry.status).toBe(400);
    expect(dry.body['error'].message).toMatch(/^\/config\/dimensions .*\(CONFIG_INVALID\)$/);
    expect(tuning.log.current().version).toBe('v1');
    expect(tuning.log.history().map((h) => h.version)).toEqual(['v1']);
  });

  it('records who, when and why, refuses stale and reused versions, and keeps the history over a restart', async () => {
    const bus = createMemoryBus();
    const first = await service(bus);
    const got = await first.call('GET', '/api/detector-config', 'detectors:tune');
    expect(got.body).toMatchObject({ id: 'default', version: 'v1', current_version: 'v1', history: [{ version: 'v1', origin: 'file', reason: null }] });
    expect(got.headers['etag']).toBe('"v1"');

    const put = await first.call('PUT', '/api/detector-config', 'detectors:tune', { config: config('v2', { evidence_limit: 10 }), previous_version: 'v1', reason: 'fewer evidence rows' });
    expect(put.status).toBe(200);
    expect(put.body['history'][0]).toMatchObject({ version: 'v2', previous_version: 'v1', reason: 'fewer evidence rows', origin: 'api', changed_by: `watch-desk/${keys['detectors:tune']!.record.id}` });
    expect(Date.parse(put.body['history'][0].changed_at)).toBeGreaterThan(Date.now() - 60_000);

    // Two analysts both started from v1: the second one is told.
    const stale = await first.call('PUT', '/api/detector-config', 'admin', { config: config('v3'), previous_version: 'v1', reason: 'my own change' });
    expect(stale.status).toBe(409);
    expect(stale.body['error']).toMatchObject({ code: 'conflict', message: expect.stringMatching(/^\/previous_version: .*"v2" \(VERSION_STALE\)$/) });
    const reused = await first.call('PUT', '/api/detector-config', 'detectors:tune', { config: config('v1'), previous_version: 'v2', reason: 'back to v1' });
    expect(reused.status).toBe(409);
    expect(reused.body['error'].message).toMatch(/VERSION_USED/);
    // Concurrent changes from v2: exactly one wins.
    const race = await Promise.all(['v3a', 'v3b'].map((v) => first.call('PUT', '/api/detector-config', 'detectors:tune', { config: config(v), previous_version: 'v2', reason: `race ${v}` })));
    expect(race.map((r) => r.status).sort()).toEqual([200, 409]);

    // What detect reads: the key 'default' holds the configuration in force.
    let latest: DetectorConfig | null = null;
    await bus.readToEnd(TOPICS.config, (m) => { if (m.key?.toString() === 'default') latest = decodeJson(m.value) as DetectorConfig; });
    expect(latest!.version).toBe(first.tuning.log.current().version);

    // A restart reads the history back from the topic.
    await first.tuning.stop();
    const second = await service(bus);
    const history = (await second.call('GET', '/api/detector-config', 'detectors:tune')).body['history'] as Array<{ version: string; reason: string | null }>;
    expect(history.map((h) => h.version)).toEqual([first.tuning.log.current().version, 'v2', 'v1']);
    expect(history[1]!.reason).toBe('fewer evidence rows');
    const v2 = await second.call('GET', '/api/detector-config?version=v2', 'detectors:tune');
    expect(v2.body['config'].evidence_limit).toBe(10);
    expect((await second.call('GET', '/api/detector-config?version=v9', 'detectors:tune')).status).toBe(404);
    expect((await second.call('GET', '/api/detector-config?verison=v2', 'detectors:tune')).status).toBe(400);
  });

  it('is in the OpenAPI document with its query parameter and body schemas, and in docs/api.md', async () => {
    const { app } = await service(createMemoryBus());
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, any>>; components: { schemas: Record<string, unknown> } };
    expect(doc.paths['/api/detector-config']!['get'].parameters.map((p: { name: string }) => p.name)).toEqual(['version']);
    expect(doc.paths['/api/detector-config']!['put'].requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/DetectorConfigChangeRequest');
    expect(doc.paths['/api/detector-config/dry-run']!['post'].requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/DetectorConfigDryRunRequest');
    for (const name of ['DetectorConfigChangeRequest', 'DetectorConfigDryRunRequest', 'DetectorConfigChange', 'DetectorConfig']) expect(doc.components.schemas[name], name).toBeDefined();
    const api = readFileSync(join(schemaDir, '..', 'docs', 'api.md'), 'utf8');
    // The kit's own routes (/api/health, /api/me) are documented with the kit.
    for (const [path, ops] of Object.entries(doc.paths).filter(([path]) => path.startsWith('/api/detector-config'))) {
      for (const method of Object.keys(ops)) expect(api, `${method} ${path}`).toContain(`| ${method.toUpperCase()} | \`${path}\` | \`detectors:tune\` |`);
    }
  });
});
