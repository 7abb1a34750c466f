// Chromium for the page tests: Debian's binary through playwright-core, a
// fresh profile per test, every script error or CSP violation collected, and
// screenshots written under test-output/<test file>/ (git-ignored).
import { mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../helpers/chromium';

export { CHROMIUM } from '../helpers/chromium';

export interface PageUnderTest {
  page: Page;
  context: BrowserContext;
  /** Script errors and CSP violations seen so far (a test expects none). */
  problems: string[];
  /** Saves a full-page screenshot as test-output/<file>/<name>.png and returns its path. */
  screenshot(name: string): Promise<string>;
}

export async function openPage(testFile: string): Promise<PageUnderTest> {
  const outDir = resolve(import.meta.dirname, '../../test-output', basename(testFile).replace(/\.ts$/, ''));
  mkdirSync(outDir, { recursive: true });
  const context = await launchChromium();
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused|Uncaught/.test(m.text())) problems.push(m.text());
  });
  return {
    page, context, problems,
    async screenshot(name) {
      const path = join(outDir, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
  };
}

/** Signs in through the page's form, as a user would. */
export async function signIn(page: Page, authorization: string): Promise<void> {
  await page.fill('#api-key', authorization.slice('Bearer '.length));
  await page.click('#key-form button[type=submit]');
  await page.locator('#who').waitFor({ state: 'visible', timeout: 10_000 });
}
