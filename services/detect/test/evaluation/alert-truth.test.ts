import { describe, expect, it } from 'vitest';
import { alertLoad, scoreAlertsOnTruth, type AlertRevisionLike } from '../../src/evaluation/alert-truth';
import type { EmergenceTrendTruth } from '../../src/evaluation/emergence-truth';

const DAY = 86_400_000;
const T0 = Date.parse('2026-01-05T00:00:00Z'); // a Monday
const surgeKey = { type: 'country_method', key: 'BE|method:concealment.rip-on-rip-off', attributes: { country: 'BE', method: 'concealment.rip-on-rip-off' } };

function rev(alert: string, reason: string, day: number, extra: Partial<AlertRevisionLike> = {}): AlertRevisionLike {
  return { alert_id: alert, reason, event_time: T0 + day * DAY, kind: 'count', granularity: 'day', dimension: surgeKey, countries: ['BE'], terms: [], ...extra };
}

describe('alert load and alerts against ground truth', () => {
  it('counts episodes opened per simulated week and reopenings within N buckets of a resolution as flaps', () => {
    // a reopens 1 day after resolving (a flap with N = 2), then 4 days after (not one); the engine marked c flapping.
    const revisions = [rev('a', 'opened', 0), rev('a', 'resolved', 3), rev('a', 'reopened', 4), rev('b', 'opened', 1), rev('b', 'detectors', 2), rev('a', 'resolved', 8), rev('a', 'reopened', 12), rev('c', 'opened', 20, { flapping: true })];
    expect(alertLoad(revisions, T0, 21, 2)).toEqual({ alerts: 3, episodes: 5, perWeekMedian: 1, perWeekP95: 3, flaps: 1, markedFlapping: 1, revisions: 8 });
    // The N-th bucket after the resolution is outside "within N": a reopening on day 5 after a resolution on day 3.
    expect(alertLoad([rev('a', 'opened', 0), rev('a', 'resolved', 3), rev('a', 'reopened', 5)], T0, 7, 2).flaps).toBe(0);
  });

  it('finds the first announcement of a matching alert and judges it against the bound of the trend kind', () => {
    const trend = { id: 'surge', kind: 'method-surge', dimension: surgeKey, countries: ['BE'], start: '2026-01-07', end: '2026-02-07', multiplier: 3, key_multiplier: 3, key_baseline_per_day: 1 } as EmergenceTrendTruth;
    const other = { ...surgeKey, key: 'NL|method:concealment.rip-on-rip-off', attributes: { country: 'NL', method: 'concealment.rip-on-rip-off' } };
    const [hit] = scoreAlertsOnTruth([rev('x', 'opened', 3, { dimension: other }), rev('b', 'opened', 40), rev('a', 'severity', 12), rev('a', 'resolved', 13)], [trend]);
    expect(hit).toMatchObject({ trend: 'surge', delayDays: 10, boundDays: 14, inTime: true });
    const [late] = scoreAlertsOnTruth([rev('a', 'opened', 20)], [trend]);
    expect(late).toMatchObject({ delayDays: 18, inTime: false });
    expect(scoreAlertsOnTruth([], [trend])[0]).toMatchObject({ delayDays: null, inTime: false, via: null });
  });
});
