import { createMemoryBus, silentLogger } from '@tocsin/core';
import { describe, expect, it } from 'vitest';
import { RecentIncidents } from '../../src/tuning/recent-incidents';

const record = (day: string, id: number): Buffer => Buffer.from(JSON.stringify({ type: 'incident', incident: { id: `i-${id}`, occurred_at: `${day}T12:00:00Z`, note: 'x'.repeat(900) } }));

function recent(limits: { days: number; maxBytes: number }): RecentIncidents {
  return new RecentIncidents({ bus: createMemoryBus(), topic: 'incidents.v1', logger: silentLogger(), limits });
}

describe('the recent incidents a dry run replays', () => {
  it('keeps the last `days` event days counted back from the newest incident, oldest first', () => {
    const r = recent({ days: 10, maxBytes: 1 << 20 });
    r.add(record('2026-03-01', 1));
    r.add(record('2026-03-20', 2));
    r.add(record('2026-03-12', 3));
    r.add(record('2026-03-05', 4)); // older than 10 days before the newest: not kept
    r.add(Buffer.from('not json'));
    const w = r.window();
    expect(w.events.map((e) => (e.incident as { id: string }).id)).toEqual(['i-3', 'i-2']);
    expect(r.stats()).toMatchObject({ incidents: 2, fromDay: '2026-03-12', toDay: '2026-03-20' });
  });

  it('keeps at most maxBytes, dropping the earliest arrived, and counts what it dropped', () => {
    const one = record('2026-03-01', 0).length;
    const r = recent({ days: 60, maxBytes: 3 * one });
    for (let i = 0; i < 5; i++) r.add(record('2026-03-01', i));
    expect(r.stats()).toMatchObject({ incidents: 3, bytes: 3 * one, droppedForBytes: 2 });
    expect(r.window().events.map((e) => (e.incident as { id: string }).id)).toEqual(['i-2', 'i-3', 'i-4']);
  });

  it('keeps each record in memory of its own, not a slice of a shared block it would pin', () => {
    const r = recent({ days: 60, maxBytes: 1 << 20 });
    // The bus hands out slices of larger blocks; a small Buffer.from() copy would be a slice of Node's 8 KiB pool.
    const block = Buffer.concat([record('2026-03-01', 1), record('2026-03-02', 2)]);
    const first = block.subarray(0, record('2026-03-01', 1).length);
    r.add(first);
    block.fill(0); // the bus reusing its block does not change what was kept
    const kept = (r as unknown as { entries: Array<{ bytes: Buffer }> }).entries[0]!.bytes;
    expect(kept.buffer.byteLength).toBe(kept.length);
    expect(r.window().events.map((e) => (e.incident as { id: string }).id)).toEqual(['i-1']);
  });
});
