// Killing the PID of `npx tocsin service …` stops the service. npx runs `sh -c tocsin …` and
// forwards SIGTERM to that shell only, which dies without passing it on; bin/tocsin.mjs
// notices that its parent is gone and stops the service gracefully.
import { spawn, type ChildProcess } from 'node:child_process';
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

interface Launched {
  npx: ChildProcess;
  /** npx and everything below it. */
  tree: number[];
  stderr: () => string;
}

/** `npx tocsin service desk` started and listening; every process of it is killed after the test. */
async function launchDesk(detached = false): Promise<Launched> {
  const keysFile = join(mkdtempSync(join(tmpdir(), 'tocsin-keys-')), 'keys.json');
  writeFileSync(keysFile, '[]');
  const npx = spawn('npx', ['tocsin', 'service', 'desk'], {
    cwd: root,
    env: { ...process.env, KAFKA_BROKERS: inject('kafkaBrokers'), TOCSIN_API_KEYS_FILE: keysFile, DESK_PORT: '0', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached,
  });
  const launched: Launched = { npx, tree: [], stderr: () => stderr };
  onTestFinished(() => {
    for (const pid of [npx.pid!, ...launched.tree]) if (alive(pid)) process.kill(pid, 'SIGKILL');
  });
  let stderr = '';
  npx.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolveListening, reject) => {
    const timer = setTimeout(() => reject(new Error(`desk did not start within 60 s: ${stderr.slice(-2000)}`)), 60_000);
    npx.stderr!.on('data', () => {
      if (!stderr.includes('desk listening')) return;
      clearTimeout(timer);
      resolveListening();
    });
    npx.once('exit', (code) => reject(new Error(`npx exited early with ${code}: ${stderr.slice(-2000)}`)));
  });
  launched.tree = descendants(npx.pid!);
  expect(launched.tree.length).toBeGreaterThan(0);
  return launched;
}

async function gone(pids: number[]): Promise<number[]> {
  const deadline = Date.now() + 30_000;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  return pids.filter(alive);
}

describe('npx tocsin service', () => {
  it('stops the service when the npx process is sent SIGTERM', async () => {
    const { npx, tree, stderr } = await launchDesk();
    npx.kill('SIGTERM');
    expect(await gone(tree), `still running after SIGTERM to npx; log: ${stderr().slice(-1000)}`).toEqual([]);
    expect(stderr()).toMatch(/"signal":"SIGTERM".*"msg":"stopping"/);
  }, 120_000);

  it('stops once, gracefully, on Ctrl-C (SIGINT to the whole process group)', async () => {
    const { npx, tree, stderr } = await launchDesk(true);
    process.kill(-npx.pid!, 'SIGINT');
    expect(await gone(tree), `still running after SIGINT to the group; log: ${stderr().slice(-1000)}`).toEqual([]);
    // The shell dying too must not add a SIGTERM to the SIGINT being handled.
    expect(stderr().match(/"msg":"stopping"/g) ?? [], stderr().slice(-1500)).toHaveLength(1);
    expect(stderr()).toMatch(/"signal":"SIGINT".*"msg":"stopping"/);
  }, 120_000);
});
