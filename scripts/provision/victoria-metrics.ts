import { join } from 'node:path';
import { ProvisionError } from './errors';
import { LOOPBACK, freeLoopbackPort } from './ports';
import { runCommand } from './run-command';
import { startServerProcess, waitForReady } from './server-process';
import { startInWorkDir, stopAndClean, type StartedServer } from './started-server';

/** Starts single-node VictoriaMetrics on a free loopback port with data in a fresh temp folder. */
export async function startVictoriaMetrics(options: { log: (line: string) => void; readyTimeoutMs?: number; env?: NodeJS.ProcessEnv }): Promise<StartedServer> {
  const env = options.env ?? process.env;
  return startInWorkDir('victoria-metrics', env, (workDir) => startVictoria(workDir, options, env));
}

async function startVictoria(workDir: string, options: { log: (line: string) => void; readyTimeoutMs?: number }, env: NodeJS.ProcessEnv): Promise<StartedServer> {
  const httpPort = await freeLoopbackPort();
  const url = `http://${LOOPBACK}:${httpPort}`;

  const spawnedAt = Date.now();
  const server = await startServerProcess({
    name: 'victoria-metrics',
    command: env['TOCSIN_VICTORIA_METRICS_BIN'] ?? 'victoria-metrics',
    // Only the HTTP listener: the Graphite/OpenTSDB/Influx TCP listeners stay off unless flagged.
    args: [`-httpListenAddr=${LOOPBACK}:${httpPort}`, `-storageDataPath=${join(workDir, 'data')}`, '-retentionPeriod=100y', '-loggerLevel=WARN'],
    logFile: join(workDir, 'victoria-metrics.log'),
    cwd: workDir,
    env,
    installHint: 'apt-get install -y victoria-metrics',
  });
  try {
    await waitForReady(server, { probe: () => victoriaMetricsHealthy(url), timeoutMs: options.readyTimeoutMs ?? 30_000, intervalMs: 100 });
  } catch (error) {
    await server.stop(5_000);
    throw error;
  }
  const readyAfterMs = Date.now() - spawnedAt;
  const version = await victoriaMetricsVersion(url);
  options.log(`victoria-metrics ${version} at ${url}, ready in ${(readyAfterMs / 1000).toFixed(1)} s`);
  return { name: 'victoria-metrics', version, address: url, workDir, readyAfterMs, stop: () => stopAndClean(server, workDir, 10_000, env) };
}

export async function victoriaMetricsHealthy(url: string, timeoutMs = 2_000): Promise<boolean> {
  const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(timeoutMs) });
  if (response.status !== 200) throw new ProvisionError('NOT_READY', `${url}/health answered ${response.status}, expected 200`, { retryable: true });
  return true;
}

/**
 * The version from /metrics (`vm_app_version`). Debian's build leaves it empty, so the
 * installed package version is used instead.
 */
async function victoriaMetricsVersion(url: string): Promise<string> {
  const metrics = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2_000) })).text();
  const reported = /^vm_app_version\{[^}]*short_version="([^"]+)"/m.exec(metrics)?.[1];
  if (reported !== undefined) return reported;
  try {
    const dpkg = await runCommand('dpkg-query', ['-W', '-f=${Version}', 'victoria-metrics'], { installHint: 'Debian only' });
    if (dpkg.exitCode === 0 && dpkg.output.trim() !== '') return `${dpkg.output.trim()} (Debian package)`;
  } catch {
    // Not a Debian system: the version is informative only.
  }
  return 'unknown';
}
