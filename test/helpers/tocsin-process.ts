// Runs the `tocsin` command (bin/tocsin.mjs) as a child process for a test, as
// a user or a supervisor would: its output is kept for failure messages, and it
// is stopped when the test ends (SIGTERM, then SIGKILL after a grace period, so
// a slow stop never hangs the run). Call inside a test.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { onTestFinished } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

export interface TocsinProcess {
  child: ChildProcess;
  /** The last 20,000 characters of stdout and stderr. */
  log(): string;
}

export function startTocsin(args: string[], env: Record<string, string>, graceMs = 20_000): TocsinProcess {
  const child = spawn(process.execPath, ['bin/tocsin.mjs', ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (chunk: Buffer) => (log = (log + chunk.toString()).slice(-20_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  onTestFinished(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, graceMs))]);
    child.kill('SIGKILL');
  });
  return { child, log: () => log };
}
