// The InfluxDB writer of a service from its INFLUX_* settings (INFLUX_URL,
// INFLUX_TOKEN, INFLUX_ORG, INFLUX_BUCKET, INFLUX_API), checked the same way in
// every process that writes metrics: detect, alert, and `npm start`. Each
// service passes the values in from its own environment.
import type { Logger } from '../logger';
import { createInfluxWriter, type InfluxWriter } from './influx-writer';

export interface InfluxSettings {
  /** INFLUX_URL; unset: no writer. */
  url?: string | undefined;
  /** INFLUX_TOKEN: InfluxDB 2/3 token (1.x without auth: unset). */
  token?: string | undefined;
  /** INFLUX_ORG */
  org?: string | undefined;
  /** INFLUX_BUCKET: the bucket (v2), or the database (v1). */
  bucket?: string | undefined;
  /** INFLUX_API: v2 (default), /api/v2/write; v1, /write?db= for InfluxDB before 1.8. */
  api?: string | undefined;
}

/** The writer, or undefined without a URL; throws an Error naming the INFLUX_* setting that is wrong. */
export function influxWriterFromSettings(settings: InfluxSettings, logger: Logger): InfluxWriter | undefined {
  const api = settings.api ?? 'v2';
  if (api !== 'v1' && api !== 'v2') throw new Error(`INFLUX_API must be v1 or v2, not "${api}"`);
  if (!settings.url) return undefined;
  if (!settings.bucket) throw new Error('INFLUX_BUCKET is required with INFLUX_URL (the database for INFLUX_API=v1)');
  return createInfluxWriter({ url: settings.url, token: settings.token, org: settings.org, bucket: settings.bucket, api, logger });
}
