// Runs EVERY panel query and every template-variable query of the generated
// dashboards against a real InfluxDB 1.6.7 holding a few points of each measurement
// Tocsin writes, with Grafana's macros and variables replaced by concrete values the
// way Grafana does. A query that errors or returns nothing fails the test, so no
// dashboard ships a broken query.
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { MEASUREMENTS, type MeasurementSpec } from '../../dashboards/measurements';
import { renderDashboards } from '../../dashboards/render';
import { choose, influxql as influxqlAt, substitute as substituteIn } from './influxql-client';
import { BUILTIN_MACROS, referencedNames, targetsOf, variablesOf } from './panels';

const url = inject('influxUrl');

const influxql = (query: string, database?: string) => influxqlAt(url, query, database);

const DAY = 86_400_000;
const now = Date.now();
const today = now - (now % DAY);

interface SamplePoint {
  tags: Record<string, string>;
  fields: Record<string, number>;
  timeMs: number;
}

/** Detector rows: two detectors, two dimension types, alarms with red and yellow p-values. */
function bucketPoints(): SamplePoint[] {
  const points: SamplePoint[] = [];
  const keys = [
    { detector: 'farrington-daily', dim_type: 'route', dim_key: 'TR>BG>DE|land', granularity: 'day' },
    { detector: 'farrington-daily', dim_type: 'method', dim_key: 'drone', granularity: 'day' },
    { detector: 'ears-c2', dim_type: 'route', dim_key: 'MA>ES|sea', granularity: 'day' },
  ];
  for (const tags of keys) {
    for (let day = 1; day <= 10; day++) {
      const observed = day === 2 ? 12 : 3 + (day % 3);
      const alarm = day === 2 || (day === 5 && tags.detector === 'farrington-daily') ? 1 : 0;
      const pValue = day === 2 ? 0.004 : day === 5 ? 0.03 : 0.4;
      points.push({
        tags,
        fields: { observed, expected: 3.5, upperbound: 8.2, score: alarm ? 4 + day / 10 : 0.3, p_value: pValue, alarm },
        timeMs: today - day * DAY,
      });
    }
  }
  // Route edges in weekly buckets, tagged with their countries (the route graph panel).
  for (const [origin, destination] of [['EC', 'GW'], ['GW', 'PT']] as const) {
    const tags = { detector: 'ears-c2', dim_type: 'route_edge', dim_key: `${origin}>${destination}|sea`, granularity: 'week', origin, destination };
    for (let week = 1; week <= 4; week++) {
      points.push({ tags, fields: { observed: week === 1 ? 9 : 2, expected: 2, upperbound: 5, score: 1, p_value: 0.2, alarm: week === 1 ? 1 : 0 }, timeMs: today - week * 7 * DAY });
    }
  }
  return points;
}

/** Webhook attempts: a delivered one per agency, one failed and retried. */
function deliveryPoints(): SamplePoint[] {
  const at = now - 3_600_000;
  const base = { event_type: 'alert.opened' };
  return [
    { tags: { ...base, agency: 'bka-de', outcome: 'delivered', endpoint: 'hooks.bka.example' }, fields: { attempt: 1, duration_ms: 120, status_code: 200, age_ms: 31_000 }, timeMs: at },
    { tags: { ...base, agency: 'pj-fr', outcome: 'http_error', endpoint: 'alerts.pj.example' }, fields: { attempt: 1, duration_ms: 340, status_code: 503, age_ms: 30_500 }, timeMs: at + 1_000 },
    { tags: { ...base, agency: 'pj-fr', outcome: 'timeout', endpoint: 'alerts.pj.example' }, fields: { attempt: 2, duration_ms: 10_000, status_code: 0, age_ms: 46_000 }, timeMs: at + 16_000 },
    { tags: { ...base, agency: 'pj-fr', outcome: 'delivered', endpoint: 'alerts.pj.example' }, fields: { attempt: 3, duration_ms: 95, status_code: 204, age_ms: 90_000 }, timeMs: at + 60_000 },
  ];
}

