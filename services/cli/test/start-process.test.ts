// The real `npm start` entry (bin/tocsin.mjs start) as a child process: health
// within 30 s of launch, and a clean exit on SIGTERM.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');

describe('tocsin start (npm start)', () => {
  it('serves /api/health within 30 s and stops gracefully on SIGTERM', async () => {
    const launched = Date.now();
    const child = spawn(process.execPath, ['bin/tocsin.mjs', 'start', '--port', '0', '--speed', '2'], {
      cwd: root,
      env: { ...process.env, TOCSIN_VAR_DIR: mkdtempSync(join(tmpdir(), 'tocsin-var-')), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    onTestFinished(() => void child.kill('SIGKILL'));
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const url = await new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed within 30 s; stdout: ${stdout}`)), 30_000);
      child.stdout.on('data', () => {
        const match = /watch desk (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
        if (match) {
          clearTimeout(timer);
          resolveUrl(match[1]!);
        }
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
    });
    const health = (await (await fetch(`${url}/api/health`)).json()) as { status: string };
    expect(health.status).toBe('ok');
    expect(Date.now() - launched).toBeLessThan(30_000);
    const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  }, 60_000);
});
