// The replay of `tocsin start --input` on its own, on the in-process bus: records in event-time
// order, never more than a few days of event time past what ingest has handled (the bound that
// keeps every row on time), and paced at the chosen speed.
import { createMemoryBus, silentLogger, type BusMessage } from '@tocsin/core';
import type { IngestStats } from '@tocsin/ingest';
import { describe, expect, it, onTestFinished } from 'vitest';
import { aheadMs, inputFeed } from '../src/input-feed';
import { readInputFile } from '../src/input-file';
import { writeSurgeFiles } from './helpers/surge-file';

const DAY_MS = 86_400_000;
const START_MS = Date.UTC(2021, 0, 4);

function surgeFeed() {
  const files = writeSurgeFiles('acme-customs');
  return { files, feed: inputFeed(readInputFile({ file: files.csv, mapping: files.mapping, now: 8.64e15 - DAY_MS }), files.csv) };
}

/** Ingest's counts with `handled()` records of acme-customs handled (all counted as accepted). */
const statsOf = (handled: () => number) => (): IngestStats => ({ partners: { 'acme-customs': { accepted: handled(), updated: 0, duplicate: 0, rejected: {} } }, dedupeEntries: 0, batches: 0 });

async function collect(bus: ReturnType<typeof createMemoryBus>, into: BusMessage[]): Promise<void> {
  const subscription = await bus.subscribe({ groupId: 'reader', topics: [/^partner\./], fromBeginning: true, eachBatch: async (batch) => void into.push(...batch.messages) });
  onTestFinished(() => subscription.stop());
}

describe('input feed replay', () => {
  it('waits for ingest once it is the allowed days ahead: what it sends stays within days of what was handled', async () => {
    const { feed } = surgeFeed();
    const bus = createMemoryBus();
    onTestFinished(() => bus.close());
    const stop = new AbortController();
    const due: number[] = [];
    // Ingest handles nothing: the replay must stop after the first days of the file.
    const replay = feed.replay({
      bus, speed: 'max', signal: stop.signal, logger: silentLogger(), ingestStats: statsOf(() => 0), allowedLatenessDays: 14,
      onDue: (ms) => due.push(ms), onProgress: () => {},
    });
    await new Promise((r) => setTimeout(r, 500));
    stop.abort();
    const result = await replay;
    expect(result.aborted).toBe(true);
    expect(aheadMs(14)).toBe(3 * DAY_MS);
    // Sends of a day each, up to 3 days past the first (not yet handled) one, and no further.
    expect(due.length).toBeGreaterThan(1);
    expect(Math.max(...due)).toBeLessThan(START_MS + 5 * DAY_MS);
    expect(result.produced).toBeLessThan(20);
    expect(aheadMs(3)).toBe(DAY_MS);
    expect(aheadMs(1)).toBe(0);
  });

  it('sends every row in event-time order, rejected rows too, keyed by incident id', async () => {
    const { files, feed } = surgeFeed();
    const bus = createMemoryBus();
    onTestFinished(() => bus.close());
    const received: BusMessage[] = [];
    let sent = 0;
    const result = await feed.replay({
      bus, speed: 'max', signal: new AbortController().signal, logger: silentLogger(), ingestStats: statsOf(() => sent), allowedLatenessDays: 14,
      onDue: () => {}, onProgress: (p) => (sent = p.sent),
    });
    await collect(bus, received);
    await expect.poll(() => received.length).toBe(files.good + files.bad);
    expect(result).toMatchObject({ produced: files.good + files.bad, aborted: false });
    // Per partition the rows come in file order, which is event-time order here.
    for (let p = 0; p < 3; p++) {
      const ids = received.filter((m) => m.partition === p && m.key !== null).map((m) => Number(m.key!.toString().slice(1)));
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
    }
    expect(received.filter((m) => m.key !== null)).toHaveLength(files.good);
    expect(received.filter((m) => m.key === null).map((m) => m.value!.toString())).toEqual([expect.stringContaining('32/13/2021'), expect.stringContaining('Atlantis')]);
    expect(received.every((m) => m.headers['content-type'] === 'text/csv')).toBe(true);
  });

  it('paces the replay at the chosen days per second', async () => {
    const { files, feed } = surgeFeed();
    const bus = createMemoryBus();
    onTestFinished(() => bus.close());
    let sent = 0;
    // 126 days of event time at 63 days per second: at least 2 s (the last day starts after 125 days).
    const result = await feed.replay({
      bus, speed: 63, signal: new AbortController().signal, logger: silentLogger(), ingestStats: statsOf(() => sent), allowedLatenessDays: 14,
      onDue: () => {}, onProgress: (p) => (sent = p.sent),
    });
    expect(result.produced).toBe(files.good + files.bad);
    expect(result.elapsedMs).toBeGreaterThanOrEqual((125 / 63) * 1000 - 50);
  });
});
