import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerProcess } from './server-process';

/** A real server the tests talk to, started by the provisioning code. */
export interface StartedServer {
  /** e.g. "kafka", "influxdb", "victoria-metrics". */
  readonly name: string;
  /** Version the server reports, e.g. "4.4.0". */
  readonly version: string;
  /** How clients reach it: "127.0.0.1:PORT" for Kafka, a URL for HTTP servers. */
  readonly address: string;
  /** Folder holding its configuration, data and logs. */
  readonly workDir: string;
  /** Milliseconds from spawn to the first successful readiness probe. */
  readonly readyAfterMs: number;
  stop(): Promise<void>;
}

function keepData(env: NodeJS.ProcessEnv): boolean {
  return env['TOCSIN_TEST_KEEP_DATA'] === '1';
}

// Work folders still present when this process exits (killed test run, failed teardown);
// removed synchronously on the way out so /tmp does not fill up with broker data.
const liveWorkDirs = new Set<string>();
process.once('exit', () => {
  if (keepData(process.env)) return;
  for (const dir of liveWorkDirs) rmSync(dir, { recursive: true, force: true });
});

async function removeWorkDir(workDir: string, env: NodeJS.ProcessEnv): Promise<void> {
  liveWorkDirs.delete(workDir);
  if (!keepData(env)) await rm(workDir, { recursive: true, force: true });
}

/**
 * Runs `start` with a fresh folder `$TMPDIR/tocsin-<name>-XXXXXX`. The folder is removed if
 * start-up fails (the error already carries the end of the server log) and when the
 * process exits; TOCSIN_TEST_KEEP_DATA=1 keeps it for a post-mortem.
 */
export async function startInWorkDir<T>(name: string, env: NodeJS.ProcessEnv, start: (workDir: string) => Promise<T>): Promise<T> {
  const workDir = await mkdtemp(join(tmpdir(), `tocsin-${name}-`));
  liveWorkDirs.add(workDir);
  try {
    return await start(workDir);
  } catch (error) {
    await removeWorkDir(workDir, env);
    throw error;
  }
}

/** Stops the process, then removes its work folder (unless TOCSIN_TEST_KEEP_DATA=1). */
export async function stopAndClean(server: ServerProcess, workDir: string, graceMs: number, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await server.stop(graceMs);
  await removeWorkDir(workDir, env);
}
