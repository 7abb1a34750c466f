import { describe, expect, it } from 'vitest';
import { ewma, runEwma } from '../src/ewma';
import { parseParams } from '../src/params';

describe('ewma (Poisson EWMA, Borror, Champ & Rigdon 1998)', () => {
  it('follows Z_t = lambda X_t + (1 - lambda) Z_{t-1} with the exact time-varying limit', () => {
    // Baseline rows 1..4 (mean 4), monitored rows 5..7.
    const counts = [3, 5, 4, 4, 6, 2, 9];
    const rows = runEwma({ counts, freq: 52 }, { range: [5, 7], lambda: 0.5, L: 2 });
    const mu0 = 4;
    let z = mu0;
    for (let t = 5; t <= 7; t++) {
      const i = t - 4; // periods since the chart started
      const sd = Math.sqrt(((mu0 * 0.5) / 1.5) * (1 - 0.5 ** (2 * i)));
      const ucl = mu0 + 2 * sd;
      const bound = (ucl - 0.5 * z) / 0.5;
      z = 0.5 * counts[t - 1]! + 0.5 * z;
      const row = rows[t - 1]!;
      expect(row.expected).toBe(mu0);
      expect(row.upperbound).toBeCloseTo(bound, 12);
      expect(row.score).toBeCloseTo((z - mu0) / sd, 12);
      expect(row.alarm).toBe(z > ucl);
    }
    expect(rows.slice(0, 4).every((r) => r.expected === null)).toBe(true);
  });

  it('alarms exactly when the count exceeds the reported upper bound', () => {
    const counts = [5, 4, 6, 5, 5, 4, 6, 5, 5, 6, 4, 5, 12, 14, 5, 5, 3, 15, 5, 5];
    const rows = runEwma({ counts, freq: 10 }, {});
    for (const row of rows.slice(10)) expect(row.alarm).toBe(row.observed > row.upperbound!);
    expect(rows.some((r) => r.alarm)).toBe(true);
  });

  it('stays quiet on an in-control constant series and detects a sustained step', () => {
    const flat = new Array<number>(104).fill(5);
    expect(runEwma({ counts: flat, freq: 52 }, {}).some((r) => r.alarm)).toBe(false);
    const step = [...new Array<number>(52).fill(5), ...new Array<number>(20).fill(10)];
    const rows = runEwma({ counts: step, freq: 52 }, {});
    const first = rows.findIndex((r) => r.alarm);
    expect(first).toBeGreaterThanOrEqual(52);
    expect(first).toBeLessThan(56);
  });

  it('uses a fixed mu0 when given and validates lambda', () => {
    const rows = runEwma({ counts: [1, 2, 3], freq: 52 }, parseParams(ewma, ['mu0=2', 'range=1:3']));
    expect(rows[0]!.expected).toBe(2);
    expect(() => runEwma({ counts: [1, 2, 3], freq: 52 }, { lambda: 1.5 })).toThrow(/lambda=1.5 must be in \(0, 1\]/);
  });
});
