import type { Evidence } from '@tocsin/core';
import { describe, expect, it } from 'vitest';
import { KeyState } from '../../src/score/key-state';
import { PartitionScorer, type ObservationInput } from '../../src/score/partition-scorer';
import { signalsForBucket } from '../../src/score/signals';
import { testPlan } from '../plan';

const plan = testPlan();
const START = 20_089; // 2025-01-01

function obs(day: number, n: number, key = 'NL'): ObservationInput {
  const evidence: Evidence = {
    incident_id: `p:${day}-${n}`, partner: 'nl-police', country: 'NL', occurred_at: new Date(day * 86_400_000 + 3_600_000).toISOString(),
    handling: { tlp: 'GREEN', source_reliability: 'A', information_credibility: '1' },
  };
  return { dimType: 'country', dimKey: key, attributes: { country: key }, weight: 1, day, evidence };
}

/** Feeds `perDay[i]` observations on day START+i, advancing after each day; returns the signals. */
function feed(scorer: PartitionScorer, perDay: number[], offset = { value: 0 }) {
  const signals = [];
  for (let i = 0; i < perDay.length; i++) {
    for (let n = 0; n < perDay[i]!; n++) scorer.apply('country|NL', obs(START + i, n), offset.value++);
    for (const bucket of scorer.advance()) signals.push(...signalsForBucket(bucket, { plan, source: 't', clock: () => 0, markDirty: (k) => scorer.markDirty(k) }));
  }
  return signals;
}

describe('PartitionScorer', () => {
  it('closes a day only once the watermark (newest day minus lateness) has passed it', () => {
    const scorer = new PartitionScorer(() => plan);
    scorer.apply('country|NL', obs(START, 0), 0);
    expect(scorer.advance()).toEqual([]);
    scorer.apply('country|NL', obs(START + 2, 0), 1);
    expect(scorer.advance()).toEqual([]);
    scorer.apply('country|NL', obs(START + 3, 0), 2);
    const closed = scorer.advance();
    expect(closed.map((c) => c.index)).toEqual([START]);
    expect(scorer.closedThroughDay).toBe(START);
  });

  it('counts observations for a closed day as late instead of changing it', () => {
    const scorer = new PartitionScorer(() => plan);
    scorer.apply('country|NL', obs(START + 10, 0), 0);
    scorer.advance();
    expect(scorer.apply('country|NL', obs(START + 7, 0), 1)).toBe('late');
    expect(scorer.apply('country|NL', obs(START + 8, 0), 2)).toBe('applied');
    expect(scorer.stats.lateDropped).toBe(1);
    expect(scorer.keys.get('country|NL')!.days.get(START + 7)).toBe(0);
  });

  it('signals a surge once, with evidence, observed, bound and the config version', () => {
    const scorer = new PartitionScorer(() => plan);
    const baseline = [2, 3, 2, 1, 2, 3, 2, 2, 3, 2];
    const signals = feed(scorer, [...baseline, 15, 2, 2, 2, 2]);
    expect(signals).toHaveLength(1);
    const s = signals[0]!;
    expect(s.id).toBe(`ears-c1|country|NL|${new Date((START + 10) * 86_400_000).toISOString()}`);
    expect(s.observed).toBe(15);
    expect(s.upperbound).toBeLessThan(15);
    expect(s.evidence).toHaveLength(5);
    expect(s.evidence_total).toBe(15);
    expect(s.config_version).toBe('test-1');
    expect(s.p_value).toBeLessThan(0.001);
  });

  it('does not score a key younger than the detector window', () => {
    const scorer = new PartitionScorer(() => plan);
    expect(feed(scorer, [0, 0, 0, 0, 0, 20, 1, 1, 1, 1])).toEqual([]);
  });

  it('restores from its snapshot: replayed observations are skipped and emitted signals are not repeated', () => {
    const days = [2, 3, 2, 1, 2, 3, 2, 2, 3, 2, 15, 2, 2, 2, 2];
    const reference = new PartitionScorer(() => plan);
    const all = feed(reference, days);

    // Crash after day 12 was processed; the snapshot was written, the offsets of days 11-12 were not committed.
    const first = new PartitionScorer(() => plan);
    const offset = { value: 0 };
    const before = feed(first, days.slice(0, 13), offset);
    const snapshot = first.takeDirty().map((k) => JSON.parse(JSON.stringify(k.toRecord())));
    const restored = new PartitionScorer(() => plan);
    for (const record of snapshot) restored.restore('country|NL', KeyState.fromRecord(record));
    restored.finishRestore();
    // Redelivery from the last committed offset (start of day 11), then the rest.
    const replayFrom = days.slice(0, 11).reduce((a, b) => a + b, 0);
    const replayOffset = { value: replayFrom };
    const replayed: ReturnType<typeof feed> = [];
    for (let i = 11; i < days.length; i++) {
      for (let n = 0; n < days[i]!; n++) restored.apply('country|NL', obs(START + i, n), replayOffset.value++);
      for (const bucket of restored.advance()) replayed.push(...signalsForBucket(bucket, { plan, source: 't', clock: () => 0, markDirty: () => {} }));
    }
    expect(restored.stats.replayedSkipped).toBe(days[11]! + days[12]!);
    expect([...before, ...replayed].map((s) => s.id)).toEqual(all.map((s) => s.id));
    expect(restored.keys.get('country|NL')!.days.window(START + 14, 15, [])).toEqual(days);
  });
});
