// GET /api/alerts/{id}/series and GET /api/routes: the chart and the route map
// pass through the same sharing rules as the alert views (an agency gets what its
// view allows, a withheld alert is "not found", TLP:RED never counts).
import type { Alert, AlertSeries, RouteMap, Signal, SignalSeries } from '@tocsin/core';
import { compileValidator } from '@tocsin/core';
import type { Principal } from '@tocsin/http';
import { describe, expect, it } from 'vitest';
import { seriesFor } from '../../src/api/alert-series';
import { AGENCIES, apiHarness, evidence, openAlerts, signalOf, type Harness } from './harness';

const validateSeries = compileValidator<AlertSeries>('alert-series.v1');
const validateMap = compileValidator<RouteMap>('route-map.v1');
const DAY = 86_400_000;
const BUCKET = '2026-11-01T00:00:00.000Z';

/** 56 days ending at BUCKET: a flat baseline of 3 (expected 3, bound 7), then the surge the signal reports. */
function seriesEnding(observed: number, detector = 'ears-c2'): SignalSeries {
  const n = 56;
  return {
    detector,
    granularity: 'day',
    start: new Date(Date.parse(BUCKET) - (n - 1) * DAY).toISOString(),
    observed: [...Array.from({ length: n - 1 }, (_, i) => 2 + (i % 3)), observed],
    expected: Array.from({ length: n }, () => 3),
    upperbound: Array.from({ length: n }, () => 7),
    alarm: [...Array.from({ length: n - 1 }, () => false), true],
  };
}

async function getSeries(h: Harness, id: string, headers: Record<string, string>) {
  return h.server.inject({ url: `/api/alerts/${id}/series`, headers });
}

