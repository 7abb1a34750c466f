// Acceptance of issue 10 item 2: `tocsin start --input` on a small CSV shows its alerts on the
// page. The real command (bin/tocsin.mjs) as a child process replays a CSV built so that an
// alert must fire (a week-long surge on Morocco → Netherlands after 13 quiet weeks); a real
// Chromium signs in with the demo admin key and must list that alert, and the partner table
// must show the two bad rows as dead-lettered. The page runs under its strict CSP: a script
// error or CSP violation fails the test. The process then stops cleanly on SIGTERM.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CHROMIUM, launchChromium } from '../../../test/helpers/chromium';
import { describe, expect, it, onTestFinished } from 'vitest';
import { writeSurgeFiles } from './helpers/surge-file';

const root = resolve(import.meta.dirname, '../../..');

interface AlertEntry {
  alert: { dimension: { type: string; key: string }; partners: string[] };
}

describe.skipIf(!existsSync(CHROMIUM))('tocsin start --input: the file\'s alerts on the page', () => {
  it('replays a CSV through its mapping and the watch desk lists the alert its surge raises', async () => {
    const files = writeSurgeFiles('acme-customs');
    const varDir = mkdtempSync(join(tmpdir(), 'tocsin-var-'));
    const child = spawn(process.execPath, ['bin/tocsin.mjs', 'start', '--input', files.csv, '--mapping', files.mapping, '--as-fast-as-possible', '--port', '0'], {
      cwd: root,
      env: { ...process.env, TOCSIN_VAR_DIR: varDir, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    onTestFinished(() => void child.kill('SIGKILL'));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const url = await new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed within 30 s; stdout: ${stdout}`)), 30_000);
      child.stdout.on('data', () => {
        const match = /watch desk (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
        if (match) {
          clearTimeout(timer);
          resolveUrl(match[1]!);
        }
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${stderr.slice(-2000)}`)));
    });
    expect(stdout).toContain(`Input file ${files.csv}: ${files.good + files.bad} records, ${files.good} accepted, 2 rejected`);
    const adminKey = (JSON.parse(readFileSync(join(varDir, 'demo-secrets.json'), 'utf8')) as { apiKeys: Array<{ key: string }> }).apiKeys[0]!.key;

    // The alert is raised once the surge's buckets close: wait for it on the API first.
    let surge: AlertEntry | undefined;
    const until = Date.now() + 60_000;
    while (!surge && Date.now() < until) {
      const page = (await (await fetch(`${url}/api/alerts`, { headers: { authorization: `Bearer ${adminKey}` } })).json()) as { alerts: AlertEntry[] };
      surge = page.alerts.find((a) => a.alert.dimension.type === 'country' && a.alert.dimension.key === 'NL');
      if (!surge) await new Promise((r) => setTimeout(r, 250));
    }
    expect(surge?.alert.partners).toEqual(['acme-customs']);
    await expect.poll(() => /"msg":"input file ended; the pipeline keeps running/.test(stderr), { timeout: 30_000 }).toBe(true);
    const ended = JSON.parse(stderr.split('\n').find((l) => l.includes('input file ended'))!) as Record<string, unknown>;
    expect(ended).toMatchObject({ sent: files.good + files.bad, accepted: files.good, rejected: { schema_violation: 1, unknown_country: 1 } });

    const browser = await launchChromium();
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy|Refused/.test(m.text())) problems.push(m.text());
    });
    await page.goto(url);
    await page.fill('#api-key', adminKey);
    await page.click('#key-form button[type=submit]');
    // The list names the dimension in words; the raw key is the link's tooltip.
    await expect.poll(() => page.locator('#alerts a[title="country: NL"]').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    // The partner's row: its accepted rows, and the two bad ones dead-lettered with their reasons.
    const partnerRow = page.locator('#partners tbody tr', { hasText: 'acme-customs' });
    await expect.poll(() => partnerRow.textContent(), { timeout: 15_000 }).toContain('schema_violation: 1, unknown_country: 1');
    expect(await partnerRow.textContent()).toContain(String(files.good));
    expect(problems).toEqual([]);

    const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  }, 120_000);
});
