import { createMemoryBus, loadTaxonomy, silentLogger, type Bus, type SubscribeOptions } from '@tocsin/core';
import { afterEach, describe, expect, it } from 'vitest';
import { buildIngest, type Ingest } from '../src/app';
import { CSV_HEADER, CSV_PARTNER, CSV_TOPIC, JSON_PARTNER, JSON_TOPIC, NOW, csvRow, partnerIncident, testConfig } from './fixtures';

const taxonomy = loadTaxonomy();
const running: Ingest[] = [];
afterEach(async () => {
  for (const ingest of running.splice(0)) await ingest.stop();
});

async function waitFor(what: string, condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * The real in-process bus, except that the consumer never gets one topic's partitions: the
 * feed's records pile up unread, as the partner feeds did under `npm start` (issue 7).
 */
function busStarving(topic: string): Bus {
  const bus = createMemoryBus({ defaultPartitions: 3, maxRetryDelayMs: 50 });
  return {
    ...bus,
    subscribe: (options: SubscribeOptions) =>
      bus.subscribe({ ...options, topics: options.topics.map((t) => (typeof t === 'string' ? t : new RegExp(`^(?!${topic.replace(/\./g, '\\.')}$)(?:${t.source})`))) }),
  };
}

describe('partner feed health', () => {
  it('turns degraded and names the partner whose records wait unread, with lag and last record time per partner', async () => {
    const bus = busStarving(CSV_TOPIC);
    await bus.ensureTopics([{ topic: JSON_TOPIC, partitions: 2 }, { topic: CSV_TOPIC, partitions: 1 }]);
    const config = { ...testConfig(), feedStallAfterMs: 1_500, feedMaxLagRecords: 1_000, feedMaxSilenceMs: 60_000 };
    const ingest = buildIngest({ bus, partners: [JSON_PARTNER, CSV_PARTNER], taxonomy, config, logger: silentLogger(), clock: () => NOW, feedHealthIntervalMs: 50 });
    running.push(ingest);
    await ingest.start();
    const producer = await bus.producer();
    await producer.send([
      { topic: JSON_TOPIC, messages: [0, 1, 2].map((i) => ({ key: `NL-${i}`, value: JSON.stringify(partnerIncident({ id: `NL-${i}` })) })) },
      { topic: CSV_TOPIC, messages: [{ key: 'csv', value: `${CSV_HEADER}\n${csvRow({ reference: 'FR-1' })}\n` }] },
    ]);
    await waitFor('the JSON feed handled', () => ingest.stats().partners[JSON_PARTNER.id]?.accepted === 3);
    await ingest.measureFeeds();
    // Not yet past the stall limit: ok, with the waiting record counted as lag.
    expect(ingest.health().feeds[CSV_PARTNER.id]).toMatchObject({ lag: 1, last_record_at: null, status: 'ok' });
    await waitFor('degraded', () => ingest.health().status === 'degraded', 5_000);
    const health = ingest.health();
    expect(health.degraded).toEqual([{ partner: CSV_PARTNER.id, problem: 'stalled' }]);
    expect(health.feeds[JSON_PARTNER.id]).toMatchObject({ lag: 0, status: 'ok' });
    expect(Date.parse(health.feeds[JSON_PARTNER.id]!.last_record_at!)).toBeGreaterThan(Date.now() - 10_000);
    expect(health.limits).toEqual({ max_lag_records: 1_000, stall_after_s: 1.5, max_silence_s: 60 });
  });

  it('names a feed with more records waiting than the lag limit as lagging', async () => {
    const bus = busStarving(CSV_TOPIC);
    await bus.ensureTopics([{ topic: JSON_TOPIC, partitions: 2 }, { topic: CSV_TOPIC, partitions: 1 }]);
    const config = { ...testConfig(), feedMaxLagRecords: 5 };
    const ingest = buildIngest({ bus, partners: [JSON_PARTNER, CSV_PARTNER], taxonomy, config, logger: silentLogger(), clock: () => NOW });
    running.push(ingest);
    await ingest.start();
    const producer = await bus.producer();
    await producer.send([{ topic: CSV_TOPIC, messages: Array.from({ length: 6 }, (_, i) => ({ key: `c${i}`, value: `${CSV_HEADER}\n${csvRow({ reference: `FR-${i}` })}\n` })) }]);
    await ingest.measureFeeds();
    expect(ingest.health().degraded).toEqual([{ partner: CSV_PARTNER.id, problem: 'lagging' }]);
  });

  it('names a silent feed, unless its producer said it ended; an ended feed with records waiting is still judged', async () => {
    const bus = busStarving(CSV_TOPIC);
    await bus.ensureTopics([{ topic: JSON_TOPIC, partitions: 2 }, { topic: CSV_TOPIC, partitions: 1 }]);
    const config = { ...testConfig(), feedStallAfterMs: 200, feedMaxSilenceMs: 300 };
    const ingest = buildIngest({ bus, partners: [JSON_PARTNER, CSV_PARTNER], taxonomy, config, logger: silentLogger(), clock: () => NOW, feedHealthIntervalMs: 50 });
    running.push(ingest);
    await ingest.start();
    const producer = await bus.producer();
    await producer.send([
      { topic: JSON_TOPIC, messages: [{ key: 'NL-1', value: JSON.stringify(partnerIncident({ id: 'NL-1' })) }] },
      { topic: CSV_TOPIC, messages: [{ key: 'csv', value: `${CSV_HEADER}\n${csvRow({ reference: 'FR-1' })}\n` }] },
    ]);
    await waitFor('the JSON feed handled', () => ingest.stats().partners[JSON_PARTNER.id]?.accepted === 1);
    await waitFor('the JSON feed silent', () => ingest.health().feeds[JSON_PARTNER.id]?.status === 'silent');
    await ingest.measureFeeds();
    expect(ingest.health().degraded).toEqual([{ partner: JSON_PARTNER.id, problem: 'silent' }, { partner: CSV_PARTNER.id, problem: 'stalled' }]);
    // Both feeds are over: the silent one is `ended`; the one whose record still waits unread stays `stalled`.
    ingest.endFeeds([JSON_PARTNER.id, CSV_PARTNER.id]);
    const health = ingest.health();
    expect(health.feeds[JSON_PARTNER.id]).toMatchObject({ lag: 0, status: 'ended' });
    expect(health.degraded).toEqual([{ partner: CSV_PARTNER.id, problem: 'stalled' }]);
    expect(health.status).toBe('degraded');
  });
});
