import { describe, expect, it } from 'vitest';
import { benjaminiHochberg, discoveries } from '../../src/ranking';

// Expected values computed with R 4.x: p.adjust(p, method = "BH"), options(digits = 17).
describe('benjaminiHochberg matches R p.adjust(method = "BH")', () => {
  it('ten unsorted p-values with ties', () => {
    const p = [0.01, 0.001, 0.05, 0.04, 0.2, 0.0001, 0.03, 0.5, 0.04, 0.9];
    const r = [
      0.0333333333333333329, 0.0050000000000000001, 0.0714285714285714385, 0.0666666666666666657, 0.25,
      0.001, 0.0666666666666666657, 0.5555555555555555802, 0.0666666666666666657, 0.9000000000000000222,
    ];
    benjaminiHochberg(p).forEach((q, i) => expect(q).toBeCloseTo(r[i]!, 15));
  });

  it('the textbook example (step-up monotonicity)', () => {
    const q = benjaminiHochberg([0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205]);
    const r = [0.008, 0.032, 0.0672, 0.0672, 0.0672, 0.08, 0.0845714285714285613, 0.205];
    q.forEach((v, i) => expect(v).toBeCloseTo(r[i]!, 15));
    expect(discoveries(q, 0.05)).toEqual([0, 1]);
  });

  it('with n larger than the p-values given: p.adjust(c(0.01, 0.02, 0.03), "BH", n = 10)', () => {
    benjaminiHochberg([0.01, 0.02, 0.03], 10).forEach((q) => expect(q).toBeCloseTo(0.1, 15));
  });

  it('leaves missing p-values out, like NA in R: p.adjust(c(0.3, NA, 0.01, 0.02), "BH")', () => {
    const q = benjaminiHochberg([0.3, null, 0.01, 0.02]);
    expect(q[1]).toBeNull();
    expect(q[0]).toBeCloseTo(0.3, 15);
    expect(q[2]).toBeCloseTo(0.03, 15);
    expect(q[3]).toBeCloseTo(0.03, 15);
  });

  it('rejects p-values outside [0, 1] and m below the count', () => {
    expect(() => benjaminiHochberg([0.2, 1.5])).toThrow(/index 1/);
    expect(() => benjaminiHochberg([0.1, 0.2], 1)).toThrow(/smaller/);
    expect(benjaminiHochberg([])).toEqual([]);
  });

  it('controls the false discovery rate: on 10,000 null p-values almost nothing is discovered', () => {
    let seed = 12345;
    const uniform = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const p = Array.from({ length: 10_000 }, uniform);
    const rawHits = p.filter((x) => x < 0.05).length;
    const bhHits = discoveries(benjaminiHochberg(p), 0.05).length;
    expect(rawHits).toBeGreaterThan(400);
    expect(bhHits).toBeLessThanOrEqual(2);
  });
});
