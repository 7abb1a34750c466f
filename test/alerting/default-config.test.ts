// The default detector configuration and the alert lifecycle together: what a
// watch desk gets from a simulated stretch with injected trends. The signals of
// a backtest go through the alert service's own lifecycle (replayAlerts).
import { DEFAULT_LIFECYCLE, replayAlerts } from '@tocsin/alert';
import { loadPlan } from '@tocsin/detect';
import { createScenario } from '@tocsin/simulator';
import { describe, expect, it } from 'vitest';
import { backtest } from '../../services/detect/src/evaluation/backtest';
import { alertLoad, scoreAlertsOnTruth } from '../../services/detect/src/evaluation/alert-truth';
import type { EmergenceTrendTruth } from '../../services/detect/src/evaluation/emergence-truth';

describe('alerts from the default configuration', () => {
  it('are few per simulated week, never flap, and announce every strong surge within two weeks', { timeout: 300_000 }, () => {
    const days = 400;
    const scenario = createScenario({ seed: 7, start: '2025-01-01', days, extraSurges: 20 });
    const run = backtest(scenario.incidents(), loadPlan(), { clock: () => 0 });
    const replayed = replayAlerts(run.signals, DEFAULT_LIFECYCLE);
    const load = alertLoad(replayed.revisions, Date.parse('2025-01-01T00:00:00Z'), days, DEFAULT_LIFECYCLE.resolveAfterBuckets);
    // Issue 7: at most 15 alerts opened per simulated week (median), none flapping: none opened again
    // within N buckets of resolving, and none changing state 4 times within 12 buckets.
    expect(load.perWeekMedian).toBeLessThanOrEqual(15);
    expect(load.flaps).toBe(0);
    expect(load.markedFlapping).toBe(0);
    const trends = scenario.groundTruth as unknown as EmergenceTrendTruth[];
    const strongSurges = trends.filter((t) => t.kind === 'method-surge' && t.multiplier !== null && t.multiplier >= 3).map((t) => t.id);
    expect(strongSurges.length).toBeGreaterThanOrEqual(10);
    const late = scoreAlertsOnTruth(replayed.revisions, trends).filter((s) => strongSurges.includes(s.trend) && !s.inTime);
    expect(late).toEqual([]);
  });
});
