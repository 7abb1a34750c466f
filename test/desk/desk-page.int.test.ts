// The watch-desk page in a real Chromium against the real desk server and alert
// API, under the page's strict CSP (any CSP violation or script error fails):
// signed out it shows nothing but sign-in and status; signed in it says who you
// are; an alert the engine opens appears without a reload (announced, not
// reshuffled in); acknowledging keeps the row and marks it; an agency key sees
// no admin controls and nothing withheld from it. Screenshots land in
// test-output/desk-page.int.test/.
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pageRoutes } from '@tocsin/desk';
import { healthRoutes } from '@tocsin/http';
import { AGENCIES, apiHarness as alertHarness, evidence, openAlerts, signalOf, type Harness } from '../../services/alert/test/api/harness';
import { CHROMIUM, openPage, signIn } from './page-browser';

/** The alert API with the page and the health route its status line reads. */
const apiHarness = () => alertHarness({ extraRoutes: [pageRoutes(), healthRoutes({ version: 'test', bus: 'memory', startedAt: Date.now(), components: () => ({}) })] });

async function serve(h: Harness): Promise<string> {
  await h.server.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(h.server.server.address() as AddressInfo).port}`;
}

describe.skipIf(!existsSync(CHROMIUM))('watch-desk page', () => {
  it('signed out, shows nothing but the sign-in form and the status', async () => {
    const h = await apiHarness();
    await openAlerts(h, [signalOf('concealment.container', [evidence(AGENCIES.own.agency, 'NL', 'GREEN')])]);
    const base = await serve(h);
    const { page, problems, screenshot } = await openPage(import.meta.filename);
    await page.goto(base);
    await expect.poll(() => page.textContent('#status')).toMatch(/ok/);
    expect(await page.isVisible('#key-form')).toBe(true);
    expect(await page.isVisible('#sign-out')).toBe(false);
    // No table, no nav, no filter is visible; the alert's dimension appears nowhere.
    expect(await page.locator('table:visible, nav:visible, form#alert-filters:visible').count()).toBe(0);
    expect(await page.textContent('body')).not.toContain('concealment');
    await screenshot('signed-out');
    // A wrong key is refused with a message, and still nothing else shows.
    await page.fill('#api-key', 'tsk_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    await page.click('#key-form button[type=submit]');
    await expect.poll(() => page.textContent('#sign-in-message')).toContain('not accepted');
    expect(await page.locator('table:visible').count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('an admin sees who is signed in, new alerts without reload, and acknowledging keeps and marks the row', async () => {
    const h = await apiHarness();
    const [first, second] = await openAlerts(h, [
      signalOf('BE|technology:messenger.encrypted', [evidence(AGENCIES.own.agency, 'BE', 'GREEN')], { rank_score: 5, dimension: { type: 'country_technology', key: 'BE|technology:messenger.encrypted', attributes: { country: 'BE', technology: 'messenger.encrypted' } } }),
      signalOf('concealment.container', [evidence(AGENCIES.own.agency, 'NL', 'GREEN')], { rank_score: 9, severity: 'critical' }),
    ]);
    const base = await serve(h);
    const { page, problems, screenshot } = await openPage(import.meta.filename);
    const prompts: string[] = [];
    page.on('dialog', (d) => { prompts.push(d.message()); void d.accept(d.message().startsWith('Assign') ? 'analyst-7' : 'seen on the desk'); });
    await page.goto(base);
    await signIn(page, h.auth('admin').authorization!);
    expect(await page.textContent('#who-text')).toMatch(/^tocsin-ops · Netherlands · admin · key [0-9a-f]{12}$/);
    expect(await page.isVisible('#key-form')).toBe(false);
    const rows = page.locator('#alerts tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    const order = async () => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-id')!));
    const before = await order();
    expect(new Set(before)).toEqual(new Set([first, second]));
    // Human labels, the raw key only as a tooltip; a link to the detail view.
    const techRow = page.locator(`#alerts tr[data-id="${first}"]`);
    expect(await techRow.textContent()).toContain('Belgium · Mainstream encrypted messengers');
    expect(await techRow.textContent()).not.toContain('BE|technology');
    expect(await techRow.locator('a').getAttribute('href')).toBe(`#/alerts/${first}`);
    expect(await techRow.locator('a').getAttribute('title')).toBe('country_technology: BE|technology:messenger.encrypted');
    await expect.poll(() => page.textContent('#live')).toContain('live');
    // Severities differ in colour.
    const colours = await page.locator('#alerts .sev').evaluateAll((els) => els.map((e) => (globalThis as unknown as { getComputedStyle(el: unknown): { backgroundColor: string } }).getComputedStyle(e).backgroundColor));
    expect(new Set(colours).size).toBe(2);

    // A new alert from the engine is announced without a reload and without moving the rows.
    const [third] = await openAlerts(h, [signalOf('payment.crypto', [evidence(AGENCIES.own.agency, 'NL', 'GREEN')], { rank_score: 99 })]);
    await expect.poll(() => page.textContent('#new-banner'), { timeout: 5_000 }).toContain('1 new alert');
    expect(await order()).toEqual(before);
    await screenshot('admin-new-alert-announced');
    await page.click('#show-new');
    await expect.poll(() => rows.count()).toBe(3);
    expect(await order()).toContain(third);

    // Acknowledge: the row stays where it is and is marked.
    const placed = await order();
    await page.locator(`#alerts tr[data-id="${second}"] button[data-action=acknowledge]`).click();
    await expect.poll(() => page.textContent('#alert-message')).toContain(`acknowledged ${second}`);
    const acked = page.locator(`#alerts tr[data-id="${second}"]`);
    await expect.poll(() => acked.getAttribute('class'), { timeout: 5_000 }).toContain('acked');
    expect(await acked.textContent()).toContain('acknowledged by tocsin-ops/');
    expect(await order()).toEqual(placed);
    // Silencing marks the row too.
    await page.locator(`#alerts tr[data-id="${first}"] button[data-action=silence]`).click();
    await expect.poll(() => page.locator(`#alerts tr[data-id="${first}"] .silenced-tag`).count(), { timeout: 5_000 }).toBe(1);
    await expect.poll(() => page.locator('#silences tbody tr').count()).toBe(1);
    expect(await order()).toEqual(placed);
    await screenshot('admin-acknowledged-and-silenced');

    const alert = h.app.engine.get(second!);
    expect(alert.desk.acknowledged?.comment).toBe('seen on the desk');
    expect(alert.desk.actions.every((a) => /^tocsin-ops\/[0-9a-f]{12}$/.test(a.actor))).toBe(true);
    expect(h.app.engine.silences().map((s) => s.matchers)).toEqual([[{ name: 'alert_id', op: '=', value: first }]]);
    expect(prompts).toEqual(['Acknowledge — comment (optional):']);

    // Sign out: back to nothing but the form.
    await page.click('#sign-out');
    expect(await page.isVisible('#key-form')).toBe(true);
    expect(await page.locator('table:visible').count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('an agency key sees no admin controls and nothing withheld from it', async () => {
    const h = await apiHarness();
    const [own] = await openAlerts(h, [
      signalOf('concealment.container', [evidence(AGENCIES.own.agency, 'NL', 'GREEN')]),
      // Withheld from every agency (no incident listed with its marking).
      signalOf('concealment.vehicle', [], { countries: ['FR'], partners: [AGENCIES.other.agency], evidence_total: 4, summary: 'withheld summary' }),
      // TLP:AMBER of FR: NL sees counts only.
      signalOf('payment.crypto', [evidence(AGENCIES.other.agency, 'FR', 'AMBER', { narrative_excerpt: 'amber narrative' })]),
    ]);
    const base = await serve(h);
    const { page, problems, screenshot } = await openPage(import.meta.filename);
    await page.goto(base);
    await signIn(page, h.auth('alerts:read').authorization!);
    expect(await page.textContent('#who-text')).toMatch(/^nl-police · Netherlands · alerts:read · key /);
    await expect.poll(() => page.locator('#alerts tbody tr').count()).toBe(2);
    await expect.poll(() => page.textContent('#alerts-hint')).toBe('2 of 2');
    // No admin control anywhere: desk actions, silences, silenced filter, feed counters.
    expect(await page.locator('button[data-action]').count()).toBe(0);
    for (const selector of ['#silence-form', '#silences', '#f-silenced', '#partners', '#components', 'th:has-text("Actions")']) {
      expect(await page.isVisible(selector), selector).toBe(false);
    }
    const text = (await page.textContent('body'))!;
    expect(text).not.toContain('concealment.vehicle');
    expect(text).not.toContain('Concealment in vehicles');
    expect(text).not.toContain('withheld summary');
    expect(text).not.toContain('amber narrative');
    expect(await page.textContent(`#alerts tr[data-id="${own}"]`)).toContain('Concealment in shipping containers');
    expect(await page.textContent('#alerts')).toContain('counts only');
    await screenshot('agency');

    // A change to the withheld alert never reaches this page; one to its own alert does.
    await h.app.engine.ingest([{ signal: signalOf('concealment.vehicle', [], { countries: ['FR'], partners: [AGENCIES.other.agency], evidence_total: 5, severity: 'critical' }) }]);
    await h.app.engine.acknowledge(own!, { actor: 'tocsin-ops/desk', comment: 'operator note' });
    await expect.poll(() => page.locator(`#alerts tr[data-id="${own}"].acked`).count(), { timeout: 5_000 }).toBe(1);
    expect(await page.textContent('body')).not.toContain('operator note');
    expect(await page.isVisible('#new-banner')).toBe(false);
    expect(await page.locator('#alerts tbody tr').count()).toBe(2);
    expect(problems).toEqual([]);
  });
});
