// Stopping servers must never hang a test run: a process that ignores SIGTERM gets SIGKILL.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ProvisionError } from '../../scripts/provision/errors';
import { startServerProcess, waitForReady } from '../../scripts/provision/server-process';

async function workDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tocsin-server-process-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('server processes', () => {
  it('kills a process that ignores SIGTERM once the grace period is over', async () => {
    const dir = await workDir();
    const server = await startServerProcess({
      name: 'stubborn',
      command: process.execPath,
      args: ['-e', "process.on('SIGTERM', () => console.log('ignoring SIGTERM')); console.log('up'); setInterval(() => {}, 1000)"],
      logFile: join(dir, 'stubborn.log'),
      installHint: 'node is running this test',
    });
    onTestFinished(() => server.stop(0).then(() => undefined));
    // Wait until the handler is installed, or the SIGTERM would kill it outright.
    await waitForReady(server, { probe: async () => readFileSync(server.logFile, 'utf8').includes('up'), timeoutMs: 10_000, intervalMs: 50 });

    const started = Date.now();
    const exit = await server.stop(500);
    expect(exit).toEqual({ code: null, signal: 'SIGKILL' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
  });

  it('reports an early exit with the end of the log instead of waiting for the timeout', async () => {
    const dir = await workDir();
    const server = await startServerProcess({
      name: 'crasher',
      command: process.execPath,
      args: ['-e', "console.error('port already in use'); process.exit(3)"],
      logFile: join(dir, 'crasher.log'),
      installHint: 'node is running this test',
    });
    const waiting = waitForReady(server, { probe: async () => false, timeoutMs: 30_000, intervalMs: 50 });
    await expect(waiting).rejects.toThrow(/crasher exited before it was ready \(code 3[\s\S]*port already in use/);
    await expect(waiting).rejects.toBeInstanceOf(ProvisionError);
  });

  it('names the missing program and how to install it', async () => {
    const dir = await workDir();
    const starting = startServerProcess({
      name: 'ghost',
      command: 'tocsin-no-such-binary',
      args: [],
      logFile: join(dir, 'ghost.log'),
      installHint: 'apt-get install -y ghost',
    });
    await expect(starting).rejects.toMatchObject({ code: 'TOOL_MISSING', message: expect.stringContaining('apt-get install -y ghost') });
  });
});
