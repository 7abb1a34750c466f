// Debian packages of the servers and browser the tests start (influxd, victoria-metrics,
// chromium): `npm test` installs the missing ones itself when run as root on Debian, the way
// the test set-up fetches Kafka's jars, and otherwise names the one command to run.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** What the tests need, the package that provides it, and when a shared server makes it unnecessary. */
export const TEST_PACKAGES = [
  { package: 'influxdb', command: (env) => env.TOCSIN_INFLUXD_BIN ?? 'influxd', providedBy: 'TOCSIN_TEST_INFLUX_URL' },
  { package: 'victoria-metrics', command: (env) => env.TOCSIN_VICTORIA_METRICS_BIN ?? 'victoria-metrics', providedBy: 'TOCSIN_TEST_VICTORIA_URL' },
  { package: 'chromium', command: (env) => env.TOCSIN_CHROMIUM ?? '/usr/bin/chromium', providedBy: null },
];

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** True when `command` (a name looked up on PATH, or a path) can be run. */
export function onPath(command, env = process.env) {
  if (command.includes('/')) return executable(command);
  return (env.PATH ?? '').split(delimiter).some((dir) => dir && executable(join(dir, command)));
}

/** Packages whose program is missing and not replaced by a shared server. */
export function missingPackages(env = process.env, found = (command) => onPath(command, env)) {
  return TEST_PACKAGES.filter((p) => !(p.providedBy && env[p.providedBy]) && !found(p.command(env))).map((p) => p.package);
}

/** The one command that installs them. */
export function installCommand(packages) {
  return `apt-get update && apt-get install -y --no-install-recommends ${packages.join(' ')}`;
}

/**
 * Installs missing packages when root on a Debian machine (one log line; apt's output only
 * when it fails). Returns null when nothing is missing or they were installed, or the message
 * to show when the tests cannot run as they are.
 */
export function ensureTestPackages({ env = process.env, log = console.log, isRoot = process.getuid?.() === 0, run = spawnSync } = {}) {
  const missing = missingPackages(env);
  if (missing.length === 0) return null;
  const command = installCommand(missing);
  if (!onPath('apt-get', env)) return `the tests need ${missing.join(', ')}; install them (on Debian: sudo ${command})`;
  if (!isRoot) return `the tests need the Debian packages ${missing.join(', ')}; run: sudo sh -c '${command}'`;
  log(`[test-setup] installing missing Debian packages for the tests: ${missing.join(' ')} (${command})`);
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', ...missing]]) {
    const result = run('apt-get', args, { env: aptEnv, encoding: 'utf8' });
    if (result.error || result.status !== 0) {
      return `apt-get ${args[0]} failed (${result.error?.message ?? `exit ${result.status}`}):\n${result.stderr ?? ''}${result.stdout ?? ''}`;
    }
  }
  const still = missingPackages(env);
  return still.length === 0 ? null : `installed ${missing.join(' ')} but still missing: ${still.join(', ')}`;
}
