// `npm start` in miniature: the embedded pipeline on an ephemeral port, a fast
// simulated feed, and the acceptance checks of the Foundation issue — health
// answers, and the per-partner counts grow.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { silentLogger } from '@tocsin/core';
import { until } from '../../../test/helpers/until';
import { startEmbedded } from '../src/embedded';

interface Health {
  status: string;
  components: { ingest: { stats: { partners: Record<string, { accepted: number }> } }; simulator: { stats: { produced: number } } };
}

const accepted = (h: Health) => Object.values(h.components.ingest.stats.partners).reduce((n, p) => n + p.accepted, 0);

describe('embedded pipeline (npm start)', () => {
  it('serves health at once and its accepted counts grow', async () => {
    const pipeline = await startEmbedded({
      port: 0, host: '127.0.0.1', seed: 7, speed: 2, days: 60, varDir: mkdtempSync(join(tmpdir(), 'tocsin-var-')),
      version: 'test', logger: silentLogger(), env: {},
    });
    onTestFinished(() => pipeline.stop());
    const admin = pipeline.apiKeys[0]!.key;
    const health = async () => (await (await fetch(`${pipeline.url}/api/health`, { headers: { authorization: `Bearer ${admin}` } })).json()) as Health;
    expect((await health()).status).toBe('ok');

    const waitForAccepted = async (atLeast: number) => {
      const until = Date.now() + 30_000;
      for (;;) {
        const h = await health();
        if (accepted(h) >= atLeast) return accepted(h);
        if (Date.now() > until) throw new Error(`accepted stayed at ${accepted(h)} (< ${atLeast})`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    const first = await waitForAccepted(1);
    const later = await waitForAccepted(first + 100);
    expect(later).toBeGreaterThan(first);

    const signals = await fetch(`${pipeline.url}/api/signals?limit=5`, { headers: { authorization: `Bearer ${admin}` } });
    expect(signals.status).toBe(200);
    expect((await fetch(`${pipeline.url}/api/signals`)).status).toBe(401);
  }, 60_000);

  it('survives hostile requests to the demo receiver and tells unauthenticated callers only status and version (issue 9 findings 1, 7)', async () => {
    const pipeline = await startEmbedded({
      port: 0, host: '127.0.0.1', seed: 7, speed: 1, days: 5, varDir: mkdtempSync(join(tmpdir(), 'tocsin-var-')),
      version: 'test', logger: silentLogger(), env: {},
    });
    onTestFinished(() => pipeline.stop());
    const open = await (await fetch(`${pipeline.url}/api/health`)).text();
    expect(JSON.parse(open)).toEqual({ status: 'ok', version: 'test' });
    expect(open).not.toContain(pipeline.demoReceiverUrl);
    // The probe's repro: a body that is not JSON, then the receiver's page.
    await fetch(pipeline.demoReceiverUrl, { method: 'POST', body: 'not json' });
    expect((await fetch(pipeline.demoReceiverUrl)).status).toBe(200);
    const admin = { authorization: `Bearer ${pipeline.apiKeys[0]!.key}` };
    const health = (await (await fetch(`${pipeline.url}/api/health`, { headers: admin })).json()) as { status: string; components: Record<string, { status: string }> };
    expect(health.components['alert']!.status).toBe('ok');
    expect(health.status).toBe('ok');
  }, 60_000);

  it('says every partner feed ended once the simulated feed is over, instead of letting them fall silent', async () => {
    const pipeline = await startEmbedded({
      port: 0, host: '127.0.0.1', seed: 7, speed: 20, days: 4, varDir: mkdtempSync(join(tmpdir(), 'tocsin-var-')),
      version: 'test', logger: silentLogger(), env: {},
    });
    onTestFinished(() => pipeline.stop());
    await pipeline.internals.feed;
    const { ingest, scenario } = pipeline.internals;
    // Ended with nothing left unread: every record of the feed handled, then measured.
    await until('every feed ended', async () => {
      await ingest.measureFeeds();
      return Object.values(ingest.health().feeds).every((f) => f.status === 'ended') ? true : undefined;
    }, 30_000);
    expect(Object.keys(ingest.health().feeds).sort()).toEqual(scenario!.partners.map((p) => p.id).sort());
    expect(ingest.health()).toMatchObject({ status: 'ok', degraded: [] });
  }, 60_000);
});