const SAMPLES: Array<{ spec: MeasurementSpec; points: SamplePoint[] }> = [
  { spec: MEASUREMENTS.bucket, points: bucketPoints() },
  { spec: MEASUREMENTS.deliveryAttempt, points: deliveryPoints() },
];

const escapeTag = (value: string): string => value.replace(/[,= ]/g, (c) => `\\${c}`);

function lineProtocol(measurement: string, point: SamplePoint): string {
  const tags = Object.entries(point.tags).map(([k, v]) => `,${k}=${escapeTag(v)}`).join('');
  const fields = Object.entries(point.fields).map(([k, v]) => `${k}=${v}`).join(',');
  return `${measurement}${tags} ${fields} ${point.timeMs}`;
}

/** What Grafana substitutes for $timeFilter with the dashboard's default range (last 90 days). */
const TIME_FILTER = `time >= ${now - 90 * DAY}ms and time <= ${now}ms`;

/** Chosen values, and how Grafana formats them in InfluxQL. */
const substitute = (query: string, values: Map<string, string>): string => substituteIn(query, values, TIME_FILTER);

describe('generated dashboards on InfluxDB 1.6.7', () => {
  it('every variable and panel query runs without error and returns data', async () => {
    // A measurement added to the catalogue needs sample points here before its panels can be checked.
    expect(SAMPLES.map((s) => s.spec.name).sort()).toEqual(Object.values(MEASUREMENTS).map((m) => m.name).sort());
    const database = `dashboards_${randomUUID().replaceAll('-', '')}`;
    await influxql(`CREATE DATABASE "${database}"`);
    onTestFinished(async () => {
      await influxql(`DROP DATABASE "${database}"`);
    });
    for (const { spec, points } of SAMPLES) {
      // The sample points carry exactly the catalogue's tags and fields, so the test data tracks what services write.
      for (const point of points) {
        const optional = new Set<string>(spec.optionalTags ?? []);
        expect(Object.keys(point.tags).filter((k) => !optional.has(k)).sort()).toEqual([...spec.tags].sort());
        for (const k of Object.keys(point.tags)) expect([...spec.tags, ...optional]).toContain(k);
        expect(Object.keys(point.fields).sort()).toEqual([...spec.fields].sort());
      }
      const write = await fetch(`${url}/write?${new URLSearchParams({ db: database, precision: 'ms' })}`, {
        method: 'POST',
        body: points.map((p) => lineProtocol(spec.name, p)).join('\n'),
      });
      expect(write.status, await write.text()).toBe(204);
    }

    const preferred = { detector: 'farrington-daily', dim_type: 'route', dim_key: 'TR>BG>DE|land' };
    let queriesRun = 0;
    for (const { file, dashboard } of renderDashboards()) {
      const values = new Map<string, string>();
      for (const variable of variablesOf(dashboard)) {
        const query = substitute(variable.query, values);
        const series = await influxql(query, database);
        // SHOW TAG VALUES answers with columns [key, value].
        const returned = series.flatMap((s) => s.values.map((row) => String(row[1])));
        expect(returned, `${file}: variable $${variable.name} (${query}) returned no values`).not.toEqual([]);
        values.set(variable.name, choose(variable, returned, preferred));
        queriesRun++;
      }
      const targets = targetsOf(dashboard);
      expect(targets.length).toBeGreaterThan(0);
      for (const { panelTitle, target } of targets) {
        const query = substitute(target.query, values);
        const left = referencedNames(query).filter((name) => !BUILTIN_MACROS.has(name));
        expect(left, `${file} "${panelTitle}": unsubstituted ${left.join(', ')} in ${query}`).toEqual([]);
        const series = await influxql(query, database);
        const rows = series.reduce((sum, s) => sum + s.values.length, 0);
        expect(rows, `${file} "${panelTitle}" ${target.refId} returned no rows:\n  ${query}`).toBeGreaterThan(0);
        queriesRun++;
      }
    }
    expect(queriesRun).toBeGreaterThanOrEqual(15);
  });
});
