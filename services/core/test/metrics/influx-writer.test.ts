import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createInfluxWriter, type MetricPoint } from '../../src/metrics/influx-writer';

interface Received {
  url: string;
  encoding: string | undefined;
  body: string;
}

/** A line-protocol sink on loopback answering every request with `status`. */
async function sink(status: () => number): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const encoding = req.headers['content-encoding'];
      received.push({ url: req.url ?? '', encoding, body: (encoding === 'gzip' ? gunzipSync(raw) : raw).toString('utf8') });
      res.statusCode = status();
      res.end(res.statusCode >= 400 ? '{"code":"invalid","message":"rejected by test sink"}' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

const point = (i: number): MetricPoint => ({
  measurement: 'tocsin_bucket',
  tags: { detector: 'ears-c1', dim_type: 'country', dim_key: `K ${i}`, granularity: 'day' },
  fields: { observed: i, expected: 1.5, upperbound: null, alarm: 1 },
  timeMs: Date.UTC(2026, 10, 1) + i * 86_400_000,
});

describe('InfluxDB writer', () => {
  it('batches points as line protocol to /api/v2/write, gzipping large bodies', async () => {
    const server = await sink(() => 204);
    const writer = createInfluxWriter({ url: server.url, bucket: 'tocsin', org: 'ops', batchSize: 500, gzipThreshold: 100 });
    onTestFinished(() => writer.close());
    for (let i = 0; i < 30; i++) writer.write(point(i));
    await writer.flush();
    expect(server.received).toHaveLength(1);
    const [request] = server.received;
    expect(request!.url).toBe('/api/v2/write?org=ops&bucket=tocsin&precision=ms');
    expect(request!.encoding).toBe('gzip');
    const lines = request!.body.split('\n');
    expect(lines).toHaveLength(30);
    // Null fields are left out; spaces in tag values are escaped.
    expect(lines[2]).toBe(`tocsin_bucket,detector=ears-c1,dim_key=K\\ 2,dim_type=country,granularity=day alarm=1,expected=1.5,observed=2 ${point(2).timeMs}`);
    expect(writer.stats()).toMatchObject({ queued: 30, written: 30, dropped: 0 });
  });

  it('speaks the InfluxDB 1.x /write endpoint when asked', async () => {
    const server = await sink(() => 204);
    const writer = createInfluxWriter({ url: server.url, bucket: 'tocsin/autogen', api: 'v1' });
    onTestFinished(() => writer.close());
    writer.write(point(1));
    await writer.flush();
    expect(server.received[0]!.url).toBe('/write?db=tocsin&precision=ms&rp=autogen');
  });

  it('counts points the server rejects as dropped without throwing', async () => {
    const server = await sink(() => 400);
    const writer = createInfluxWriter({ url: server.url, bucket: 'tocsin', maxRetries: 2 });
    onTestFinished(() => writer.close());
    for (let i = 0; i < 5; i++) writer.write(point(i));
    await writer.flush();
    // 400 is not retried: one request, five points lost and counted.
    expect(server.received).toHaveLength(1);
    expect(writer.stats()).toMatchObject({ queued: 5, written: 0, dropped: 5, failedAttempts: 1 });
    expect(writer.stats().lastError).toContain('rejected by test sink');
  });

  it('keeps going when the server is down, counting what it gives up on', async () => {
    // Port 1 on loopback: nothing listens there, the connection is refused.
    const writer = createInfluxWriter({ url: 'http://127.0.0.1:1', bucket: 'tocsin', maxRetries: 0, timeoutMs: 2_000 });
    onTestFinished(() => writer.close());
    for (let i = 0; i < 3; i++) writer.write(point(i));
    await writer.flush();
    expect(writer.stats()).toMatchObject({ queued: 3, written: 0, dropped: 3 });
  });

  it('drops (and counts) writes after close', async () => {
    const server = await sink(() => 204);
    const writer = createInfluxWriter({ url: server.url, bucket: 'tocsin' });
    await writer.close();
    writer.write(point(1));
    expect(writer.stats()).toMatchObject({ queued: 0, dropped: 1 });
  });
});
