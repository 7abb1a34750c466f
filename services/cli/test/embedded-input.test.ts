// `tocsin start --input` in miniature: the embedded pipeline on a user's CSV instead of the
// simulator, as fast as possible. The file is years old, yet nothing is late or "from the
// future" (the clock follows the file), the bad rows are dead-lettered with their reasons,
// and the surge the file holds opens an alert.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { silentLogger } from '@tocsin/core';
import { startEmbedded } from '../src/embedded';
import { inputFeed } from '../src/input-feed';
import { readInputFile } from '../src/input-file';
import { FILE_DAYS, writeSurgeFiles } from './helpers/surge-file';

const DAY_MS = 86_400_000;

interface Health {
  components: Record<string, { status: string; stats: Record<string, unknown> }>;
}

describe('embedded pipeline on an input file (tocsin start --input)', () => {
  it('replays the file in event time: rows accepted or dead-lettered as ingest decides, no late observation, the surge alerted', async () => {
    const files = writeSurgeFiles('acme-customs');
    const input = inputFeed(readInputFile({ file: files.csv, mapping: files.mapping, now: 8.64e15 - DAY_MS }), files.csv);
    expect(input.startMs).toBe(Date.UTC(2021, 0, 4));
    const pipeline = await startEmbedded({
      port: 0, host: '127.0.0.1', seed: 0, speed: 'max', days: 1, varDir: mkdtempSync(join(tmpdir(), 'tocsin-var-')),
      version: 'test', logger: silentLogger(), env: {}, input,
    });
    onTestFinished(() => pipeline.stop());
    const admin = { authorization: `Bearer ${pipeline.apiKeys[0]!.key}` };
    const get = async <T>(path: string): Promise<T> => (await (await fetch(`${pipeline.url}${path}`, { headers: admin })).json()) as T;

    const result = await pipeline.internals.feed;
    expect(result).toMatchObject({ produced: files.good + files.bad, aborted: false, byPartner: { 'acme-customs': files.good + files.bad } });
    const health = await get<Health>('/api/health');
    expect(health.components['simulator']).toBeUndefined();
    expect(health.components['input']!.stats).toMatchObject({ produced: files.good + files.bad });
    // The feed's end is reported once ingest has handled every row.
    expect(health.components['ingest']!.stats['partners']).toEqual({
      'acme-customs': { accepted: files.good, updated: 0, duplicate: 0, rejected: { schema_violation: 1, unknown_country: 1 } },
    });
    // The clock is the file's: a day past its last row, not today.
    expect(pipeline.internals.simulatedNow()).toBeLessThanOrEqual(Date.UTC(2021, 0, 4) + FILE_DAYS * DAY_MS);

    type Alerts = { alerts: Array<{ alert: { dimension: { type: string; key: string }; bucket: { start: string }; partners: string[] } }> };
    const until = Date.now() + 60_000;
    let alerts: Alerts['alerts'] = [];
    while (Date.now() < until) {
      alerts = (await get<Alerts>('/api/alerts')).alerts;
      if (alerts.some((a) => a.alert.dimension.type === 'country' && a.alert.dimension.key === 'NL')) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const surge = alerts.find((a) => a.alert.dimension.type === 'country' && a.alert.dimension.key === 'NL');
    expect(surge?.alert).toMatchObject({ partners: ['acme-customs'] });
    // The surge is days 91-97 of the file: the week of 2021-04-05 (or one of its days).
    expect(Date.parse(surge!.alert.bucket.start)).toBeGreaterThanOrEqual(Date.UTC(2021, 3, 5));
    expect(Date.parse(surge!.alert.bucket.start)).toBeLessThan(Date.UTC(2021, 3, 12));
    const detect = (await get<Health>('/api/health')).components['detect']!.stats as { score: { lateDropped: number } };
    expect(detect.score.lateDropped).toBe(0);
  }, 90_000);
});
