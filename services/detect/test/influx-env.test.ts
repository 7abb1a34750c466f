// INFLUX_* settings, read the same way by `tocsin service detect`, `tocsin service
// alert` (both through influxWriterFromSettings) and `npm start`.
import { describe, expect, it } from 'vitest';
import { silentLogger } from '@tocsin/core';
import { influxWriterFromEnv } from '../src/influx-env';

describe('influxWriterFromEnv', () => {
  it('makes no writer without INFLUX_URL', () => {
    expect(influxWriterFromEnv({}, silentLogger())).toBeUndefined();
  });

  it('names the variable that is wrong, as a configuration error', () => {
    expect(() => influxWriterFromEnv({ INFLUX_URL: 'http://127.0.0.1:8086', INFLUX_API: 'v3' }, silentLogger())).toThrow(expect.objectContaining({ code: 'ENV_INVALID', message: expect.stringContaining('INFLUX_API') }));
    expect(() => influxWriterFromEnv({ INFLUX_URL: 'http://127.0.0.1:8086' }, silentLogger())).toThrow(/INFLUX_BUCKET is required/);
  });

  it('makes a writer for the 1.x write API', async () => {
    const writer = influxWriterFromEnv({ INFLUX_URL: 'http://127.0.0.1:8086', INFLUX_API: 'v1', INFLUX_BUCKET: 'tocsin' }, silentLogger());
    expect(writer?.stats()).toMatchObject({ queued: 0, written: 0, dropped: 0 });
    await writer?.close();
  });
});
