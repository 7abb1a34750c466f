// The watch-desk page's tuning view (#/tuning) in a real Chromium against the real desk
// server and detector-config routes: a validation error is shown, a dry run shows its
// differences, Apply records the reason and the history shows it; a key without
// detectors:tune is told it needs the scope. Any CSP violation or script error fails it.
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { CHROMIUM, launchChromium } from '../helpers/chromium';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createMemoryBus, encodeEvent, silentLogger } from '@tocsin/core';
import { buildPlan } from '@tocsin/detect';
import { pageRoutes } from '@tocsin/desk';
import { buildApiServer, createApiKey, createApiKeyStore } from '@tocsin/http';
import { detectorConfigRoutes } from '../../services/alert/src/api/detector-config';
import { detectScoring } from '../../services/cli/src/detector-scoring';
import { DEFAULT_LIFECYCLE } from '../../services/alert/src/config';
import { loadRegions } from '../../services/alert/src/regions';
import { DetectorTuning } from '../../services/alert/src/tuning/tuning';
import { days, floorConfig } from './fixtures';


describe.skipIf(!existsSync(CHROMIUM))('watch-desk page: detector tuning', () => {
  it('edits, dry-runs and applies a configuration with a reason, and shows the history', async () => {
    const bus = createMemoryBus();
    const producer = await bus.producer();
    await bus.ensureTopics([{ topic: 'incidents.v1', partitions: 6 }]);
    await producer.send([{ topic: 'incidents.v1', messages: days(0, 34, [30]).map((e) => ({ key: e.incident.id, value: encodeEvent(e) })) }]);
    const tuning = new DetectorTuning({
      bus, topics: { config: 'detector-config.v1', incidents: 'incidents.v1' }, baseline: buildPlan(floorConfig('strict-1', 3)), scoring: detectScoring, lifecycle: DEFAULT_LIFECYCLE,
      subscriptions: { active: () => [] }, regions: loadRegions(), logger: silentLogger(),
    });
    await tuning.start();
    onTestFinished(() => tuning.stop());
    const analyst = createApiKey({ agency: 'watch-desk', country: 'NL', scopes: ['alerts:read', 'detectors:tune'] });
    const reader = createApiKey({ agency: 'nl-police', country: 'NL', scopes: ['alerts:read'] });
    const server = await buildApiServer({ logger: silentLogger(), version: 'test', keys: createApiKeyStore([analyst.record, reader.record]), routes: [detectorConfigRoutes(tuning), pageRoutes()] });
    onTestFinished(() => server.close());
    await server.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
    await expect.poll(() => tuning.recent.stats().incidents, { timeout: 10_000 }).toBeGreaterThan(0);

    const browser = await launchChromium();
    const problems: string[] = [];
    const open = async (key: string): Promise<Page> => {
      const page = await browser.newPage();
      page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error' && /Content Security Policy|Refused/.test(m.text())) problems.push(m.text());
      });
      await page.goto(base);
      await page.fill('#api-key', key);
      await page.click('#key-form button[type=submit]');
      await page.locator('#who').waitFor();
      // The nav link shows only for keys with the scope; a deep link reaches the view either way.
      await page.evaluate("location.hash = '#/tuning'");
      return page;
    };

    const page = await open(analyst.key);
    const editor = page.locator('#tuning-editor');
    await expect.poll(() => editor.inputValue(), { timeout: 10_000 }).toContain('"strict-1"');
    await expect.poll(() => page.textContent('#tuning-history')).toContain('strict-1');

    // A bad value: the API's message, with the pointer, is shown.
    const edited = (minRatio: unknown) => JSON.stringify({ ...floorConfig('loose-2', 1.5), count_detectors: [{ ...floorConfig('x', 1.5).count_detectors[0], min_ratio: minRatio }] }, null, 2);
    await editor.fill(edited(-1));
    await page.click('#tuning-dry-run');
    await expect.poll(() => page.textContent('[data-testid=tuning-message]')).toMatch(/^\/config\/count_detectors\/0\/min_ratio .*\(CONFIG_INVALID\)/);

    // The dry run shows the surge the lower floor adds.
    await editor.fill(edited(1.5));
    await page.click('#tuning-dry-run');
    const result = page.locator('[data-testid=dry-run-result]');
    await result.waitFor({ timeout: 30_000 });
    expect(await result.textContent()).toContain('1 appear');
    expect(await result.textContent()).toContain('country NL');

    // Apply needs a reason; then it is in the history.
    await page.click('#tuning-apply');
    await expect.poll(() => page.textContent('[data-testid=tuning-message]')).toContain('Give a reason');
    await page.fill('#tuning-reason', 'NL doublings matter to the desk');
    await page.click('#tuning-apply');
    await expect.poll(() => page.textContent('[data-testid=tuning-message]')).toContain('Applied loose-2');
    await expect.poll(() => page.textContent('#tuning-history')).toContain('NL doublings matter to the desk');
    expect(tuning.log.current().version).toBe('loose-2');
    expect(tuning.log.history()[0]).toMatchObject({ version: 'loose-2', reason: 'NL doublings matter to the desk', changed_by: `watch-desk/${analyst.record.id}` });
    await page.screenshot({ path: `${process.env['TMPDIR'] ?? '/tmp'}/tocsin-tuning-view.png`, fullPage: true });

    const other = await open(reader.key);
    await expect.poll(() => other.textContent('[data-testid=tuning-message]'), { timeout: 10_000 }).toContain('needs a key with the detectors:tune scope');
    expect(await other.locator('#tuning-editor').count()).toBe(0);
    expect(await other.locator('a[href="#/tuning"]').isHidden()).toBe(true);
    expect(await page.locator('a[href="#/tuning"]').isVisible()).toBe(true);
    expect(problems).toEqual([]);
  }, 90_000);
});
