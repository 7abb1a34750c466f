// The alert detail and routes views of the watch-desk page in a real Chromium,
// against the real pipeline after ingest: the detect service (default detector
// configuration) and the alert service on the in-process bus, and the desk server
// with the alert API and the page. Incidents are written as ingest writes them: 90
// days of steady traffic on two routes, a surge on one (count alerts with a series),
// and from day 60 a route no partner reported before, EC -> GW -> PT by sea (the
// simulator's new-route trend), which the first-seen detector reports on its edges.
// The detail view of a count alert shows its chart (expected band, upper bound,
// alarms); the routes view highlights the new route. Screenshots go to
// TOCSIN_SCREENSHOT_DIR (default .cache/screenshots). Runs under the page's strict
// CSP; any CSP violation or script error fails the test.
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { CHROMIUM, launchChromium } from '../../../test/helpers/chromium';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createMemoryBus, encodeEvent, silentLogger, TOPICS, type AlertSeries, type Incident, type IncidentEvent, type RouteMap } from '@tocsin/core';
import { buildDetect, loadPlan } from '@tocsin/detect';
import { alertApiRoutes, alertConfig, buildAlert } from '@tocsin/alert';
import { pageRoutes, signalRoutes } from '@tocsin/desk';
import { buildApiServer, createApiKey, createApiKeyStore, healthRoutes } from '@tocsin/http';

const SHOTS = process.env['TOCSIN_SCREENSHOT_DIR'] ?? resolve(import.meta.dirname, '../../../.cache/screenshots');
const WAIT_MS = 60_000;
const DAY_MS = 86_400_000;
const START = Date.UTC(2026, 0, 5); // a Monday

let serial = 0;
function incidentOn(day: number, partner: string, country: string, route: Incident['route'], modality: Incident['modality'], extra: Partial<Incident> = {}): IncidentEvent {
  const id = `inc-${++serial}`;
  const at = new Date(START + day * DAY_MS + (serial % 20) * 3_600_000).toISOString();
  const incident: Incident = {
    id, partner, occurred_at: at, reported_at: at, country, category: '06012', route, modality,
    methods: ['concealment.container'], technologies: ['messenger.encrypted'], commodities: ['drug.cocaine'],
    handling: { tlp: 'GREEN', source_reliability: 'B', information_credibility: '2' },
    ...extra,
  };
  return { id: `${partner}:${id}:r1`, type: 'incident', schema_version: 1, produced_at: at, source: 'ingest/test', revision: 1, received_at: at, content_hash: 'a'.repeat(64), incident };
}

/** 90 days: steady CO>PA>NL and MA>ES traffic, a surge on CO>PA>NL on day 80, the new EC>GW>PT route from day 60. */
function incidents(): IncidentEvent[] {
  const out: IncidentEvent[] = [];
  for (let day = 0; day < 90; day++) {
    // A sparse route (about one a day): the default configuration runs daily EARS C2 on such keys.
    const nl = day === 80 ? 10 : 1 + (day % 3 === 0 ? 1 : 0);
    for (let i = 0; i < nl; i++) out.push(incidentOn(day, 'nl-police', 'NL', { origin: 'CO', transit: ['PA'], destination: 'NL' }, 'sea'));
    for (let i = 0; i < 2 + (day % 2); i++) out.push(incidentOn(day, 'es-policia', 'ES', { origin: 'MA', transit: [], destination: 'ES' }, 'land', { commodities: ['drug.cannabis'], methods: ['concealment.vehicle'] }));
    if (day >= 60) for (let i = 0; i < 2; i++) out.push(incidentOn(day, 'pt-pj', 'PT', { origin: 'EC', transit: ['GW'], destination: 'PT' }, 'sea', { methods: ['mother-ship'] }));
  }
  // Moves the watermark past day 90 + lateness, so every day above closes.
  for (let i = 0; i < 12; i++) out.push(incidentOn(100, 'nl-police', 'NL', { origin: 'CO', transit: ['PA'], destination: 'NL' }, 'sea'));
  return out;
}

