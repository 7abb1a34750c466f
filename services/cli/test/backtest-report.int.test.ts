// Acceptance (issue 10): the backtest's report.html opens in Chromium with the network cut
// off (every request other than the file itself is refused and counted), draws its charts,
// and a screenshot is saved (TOCSIN_DOCS_SCREENSHOT=1 also writes docs/backtest-report.png).
import { existsSync, mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CHROMIUM, launchChromium } from '../../../test/helpers/chromium';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runBacktestCommand } from '../src/backtest-command';
import { memoryIo } from './io';
import { SPANISH_MAPPING, spanishCsv } from './spanish-export';

const DOCS_PICTURE = resolve(import.meta.dirname, '../../../docs/backtest-report.png');

describe('backtest report in Chromium', () => {
  it.skipIf(!existsSync(CHROMIUM))('opens without network, shows charts and tables, and is saved as a screenshot', { timeout: 240_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tocsin-backtest-report-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'incidentes.csv'), spanishCsv().text);
    writeFileSync(join(dir, 'udyco-mapping.json'), JSON.stringify(SPANISH_MAPPING, null, 2));
    const out = join(dir, 'out');
    const { io, err } = memoryIo();
    expect(await runBacktestCommand(['--input', join(dir, 'incidentes.csv'), '--mapping', join(dir, 'udyco-mapping.json'), '--out', out, '--quiet'], io, {}), err()).toBe(0);

    const context = await launchChromium({ viewport: { width: 1100, height: 1500 }, offline: true });
    const refused: string[] = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      refused.push(url);
      return route.abort();
    });
    const page = await context.newPage();
    await page.goto(pathToFileURL(join(out, 'report.html')).href);
    await expect.poll(() => page.locator('section.alert svg').count()).toBeGreaterThan(0);
    const box = await page.locator('section.alert svg').first().boundingBox();
    expect(box!.width).toBeGreaterThan(300);
    expect(await page.locator('section.alert svg path.observed').first().getAttribute('d')).toMatch(/^M[\d.]+,[\d.]+L/);
    expect(await page.locator('h2', { hasText: 'Alerts per detector' }).count()).toBe(1);
    expect(refused).toEqual([]);
    const shot = join(out, 'report.png');
    await page.screenshot({ path: shot, clip: { x: 0, y: 0, width: 1100, height: 1500 } });
    expect(existsSync(shot)).toBe(true);
    if (process.env['TOCSIN_DOCS_SCREENSHOT'] === '1') copyFileSync(shot, DOCS_PICTURE);
  });
});
