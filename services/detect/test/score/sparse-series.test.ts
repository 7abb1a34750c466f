// Sparse series in the service (issue 8 item 4): the window scan (the default) and the GLR
// chart run over their last chart_periods weeks against a baseline refitted every week, young keys are scored on
// their real history, a degenerate baseline falls back to the stated rule and says so.
import type { CountDetectorSetting, Evidence, Signal } from '@tocsin/core';
import { describe, expect, it } from 'vitest';
import { firstDayOfWeek } from '../../src/buckets';
import { PartitionScorer, type ObservationInput, type ScoredRow } from '../../src/score/partition-scorer';
import { signalsForBucket } from '../../src/score/signals';
import { testPlan } from '../plan';

const MONDAY = 20_094; // 2025-01-06
const GLR: CountDetectorSetting = {
  detector: 'glr-nb', granularity: 'week', history: 30, chart_periods: 6, min_history: 14, min_observed: 1, min_ratio: 1.5,
  params: { 'c.ARL': 6, 'mu0.S': 0, fallback: 'poisson' },
};

const SCAN: CountDetectorSetting = {
  detector: 'window-scan', granularity: 'week', history: 30, chart_periods: 4, min_history: 8, max_baseline_mean: 10, min_observed: 1, min_ratio: 1.5,
  params: { alpha: 0.002, M: 4 },
};

function planWith(setting: CountDetectorSetting) {
  return testPlan({ buckets: { granularities: ['week'], allowed_lateness_days: 2, min_history_days: 0 }, count_detectors: [setting] });
}

function obs(day: number, n: number, key = 'NL'): ObservationInput {
  const evidence: Evidence = {
    incident_id: `p:${key}:${day}-${n}`, partner: 'nl-police', country: key, occurred_at: new Date(day * 86_400_000 + 3_600_000).toISOString(),
    handling: { tlp: 'GREEN', source_reliability: 'A', information_credibility: '1' },
  };
  return { dimType: 'country', dimKey: key, attributes: { country: key }, weight: 1, day, evidence };
}

/** Weekly counts on Mondays from MONDAY; returns every GLR row of the key and the signals. */
function run(setting: CountDetectorSetting, perWeek: number[], onNote?: (note: string) => void) {
  const plan = planWith(setting);
  const scorer = new PartitionScorer(() => plan, () => {}, 'own', onNote ? (note) => onNote(note) : undefined);
  const rows: Array<{ week: number; row: ScoredRow['row'] }> = [];
  const signals: Signal[] = [];
  let offset = 0;
  const close = () => {
    for (const bucket of scorer.advance()) {
      for (const r of bucket.rows) if (r.key.dimKey === 'NL') rows.push({ week: (firstDayOfWeek(r.bucket.index) - MONDAY) / 7, row: r.row });
      signals.push(...signalsForBucket(bucket, { plan, source: 't', clock: () => 0, markDirty: (k) => scorer.markDirty(k) }));
    }
  };
  perWeek.forEach((n, w) => {
    for (let i = 0; i < n; i++) scorer.apply('country|NL', obs(MONDAY + 7 * w, i), offset++);
    close();
  });
  // Time moves on (another key) so the last weeks close.
  scorer.apply('country|XX', obs(MONDAY + 7 * (perWeek.length + 2), 0, 'XX'), offset++);
  close();
  return { rows, signals, scorer };
}

// One incident a week or so for 20 weeks, then four a week.
const quiet = [1, 0, 2, 1, 1, 0, 1, 2, 0, 1, 1, 1, 0, 2, 1, 1, 0, 1, 1, 1];
const surge = [4, 3, 4, 4];

