// `tocsin service alert` checks its InfluxDB settings before it connects to anything.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAlertService } from '../src/service';

describe('alert service settings', () => {
  it('refuses a bad INFLUX_API or a missing INFLUX_BUCKET, naming the variable', async () => {
    const keysFile = join(mkdtempSync(join(tmpdir(), 'tocsin-alert-settings-')), 'keys.json');
    writeFileSync(keysFile, '[]');
    // No broker listens here: the check must fail before any connection is tried.
    const base = { KAFKA_BROKERS: '127.0.0.1:1', TOCSIN_API_KEYS_FILE: keysFile, ALERT_OPERATOR_KEY: randomBytes(32).toString('base64'), LOG_LEVEL: 'silent' };
    await expect(runAlertService({ ...base, INFLUX_URL: 'http://127.0.0.1:8086', INFLUX_BUCKET: 'tocsin', INFLUX_API: 'v3' })).rejects.toThrow(/INFLUX_API must be v1 or v2/);
    await expect(runAlertService({ ...base, INFLUX_URL: 'http://127.0.0.1:8086' })).rejects.toThrow(/INFLUX_BUCKET is required/);
  });
});
