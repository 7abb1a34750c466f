// The watch desk with 10,000 alerts in the store, in Chromium: how long the
// list's first page takes to be on screen, how long a change takes to reach
// the open page, and the size of a list page with and without evidence. The
// figures are printed (no timing assertion: they depend on the machine);
// the test checks only that the page shows what the store holds.
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { entryFor } from '../../services/alert/src/api/visibility';
import { pageRoutes } from '@tocsin/desk';
import { AGENCIES, apiHarness, evidence, signalOf } from '../../services/alert/test/api/harness';
import { CHROMIUM, openPage, signIn } from './page-browser';

const ALERTS = 10_000;
const BATCH = 500;
const CHANGES = 5;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe.skipIf(!existsSync(CHROMIUM))('watch-desk page at scale', () => {
  it(`renders the first page of ${ALERTS} alerts and follows changes (figures printed)`, { timeout: 300_000 }, async () => {
    const h = await apiHarness({ extraRoutes: [pageRoutes()] });
    const countries = ['NL', 'BE', 'FR', 'DE', 'ES'];
    for (let start = 0; start < ALERTS; start += BATCH) {
      const signals = Array.from({ length: BATCH }, (_, j) => {
        const i = start + j;
        const c = countries[i % countries.length]!;
        // Three incidents with narrative excerpts each, like the simulator's.
        const incidents = [0, 1, 2].map(() => evidence(AGENCIES.own.agency, c, 'GREEN', { narrative_excerpt: `container seized at the port, concealed in fruit, vessel from ${c} (${i}) `.repeat(3) }));
        return signalOf(`method.scale${i}`, incidents, { rank_score: i % 97, severity: (['low', 'medium', 'high', 'critical'] as const)[i % 4] });
      });
      await h.app.engine.ingest(signals.map((signal) => ({ signal })));
    }
    expect(h.app.engine.stats().alerts).toBe(ALERTS);
    await h.server.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(h.server.server.address() as AddressInfo).port}`;

    // Server time of a first page (the first call is cold), and its payload: the rows as served
    // vs the same entries with evidence, history and action log (what a page of the list carried before).
    const timed = async (who: 'admin' | 'alerts:read'): Promise<{ ms: number[]; body: string }> => {
      const ms: number[] = [];
      let body = '';
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        body = await (await fetch(`${base}/api/alerts?limit=50&sort=opened`, { headers: h.auth(who) })).text();
        ms.push(performance.now() - t0);
      }
      return { ms, body };
    };
    const adminApi = await timed('admin');
    const agencyApi = await timed('alerts:read');
    const served = adminApi.body;
    const ids = (JSON.parse(served) as { alerts: Array<{ id: string }> }).alerts.map((a) => a.id);
    const admin = { keyId: 'x', agency: 'tocsin-ops', country: 'NL', scopes: ['admin' as const] };
    const withEvidence = JSON.stringify({ alerts: ids.map((id) => entryFor(h.app.engine.get(id), admin)) }).length;
    const agencyBytes = agencyApi.body.length;

    const { page, problems, screenshot } = await openPage(import.meta.filename);
    await page.goto(base);
    await signIn(page, h.auth('admin').authorization!);
    await page.locator('#alerts tbody tr').first().waitFor();
    // Fresh load with the key in the tab's session: navigation start → first page of rows on screen.
    const rendered = async (): Promise<number[]> => {
      const out: number[] = [];
      for (let i = 0; i < 3; i++) {
        await page.reload();
        await page.waitForFunction(() => performance.getEntriesByName('tocsin:alerts-rendered').length > 0, undefined, { timeout: 30_000 });
        out.push(await page.evaluate(() => performance.getEntriesByName('tocsin:alerts-rendered')[0]!.startTime));
      }
      return out;
    };
    const renders = await rendered();
    expect(await page.locator('#alerts tbody tr').count()).toBe(50);
    expect(await page.textContent('#alerts-hint')).toBe(`50 of ${ALERTS}`);
    await expect.poll(() => page.textContent('#live')).toContain('live');
    await screenshot('ten-thousand-alerts');

    // A change to a row on screen: from the API call to the row marked in the page.
    const changes: number[] = [];
    for (const id of ids.slice(0, CHANGES)) {
      const started = Date.now();
      const ack = await fetch(`${base}/api/alerts/${id}/acknowledge`, { method: 'POST', headers: { ...h.auth('admin'), 'content-type': 'application/json' }, body: '{}' });
      expect(ack.status).toBe(200);
      await page.locator(`#alerts tr[data-id="${id}"].acked`).waitFor({ timeout: 10_000 });
      changes.push(Date.now() - started);
    }
    // A new alert: from the engine's write to the page's announcement.
    const started = Date.now();
    await h.app.engine.ingest([{ signal: signalOf('method.scale-new', [evidence(AGENCIES.own.agency, 'NL', 'GREEN')]) }]);
    await page.locator('#new-banner').waitFor({ state: 'visible', timeout: 10_000 });
    const announce = Date.now() - started;

    await page.click('#sign-out');
    await signIn(page, h.auth('alerts:read').authorization!);
    const agencyRenders = await rendered();
    expect(await page.locator('#alerts tbody tr').count()).toBe(50);

    const list = (xs: number[]) => `${xs.map((x) => x.toFixed(0)).join(', ')} ms (median ${median(xs).toFixed(0)} ms)`;
    console.log([
      `desk page with ${ALERTS} alerts in the store (Chromium ${page.context().browser()?.version() ?? ''}):`,
      `  first page (50 rows) on screen after navigation: admin ${list(renders)}; agency ${list(agencyRenders)}`,
      `  GET /api/alerts?limit=50 (first call cold): admin ${list(adminApi.ms)}; agency ${list(agencyApi.ms)}`,
      `  page payload: ${(served.length / 1024).toFixed(1)} KiB as served (agency ${(agencyBytes / 1024).toFixed(1)} KiB) vs ${(withEvidence / 1024).toFixed(1)} KiB with evidence and history (before)`,
      `  change → open page (acknowledge, ${CHANGES}x): ${list(changes)}`,
      `  new alert → announced on the open page: ${announce} ms`,
    ].join('\n'));
    expect(problems).toEqual([]);
  });
});
