import { describe, expect, it } from 'vitest';
import { chiSquareUpperTail, negBinomialUpperTail, normalUpperTail, poissonUpperTail } from '../../src/emergence';

// Reference values computed with R 4.x (options(digits = 15)).
describe('tail probabilities match R', () => {
  it('Poisson upper tail = ppois(x - 1, mean, lower.tail = FALSE)', () => {
    expect(poissonUpperTail(5, 0.2)).toBeCloseTo(2.25819055295782e-6, 17);
    expect(poissonUpperTail(30, 12.5) / 1.87741471818359e-5).toBeCloseTo(1, 10);
    expect(poissonUpperTail(5, 0.5) / 1.72115629955841e-4).toBeCloseTo(1, 10);
    expect(poissonUpperTail(0, 3)).toBe(1);
  });

  it('negative binomial upper tail = pnbinom(x - 1, size, mu = mean, lower.tail = FALSE)', () => {
    expect(negBinomialUpperTail(5, 0.2, 5) / 9.31097554934053e-6).toBeCloseTo(1, 10);
    expect(negBinomialUpperTail(30, 12.5, 3) / 3.8161697820918e-2).toBeCloseTo(1, 10);
    expect(negBinomialUpperTail(5, 0.5, 5) / 5.71552543402032e-4).toBeCloseTo(1, 10);
    expect(negBinomialUpperTail(10, 1.25, 5) / 4.60496896000001e-5).toBeCloseTo(1, 10);
  });

  it('a fractional count (down-weighted partner) interpolates: pbeta(1.2/6.2, 2.5, 5)', () => {
    expect(negBinomialUpperTail(2.5, 1.2, 5)).toBeCloseTo(0.216227486949894, 12);
    const lower = negBinomialUpperTail(2, 1.2, 5);
    const upper = negBinomialUpperTail(3, 1.2, 5);
    expect(negBinomialUpperTail(2.5, 1.2, 5)).toBeLessThan(lower);
    expect(negBinomialUpperTail(2.5, 1.2, 5)).toBeGreaterThan(upper);
  });

  it('normal and chi-square upper tails = pnorm / pchisq(lower.tail = FALSE)', () => {
    expect(normalUpperTail(2.5)).toBeCloseTo(6.20966532577613e-3, 15);
    expect(normalUpperTail(-1)).toBeCloseTo(0.841344746068543, 14);
    expect(chiSquareUpperTail(12.3, 3)).toBeCloseTo(6.42305757657794e-3, 15);
    expect(chiSquareUpperTail(150, 1) / 1.73364324571783e-34).toBeCloseTo(1, 10);
    expect(chiSquareUpperTail(43.75, 1) / 3.73116520822414e-11).toBeCloseTo(1, 9);
  });
});