describe('GET /api/alerts/{id}/series', () => {
  it('gives the chart to admin and to agencies whose view shows statistics; withheld alerts are not found', async () => {
    const h = await apiHarness();
    const [shared, withheld] = await openAlerts(h, [
      signalOf('concealment.container', [evidence(AGENCIES.own.agency, 'NL', 'GREEN'), evidence(AGENCIES.other.agency, 'FR', 'AMBER')], { series: seriesEnding(12) }),
      // No listed incident: no agency may learn the alert exists.
      signalOf('concealment.vehicle', [], { countries: ['FR'], partners: [AGENCIES.other.agency], evidence_total: 4, series: seriesEnding(12) }),
    ]);
    const admin = await getSeries(h, shared!, h.auth('admin'));
    expect(admin.statusCode, admin.body).toBe(200);
    const body = admin.json() as AlertSeries;
    expect(validateSeries(body).ok).toBe(true);
    expect(body.level).toBe('admin');
    expect(body.detector).toBe('ears-c2');
    expect(body.points).toHaveLength(56);
    expect(body.points.at(-1)).toEqual({ start: BUCKET, observed: 12, expected: 3, upperbound: 7, alarm: true });
    expect(body.points[0]!.start).toBe(new Date(Date.parse(BUCKET) - 55 * DAY).toISOString());
    expect(body.open_period).toEqual({ start: BUCKET, end: null });
    expect(body.config_version).toBe('v1');

    // NL: its own GREEN incident in detail, FR's AMBER one as a count: statistics shown, so the series too.
    const agency = await getSeries(h, shared!, h.auth('alerts:read'));
    expect(agency.statusCode).toBe(200);
    expect(agency.json().level).toBe('aggregate');
    expect(agency.json().points).toEqual(body.points);

    // Withheld: the same answer as an unknown id, for agencies; admin sees it.
    const hidden = await getSeries(h, withheld!, h.auth('alerts:read'));
    const unknown = await getSeries(h, 'al_000000000000000000000000', h.auth('alerts:read'));
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json().error.message.replace(withheld!, 'ID')).toBe(unknown.json().error.message.replace('al_000000000000000000000000', 'ID'));
    expect((await getSeries(h, withheld!, h.otherAuth('alerts:read'))).statusCode).toBe(404);
    expect((await getSeries(h, withheld!, h.auth('admin'))).statusCode).toBe(200);

    // Scope and query checks as on every route.
    expect((await getSeries(h, shared!, h.auth('no-scope'))).statusCode).toBe(403);
    expect((await getSeries(h, shared!, {})).statusCode).toBe(401);
    const extra = await h.server.inject({ url: `/api/alerts/${shared}/series?from=2026-01-01`, headers: h.auth('admin') });
    expect(extra.statusCode).toBe(400);
  });

  it('never counts TLP:RED: a RED-only signal makes no alert, a mixed one is charted without its RED incidents', async () => {
    const h = await apiHarness();
    const red = evidence(AGENCIES.other.agency, 'FR', 'RED');
    await h.app.engine.ingest([{ signal: signalOf('smuggling.red-only', [red], { observed: 1, series: seriesEnding(1) }) }]);
    expect(h.app.engine.select({}).some((a) => a.dimension.key === 'smuggling.red-only')).toBe(false);

    // A producer that wrongly counted two RED incidents in the bucket: the chart's bucket drops them, like the alert's observed.
    const [mixed] = await openAlerts(h, [
      signalOf('smuggling.mixed', [evidence(AGENCIES.own.agency, 'NL', 'GREEN'), evidence(AGENCIES.other.agency, 'FR', 'RED'), evidence(AGENCIES.other.agency, 'FR', 'RED')], { observed: 12, series: seriesEnding(12) }),
    ]);
    // Every reader, the RED owner (FR) included, gets the bucket without the RED incidents: they are not part of the alert.
    for (const headers of [h.auth('admin'), h.auth('alerts:read'), h.otherAuth('alerts:read')]) {
      const res = await getSeries(h, mixed!, headers);
      expect(res.statusCode).toBe(200);
      expect((res.json() as AlertSeries).points.at(-1)!.observed).toBe(10);
    }
    expect(h.app.engine.get(mixed!).observed).toBe(10);
  });

  it('leaves the points out for an agency whose view withholds the statistics', () => {
    // An alert record listing a RED incident of FR (as before the engine's RED guard): for NL
    // that incident is withheld, so its view carries no statistics and the series no points.
    const alert = {
      id: 'al_0123456789abcdef01234567', type: 'alert', status: 'open', revision: 1, history: [], desk: { actions: [] },
      detector: { id: 'ears-c2', version: '1', kind: 'count' }, detectors: [{ id: 'ears-c2', version: '1', buckets: 1, last_bucket_end: BUCKET, severity: 'high' }],
      dimension: { type: 'method', key: 'm', attributes: { method: 'm' } }, severity: 'high', rank_score: 1, countries: ['FR', 'NL'], partners: [AGENCIES.other.agency, AGENCIES.own.agency],
      bucket: { granularity: 'day', start: BUCKET, end: BUCKET }, observed: 12, expected: 3, upperbound: 7, score: 1, p_value: 0.01, q_value: 0.01,
      evidence: [evidence(AGENCIES.own.agency, 'NL', 'GREEN'), evidence(AGENCIES.other.agency, 'FR', 'RED')], evidence_total: 2,
      event_time: { opened: BUCKET }, opened_at: BUCKET, updated_at: BUCKET, series: seriesEnding(12),
    } as unknown as Alert;
    const principal = (agency: string, country: string, scopes: Principal['scopes']): Principal => ({ agency, country, scopes, keyId: 'k' }) as Principal;
    const nl = seriesFor(alert, principal(AGENCIES.own.agency, 'NL', ['alerts:read']))!;
    expect(nl.points).toEqual([]);
    expect(nl.withheld).toMatch(/statistics withheld/);
    expect(validateSeries(nl).ok).toBe(true);
    // The owner of the RED incident sees its own incident: statistics and points.
    expect(seriesFor(alert, principal(AGENCIES.other.agency, 'FR', ['alerts:read']))!.points).toHaveLength(56);
  });
});

