// Killing the PID of `npx tocsin service …` stops the service. npx runs `sh -c tocsin …` and
// forwards SIGTERM to that shell only, which dies without passing it on; bin/tocsin.mjs
// notices that its parent is gone and stops the service gracefully.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, inject, it, onTestFinished } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');

/** Every process below `pid`, from /proc (field 4 of /proc/<pid>/stat is the parent). */
function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: fields start after the last ')'.
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // The process ended while the table was read.
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const [child, parent] of parentOf) if (parent === current) (found.push(child), queue.push(child));
  }
  return found;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('npx tocsin service', () => {
  it('stops the service when the npx process is sent SIGTERM', async () => {
    const keysFile = join(mkdtempSync(join(tmpdir(), 'tocsin-keys-')), 'keys.json');
    writeFileSync(keysFile, '[]');
    const npx = spawn('npx', ['tocsin', 'service', 'desk'], {
      cwd: root,
      env: { ...process.env, KAFKA_BROKERS: inject('kafkaBrokers'), TOCSIN_API_KEYS_FILE: keysFile, DESK_PORT: '0', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let tree: number[] = [];
    onTestFinished(() => {
      for (const pid of [npx.pid!, ...tree]) if (alive(pid)) process.kill(pid, 'SIGKILL');
    });
    let stderr = '';
    npx.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise<void>((resolveListening, reject) => {
      const timer = setTimeout(() => reject(new Error(`desk did not start within 60 s: ${stderr.slice(-2000)}`)), 60_000);
      npx.stderr.on('data', () => {
        if (!stderr.includes('desk listening')) return;
        clearTimeout(timer);
        resolveListening();
      });
      npx.once('exit', (code) => reject(new Error(`npx exited early with ${code}: ${stderr.slice(-2000)}`)));
    });
    tree = descendants(npx.pid!);
    expect(tree.length).toBeGreaterThan(0);

    npx.kill('SIGTERM');
    const deadline = Date.now() + 30_000;
    while (tree.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(tree.filter(alive), `still running after SIGTERM to npx; log: ${stderr.slice(-1000)}`).toEqual([]);
    expect(stderr).toMatch(/"signal":"SIGTERM".*"msg":"stopping"/);
  }, 120_000);
});