describe('sparse series in the score stage', () => {
  /**
   * The detector flags the surge within its 4 weeks, as a sequential decision (no BH q-value:
   * the bucket's single-period p is large), never in the quiet weeks, and scores the young key
   * from week `firstScored` on (its min_history).
   */
  function expectSurgeFlagged(setting: CountDetectorSetting, firstScored: number): void {
    const { signals, rows } = run(setting, [...quiet, ...surge]);
    const mine = signals.filter((s) => s.detector.id === setting.detector);
    expect(mine.length).toBeGreaterThan(0);
    const firstWeek = Math.min(...rows.filter((r) => r.row.alarm).map((r) => r.week));
    expect(firstWeek).toBeGreaterThanOrEqual(quiet.length);
    expect(firstWeek).toBeLessThan(quiet.length + surge.length);
    expect(mine[0]!.q_value ?? null).toBeNull();
    expect(rows.filter((r) => r.week < quiet.length).every((r) => !r.row.alarm)).toBe(true);
    expect(Math.min(...rows.map((r) => r.week))).toBe(firstScored);
  }

  it('a chart over the last weeks flags a 4x rise on a one-a-week key within 4 weeks', () => {
    expectSurgeFlagged(GLR, 13);
  });

  it('the window scan (the default) flags the same rise within 4 weeks, and is scored from 8 real weeks on', () => {
    expectSurgeFlagged(SCAN, 7);
  });

  it('the same chart on the scored week alone (chart_periods 1, as before) misses it', () => {
    const { signals } = run({ ...GLR, chart_periods: 1 }, [...quiet, ...surge]);
    expect(signals.filter((s) => s.detector.id === 'glr-nb')).toEqual([]);
  });

  it('an all-zero baseline falls back to the stated Poisson rule and says so: one event is no alarm, two in a week are', () => {
    const notes: string[] = [];
    const silence = [1, ...new Array<number>(40).fill(0)];
    const one = run(GLR, [...silence, 1]);
    expect(one.rows.at(-1)!.row.note).toMatch(/all zeros/);
    expect(one.rows.some((r) => r.row.alarm)).toBe(false);
    const { rows, scorer } = run(GLR, [...silence, 2], (note) => notes.push(note));
    const last = rows.at(-1)!;
    expect(last.row.note).toMatch(/all zeros/);
    expect(last.row.expected).toBeCloseTo(0.5 / 24, 9);
    expect(last.row.alarm).toBe(true);
    expect(notes.length).toBeGreaterThan(0);
    expect(scorer.stats.detectorFallbacks).toBe(notes.length);
  });

  it('the scale gate keeps the chart off busy series', () => {
    const busy = new Array<number>(20).fill(30);
    const gated = run({ ...GLR, max_baseline_mean: 10 }, [...busy, 90, 90]);
    expect(gated.rows).toEqual([]);
    const open = run(GLR, [...busy, 90, 90]);
    expect(open.rows.length).toBeGreaterThan(0);
  });
});

describe('sparse settings in the configuration', () => {
  it('rejects a chart over several periods for a one-period detector, and windows that leave no baseline', () => {
    const ears: CountDetectorSetting = { detector: 'ears-c1', granularity: 'week', history: 13, chart_periods: 4, params: {} };
    expect(() => planWith(ears)).toThrow(/chart_periods: only the sequential charts/);
    expect(() => planWith({ ...GLR, chart_periods: 29 })).toThrow(/fewer than 2 baseline periods/);
    expect(() => planWith({ ...GLR, min_history: 31 })).toThrow(/min_history: 31 is more than history/);
    expect(() => planWith({ ...GLR, min_history: 7 })).toThrow(/min_history: 7 leaves fewer than 2 baseline periods/);
    expect(() => planWith({ ...ears, chart_periods: 1, min_history: 8 })).toThrow(/only the sequential charts run on shorter windows/);
  });

  it('the default configuration runs the window scan on sparse weekly series, over a rolling baseline', async () => {
    const { loadPlan } = await import('../../src/config');
    const scan = loadPlan().detectorsFor('route', 'EC>GW>PT|sea', 'week').find((d) => d.detector.id === 'window-scan')!;
    expect(scan.sequential).toBe(true);
    expect(scan.chartPeriods).toBe(scan.params['M']);
    expect(scan.minHistory).toBeLessThan(scan.history);
    expect(scan.maxBaselineMean).toBe(4);
    // No fixed count floor: a count of 1 can be part of a signal.
    for (const d of loadPlan().detectorsFor('route', 'EC>GW>PT|sea', 'week')) expect(d.minObserved).toBe(1);
  });
});
