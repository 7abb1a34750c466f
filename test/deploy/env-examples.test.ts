// deploy/env/<service>.env.example lists exactly the environment variables the
// service's process reads: its own sources, the shared core (logger, bus) and the
// `tocsin service` command. A variable added in code without an example line, or an
// example line for a variable nothing reads any more, fails here.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envNamesIn, envNamesInExample, envNamesInSource } from './env-names';

const root = join(import.meta.dirname, '../..');
const SERVICES = ['ingest', 'detect', 'alert', 'desk'] as const;

/** Sources that run inside every service process. */
const SHARED = ['services/core/src', 'services/cli/src/service-command.ts'];

/** Variables the service's process reads; the `tocsin service` command counts once it exists. */
function readBy(service: string): Map<string, string[]> {
  return envNamesIn([`services/${service}/src`, ...SHARED].map((p) => join(root, p)).filter((p) => existsSync(p)));
}

describe('env name scanner', () => {
  it('finds direct reads and names passed through helpers', () => {
    const source = `
      const a = process.env['LOG_LEVEL'];
      function main(env: Env) { return env.KAFKA_BROKERS ?? env?.INFLUX_URL; }
      function required(env: Env, variable: string) { return env[variable]; }
      const num = (name: string) => Number(env[name]);
      required(env, 'TOCSIN_DLQ_KEY'); num('ALERT_TICK_MS'); other('NOT_AN_ENV_READ');
      const message = 'KAFKA_BROKERS is required';`;
    expect([...envNamesInSource('x.ts', source)].sort()).toEqual(['ALERT_TICK_MS', 'INFLUX_URL', 'KAFKA_BROKERS', 'LOG_LEVEL', 'TOCSIN_DLQ_KEY']);
  });
});

describe('deploy/env/*.env.example', () => {
  for (const service of SERVICES) {
    it(`${service}.env.example lists every variable the ${service} process reads, and nothing else`, () => {
      const example = envNamesInExample(readFileSync(join(root, 'deploy/env', `${service}.env.example`), 'utf8'));
      const read = readBy(service);
      const missing = [...read.keys()].filter((name) => !example.has(name)).map((name) => `${name} (read in ${read.get(name)!.map((f) => f.slice(root.length + 1)).join(', ')})`);
      const stale = [...example].filter((name) => !read.has(name));
      expect(missing, 'variables read but missing from the example').toEqual([]);
      expect(stale, 'variables in the example that no source reads').toEqual([]);
    });
  }

  it('the scan finds the variables services are known to read', () => {
    expect([...readBy('ingest').keys()]).toEqual(expect.arrayContaining(['KAFKA_BROKERS', 'TOCSIN_PSEUDONYM_KEY', 'TOCSIN_DLQ_KEY', 'TOCSIN_PARTNERS_FILE', 'LOG_LEVEL']));
    expect([...readBy('detect').keys()]).toEqual(expect.arrayContaining(['KAFKA_BROKERS', 'INFLUX_URL', 'INFLUX_BUCKET', 'DETECT_PARTITIONS']));
    expect([...readBy('alert').keys()]).toEqual(expect.arrayContaining(['KAFKA_BROKERS', 'ALERT_OPERATOR_KEY', 'ALERT_TICK_MS', 'ALERT_SSRF_ALLOW_CIDRS']));
  });
});
