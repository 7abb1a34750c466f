// The window scan (not in R): sums of the last 1..M periods against the gamma-Poisson
// predictive of the baseline's rate. Checked against the formula, summed term by term here.
import { describe, expect, it } from 'vitest';
import { lgamma } from '../src/math/distributions';
import { parseParams } from '../src/params';
import { runWindowScan, windowScan } from '../src/window-scan';

/** P(S >= s) for S ~ NegBin(size, prob = n / (n + l)), by summing the mass below s. */
function predictiveTail(s: number, B: number, n: number, l: number): number {
  const size = B + 0.5;
  const p = n / (n + l);
  let below = 0;
  for (let k = 0; k < s; k++) below += Math.exp(lgamma(k + size) - lgamma(size) - lgamma(k + 1) + size * Math.log(p) + k * Math.log(1 - p));
  return 1 - below;
}

/** Deterministic Poisson draws (Knuth), for the in-control false alarm rate. */
function poissonSeries(mean: number, n: number, seed: number): number[] {
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 0.5) / 2 ** 32;
  };
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const limit = Math.exp(-mean);
    let k = 0;
    let prod = uniform();
    while (prod > limit) {
      k++;
      prod *= uniform();
    }
    out.push(k);
  }
  return out;
}

const ones = (n: number): number[] => new Array<number>(n).fill(1);

describe('window-scan', () => {
  it('reports the smallest predictive tail over the windows ending at each row, and the Jeffreys rate', () => {
    const counts = [...ones(20), 2, 3, 4];
    const rows = runWindowScan({ counts, freq: 52 }, { range: [21, 23], alpha: 1e-9 });
    expect(rows.slice(0, 20).every((r) => r.expected === null && !r.alarm)).toBe(true);
    for (const t of [21, 22, 23]) {
      const row = rows[t - 1]!;
      expect(row.expected).toBeCloseTo(20.5 / 20, 12);
      let best = 1;
      let sum = 0;
      for (let l = 1; l <= t - 20; l++) {
        sum += counts[t - l]!;
        best = Math.min(best, predictiveTail(sum, 20, 20, l));
      }
      expect(row.pValue).toBeCloseTo(best, 10);
      expect(row.score).toBeCloseTo(-Math.log10(best), 8);
    }
  });

  it('sees a 3x rise on a two-a-week series within three weeks, which no single week shows', () => {
    const counts = [...ones(26).map(() => 2), 6, 6, 6, 6];
    const rows = runWindowScan({ counts, freq: 52 }, { range: [27, 30], alpha: 0.002 });
    const first = rows.findIndex((r) => r.alarm) + 1;
    expect(first).toBeGreaterThanOrEqual(28);
    expect(first).toBeLessThanOrEqual(29);
    // One week of 6 against a rate of 2 is not improbable enough (P ~ 0.02 under the predictive).
    expect(rows[26]!.alarm).toBe(false);
    expect(rows[26]!.pValue).toBeGreaterThan(0.01);
    const single = runWindowScan({ counts, freq: 52 }, { range: [27, 30], alpha: 0.002, M: 1 });
    expect(single.some((r) => r.alarm)).toBe(false);
  });

  it('restarts after an alarm: one spike is one alarm, not one per window that holds it', () => {
    const counts = [...ones(26), 9, 1, 1, 1];
    const rows = runWindowScan({ counts, freq: 52 }, { range: [27, 30], alpha: 0.002 });
    expect(rows.map((r) => r.alarm).slice(26)).toEqual([true, false, false, false]);
    // Without the restart the 2-, 3- and 4-week windows would still hold the spike.
    expect(predictiveTail(10, 26, 26, 2)).toBeLessThan(0.002);
  });

  it('alarms exactly when the count reaches the reported upper bound', () => {
    const counts = poissonSeries(1.5, 200, 7).map((x, i) => (i > 150 && i < 160 ? x + 4 : x));
    for (let to = 40; to <= 200; to += 7) {
      const rows = runWindowScan({ counts: counts.slice(0, to), freq: 52 }, { range: [to - 3, to], alpha: 0.002 });
      for (const row of rows.slice(to - 4)) expect(row.alarm).toBe(row.observed >= row.upperbound!);
    }
  });

  it('needs no special case for an all-zero baseline: it expects 0.5 / n a period', () => {
    const silence = new Array<number>(26).fill(0);
    const one = runWindowScan({ counts: [...silence, 1], freq: 52 }, { range: [27, 27] });
    expect(one[26]!.expected).toBeCloseTo(0.5 / 26, 12);
    expect(one[26]!.note).toBeUndefined();
    expect(one[26]!.pValue).toBeCloseTo(predictiveTail(1, 0, 26, 1), 12);
    // One event after half a year of silence is not an alarm at 0.002, three in a week are.
    expect(one[26]!.alarm).toBe(false);
    expect(runWindowScan({ counts: [...silence, 3], freq: 52 }, { range: [27, 27] })[26]!.alarm).toBe(true);
  });

  it('stays near alpha per row on in-control Poisson counts', () => {
    let scanAlarms = 0;
    let rows = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const series = poissonSeries(1.5, 200, seed);
      for (let to = 30; to <= 200; to += 4) {
        const counts = series.slice(to - 30, to);
        const range: [number, number] = [27, 30];
        scanAlarms += runWindowScan({ counts, freq: 52 }, { range, alpha: 0.002 }).slice(26).filter((r) => r.alarm).length;
        rows += 4;
      }
    }
    // Four overlapping windows per row and a discrete tail: the rate is a small multiple of alpha.
    expect(scanAlarms).toBeGreaterThan(0);
    expect(scanAlarms / rows).toBeLessThan(0.006);
  });

  it('validates its parameters', () => {
    expect(() => runWindowScan({ counts: ones(10), freq: 52 }, { alpha: 1.5 })).toThrow(/alpha=1.5 must be in \(0, 1\)/);
    expect(() => runWindowScan({ counts: ones(10), freq: 52 }, { M: 0 })).toThrow(/M=0 must be at least 1/);
    expect(parseParams(windowScan, ['alpha=0.01', 'M=3', 'range=5:10'])).toEqual({ alpha: 0.01, M: 3, range: [5, 10] });
  });
});
