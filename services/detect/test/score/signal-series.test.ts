// A signal carries its dimension's recent buckets: the counts of the key's ring and,
// per bucket, the row its detector computed when that bucket closed.
import type { Evidence, Signal } from '@tocsin/core';
import { describe, expect, it } from 'vitest';
import { PartitionScorer, type ObservationInput } from '../../src/score/partition-scorer';
import { SERIES_BUCKETS } from '../../src/score/signal-series';
import { signalsForBucket } from '../../src/score/signals';
import { testPlan } from '../plan';

const plan = testPlan();
const START = 20_089; // 2025-01-01
const DAY_MS = 86_400_000;

function obs(day: number, n: number): ObservationInput {
  const evidence: Evidence = {
    incident_id: `p:${day}-${n}`, partner: 'nl-police', country: 'NL', occurred_at: new Date(day * DAY_MS + 3_600_000).toISOString(),
    handling: { tlp: 'GREEN', source_reliability: 'A', information_credibility: '1' },
  };
  return { dimType: 'country', dimKey: 'NL', attributes: { country: 'NL' }, weight: 1, day, evidence };
}

/** Feeds `perDay[i]` observations on day START+i; returns the signals and every closed row of the key, by day. */
function feed(perDay: number[]): { signals: Signal[]; rows: Map<number, { expected: number | null; upperbound: number | null; alarm: boolean }> } {
  const scorer = new PartitionScorer(() => plan);
  const signals: Signal[] = [];
  const rows = new Map<number, { expected: number | null; upperbound: number | null; alarm: boolean }>();
  let offset = 0;
  for (let i = 0; i < perDay.length; i++) {
    for (let n = 0; n < perDay[i]!; n++) scorer.apply('country|NL', obs(START + i, n), offset++);
    for (const bucket of scorer.advance()) {
      for (const r of bucket.rows) rows.set(bucket.index, { expected: r.row.expected, upperbound: r.row.upperbound, alarm: r.row.alarm });
      signals.push(...signalsForBucket(bucket, { plan, source: 't', clock: () => 0, markDirty: (k) => scorer.markDirty(k), series: scorer }));
    }
  }
  return { signals, rows };
}

describe('signal series', () => {
  it('holds the last 56 days up to the signal, with the rows the detector computed live', () => {
    const baseline = [2, 3, 2, 1, 2, 3, 2, 2, 3, 2, 2, 3, 1, 2, 2, 3, 2, 2];
    const { signals, rows } = feed([...baseline, 15, 2, 2, 2, 2]);
    expect(signals).toHaveLength(1);
    const s = signals[0]!;
    const series = s.series!;
    const n = SERIES_BUCKETS.day;
    expect(series.detector).toBe('ears-c1');
    expect(series.granularity).toBe('day');
    expect(series.observed).toHaveLength(n);
    // Ends at the signal's bucket, starts n - 1 days before.
    expect(Date.parse(series.start)).toBe(Date.parse(s.bucket.start) - (n - 1) * DAY_MS);
    expect(series.observed.at(-1)).toBe(s.observed);
    expect(series.expected.at(-1)).toBeCloseTo(s.expected!, 3);
    expect(series.upperbound.at(-1)).toBeCloseTo(s.upperbound!, 3);
    expect(series.alarm.at(-1)).toBe(true);
    // The days before the key existed are zeros without a model; the baseline days are the counts fed.
    const first = n - 1 - baseline.length;
    expect(series.observed.slice(0, first).every((c) => c === 0)).toBe(true);
    expect(series.observed.slice(first, n - 1)).toEqual(baseline);
    // Each earlier bucket's expected value and bound equal what scoring that bucket gave.
    for (let i = first; i < n - 1; i++) {
      const day = START + (i - first);
      const live = rows.get(day);
      expect(series.expected[i], `day ${i}`).toBe(live?.expected == null ? null : Math.round(live.expected * 1e4) / 1e4);
      expect(series.upperbound[i]).toBe(live?.upperbound == null ? null : Math.round(live.upperbound * 1e4) / 1e4);
      expect(series.alarm[i]).toBe(live?.alarm ?? false);
    }
    expect(series.expected.some((e) => e !== null)).toBe(true);
  });

  it('is left out when the caller gives no series source (backtests)', () => {
    const scorer = new PartitionScorer(() => plan);
    let offset = 0;
    const signals: Signal[] = [];
    [2, 3, 2, 1, 2, 3, 2, 2, 3, 2, 15, 2, 2, 2].forEach((count, i) => {
      for (let n = 0; n < count; n++) scorer.apply('country|NL', obs(START + i, n), offset++);
      for (const bucket of scorer.advance()) signals.push(...signalsForBucket(bucket, { plan, source: 't', clock: () => 0, markDirty: () => {} }));
    });
    expect(signals).toHaveLength(1);
    expect(signals[0]!.series).toBeUndefined();
  });
});
