import { describe, expect, it } from 'vitest';
import { alphaForBudget, binomialUpperTail, KeyDayCounts, poissonUpperTail, realisedOracle } from '../../src/evaluation/realised-oracle';

// Reference values computed exactly (50-digit decimal sums for Poisson, rational sums for
// the binomial), independently of the code under test; the binomial goes through the
// incomplete beta's continued fraction, good to about 1e-13.
describe('exact tails', () => {
  it('Poisson upper tail P(X >= x)', () => {
    expect(poissonUpperTail(20, 10)).toBeCloseTo(0.0034543419758568077, 15); // R: ppois(19, 10, lower.tail = FALSE)
    expect(poissonUpperTail(11, 31 / 7)).toBeCloseTo(0.0059559672335391326, 15);
    expect(poissonUpperTail(12, 31 / 7)).toBeCloseTo(0.0021150023212932919, 15);
    expect(poissonUpperTail(3, 0.5)).toBeCloseTo(0.014387677966970687, 15);
    expect(poissonUpperTail(1, 2)).toBeCloseTo(1 - Math.exp(-2), 15);
    expect(poissonUpperTail(0, 2)).toBe(1);
  });

  it('binomial upper tail P(X >= x)', () => {
    expect(binomialUpperTail(3, 4, 0.5)).toBeCloseTo(5 / 16, 13);
    expect(binomialUpperTail(9, 30, 31 / 213)).toBeCloseTo(0.023231539116082688, 13);
    expect(binomialUpperTail(6, 10, 1 / 7)).toBeCloseTo(0.0010611938605636915, 13);
    expect(binomialUpperTail(5, 5, 0.3)).toBeCloseTo(0.3 ** 5, 13);
    expect(binomialUpperTail(0, 5, 0.3)).toBe(1);
    expect(binomialUpperTail(6, 5, 0.3)).toBe(0);
  });
});

describe('the realised oracle', () => {
  it('spends one false alarm per key-year on a weekly test: 7/365', () => {
    expect(alphaForBudget(1, 7)).toBeCloseTo(0.019178082191780823, 15);
  });

  it('tests the observed count once against the true rate and against the pre-trend count', () => {
    const alpha = alphaForBudget(1, 7);
    const [weak, strong, noPast] = realisedOracle([
      // 3x on one a week expected (13.3 in 31 days), but only 9 drawn after 20 in 26 weeks.
      { id: 'weak', observed: 9, expected: 31 / 7, before: 21, beforeDays: 182 },
      { id: 'strong', observed: 12, expected: 31 / 7, before: 26, beforeDays: 182 },
      { id: 'no-past', observed: 12, expected: 31 / 7, before: 0, beforeDays: 0 },
    ], { days: 31, alpha });
    expect(weak!.pTrue).toBeCloseTo(poissonUpperTail(9, 31 / 7), 15);
    expect(weak!.pTrue).toBeGreaterThan(alpha);
    expect(weak!.detectable).toBe(false);
    expect(weak!.ratio).toBeCloseTo(9 / (31 / 7), 12);
    // n = 30, p = 31 / 213: the reference value above.
    expect(weak!.pBefore).toBeCloseTo(0.023231539116082688, 13);
    expect(weak!.detectableOnBefore).toBe(false);
    expect(strong!.pTrue).toBeCloseTo(0.0021150023212932919, 15);
    expect(strong!.detectable).toBe(true);
    expect(strong!.pBefore).toBeCloseTo(binomialUpperTail(12, 38, 31 / 213), 15);
    // Without a past the pre-trend test has nothing to compare with.
    expect(noPast!.pBefore).toBe(1);
    expect(noPast!.detectableOnBefore).toBe(false);
  });
});

describe('KeyDayCounts', () => {
  it('sums the chosen keys over inclusive day ranges, retractions included, and ignores the rest', () => {
    const counts = new KeyDayCounts([{ type: 'country_method', key: 'FR|concealment.vehicle' }]);
    counts.add('country_method', 'FR|concealment.vehicle', 100, 1);
    counts.add('country_method', 'FR|concealment.vehicle', 100, 1);
    counts.add('country_method', 'FR|concealment.vehicle', 130, 1);
    counts.add('country_method', 'FR|concealment.vehicle', 131, 1);
    counts.add('country_method', 'FR|concealment.vehicle', 105, -1);
    counts.add('country', 'FR', 100, 1);
    expect(counts.sum('country_method', 'FR|concealment.vehicle', 100, 130)).toBe(2);
    expect(counts.sum('country_method', 'FR|concealment.vehicle', 101, 131)).toBe(1);
    expect(() => counts.sum('country', 'FR', 0, 200)).toThrow(/not chosen/);
  });
});