describe('GET /api/routes', () => {
  const route = (origin: string, transit: string[], destination: string, modality = 'sea') => ({ origin, transit, destination, modality });

  async function fixtures(h: Harness) {
    const nl = (extra = {}) => evidence(AGENCIES.own.agency, 'NL', 'GREEN', { methods: ['concealment.container'], commodities: ['drugs.cocaine'], ...extra });
    const [surge, fresh, amber, hidden, displaced] = await openAlerts(h, [
      signalOf('CO>DO>NL|sea', [nl()], { dimension: { type: 'route', key: 'CO>DO>NL|sea', attributes: route('CO', ['DO'], 'NL') } }),
      signalOf('EC>ES|air', [nl()], {
        detector: { id: 'first-seen', version: '1', kind: 'novelty' }, severity: 'medium',
        dimension: { type: 'route_edge', key: 'EC>ES|air', attributes: { origin: 'EC', destination: 'ES', modality: 'air' } },
        bucket: { granularity: 'day', start: '2026-11-10T00:00:00.000Z', end: '2026-11-11T00:00:00.000Z' },
      }),
      // FR's AMBER incident about FR only: NL counts it, sees the route, not the evidence.
      signalOf('MA>FR|road', [evidence(AGENCIES.other.agency, 'FR', 'AMBER', { methods: ['concealment.vehicle'], commodities: ['drugs.cannabis'] })], {
        severity: 'low', dimension: { type: 'route_commodity', key: 'MA>FR|road|commodity:drugs.cannabis', attributes: { ...route('MA', [], 'FR', 'road'), commodity: 'drugs.cannabis' } },
      }),
      // Withheld from every agency: no listed incident.
      signalOf('TR>BG|road', [], { countries: ['BG'], partners: [AGENCIES.other.agency], evidence_total: 3, dimension: { type: 'route', key: 'TR>BG|road', attributes: route('TR', [], 'BG', 'road') } }),
      signalOf('NL|sea', [nl()], { detector: { id: 'route-displacement', version: '1', kind: 'displacement' }, dimension: { type: 'route_destination', key: 'NL|sea', attributes: { destination: 'NL', modality: 'sea' } } }),
    ] as Signal[]);
    return { surge: surge!, fresh: fresh!, amber: amber!, hidden: hidden!, displaced: displaced! };
  }

  async function map(h: Harness, headers: Record<string, string>, query = ''): Promise<RouteMap> {
    const res = await h.server.inject({ url: `/api/routes${query}`, headers });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as RouteMap;
    const checked = validateMap(body);
    expect(checked.ok, JSON.stringify(checked)).toBe(true);
    return body;
  }

  it('builds edges and countries from the route alerts the caller may see, new edges first', async () => {
    const h = await apiHarness();
    const ids = await fixtures(h);
    const mine = await map(h, h.auth('alerts:read'));
    expect(mine.edges.map((e) => e.id)).toEqual(['EC>ES|air', 'CO>DO|sea', 'DO>NL|sea', 'MA>FR|road']);
    const fresh = mine.edges[0]!;
    expect(fresh).toMatchObject({ new: true, surging: false, origin: 'EC', destination: 'ES', status: 'open', alerts: [{ id: ids.fresh, kind: 'novelty', dimension_type: 'route_edge', severity: 'medium', status: 'open' }] });
    expect(mine.edges[1]).toMatchObject({ new: false, surging: true, severity: 'high', alerts: [{ id: ids.surge }] });
    expect(mine.edges[3]!.commodities).toEqual(['drugs.cannabis']);
    expect(mine.countries.find((c) => c.code === 'NL')).toEqual({ code: 'NL', edges: 1, displacement_alerts: [ids.displaced] });
    expect(mine.alerts).toBe(4);
    expect(JSON.stringify(mine)).not.toContain(ids.hidden);
    expect(mine.countries.map((c) => c.code)).not.toContain('BG');
    expect(mine.latest_bucket_end).toBe('2026-11-11T00:00:00.000Z');

    const all = await map(h, h.auth('admin'));
    expect(all.edges.map((e) => e.id)).toContain('TR>BG|road');
    expect(all.alerts).toBe(5);
  });

  it('filters on what the caller may see, and refuses bad or unknown parameters', async () => {
    const h = await apiHarness();
    await fixtures(h);
    const ids = (m: RouteMap) => m.edges.map((e) => e.id);
    expect(ids(await map(h, h.auth('alerts:read'), '?modality=air'))).toEqual(['EC>ES|air']);
    expect(ids(await map(h, h.auth('alerts:read'), '?commodity=drugs.cannabis'))).toEqual(['MA>FR|road']);
    expect(ids(await map(h, h.auth('alerts:read'), '?since=2026-11-05T00:00:00Z'))).toEqual(['EC>ES|air']);
    expect(ids(await map(h, h.auth('alerts:read'), '?until=2026-11-05T00:00:00Z'))).toEqual(['CO>DO|sea', 'DO>NL|sea', 'MA>FR|road']);
    // The AMBER evidence's method is withheld from NL: filtering by it cannot select the alert; admin's can.
    expect(ids(await map(h, h.auth('alerts:read'), '?method=concealment.vehicle'))).toEqual([]);
    expect(ids(await map(h, h.auth('admin'), '?method=concealment.vehicle'))).toEqual(['MA>FR|road']);
    // FR owns that evidence and sees it in detail.
    expect(ids(await map(h, h.otherAuth('alerts:read'), '?method=concealment.vehicle'))).toEqual(['MA>FR|road']);
    for (const query of ['?since=yesterday', '?modality=SEA!', '?status=closed', '?colour=red', '?commodity=']) {
      const res = await h.server.inject({ url: `/api/routes${query}`, headers: h.auth('alerts:read') });
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.code).toBe('bad_request');
    }
    expect((await h.server.inject({ url: '/api/routes', headers: h.auth('no-scope') })).statusCode).toBe(403);
  });
});
