// The watch-desk page's Alerts panel in a real Chromium against the real desk
// server and alert API: signed in with an admin key it lists alerts, and its
// buttons acknowledge, assign, label and silence through the API — each action
// lands in the engine with the key as actor. Runs under the page's strict CSP;
// any CSP violation or script error fails the test.
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { describe, expect, it, onTestFinished } from 'vitest';
import { pageRoutes } from '@tocsin/desk';
import { AGENCIES, apiHarness, evidence, openAlerts, signalOf } from '../../services/alert/test/api/harness';

const CHROMIUM = process.env['TOCSIN_CHROMIUM'] ?? '/usr/bin/chromium';

describe.skipIf(!existsSync(CHROMIUM))('watch-desk page: alerts panel', () => {
  it('lists alerts and runs acknowledge, assign, label and silence with the signed-in key', async () => {
    const h = await apiHarness({ extraRoutes: [pageRoutes()] });
    const [alertId] = await openAlerts(h, [signalOf('concealment.container', [evidence(AGENCIES.own.agency, 'NL', 'GREEN')])]);
    await h.server.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(h.server.server.address() as AddressInfo).port}`;
    const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    onTestFinished(() => browser.close());
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy|Refused/.test(m.text())) problems.push(m.text());
    });
    const prompts: string[] = [];
    page.on('dialog', (d) => {
      prompts.push(d.message());
      void d.accept(d.message().startsWith('Assign') ? 'analyst-7' : 'seen on the desk');
    });

    await page.goto(base);
    await page.fill('#api-key', h.auth('admin').authorization!.slice('Bearer '.length));
    await page.click('#key-form button[type=submit]');
    const row = page.locator('#alerts tbody tr').first();
    await row.waitFor({ timeout: 10_000 });
    await expect.poll(() => row.textContent()).toContain('method: concealment.container');

    await row.locator('button[data-action=acknowledge]').click();
    await expect.poll(() => page.textContent('#alert-message')).toContain(`acknowledged ${alertId}`);
    await page.locator('#alerts tbody tr').first().locator('button[data-action=assign]').click();
    await expect.poll(() => page.textContent('#alert-message')).toContain('assigned');
    await page.locator('#alerts tbody tr').first().locator('button[data-action=label-fp]').click();
    await expect.poll(() => page.textContent('#alert-message')).toContain('false positive');
    await page.locator('#alerts tbody tr').first().locator('button[data-action=silence]').click();
    await expect.poll(() => page.textContent('#alert-message')).toContain('silenced');
    await expect.poll(() => page.locator('#silences tbody tr').count()).toBe(1);

    const alert = h.app.engine.get(alertId!);
    expect(alert.desk.actions.map((a) => a.action)).toEqual(['acknowledge', 'assign', 'label']);
    expect(alert.desk.acknowledged?.comment).toBe('seen on the desk');
    expect(alert.desk.assignee?.to).toBe('analyst-7');
    expect(alert.desk.label?.value).toBe('false_positive');
    expect(alert.desk.actions.every((a) => /^tocsin-ops\/[0-9a-f]{12}$/.test(a.actor))).toBe(true);
    expect(h.app.engine.silences().map((s) => s.matchers)).toEqual([[{ name: 'alert_id', op: '=', value: alertId }]]);
    await expect.poll(() => page.textContent('#alerts tbody')).toContain('analyst-7');

    // End the silence from the page; a reader key sees the alert (its shared view) but no desk actions.
    await page.locator('#silences button[data-action=end-silence]').click();
    await expect.poll(() => page.locator('#silences tbody tr').count()).toBe(0);
    expect(h.app.engine.silences()).toEqual([]);
    await page.click('#sign-out');
    await page.fill('#api-key', h.auth('alerts:read').authorization!.slice('Bearer '.length));
    await page.click('#key-form button[type=submit]');
    await expect.poll(() => page.textContent('#alerts-hint')).toMatch(/^1 of 1$/);
    await expect.poll(() => page.textContent('#alerts tbody tr td.actions')).toBe('admin key needed');
    expect(await page.locator('#alerts button[data-action]').count()).toBe(0);
    await expect.poll(() => page.textContent('#silences-hint')).toContain('lacks the admin scope');
    expect(problems).toEqual([]);
    expect(prompts.length).toBe(3);
  });
});
