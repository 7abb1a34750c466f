import { describe, expect, it } from 'vitest';
import { Rng } from '../src/prng';

const draw = (rng: Rng, n: number): number[] => Array.from({ length: n }, () => rng.nextUint32());

describe('Rng', () => {
  it('repeats the same sequence for the same seed and labels', () => {
    expect(draw(new Rng(42, 'day', 3), 100)).toEqual(draw(new Rng(42, 'day', 3), 100));
  });

  it('gives different sequences for different seeds or labels', () => {
    const base = draw(new Rng(42, 'day', 3), 20);
    expect(draw(new Rng(43, 'day', 3), 20)).not.toEqual(base);
    expect(draw(new Rng(42, 'day', 4), 20)).not.toEqual(base);
  });

  it('draws floats in [0, 1) with a uniform mean', () => {
    const rng = new Rng(1);
    const xs = Array.from({ length: 20_000 }, () => rng.float());
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(xs.reduce((a, b) => a + b, 0) / xs.length).toBeCloseTo(0.5, 1);
  });

  it('draws negative binomial counts with the requested mean and over-dispersion', () => {
    const rng = new Rng(7);
    const mean = 6;
    const dispersion = 2;
    const n = 20_000;
    const xs = Array.from({ length: n }, () => rng.negativeBinomial(mean, dispersion));
    const m = xs.reduce((a, b) => a + b, 0) / n;
    const variance = xs.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1);
    expect(m).toBeGreaterThan(mean * 0.95);
    expect(m).toBeLessThan(mean * 1.05);
    // Var = mean + mean²/dispersion = 24, far above a Poisson's 6.
    expect(variance).toBeGreaterThan(20);
    expect(variance).toBeLessThan(28);
  });

  it('draws Poisson counts with variance close to the mean, also for large means', () => {
    const rng = new Rng(9);
    for (const mean of [3, 80]) {
      const xs = Array.from({ length: 10_000 }, () => rng.poisson(mean));
      const m = xs.reduce((a, b) => a + b, 0) / xs.length;
      const variance = xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
      expect(Math.abs(m - mean) / mean).toBeLessThan(0.05);
      expect(Math.abs(variance - mean) / mean).toBeLessThan(0.1);
    }
  });

  it('picks by weight and never picks a zero weight', () => {
    const rng = new Rng(11);
    const counts = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 10_000; i++) counts[rng.weighted(['a', 'b', 'c'] as const, [1, 3, 0])]++;
    expect(counts.c).toBe(0);
    expect(counts.b / counts.a).toBeGreaterThan(2.6);
    expect(counts.b / counts.a).toBeLessThan(3.4);
  });
});
