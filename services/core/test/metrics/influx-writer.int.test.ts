// The InfluxDB writer against real servers: VictoriaMetrics through the InfluxDB 2
// write API (read back with /api/v1/export) and InfluxDB 1.6.7, which predates
// /api/v2/write, through the 1.x /write endpoint (read back with InfluxQL).
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { createInfluxWriter, type MetricPoint } from '../../src/metrics/influx-writer';

// Recent times: VictoriaMetrics drops samples older than its retention (one month by default).
const DAY = 86_400_000;
const today = Math.floor(Date.now() / DAY) * DAY;

function points(dimKey: string): MetricPoint[] {
  return [3, 4, 12].map((observed, i) => ({
    measurement: 'tocsin_bucket',
    tags: { detector: 'ears-c1', dim_type: 'country', dim_key: dimKey, granularity: 'day' },
    fields: { observed, expected: 3.5, upperbound: 8.2, score: i === 2 ? 5.1 : 0.3, alarm: i === 2 ? 1 : 0 },
    timeMs: today - (3 - i) * DAY,
  }));
}

async function poll<T>(what: string, read: () => Promise<T | null>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not readable within ${timeoutMs} ms`);
    await sleep(250);
  }
}

describe('InfluxDB writer against real servers', () => {
  it('writes to VictoriaMetrics through /api/v2/write and reads the points back', async () => {
    const url = inject('victoriaUrl');
    const dimKey = `T-${randomUUID()}`;
    const writer = createInfluxWriter({ url, bucket: 'tocsin', org: 'tocsin', flushIntervalMs: 100 });
    onTestFinished(() => writer.close());
    for (const p of points(dimKey)) writer.write(p);
    await writer.flush();
    expect(writer.stats()).toMatchObject({ written: 3, dropped: 0 });
    const series = await poll('victoria export', async () => {
      const query = new URLSearchParams({ 'match[]': `tocsin_bucket_observed{dim_key="${dimKey}"}` });
      const res = await fetch(`${url}/api/v1/export?${query.toString()}`);
      const text = (await res.text()).trim();
      return text ? (JSON.parse(text.split('\n')[0]!) as { metric: Record<string, string>; values: number[]; timestamps: number[] }) : null;
    });
    expect(series.metric).toMatchObject({ __name__: 'tocsin_bucket_observed', detector: 'ears-c1', dim_type: 'country', dim_key: dimKey, granularity: 'day' });
    expect(series.values).toEqual([3, 4, 12]);
    expect(series.timestamps).toEqual(points(dimKey).map((p) => p.timeMs));
  });

  it('writes to InfluxDB 1.6.7 through /write and answers an InfluxQL query', async () => {
    const url = inject('influxUrl');
    const db = `tocsin_${randomUUID().replace(/-/g, '')}`;
    const create = await fetch(`${url}/query`, { method: 'POST', body: new URLSearchParams({ q: `CREATE DATABASE "${db}"` }) });
    expect(create.ok).toBe(true);
    onTestFinished(async () => void (await fetch(`${url}/query`, { method: 'POST', body: new URLSearchParams({ q: `DROP DATABASE "${db}"` }) })));
    const writer = createInfluxWriter({ url, bucket: db, api: 'v1', flushIntervalMs: 100 });
    onTestFinished(() => writer.close());
    for (const p of points('NL')) writer.write(p);
    await writer.flush();
    expect(writer.stats()).toMatchObject({ written: 3, dropped: 0 });
    const influxql = `SELECT observed, expected, alarm FROM tocsin_bucket WHERE dim_type = 'country' AND dim_key = 'NL' AND time > now() - 7d ORDER BY time`;
    const result = await poll('influxql', async () => {
      const res = await fetch(`${url}/query?${new URLSearchParams({ db, q: influxql, epoch: 'ms' }).toString()}`);
      const body = (await res.json()) as { results: Array<{ series?: Array<{ columns: string[]; values: unknown[][] }> }> };
      return body.results[0]?.series?.[0] ?? null;
    });
    expect(result.columns).toEqual(['time', 'observed', 'expected', 'alarm']);
    expect(result.values).toEqual(points('NL').map((p) => [p.timeMs, p.fields['observed'], 3.5, p.fields['alarm']]));
  });
});
