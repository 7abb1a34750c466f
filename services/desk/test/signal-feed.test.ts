import { describe, expect, it, onTestFinished } from 'vitest';
import { createMemoryBus, encodeEvent, silentLogger, TOPICS, type Signal } from '@tocsin/core';
import { createSignalFeed } from '../src/index';

function signal(id: string, rank: number): Signal {
  return {
    id, type: 'signal', schema_version: 1, produced_at: '2026-11-02T00:00:00.000Z', source: 'detect/test',
    detector: { id: 'ears-c2', version: '1', kind: 'count' },
    dimension: { type: 'country', key: 'NL', attributes: { country: 'NL' } },
    bucket: { granularity: 'day', start: '2026-11-01T00:00:00.000Z', end: '2026-11-02T00:00:00.000Z' },
    observed: 12, severity: 'high', rank_score: rank, countries: ['NL'], partners: [], evidence: [], evidence_total: 0, config_version: 'v1',
  };
}

describe('signal feed', () => {
  it('keeps the latest copy of each signal, skips invalid records, and is bounded', async () => {
    const bus = createMemoryBus();
    onTestFinished(() => bus.close());
    const feed = createSignalFeed({ bus, groupId: 'desk-test', logger: silentLogger(), keep: 3 });
    await feed.start();
    onTestFinished(() => feed.stop());
    const producer = await bus.producer();
    await producer.send([{ topic: TOPICS.signals.name, messages: [
      { key: 'k', value: encodeEvent(signal('a', 1)) },
      { key: 'k', value: encodeEvent(signal('a', 2)) },
      { key: 'k', value: 'not json' },
      { key: 'k', value: encodeEvent({ ...signal('bad', 1), severity: 'purple' }) },
      ...['b', 'c', 'd'].map((id) => ({ key: 'k', value: encodeEvent(signal(id, 1)) })),
    ] }]);
    const until = Date.now() + 3000;
    while (feed.stats().received < 7 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    expect(feed.stats()).toEqual({ received: 7, invalid: 2, kept: 3 });
    expect(feed.recentSignals(10).map((s) => s.id)).toEqual(['d', 'c', 'b']);
  });
});
