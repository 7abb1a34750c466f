#!/usr/bin/env node
// The test command (`npm test`): typecheck every workspace with turbo, then run
// every test with vitest. The vitest global setup of the `int` project starts
// the real Kafka broker, InfluxDB and VictoriaMetrics on loopback (fetching
// Kafka's jars from Maven Central on first use; the Debian packages influxdb,
// victoria-metrics and chromium are installed first when missing, see
// debian-packages.mjs). Ends with one summary line
// "N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureTestPackages } from './debian-packages.mjs';

const root = resolve(import.meta.dirname, '..');
const reportDir = join(root, '.cache');
const report = join(reportDir, 'vitest-report.json');
const extraArgs = process.argv.slice(2);

function run(command, args) {
  console.log(`\n$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

if (!extraArgs.includes('--no-typecheck')) {
  const typecheck = run('npx', ['turbo', 'run', 'typecheck', '--output-logs=errors-only']);
  const rootCheck = typecheck === 0 ? run('npx', ['tsc', '-p', 'test/tsconfig.json']) : 1;
  if (typecheck !== 0 || rootCheck !== 0) {
    console.error('\ntypecheck failed');
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}

// The servers and browser the integration tests start: installed here when missing (as root).
const setupProblem = ensureTestPackages();
if (setupProblem) {
  console.error(`\n${setupProblem}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

mkdirSync(reportDir, { recursive: true });
rmSync(report, { force: true });
const vitestArgs = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extraArgs.filter((a) => a !== '--no-typecheck')];
const status = run('npx', vitestArgs);

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const summary = JSON.parse(readFileSync(report, 'utf8'));
  passed = summary.numPassedTests;
  // A file that failed to load has no failed test of its own: count it once.
  const brokenFiles = (summary.testResults ?? []).filter(
    (file) => file.status === 'failed' && !(file.assertionResults ?? []).some((t) => t.status === 'failed'),
  ).length;
  failed = summary.numFailedTests + brokenFiles;
  skipped = summary.numPendingTests + summary.numTodoTests;
} catch {
  failed = Math.max(1, failed);
}
if (status !== 0 && failed === 0) failed = 1;
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(status === 0 && failed === 0 && passed > 0 ? 0 : 1);
