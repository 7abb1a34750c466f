// Acceptance on simulator data with ground truth: a simulated year and more (about
// 143,000 incidents, 546 keys), the default configuration. Every injected trend of at
// least 3x on its own key (the simulator's expected key-level ratio) must be flagged on its own key within 2 buckets of its start
// by one of the configured detectors, and false alarms stay under the stated rates.
import { createScenario } from '@tocsin/simulator';
import { describe, expect, it } from 'vitest';
import { loadPlan } from '../../src/config';
import { backtest } from '../../src/evaluation/backtest';
import { atLeastOnKey, evaluate, keyYearsOf, type TrendTruth } from '../../src/evaluation/ground-truth';

/** Stated false alarm budgets, per key-year and detector (see docs/detect.md "Detection quality"). */
const MAX_FALSE_ALARMS_PER_KEY_YEAR = { day: 3, week: 0.5 } as const;

describe('detection against simulator ground truth', () => {
  it('flags every trend of >= 3x baseline within 2 buckets, under the stated false alarm rates', { timeout: 300_000 }, () => {
    const plan = loadPlan();
    const scenario = createScenario({ seed: 7, start: '2025-01-01', days: 400, extraSurges: 20 });
    const run = backtest(scenario.incidents(), plan, { clock: () => 0 });
    const trends = scenario.groundTruth as unknown as TrendTruth[];
    const strong = trends.filter(atLeastOnKey(3));
    expect(run.incidents).toBeGreaterThan(100_000);
    expect(run.scoredKeys.size).toBeGreaterThan(400);
    expect(strong.length).toBeGreaterThanOrEqual(10);

    const detectors = plan.config.count_detectors.filter((d) => d.enabled !== false).map((d) => ({ id: d.detector, granularity: d.granularity }));
    const rows = evaluate(run.signals, trends, detectors, { include: (t) => strong.includes(t), maxDelayBuckets: 2, keyYears: keyYearsOf(run.scoredKeys) });
    const missed = strong.filter((t) => !rows.some((r) => r.delays[t.id] !== null && r.delays[t.id]! <= 2)).map((t) => t.id);
    expect(missed).toEqual([]);
    for (const row of rows) {
      expect.soft(row.falseAlarmsPerKeyYear, `${row.detector}/${row.granularity}`).toBeLessThanOrEqual(MAX_FALSE_ALARMS_PER_KEY_YEAR[row.granularity]);
    }
    // The weekly EARS C2 alone catches nearly all: the desk's workhorse (all 15 while TLP:RED
    // incidents, 4% of the simulator's, were counted; since they no longer enter detection —
    // issue 9 — a miss is possible, which the other detectors must catch: \`missed\` above).
    expect(rows.find((r) => r.detector === 'ears-c2' && r.granularity === 'week')!.detectionRate).toBeGreaterThanOrEqual(0.9);
  });
});
