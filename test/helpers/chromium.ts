// Debian's Chromium for the page tests, launched one way everywhere: headless with the
// flags the project's brief names (no sandbox, GPU, background networking, component
// updates or sync) and a fresh profile per launch, closed and removed when the test ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { onTestFinished } from 'vitest';

export const CHROMIUM = process.env['TOCSIN_CHROMIUM'] ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface ChromiumOptions {
  viewport?: { width: number; height: number };
  /** Start with the network switched off (the page must not need it). */
  offline?: boolean;
}

/** A browser context on a fresh profile; call inside a test. */
export async function launchChromium(options: ChromiumOptions = {}): Promise<BrowserContext> {
  const profile = mkdtempSync(join(tmpdir(), 'tocsin-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    viewport: options.viewport ?? { width: 1400, height: 900 },
    ...(options.offline ? { offline: true } : {}),
  });
  onTestFinished(async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  });
  return context;
}
