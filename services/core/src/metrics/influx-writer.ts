// Writes per-bucket detector metrics to InfluxDB (or anything speaking its line
// protocol, e.g. VictoriaMetrics) through @influxdata/influxdb-client's WriteApi:
// batched, gzip above a size, retries limited, a bounded retry buffer. A metrics
// sink must never stop detection, so write() never throws and never waits; what
// cannot be written is counted in stats().dropped instead.
import { HttpError, InfluxDB, Point, setLogger, type Transport, type WriteApi } from '@influxdata/influxdb-client';
import type { Logger } from '../logger';

/** One point: measurement, tags, numeric or boolean fields, time in ms since the epoch. */
export interface MetricPoint {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, number | boolean | null | undefined>;
  timeMs: number;
}

export interface InfluxWriterOptions {
  url: string;
  /** InfluxDB 2 token (or "user:password" for 1.x, sent as `Token ...` which 1.x ignores when auth is off). */
  token?: string;
  org?: string;
  /** InfluxDB 2 bucket; with api 'v1' the database (optionally "db/retention-policy"). */
  bucket: string;
  /**
   * 'v2' posts to /api/v2/write (InfluxDB 2.x, 1.8+ and VictoriaMetrics);
   * 'v1' posts to the 1.x /write?db= endpoint, for InfluxDB before 1.8 (no /api/v2/write there).
   */
  api?: 'v1' | 'v2';
  /** Lines per HTTP request. Default 1000. */
  batchSize?: number;
  /** Longest time a line waits in the batch. Default 1000 ms. */
  flushIntervalMs?: number;
  /** Most lines held for retry; the oldest are dropped (and counted) beyond it. Default 50,000. */
  maxBufferLines?: number;
  /** Retries after the first failed write. Default 3. */
  maxRetries?: number;
  /** Request bodies larger than this many bytes are gzipped. Default 1000. */
  gzipThreshold?: number;
  /** HTTP timeout per request. Default 10 s. */
  timeoutMs?: number;
  logger?: Logger;
}

export interface InfluxWriterStats {
  /** Points handed to write(). */
  queued: number;
  /** Points acknowledged by the server. */
  written: number;
  /** Points given up on: retries exhausted, rejected by the server, or pushed out of the full retry buffer. */
  dropped: number;
  /** Failed HTTP attempts (each may be retried). */
  failedAttempts: number;
  lastError: string | null;
}

export interface InfluxWriter {
  write(point: MetricPoint): void;
  /** Sends what is buffered now; resolves (never rejects) when done or given up. */
  flush(): Promise<void>;
  /** Flushes and releases timers; later writes are dropped and counted. */
  close(): Promise<void>;
  stats(): InfluxWriterStats;
}

/**
 * The client library logs every failed attempt to the console by itself. Route that to
 * the latest writer's logger at debug level (stats() carries the counts), or nowhere.
 */
let clientLog: Logger | null = null;
let clientLoggerSet = false;
function routeClientLogs(logger: Logger | undefined): void {
  clientLog = logger?.child({ component: 'influxdb-client' }) ?? clientLog;
  if (clientLoggerSet) return;
  clientLoggerSet = true;
  setLogger({
    error: (message, error) => clientLog?.debug({ err: error }, message),
    warn: (message, error) => clientLog?.debug({ err: error }, message),
  });
}

/** Rewrites the client's /api/v2/write requests to the InfluxDB 1.x /write endpoint. */
function v1Transport(inner: Transport, database: string): Transport {
  const [db, rp] = database.split('/');
  const rewrite = (path: string): string => {
    if (!path.startsWith('/api/v2/write')) return path;
    const precision = new URLSearchParams(path.slice(path.indexOf('?') + 1)).get('precision') ?? 'ms';
    const query = new URLSearchParams({ db: db ?? database, precision });
    if (rp) query.set('rp', rp);
    return `/write?${query.toString()}`;
  };
  return {
    send: (path, body, options, callbacks) => inner.send(rewrite(path), body, options, callbacks),
    request: (path, body, options, started) => inner.request(rewrite(path), body, options, started),
    iterate: (path, body, options) => inner.iterate(rewrite(path), body, options),
    chunkCombiner: inner.chunkCombiner,
  };
}

/** A point as the client library wants it; non-finite and null fields are left out. */
function toPoint(point: MetricPoint): Point | null {
  const p = new Point(point.measurement).timestamp(new Date(point.timeMs));
  for (const [name, value] of Object.entries(point.tags)) if (value !== '') p.tag(name, value);
  let fields = 0;
  for (const [name, value] of Object.entries(point.fields)) {
    if (typeof value === 'boolean') p.booleanField(name, value);
    else if (typeof value === 'number' && Number.isFinite(value)) p.floatField(name, value);
    else continue;
    fields++;
  }
  return fields > 0 ? p : null;
}

export function createInfluxWriter(options: InfluxWriterOptions): InfluxWriter {
  routeClientLogs(options.logger);
  const maxRetries = options.maxRetries ?? 3;
  const stats: InfluxWriterStats = { queued: 0, written: 0, dropped: 0, failedAttempts: 0, lastError: null };
  let closed = false;
  const connection = { url: options.url, token: options.token, timeout: options.timeoutMs ?? 10_000 };
  const client =
    options.api === 'v1'
      ? new InfluxDB({ ...connection, transport: v1Transport(new InfluxDB(connection).transport, options.bucket) })
      : new InfluxDB(connection);
  const writeApi: WriteApi = client.getWriteApi(options.org ?? 'tocsin', options.bucket, 'ms', {
    batchSize: options.batchSize ?? 1000,
    flushInterval: options.flushIntervalMs ?? 1000,
    maxBufferLines: options.maxBufferLines ?? 50_000,
    maxRetries,
    maxRetryTime: 60_000,
    minRetryDelay: 500,
    maxRetryDelay: 10_000,
    gzipThreshold: options.gzipThreshold ?? 1000,
    writeSuccess(lines) {
      stats.written += lines.length;
    },
    writeRetrySkipped(entry) {
      stats.dropped += entry.lines.length;
    },
    writeFailed(error, lines, attempt, expires) {
      stats.failedAttempts++;
      stats.lastError = error.message;
      // The client retries only 429/5xx and network errors, and only while attempts and time remain.
      const retryable = !(error instanceof HttpError) || error.statusCode >= 429;
      if (!retryable || attempt > maxRetries || expires <= Date.now()) stats.dropped += lines.length;
      return undefined;
    },
  });

  return {
    write(point) {
      if (closed) {
        stats.dropped++;
        return;
      }
      const p = toPoint(point);
      if (!p) return;
      stats.queued++;
      writeApi.writePoint(p);
    },
    async flush() {
      await writeApi.flush().catch(() => {});
    },
    async close() {
      if (closed) return;
      closed = true;
      await writeApi.close().catch(() => {});
    },
    stats: () => ({ ...stats }),
  };
}
