// Options for sparse benchmarks: random new routes from nothing, surges only on series
// big enough to show them.
import { describe, expect, it } from 'vitest';
import { createScenario } from '../src';

const routeKey = (i: { route: { origin: string; transit?: readonly string[]; destination: string }; modality: string }): string =>
  `${[i.route.origin, ...(i.route.transit ?? []), i.route.destination].join('>')}|${i.modality}`;

describe('sparse scenario options', () => {
  const scenario = createScenario({ seed: 3, start: '2025-01-01', days: 200, ratePerDay: 15, trends: 'none', extraSurges: 10, surgeMinBaselinePerWeek: 1, extraNewRoutes: 4, newRoutePerWeek: [2, 4] });

  it('adds new routes that no incident used before their onset, at about the stated weekly rate', () => {
    const routes = scenario.groundTruth.filter((t) => t.kind === 'new-route');
    expect(routes).toHaveLength(4);
    const seen = new Map<string, { first: string; count: number }>();
    for (const i of scenario.incidents()) {
      const key = routeKey(i);
      const s = seen.get(key);
      if (!s) seen.set(key, { first: i.occurred_at.slice(0, 10), count: 1 });
      else s.count++;
    }
    for (const t of routes) {
      expect(t.multiplier).toBeNull();
      const s = seen.get(t.dimension.key);
      expect(s, t.id).toBeDefined();
      expect(s!.first >= t.start).toBe(true);
      const weeks = (Date.parse(t.end) - Date.parse(t.start)) / 6048e5 + 1 / 7;
      expect(s!.count / weeks).toBeGreaterThan(0.8);
      expect(s!.count / weeks).toBeLessThan(6);
    }
  });

  it('puts surges only on series of at least the stated baseline', () => {
    const surges = scenario.groundTruth.filter((t) => t.kind === 'method-surge');
    expect(surges.length).toBeGreaterThan(0);
    for (const t of surges) expect(t.baseline_per_day * 7).toBeGreaterThanOrEqual(1);
    const unfiltered = createScenario({ seed: 3, start: '2025-01-01', days: 200, ratePerDay: 15, trends: 'none', extraSurges: 10 });
    expect(unfiltered.groundTruth.some((t) => t.baseline_per_day * 7 < 1)).toBe(true);
  });

  it('rejects out-of-range options', () => {
    expect(() => createScenario({ seed: 1, start: '2025-01-01', days: 10, extraNewRoutes: 99 })).toThrow(/extraNewRoutes/);
    expect(() => createScenario({ seed: 1, start: '2025-01-01', days: 10, newRoutePerWeek: [3, 1] })).toThrow(/newRoutePerWeek/);
    expect(() => createScenario({ seed: 1, start: '2025-01-01', days: 10, surgeMinBaselinePerWeek: -1 })).toThrow(/surgeMinBaselinePerWeek/);
  });
});
