// Behaviour of the two Farrington detectors beyond the R fixtures: short series, bad
// parameters and dates, NaN-free output, and the invariants between the output columns.
import { describe, expect, it } from 'vitest';
import { DetectorError } from '../src/errors';
import { farrington } from '../src/farrington';
import { farringtonFlexible } from '../src/farrington-flexible';
import { parseParams } from '../src/params';
import type { CountDetector, CountSeries, DetectorRow } from '../src/types';

const DETECTORS: readonly CountDetector[] = [farrington, farringtonFlexible];

/** Deterministic seasonal counts with occasional spikes (a small LCG, no Math.random). */
function seasonalSeries(n: number, seed = 7): number[] {
  let state = seed;
  const uniform = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  return Array.from({ length: n }, (_, i) => {
    const mu = 4 * Math.exp(0.5 * Math.sin((2 * Math.PI * i) / 52));
    // Poisson draw by inversion.
    let k = 0;
    let p = Math.exp(-mu);
    let cdf = p;
    const u = uniform();
    while (u > cdf && k < 200) {
      k++;
      p *= mu / k;
      cdf += p;
    }
    return i % 97 === 50 ? k + 25 : k;
  });
}

function expectCode(fn: () => unknown, code: string, message: RegExp): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DetectorError);
    expect((err as DetectorError).code).toBe(code);
    expect((err as DetectorError).message).toMatch(message);
    return;
  }
  throw new Error('expected a DetectorError');
}

function expectNaNFree(rows: readonly DetectorRow[]): void {
  for (const row of rows) {
    for (const v of [row.expected, row.upperbound, row.score, row.pValue]) {
      if (v !== null) expect(Number.isFinite(v), `t=${row.t}`).toBe(true);
    }
  }
}

