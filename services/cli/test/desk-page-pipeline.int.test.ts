// `npm start` in Chromium: the embedded pipeline (simulator → ingest → detect →
// alert) feeds the watch desk, and alerts the pipeline opens while the page is
// open reach it without a reload — announced, then shown on request — over the
// change stream. Prints the size of a list page as served and as it was with
// evidence (the rows of GET /api/alerts/{id} without revisions and actions).
// Screenshots land in test-output/desk-page-pipeline.int.test/.
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CHROMIUM, launchChromium } from '../../../test/helpers/chromium';
import { describe, expect, it, onTestFinished } from 'vitest';
import { silentLogger } from '@tocsin/core';
import { startEmbedded } from '../src/embedded';

const OUT = resolve(import.meta.dirname, '../../../test-output/desk-page-pipeline.int.test');

describe.skipIf(!existsSync(CHROMIUM))('watch desk on the embedded pipeline', () => {
  it('shows alerts the simulator causes without a reload', { timeout: 180_000 }, async () => {
    const pipeline = await startEmbedded({
      port: 0, host: '127.0.0.1', seed: 42, speed: 4, days: 400, varDir: mkdtempSync(join(tmpdir(), 'tocsin-var-')),
      version: 'test', logger: silentLogger(), env: {},
    });
    onTestFinished(() => pipeline.stop());
    const admin = pipeline.apiKeys[0]!.key;
    const context = await launchChromium();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(err.message));
    let reloads = 0;
    page.on('framenavigated', (frame) => { if (frame === page.mainFrame()) reloads++; });

    await page.goto(pipeline.url);
    await page.fill('#api-key', admin);
    await page.click('#key-form button[type=submit]');
    await page.locator('#who').waitFor({ state: 'visible' });
    // Sort by opening time and show every status: the alerts the pipeline opens next are new to this list.
    await page.selectOption('#f-sort', 'opened');
    await page.selectOption('#f-status', '');
    await page.click('#alert-filters button[type=submit]');
    await expect.poll(() => page.textContent('#live'), { timeout: 10_000 }).toContain('live');
    const listed = new Set(await page.locator('#alerts tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-id')!)));

    // The simulator runs on; within two minutes of wall time it opens alerts the page announces.
    await page.locator('#new-banner').waitFor({ state: 'visible', timeout: 150_000 });
    expect(await page.textContent('#new-count')).toMatch(/^\d+ new alerts? —$/);
    mkdirSync(OUT, { recursive: true });
    await page.screenshot({ path: join(OUT, 'pipeline-new-alerts-announced.png'), fullPage: true });
    await page.click('#show-new');
    await expect.poll(async () => (await page.locator('#alerts tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-id')!))).some((id) => !listed.has(id))).toBe(true);
    // Dimension labels in words, never a raw `type: key`.
    const whats = await page.locator('#alerts tbody tr td:nth-child(3) a').allTextContents();
    expect(whats.length).toBeGreaterThan(0);
    for (const w of whats) expect(w).not.toMatch(/\|(method|technology|commodity):/);
    await page.screenshot({ path: join(OUT, 'pipeline-list.png'), fullPage: true });
    expect(reloads).toBe(1); // the first load only

    // Payload of a page of the list, as served and with evidence.
    const headers = { authorization: `Bearer ${admin}` };
    const body = await (await fetch(`${pipeline.url}/api/alerts?limit=50&status=open`, { headers })).text();
    const rows = (JSON.parse(body) as { alerts: Array<{ id: string }> }).alerts;
    let before = 0;
    for (const row of rows) {
      await new Promise((r) => setTimeout(r, 60)); // within the key's 20 requests/s
      const { revisions: _r, actions: _a, dimension_label: _l, ...entry } = (await (await fetch(`${pipeline.url}/api/alerts/${row.id}`, { headers })).json()) as Record<string, unknown>;
      before += JSON.stringify(entry).length + 1;
    }
    console.log(`list page of ${rows.length} simulator alerts: ${(body.length / 1024).toFixed(1)} KiB as served vs ${(before / 1024).toFixed(1)} KiB with evidence, history and action log (before)`);
    expect(problems).toEqual([]);
  });
});
