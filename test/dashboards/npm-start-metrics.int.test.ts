// `npm start` (the embedded pipeline, `tocsin start`) with INFLUX_URL writes the
// metrics the Grafana dashboards chart: run as a real process against a real
// InfluxDB 1.6.7 (INFLUX_API=v1: 1.6 has no /api/v2/write), then every variable
// and panel query of both generated dashboards is run the way Grafana runs it,
// over the time the simulated feed covers, and the panels the demo's data can
// fill must return rows. The docs' quick start (docs/dashboards-quickstart.md)
// points Grafana at the same data.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { MEASUREMENTS } from '../../dashboards/measurements';
import { renderDashboards } from '../../dashboards/render';
import { choose, influxql, substitute } from './influxql-client';
import { targetsOf, variablesOf } from './panels';
import { startTocsin } from '../helpers/tocsin-process';

const url = inject('influxUrl');

/** Panels that need failed or retried webhook deliveries, which the demo receiver never causes. */
const NEEDS_FAILURES = new Set(['Retries', 'Failed attempts per agency and endpoint']);

describe('npm start with INFLUX_URL', () => {
  it('writes points that the dashboards\' queries read back', async () => {
    const database = `npm_start_${randomUUID().replaceAll('-', '')}`;
    await influxql(url, `CREATE DATABASE "${database}"`);
    onTestFinished(async () => {
      await influxql(url, `DROP DATABASE "${database}"`);
    });
    // 180 simulated days at most 20 per second: enough weeks for weekly route-edge buckets to be scored.
    const tocsin = startTocsin(['start', '--port', '0', '--speed', '20', '--days', '180'], {
      INFLUX_URL: url, INFLUX_API: 'v1', INFLUX_BUCKET: database, TOCSIN_VAR_DIR: mkdtempSync(join(tmpdir(), 'tocsin-npm-start-')), LOG_LEVEL: 'warn',
    });

    // Alarms from detect and delivery attempts from alert's demo subscription, both as points
    // (about 80 s on an idle 2-core machine; the bound allows for a busy one).
    const count = async (query: string): Promise<number> => Number((await influxql(url, query, database))[0]?.values[0]?.[1] ?? 0);
    const written = async () => [
      (await count(`SELECT count("observed") FROM "${MEASUREMENTS.bucket.name}" WHERE "alarm" = 1`)) > 0,
      (await count(`SELECT count("attempt") FROM "${MEASUREMENTS.deliveryAttempt.name}"`)) > 0,
    ];
    await expect.poll(written, { timeout: 330_000, interval: 2_000 }).toEqual([true, true]).catch((error: Error) => {
      throw new Error(`no alarm or delivery points yet (${error.message}); tocsin start said:\n${tocsin.log()}`);
    });

    // The feed starts 365 days back: the range a user picks to see it ("Last 1 year" and more).
    const timeFilter = 'time >= now() - 400d and time <= now()';
    /** Every dashboard as Grafana would render it now: the panels that show nothing, and those that show rows. */
    const render = async (): Promise<{ empty: string[]; filled: number }> => {
      // The series panel is looked at for a key that alarmed, as a user picks one.
      const [alarm] = await influxql(url, `SELECT "observed", "detector", "dim_type", "dim_key" FROM "${MEASUREMENTS.bucket.name}" WHERE "alarm" = 1 LIMIT 1`, database);
      const [, , detector, dimType, dimKey] = alarm!.values[0]! as string[];
      const preferred = { detector: detector!, dim_type: dimType!, dim_key: dimKey! };
      const empty: string[] = [];
      let filled = 0;
      for (const { file, dashboard } of renderDashboards()) {
        const values = new Map<string, string>();
        for (const variable of variablesOf(dashboard)) {
          const returned = (await influxql(url, substitute(variable.query, values, timeFilter), database)).flatMap((s) => s.values.map((row) => String(row[1])));
          if (returned.length === 0) empty.push(`${file}: variable $${variable.name}`);
          values.set(variable.name, choose(variable, returned, preferred));
        }
        for (const { panelTitle, target } of targetsOf(dashboard)) {
          const series = await influxql(url, substitute(target.query, values, timeFilter), database);
          const rows = series.reduce((sum, s) => sum + s.values.length, 0);
          // Each p-value grade is its own query; a demo run need not alarm in every grade.
          const optional = NEEDS_FAILURES.has(panelTitle) || (panelTitle === 'Alarms by p-value grade' && target.query.includes('"p_value"'));
          if (rows === 0 && !optional) empty.push(`${file} "${panelTitle}" ${target.refId}`);
          if (rows > 0) filled++;
        }
      }
      return { empty, filled };
    };
    // Some panels fill later than others (route edges need a few buckets of a route): wait, as a user would.
    await expect.poll(async () => (await render()).empty, { timeout: 120_000, interval: 5_000 }).toEqual([]);
    expect((await render()).filled).toBeGreaterThanOrEqual(10);
  }, 480_000);
});
