// detect's INFLUX_* environment, shared by `tocsin service detect` and the
// embedded pipeline (`npm start`), so both read the same variables the same way.
import { influxWriterFromSettings, type InfluxWriter, type Logger } from '@tocsin/core';
import { DetectError } from './errors';

export interface InfluxEnv {
  INFLUX_URL?: string;
  INFLUX_TOKEN?: string;
  INFLUX_ORG?: string;
  INFLUX_BUCKET?: string;
  INFLUX_API?: string;
}

/** The writer, or undefined without INFLUX_URL; throws DetectError ENV_INVALID naming a wrong variable. */
export function influxWriterFromEnv(env: InfluxEnv, logger: Logger): InfluxWriter | undefined {
  try {
    return influxWriterFromSettings({ url: env.INFLUX_URL, token: env.INFLUX_TOKEN, org: env.INFLUX_ORG, bucket: env.INFLUX_BUCKET, api: env.INFLUX_API }, logger);
  } catch (error) {
    throw new DetectError('ENV_INVALID', (error as Error).message);
  }
}
