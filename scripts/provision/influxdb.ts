import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ProvisionError } from './errors';
import { LOOPBACK, freeLoopbackPorts } from './ports';
import { startServerProcess, waitForReady } from './server-process';
import { startInWorkDir, stopAndClean, type StartedServer } from './started-server';

export interface InfluxdbLayout {
  readonly httpPort: number;
  readonly rpcPort: number;
  readonly ifqlPort: number;
  readonly workDir: string;
}

/**
 * influxd 1.6 config with every listener on loopback. The RPC (backup/restore) and IFQL
 * listeners get their own free ports because the defaults (8088, 8082) may be taken by
 * another copy of the tests. Debian renamed `reporting-disabled` to `reporting-enabled`;
 * both are set so either build stays silent (influxd ignores the unknown one).
 */
export function renderInfluxdbConfig(layout: InfluxdbLayout): string {
  return `reporting-disabled = true
reporting-enabled = false
bind-address = "${LOOPBACK}:${layout.rpcPort}"

[meta]
  dir = "${join(layout.workDir, 'meta')}"

[data]
  dir = "${join(layout.workDir, 'data')}"
  wal-dir = "${join(layout.workDir, 'wal')}"
  query-log-enabled = false

[monitor]
  # No _internal database: it would write every 10 s and show up in SHOW DATABASES.
  store-enabled = false

[http]
  enabled = true
  bind-address = "${LOOPBACK}:${layout.httpPort}"
  log-enabled = false

[ifql]
  enabled = false
  bind-address = "${LOOPBACK}:${layout.ifqlPort}"

[logging]
  level = "warn"
`;
}

/** Starts influxd (InfluxDB 1.x) on free loopback ports with data in a fresh temp folder. */
export async function startInfluxdb(options: { log: (line: string) => void; readyTimeoutMs?: number; env?: NodeJS.ProcessEnv }): Promise<StartedServer> {
  const env = options.env ?? process.env;
  return startInWorkDir('influxdb', env, (workDir) => startInfluxd(workDir, options, env));
}

async function startInfluxd(workDir: string, options: { log: (line: string) => void; readyTimeoutMs?: number }, env: NodeJS.ProcessEnv): Promise<StartedServer> {
  const [httpPort, rpcPort, ifqlPort] = (await freeLoopbackPorts(3)) as [number, number, number];
  const configFile = join(workDir, 'influxdb.conf');
  await writeFile(configFile, renderInfluxdbConfig({ httpPort, rpcPort, ifqlPort, workDir }));

  const spawnedAt = Date.now();
  const server = await startServerProcess({
    name: 'influxdb',
    command: env['TOCSIN_INFLUXD_BIN'] ?? 'influxd',
    args: ['run', '-config', configFile],
    logFile: join(workDir, 'influxd.log'),
    cwd: workDir,
    env,
    installHint: 'apt-get install -y influxdb',
  });
  const url = `http://${LOOPBACK}:${httpPort}`;
  let version: string | undefined;
  try {
    await waitForReady(server, {
      probe: async () => {
        version = await influxdbVersion(url);
        return true;
      },
      timeoutMs: options.readyTimeoutMs ?? 30_000,
    });
  } catch (error) {
    await server.stop(5_000);
    throw error;
  }
  const readyAfterMs = Date.now() - spawnedAt;
  const reported = version ?? 'unknown';
  options.log(`influxdb ${reported} at ${url}, ready in ${(readyAfterMs / 1000).toFixed(1)} s`);
  return { name: 'influxdb', version: reported, address: url, workDir, readyAfterMs, stop: () => stopAndClean(server, workDir, 10_000, env) };
}

/** Answers /ping and returns the version from the X-Influxdb-Version header. */
export async function influxdbVersion(url: string, timeoutMs = 2_000): Promise<string> {
  const response = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(timeoutMs) });
  if (response.status !== 204) throw new ProvisionError('NOT_READY', `${url}/ping answered ${response.status}, expected 204`, { retryable: true });
  return response.headers.get('x-influxdb-version') ?? 'unknown';
}