async function poll<T>(what: string, get: () => Promise<T | undefined>): Promise<T> {
  const until = Date.now() + WAIT_MS;
  for (;;) {
    const value = await get();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`${what}: not within ${WAIT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function signIn(page: Page, url: string, key: string): Promise<void> {
  await page.goto(url);
  await page.fill('#api-key', key);
  await page.click('#key-form button[type=submit]');
}

describe.skipIf(!existsSync(CHROMIUM))('watch-desk page: alert detail and routes views', () => {
  it('charts a real count alert with its expected band and alarms, and highlights the injected new route', async () => {
    const bus = createMemoryBus({ defaultPartitions: 3 });
    onTestFinished(() => bus.close());
    await bus.ensureTopics([{ topic: TOPICS.incidents.name, partitions: 3 }]);
    const detect = buildDetect({ bus, config: loadPlan(), logger: silentLogger(), partitions: 3, clock: () => START + 120 * DAY_MS, instance: 'detect/test' });
    const alerts = buildAlert({
      bus, logger: silentLogger(),
      config: alertConfig({ operatorKeyBase64: randomBytes(32).toString('base64'), source: 'alert/test', groupId: `views-${randomUUID()}`, partitions: 1, tickMs: 100 }),
    });
    const adminKey = createApiKey({ agency: 'tocsin-ops', country: 'NL', scopes: ['admin'] });
    const readerKey = createApiKey({ agency: 'pt-pj', country: 'PT', scopes: ['alerts:read'] });
    const server = await buildApiServer({
      logger: silentLogger(), version: 'test', keys: createApiKeyStore([adminKey.record, readerKey.record]),
      routes: [healthRoutes({ version: 'test', bus: 'memory', startedAt: Date.now(), components: () => ({}) }), signalRoutes(detect), ...alertApiRoutes({ engine: alerts.engine, subscriptions: alerts.subscriptions, deliveries: alerts.deliveries }), pageRoutes()],
    });
    onTestFinished(() => server.close());
    await alerts.start();
    onTestFinished(() => alerts.stop());
    await detect.start();
    onTestFinished(() => detect.stop());
    const producer = await bus.producer();
    const events = incidents();
    for (let i = 0; i < events.length; i += 500) {
      await producer.send([{ topic: TOPICS.incidents.name, messages: events.slice(i, i + 500).map((e) => ({ key: `${e.incident.partner}:${e.incident.id}`, value: encodeEvent(e) })) }]);
    }
    await server.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
    const admin = adminKey.key;
    const api = async <T>(path: string, key = admin): Promise<T> => {
      const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${key}` } });
      expect(res.status, path).toBe(200);
      return (await res.json()) as T;
    };

    // The new route, as the first-seen detector reports it on route edges.
    const fresh = await poll('a new route edge into PT', async () => {
      const map = await api<RouteMap>('/api/routes');
      return map.edges.find((e) => e.new && e.destination === 'PT' && (e.origin === 'GW' || e.origin === 'EC')) ? map : undefined;
    });
    // A count alert whose series has an expected band and an alarm.
    const charted = await poll('a count alert with a charted series', async () => {
      const page = await api<{ alerts: Array<{ id: string; alert: { detector: { kind: string } } }> }>('/api/alerts?detector_kind=count&limit=50');
      for (const entry of page.alerts) {
        const series = await api<AlertSeries>(`/api/alerts/${entry.id}/series`);
        const band = series.points.filter((p) => p.expected !== null && p.upperbound !== null).length;
        if (band >= 10 && series.points.some((p) => p.alarm)) return series;
      }
      return undefined;
    });

    const browser = await launchChromium({ viewport: { width: 1280, height: 1100 } });
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy|Refused/.test(m.text())) problems.push(m.text());
    });
    // The desk's change stream is closed (aborted) on sign-out or navigation: that one is meant to end.
    page.on('requestfailed', (r) => {
      if (r.url().includes('/api/alerts/events?') && r.failure()?.errorText === 'net::ERR_ABORTED') return;
      problems.push(`request failed: ${r.url()}`);
    });
    mkdirSync(SHOTS, { recursive: true });

    // Detail view: chart with the band (uPlot draws on a canvas; its legend names the series), alarms marked.
    await signIn(page, url, admin);
    await page.goto(`${url}/#/alerts/${charted.alert_id}`);
    await page.locator('#series-chart canvas').first().waitFor({ timeout: 15_000 });
    const legend = await page.textContent('#series-chart .u-legend');
    for (const name of ['observed', 'expected', 'upper bound', 'alarm']) expect(legend).toContain(name);
    // The chart's data: uPlot keeps the band between the expected and upper-bound series and one alarm point per alarm bucket.
    const drawn = await page.evaluate(() => {
      // Runs in the page (no DOM types in this workspace's tsconfig).
      const canvas = (globalThis as unknown as { document: { querySelector(s: string): { width: number; height: number; getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } } } }).document.querySelector('#series-chart canvas');
      const ctx = canvas.getContext('2d');
      const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
      let red = 0;
      let band = 0;
      for (let i = 0; i < data.length; i += 4) {
        const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
        if (r > 200 && g < 100 && b < 100) red++; // alarm dots (#e5484d)
        if (g > r + 10 && g > b && g < 120) band++; // the translucent green band over the dark panel
      }
      return { red, band };
    });
    expect(drawn.red, 'alarm points drawn').toBeGreaterThan(20);
    expect(drawn.band, 'expected band filled').toBeGreaterThan(500);
    await expect.poll(() => page.textContent('#why')).toMatch(/Observed \d+ against an expected [\d.,]+ \(upper bound [\d.,]+\)/);
    expect(await page.locator('.desk-controls button[data-action=acknowledge]').count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, 'watch-desk-alert-detail.png'), fullPage: true });

    // Acknowledge in place: the view re-renders with the action in its log.
    await page.click('.desk-controls button[data-action=acknowledge]');
    await expect.poll(() => page.textContent('.desk-actions')).toContain('acknowledge');

    // Routes view: the new edge is drawn and highlighted, listed first, and opens its alert.
    await page.goto(`${url}/#/routes`);
    const edge = fresh.edges.find((e) => e.new && e.destination === 'PT')!;
    const shape = page.locator(`.route-map path.edge[data-edge="${edge.id}"]`);
    await shape.waitFor({ timeout: 15_000 });
    expect(await shape.getAttribute('class')).toContain('edge-new');
    expect(await page.locator('.route-map path.country.involved[data-country="PT"]').count()).toBe(1);
    expect(await page.locator('#route-edges tbody tr.row-new').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, 'watch-desk-routes.png'), fullPage: true });
    await shape.click({ force: true });
    const link = page.locator('#edge-panel a').first();
    await link.waitFor();
    await link.click();
    await expect.poll(() => page.url()).toContain('#/alerts/al_');
    await page.locator('#detail-title').waitFor();

    // A reader key (an agency) sees the views without desk controls.
    {
      await page.click('#sign-out');
      await signIn(page, url, readerKey.key);
      await page.goto(`${url}/#/routes`);
      await page.locator('.route-map path.edge-new').first().waitFor({ timeout: 15_000 });
      const visible = await api<RouteMap>('/api/routes', readerKey.key);
      const first = visible.edges[0]!.alerts[0]!.id;
      await page.goto(`${url}/#/alerts/${first}`);
      await page.locator('#detail-title').waitFor({ timeout: 15_000 });
      expect(await page.locator('.desk-controls').count()).toBe(0);
    }
    expect(problems).toEqual([]);
  }, 120_000);
});
