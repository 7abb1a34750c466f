// Proves the two time-series stores the tests run on accept what Tocsin writes:
// VictoriaMetrics through @influxdata/influxdb-client (InfluxDB v2 write API), and
// InfluxDB 1.6.7 through its own /write and InfluxQL /query endpoints.
import { randomUUID } from 'node:crypto';
import { InfluxDB, Point } from '@influxdata/influxdb-client';
import { describe, expect, inject, it, onTestFinished } from 'vitest';

/** A measurement name no other test writes, so tests never read each other's series. */
function uniqueMeasurement(): string {
  return `test_${randomUUID().replaceAll('-', '')}`;
}

interface ExportedSeries {
  metric: Record<string, string>;
  values: number[];
  timestamps: number[];
}

describe('VictoriaMetrics', () => {
  const url = inject('victoriaUrl');

  async function exportSeries(measurement: string): Promise<ExportedSeries[]> {
    const response = await fetch(`${url}/api/v1/export?${new URLSearchParams({ 'match[]': `{__name__=~"${measurement}_.*"}` })}`);
    expect(response.status).toBe(200);
    const body = await response.text();
    return body
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as ExportedSeries)
      .sort((a, b) => (a.metric['__name__'] ?? '').localeCompare(b.metric['__name__'] ?? ''));
  }

  it('stores points written with the influxdb-client WriteApi and exports them', async () => {
    const measurement = uniqueMeasurement();
    const writeApi = new InfluxDB({ url }).getWriteApi('tocsin', 'tocsin', 'ms');
    onTestFinished(() => writeApi.close().catch(() => undefined));
    const at = Date.now() - 60_000;
    writeApi.writePoints([
      new Point(measurement).tag('route', 'balkan').intField('incidents', 3).floatField('score', 0.5).timestamp(at),
      new Point(measurement).tag('route', 'balkan').intField('incidents', 5).floatField('score', 0.75).timestamp(at + 1_000),
    ]);
    await writeApi.flush();

    // Freshly written samples become searchable after VictoriaMetrics flushes its buffers.
    await fetch(`${url}/internal/force_flush`);
    await expect.poll(async () => (await exportSeries(measurement)).length, { timeout: 10_000, interval: 200 }).toBe(2);

    const series = await exportSeries(measurement);
    // Line protocol field F of measurement M becomes the metric M_F; tags become labels.
    expect(series).toEqual([
      { metric: { __name__: `${measurement}_incidents`, route: 'balkan' }, values: [3, 5], timestamps: [at, at + 1_000] },
      { metric: { __name__: `${measurement}_score`, route: 'balkan' }, values: [0.5, 0.75], timestamps: [at, at + 1_000] },
    ]);
  });
});

describe('InfluxDB 1.6.7', () => {
  const url = inject('influxUrl');

  async function influxql(query: string, database?: string): Promise<unknown> {
    const params = new URLSearchParams({ q: query, epoch: 'ms' });
    if (database !== undefined) params.set('db', database);
    const response = await fetch(`${url}/query`, { method: 'POST', body: params });
    const body = (await response.json()) as { error?: string; results?: Array<{ error?: string }> };
    const error = body.error ?? body.results?.find((result) => result.error !== undefined)?.error;
    if (!response.ok || error !== undefined) throw new Error(`InfluxQL "${query}" failed (${response.status}): ${error}`);
    return body;
  }

  it('reports its version on /ping', () => {
    expect(inject('influxVersion')).toMatch(/^1\.6\.7/);
  });

  it('accepts a point on /write and returns it from an InfluxQL query', async () => {
    const database = uniqueMeasurement();
    await influxql(`CREATE DATABASE "${database}"`);
    onTestFinished(async () => {
      await influxql(`DROP DATABASE "${database}"`);
    });
    const at = Date.now() - 60_000;

    const write = await fetch(`${url}/write?${new URLSearchParams({ db: database, precision: 'ms' })}`, {
      method: 'POST',
      body: `alerts,route=balkan,desk=vienna level=2i,score=0.91 ${at}`,
    });
    expect(write.status, await write.text()).toBe(204);

    const result = await influxql('SELECT "level", "score", "route", "desk" FROM "alerts"', database);
    expect(result).toEqual({
      results: [
        {
          statement_id: 0,
          series: [{ name: 'alerts', columns: ['time', 'level', 'score', 'route', 'desk'], values: [[at, 2, 0.91, 'balkan', 'vienna']] }],
        },
      ],
    });
  });
});
