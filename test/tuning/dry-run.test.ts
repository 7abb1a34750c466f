// Dry runs compare two configurations on the same incidents through detect's scoring and
// the alert lifecycle: an effect-size floor lowered from 3x to 1.5x makes a 2.5x surge an
// alert that appears, and only the subscriber whose filters take it gains it.
import { describe, expect, it } from 'vitest';
import type { IncidentEvent, WebhookSubscription } from '@tocsin/core';
import { buildPlan } from '@tocsin/detect';
import { detectScoring } from '../../services/cli/src/detector-scoring';
import { DEFAULT_LIFECYCLE } from '../../services/alert/src/config';
import { loadRegions } from '../../services/alert/src/regions';
import { dryRun } from '../../services/alert/src/tuning/dry-run';
import { DAY_MS, floorConfig as config, incident, START } from './fixtures';

const subscription = (id: string, agency: string, country: string, countries: string[]): WebhookSubscription =>
  ({ id, agency, agency_country: country, filters: { countries }, status: 'active' }) as unknown as WebhookSubscription;

describe('dryRun', () => {
  it('reports the alerts a lowered threshold adds and the subscribers it would reach', () => {
    const events: IncidentEvent[] = [];
    // NL: 4 a day, then 10 on day 30 (2.5x); FR: 4 a day throughout.
    for (let day = 0; day < 34; day++) {
      for (let i = 0; i < (day === 30 ? 10 : 4); i++) events.push(incident(day, 'NL'));
      for (let i = 0; i < 4; i++) events.push(incident(day, 'FR'));
    }
    const subscriptions = [subscription('sub_nl', 'nl-police', 'NL', ['NL']), subscription('sub_fr', 'fr-ocrtis', 'FR', ['FR'])];
    const result = dryRun({
      events, window: { fromDay: START / DAY_MS, toDay: START / DAY_MS + 33, days: 60 },
      current: buildPlan(config('strict', 3)), candidate: buildPlan(config('loose', 1.5)),
      lifecycle: DEFAULT_LIFECYCLE, scoring: detectScoring, subscriptions, regions: loadRegions(),
    });
    expect(result.window).toMatchObject({ from: '2025-01-01', to: '2025-02-03', incidents: events.length });
    expect(result.current).toMatchObject({ version: 'strict', signals: 0, alerts: 0 });
    expect(result.candidate.version).toBe('loose');
    expect(result.candidate.signals).toBeGreaterThan(0);
    expect(result.counts).toEqual({ appear: 1, disappear: 0, change: 0, same: 0 });
    expect(result.appear[0]).toMatchObject({ dimension: { type: 'country', key: 'NL' }, detectors: ['ears-c1'], subscribers: ['sub_nl'] });
    expect(result.subscribers).toEqual([{ subscription_id: 'sub_nl', agency: 'nl-police', gained: [result.appear[0]!.id], lost: [] }]);

    // The reverse comparison: the same alert disappears, and the subscriber loses it.
    const back = dryRun({
      events, window: { fromDay: null, toDay: null, days: 60 },
      current: buildPlan(config('loose', 1.5)), candidate: buildPlan(config('strict', 3)),
      lifecycle: DEFAULT_LIFECYCLE, scoring: detectScoring, subscriptions, regions: loadRegions(),
    });
    expect(back.counts).toEqual({ appear: 0, disappear: 1, change: 0, same: 0 });
    expect(back.subscribers).toEqual([{ subscription_id: 'sub_nl', agency: 'nl-police', gained: [], lost: [result.appear[0]!.id] }]);
  });

  it('finds nothing to report when the candidate scores as the current one does', () => {
    const events: IncidentEvent[] = [];
    for (let day = 0; day < 20; day++) for (let i = 0; i < (day === 15 ? 30 : 3); i++) events.push(incident(day, 'NL'));
    const result = dryRun({
      events, window: { fromDay: null, toDay: null, days: 60 },
      current: buildPlan(config('a', 3)), candidate: buildPlan(config('b', 3)),
      lifecycle: DEFAULT_LIFECYCLE, scoring: detectScoring, subscriptions: [], regions: loadRegions(),
    });
    expect(result.current.alerts).toBeGreaterThan(0);
    expect(result.counts).toMatchObject({ appear: 0, disappear: 0, change: 0, same: result.current.alerts });
    expect(result.subscribers).toEqual([]);
  });
});