describe.each(DETECTORS.map((d) => [d.id, d] as const))('%s', (_id, detector) => {
  const counts = seasonalSeries(7 * 52);
  const series: CountSeries = { counts, freq: 52 };

  it('returns one blank row per period when the series is shorter than the baseline', () => {
    const rows = detector.run({ counts: counts.slice(0, 100), freq: 52 }, {});
    expect(rows).toHaveLength(100);
    expect(rows.every((r) => r.expected === null && r.upperbound === null && !r.alarm && r.score === null)).toBe(true);
    expect(rows.map((r) => r.t)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it('leaves rows before the range blank and fills the monitored ones, NaN-free', () => {
    const rows = detector.run(series, parseParams(detector, ['range=280:300']));
    expect(rows.slice(0, 279).every((r) => r.expected === null && r.upperbound === null && !r.alarm)).toBe(true);
    expect(rows.slice(300).every((r) => r.expected === null)).toBe(true);
    expect(rows.slice(279, 300).every((r) => r.expected !== null && r.upperbound !== null)).toBe(true);
    expectNaNFree(rows);
  });

  it('raises alarms exactly where the score exceeds 1 (and on the injected spikes)', () => {
    const rows = detector.run(series, {});
    expectNaNFree(rows);
    for (const row of rows) if (row.alarm) expect(row.score!).toBeGreaterThan(1);
    expect(rows[50 + 97 * 3]!.alarm).toBe(true); // spike at 0-based 341
  });

  it('is NaN-free on all-zero and constant series', () => {
    expectNaNFree(detector.run({ counts: new Array(320).fill(0), freq: 52 }, {}));
    const constant = detector.run({ counts: new Array(320).fill(3), freq: 52 }, {});
    expectNaNFree(constant);
    expect(constant.some((r) => r.alarm)).toBe(false);
  });

  it('rejects parameter values R rejects', () => {
    expectCode(() => detector.run(series, { b: 0 }), 'PARAM_INVALID', /b must be an integer >= 1/);
    expectCode(() => detector.run(series, { alpha: 1 }), 'PARAM_INVALID', /alpha must be between 0 and 1/);
    expectCode(() => detector.run(series, { limit54: '5' }), 'PARAM_INVALID', /limit54 "5" must be "cases,periods"/);
    expectCode(() => detector.run(series, { limit54: '5,0' }), 'PARAM_INVALID', /periods > 0/);
    expectCode(() => parseParams(detector, ['powertrans=3/4']), 'PARAM_INVALID', /powertrans="3\/4"/);
  });

  it('rejects dates that are missing, malformed or not increasing, and dated series of unknown frequency', () => {
    const dates = counts.map((_, i) => new Date(Date.UTC(2010, 0, 3 + 7 * i)).toISOString().slice(0, 10));
    expect(detector.run({ ...series, dates }, { range: [330, 330] })[329]!.expected).not.toBeNull();
    expectCode(() => detector.run({ ...series, dates: dates.slice(1) }, {}), 'INPUT_INVALID', /counts but 363 dates/);
    const bad = [...dates];
    bad[9] = '2010-02-30';
    expectCode(() => detector.run({ ...series, dates: bad }, {}), 'INPUT_INVALID', /row 10: date "2010-02-30" does not exist/);
    const swapped = [...dates];
    [swapped[4], swapped[5]] = [swapped[5]!, swapped[4]!];
    expectCode(() => detector.run({ ...series, dates: swapped }, {}), 'INPUT_INVALID', /row 6: date .* is not after/);
    expectCode(() => detector.run({ counts, freq: 7, dates }, { range: [330, 330] }), 'INPUT_INVALID', /freq 52, 12 or 365/);
  });

  it('describes every parameter with its R default', () => {
    const names = detector.params.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['b', 'w', 'reweight', 'alpha', 'trend', 'limit54', 'powertrans', 'range']));
    expect(detector.params.find((p) => p.name === 'b')!.default).toBe(5);
    expect(detector.params.find((p) => p.name === 'w')!.default).toBe(3);
    for (const p of detector.params) expect(p.description.length).toBeGreaterThan(10);
  });
});

describe('farrington (classic)', () => {
  it('reports upper bound 0 and score 0, as R does, when the last 4 weeks have fewer than 5 cases', () => {
    const counts = new Array(300).fill(1);
    counts[299] = 0;
    const row = farrington.run({ counts, freq: 52 }, {})[299]!;
    expect(row.upperbound).toBe(0);
    expect(row.score).toBe(0);
    expect(row.expected).toBeCloseTo(1, 12);
  });
});

describe('farrington-flexible', () => {
  const series: CountSeries = { counts: seasonalSeries(6 * 52 + 10), freq: 52 };
  const noufaily = ['noPeriods=10', 'pastWeeksNotIncluded=26', 'weightsThreshold=2.58'];

  it('gives integer negative-binomial upper bounds with the Noufaily settings', () => {
    for (const method of ['nbPlugin', 'muan']) {
      const rows = farringtonFlexible.run(series, parseParams(farringtonFlexible, [...noufaily, `thresholdMethod=${method}`]));
      const bounds = rows.map((r) => r.upperbound).filter((u): u is number => u !== null);
      expect(bounds.length).toBeGreaterThan(40);
      expect(bounds.every(Number.isInteger)).toBe(true);
      expectNaNFree(rows);
    }
  });

  it('muan is at least as conservative as nbPlugin', () => {
    const run = (m: string) => farringtonFlexible.run(series, parseParams(farringtonFlexible, [...noufaily, `thresholdMethod=${m}`]));
    const plugin = run('nbPlugin');
    const muan = run('muan');
    plugin.forEach((r, i) => {
      if (r.upperbound !== null && muan[i]!.upperbound !== null) expect(muan[i]!.upperbound!).toBeGreaterThanOrEqual(r.upperbound);
    });
  });

  it('leaves a row blank, where R would stop, when a window reaches before the series', () => {
    const rows = farringtonFlexible.run(series, { range: [262, 265] });
    expect(rows[261]!.expected).toBeNull(); // 262 - 5*52 = 2: window 2-3 < 0 (R: negative subscript)
    expect(rows[263]!.expected).not.toBeNull(); // 264 = freq*b + w + 1, R's default first row
  });

  it('rejects more seasonal levels than the gap between windows holds', () => {
    expectCode(() => farringtonFlexible.run(series, { noPeriods: 60 }), 'PARAM_INVALID', /noPeriods=60 is too big/);
  });

  it('uses the population offset when asked: doubling the population doubles the expected count', () => {
    const population = series.counts.map(() => 1000);
    const last = series.counts.length;
    const base = farringtonFlexible.run({ ...series, population }, { populationOffset: true, range: [last, last] })[last - 1]!;
    const doubled = [...population];
    doubled[last - 1] = 2000;
    const scaled = farringtonFlexible.run({ ...series, population: doubled }, { populationOffset: true, range: [last, last] })[last - 1]!;
    expect(scaled.expected! / base.expected!).toBeCloseTo(2, 12);
  });
});
