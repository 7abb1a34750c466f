import { describe, expect, it } from 'vitest';
import { createScenario } from '../src/index';
import { LATE_MIN_DELAY_DAYS, ON_TIME_MAX_DELAY_DAYS } from '../src/incident-factory';

const delayDays = (i: { occurred_at: string; reported_at: string }) => (Date.parse(i.reported_at) - Date.parse(i.occurred_at)) / 86_400_000;

describe('reporting delays', () => {
  it('sends nothing later than the allowed lateness unless lateness is injected, and says how much it injects', () => {
    const none = createScenario({ seed: 5, start: '2025-01-01', days: 60, lateReportShare: 0 });
    const delays = [...none.incidents()].map(delayDays);
    expect(Math.max(...delays)).toBeLessThanOrEqual(ON_TIME_MAX_DELAY_DAYS);

    const some = createScenario({ seed: 5, start: '2025-01-01', days: 60, lateReportShare: 0.01 });
    const incidents = [...some.incidents()];
    const late = incidents.filter((i) => delayDays(i) > ON_TIME_MAX_DELAY_DAYS);
    expect(late.every((i) => delayDays(i) >= LATE_MIN_DELAY_DAYS)).toBe(true);
    expect(late.length / incidents.length).toBeGreaterThan(0.005);
    expect(late.length / incidents.length).toBeLessThan(0.02);
    expect(some.options.lateReportShare).toBe(0.01);
    expect(createScenario({ seed: 5, start: '2025-01-01', days: 1 }).options.lateReportShare).toBe(0.002);
  });
});
