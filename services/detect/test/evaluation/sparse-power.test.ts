import { describe, expect, it } from 'vitest';
import { oraclePower } from '../../src/evaluation/sparse-power';
import type { TrendTruth } from '../../src/evaluation/ground-truth';

const trend = (id: string, perWeek: number, ratio: number | null): TrendTruth => ({
  id, kind: ratio === null ? 'new-route' : 'method-surge', dimension: { type: 'country_method', key: id, attributes: {} }, countries: [],
  start: '2026-03-02', end: '2026-05-31', multiplier: ratio, key_multiplier: ratio, key_baseline_per_day: perWeek / 7,
});

/** P(X >= c) for X ~ Poisson(mu), summed term by term. */
function tail(c: number, mu: number): number {
  let below = 0;
  let term = Math.exp(-mu);
  for (let k = 0; k < c; k++) {
    below += term;
    term *= mu / (k + 1);
  }
  return 1 - below;
}

describe('oracle power on sparse trends', () => {
  it('tests the first days once against the true rate: 3x on one a week over 31 days', () => {
    const result = oraclePower([trend('a', 1, 3), trend('route', 0, null)], { alpha: 0.01, days: 31, rampDays: 1 });
    const mu0 = 31 / 7;
    let c = 0;
    while (tail(c, mu0) > 0.01) c++;
    expect(c).toBe(11);
    expect(result.power['a']).toBeCloseTo(tail(c, 3 * mu0), 10);
    // New routes (no baseline) are first-seen's business, not part of the bound.
    expect(result.power['route']).toBeUndefined();
    expect(result.all).toBeCloseTo(result.power['a']!, 12);
    expect(result.expectedMisses).toBeCloseTo(1 - result.power['a']!, 12);
  });

  it('a ramp lowers the power, a busier key raises it, and the bound multiplies over trends', () => {
    const quick = oraclePower([trend('a', 1, 3)], { alpha: 0.01, days: 31, rampDays: 1 }).power['a']!;
    const slow = oraclePower([trend('a', 1, 3)], { alpha: 0.01, days: 31, rampDays: 10 }).power['a']!;
    const busy = oraclePower([trend('a', 4, 3)], { alpha: 0.01, days: 31, rampDays: 1 }).power['a']!;
    expect(slow).toBeLessThan(quick);
    expect(busy).toBeGreaterThan(0.999);
    const both = oraclePower([trend('a', 1, 3), trend('b', 4, 3)], { alpha: 0.01, days: 31, rampDays: 1 });
    expect(both.all).toBeCloseTo(quick * busy, 12);
  });
});
