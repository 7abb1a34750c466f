// The InfluxDB writer of detect's metrics from the INFLUX_* settings, shared by
// `tocsin service detect` and the embedded pipeline (`npm start`), so both read
// the same variables the same way. Unset INFLUX_URL: no writer.
import { createInfluxWriter, type InfluxWriter, type Logger } from '@tocsin/core';
import { DetectError } from './errors';

export interface InfluxEnv {
  INFLUX_URL?: string;
  /** InfluxDB 2/3 token (1.x without auth: unset). */
  INFLUX_TOKEN?: string;
  INFLUX_ORG?: string;
  /** The bucket (v2), or the database (v1). */
  INFLUX_BUCKET?: string;
  /** v2 (default): /api/v2/write; v1: /write?db= for InfluxDB before 1.8. */
  INFLUX_API?: string;
}

/** Throws DetectError ENV_INVALID naming the variable when a setting is wrong. */
export function influxWriterFromEnv(env: InfluxEnv, logger: Logger): InfluxWriter | undefined {
  const api = env.INFLUX_API ?? 'v2';
  if (api !== 'v1' && api !== 'v2') throw new DetectError('ENV_INVALID', `INFLUX_API must be v1 or v2, not "${api}"`);
  if (!env.INFLUX_URL) return undefined;
  if (!env.INFLUX_BUCKET) throw new DetectError('ENV_INVALID', 'INFLUX_BUCKET is required with INFLUX_URL (the database for INFLUX_API=v1)');
  return createInfluxWriter({ url: env.INFLUX_URL, token: env.INFLUX_TOKEN, org: env.INFLUX_ORG, bucket: env.INFLUX_BUCKET, api, logger });
}
