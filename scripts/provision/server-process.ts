import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ProvisionError } from './errors';

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface ServerProcessOptions {
  /** Short name used in messages, e.g. "kafka". */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** stdout and stderr of the process are appended here. */
  readonly logFile: string;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Shown when the command is not installed, e.g. "apt-get install -y influxdb". */
  readonly installHint: string;
}

/** A long-running server started as a child of this process. */
export interface ServerProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Settles when the process has exited, whatever the reason. */
  readonly exited: Promise<ExitInfo>;
  hasExited(): boolean;
  /** SIGTERM, then SIGKILL if the process is still alive after `graceMs`. */
  stop(graceMs?: number): Promise<ExitInfo>;
}

// Children still running when this process exits (a crash, Ctrl-C, a vitest worker torn
// down early) would otherwise keep their ports and data; kill them on the way out.
const liveChildren = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});

export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const logFd = openSync(options.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(options.command, [...options.args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', logFd, logFd],
    });
  } finally {
    // The child holds its own copy of the descriptor.
    closeSync(logFd);
  }

  let exitInfo: ExitInfo | undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      liveChildren.delete(child);
      resolve(exitInfo);
    });
  });

  // spawn() reports a missing binary asynchronously, through 'error' before any 'spawn'.
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') {
        reject(new ProvisionError('TOOL_MISSING', `${options.name}: '${options.command}' is not installed (${options.installHint})`, { cause: error }));
      } else {
        reject(new ProvisionError('START_FAILED', `${options.name}: could not start '${options.command}': ${error.message}`, { cause: error }));
      }
    });
  });
  liveChildren.add(child);

  const pid = child.pid;
  if (pid === undefined) throw new ProvisionError('START_FAILED', `${options.name}: process has no pid after spawn`);

  return {
    name: options.name,
    pid,
    logFile: options.logFile,
    exited,
    hasExited: () => exitInfo !== undefined,
    async stop(graceMs = 10_000) {
      if (exitInfo !== undefined) return exitInfo;
      child.kill('SIGTERM');
      // Unref'd: a pending grace timer must not keep the test runner alive after the exit.
      const outcome = await Promise.race([exited, sleep(graceMs, 'grace-expired' as const, { ref: false })]);
      if (outcome !== 'grace-expired') return outcome;
      child.kill('SIGKILL');
      return exited;
    },
  };
}

export interface WaitForReadyOptions {
  /** Resolves to true once the server answers as expected; may throw while it is starting. */
  readonly probe: () => Promise<boolean>;
  readonly timeoutMs: number;
  readonly intervalMs?: number;
}

/**
 * Polls `probe` until it succeeds. Fails at once if the process exits meanwhile, with the
 * end of its log, because a crashed server never becomes ready.
 */
export async function waitForReady(server: ServerProcess, options: WaitForReadyOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const intervalMs = options.intervalMs ?? 200;
  let lastProbeError: unknown;
  while (Date.now() < deadline) {
    if (server.hasExited()) {
      const { code, signal } = await server.exited;
      throw new ProvisionError(
        'START_FAILED',
        `${server.name} exited before it was ready (code ${code}, signal ${signal}). End of ${server.logFile}:\n${logTail(server.logFile)}`,
      );
    }
    try {
      if (await options.probe()) return;
    } catch (error) {
      lastProbeError = error;
    }
    await sleep(intervalMs);
  }
  const lastError = lastProbeError instanceof Error ? ` Last probe error: ${lastProbeError.message}.` : '';
  throw new ProvisionError(
    'NOT_READY',
    `${server.name} did not become ready within ${options.timeoutMs} ms.${lastError} End of ${server.logFile}:\n${logTail(server.logFile)}`,
    { retryable: true, cause: lastProbeError },
  );
}

/** Last lines of a log file, for error messages. */
export function logTail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch (error) {
    return `(log unreadable: ${(error as Error).message})`;
  }
}
