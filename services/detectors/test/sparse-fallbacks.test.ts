// Sparse series: the robustness settings a streaming service uses (issue 8 item 4). Each
// is a parameter that defaults to R's behaviour, so the R-equivalence fixtures are
// untouched; these tests state what the non-R settings do.
import { describe, expect, it } from 'vitest';
import { runCusum } from '../src/cusum';
import { earsC1, earsC3 } from '../src/ears';
import { runGlrNb } from '../src/glrnb';
import type { ParamValues } from '../src/types';

const zeros = (n: number): number[] => new Array<number>(n).fill(0);
const last = <T>(rows: T[]): T => rows[rows.length - 1]!;

describe('glr-nb in-control fallback', () => {
  // A real failure mode: one event in a year of zeros makes glm.nb's IRLS diverge.
  const oneEvent = [0, 1, ...zeros(21)];

  it('fails as R does by default (the error the issue quotes)', () => {
    expect(() => runGlrNb({ counts: oneEvent, freq: 52 }, { range: [20, 23] })).toThrow(/non-finite coefficients at iteration/);
  });

  it('fallback=poisson replaces the failed fit, says so, and charts against it', () => {
    const rows = runGlrNb({ counts: oneEvent, freq: 52 }, { range: [20, 23], fallback: 'poisson' });
    const row = last(rows);
    expect(row.note).toMatch(/non-finite coefficients/);
    expect(row.note).toMatch(/Poisson/);
    expect(row.expected).toBeGreaterThan(0);
    expect(Number.isFinite(row.expected!)).toBe(true);
    expect(rows.slice(0, 19).every((r) => r.note === undefined)).toBe(true);
  });

  it('an all-zero baseline expects (sum + 0.5) / n: two events alarm, one does not', () => {
    const params: ParamValues = { range: [53, 56], fallback: 'poisson', 'mu0.S': 0 };
    const quiet = runGlrNb({ counts: [...zeros(52), 0, 1, 0, 0], freq: 52 }, params);
    expect(last(quiet).note).toMatch(/all zeros/);
    expect(last(quiet).expected).toBeCloseTo(0.5 / 52, 12);
    expect(quiet.some((r) => r.alarm)).toBe(false);
    const two = runGlrNb({ counts: [...zeros(52), 0, 1, 1, 0], freq: 52 }, params);
    expect(two.some((r) => r.alarm)).toBe(true);
  });

  it('without the fallback an all-zero baseline never alarms, even on 4 events a week', () => {
    const counts = [...zeros(52), 4, 4, 4, 4];
    let alarmed: boolean;
    try {
      alarmed = runGlrNb({ counts, freq: 52 }, { range: [53, 56], 'mu0.S': 0 }).some((r) => r.alarm);
    } catch {
      alarmed = false;
    }
    expect(alarmed).toBe(false);
    expect(runGlrNb({ counts, freq: 52 }, { range: [53, 56], 'mu0.S': 0, fallback: 'poisson' }).some((r) => r.alarm)).toBe(true);
  });

  it('leaves a healthy fit alone (no note, same rows as without the fallback)', () => {
    const counts = Array.from({ length: 60 }, (_, i) => 3 + ((i * 7) % 5));
    const plain = runGlrNb({ counts, freq: 52 }, { range: [53, 60], alpha: 0 });
    const robust = runGlrNb({ counts, freq: 52 }, { range: [53, 60], alpha: 0, fallback: 'poisson' });
    expect(robust).toEqual(plain);
  });

  it('rejects an unknown fallback', () => {
    expect(() => runGlrNb({ counts: oneEvent, freq: 52 }, { range: [20, 23], fallback: 'magic' })).toThrow(/fallback must be one of/);
  });
});

describe('cusum in-control fallback', () => {
  // A quiet first period, then 4 a week: (0 - 0) / 0 is NaN, and NaN stays in the chart.
  const counts = [...zeros(20), 0, 4, 4, 4];

  it('by default an all-zero baseline standardises by zero: no alarm even at 4 a period (as R)', () => {
    const rows = runCusum({ counts, freq: 52 }, { range: [21, 24] });
    expect(rows.some((r) => r.alarm)).toBe(false);
    expect(last(rows).note).toBeUndefined();
  });

  it('fallback=floor floors the mean at 0.5 / n and alarms, with a note', () => {
    const rows = runCusum({ counts, freq: 52 }, { range: [21, 24], fallback: 'floor' });
    expect(last(rows).expected).toBeCloseTo(0.5 / 20, 12);
    expect(rows[21]!.alarm).toBe(true);
    expect(last(rows).note).toMatch(/all zeros/);
  });
});

describe('EARS Poisson floor', () => {
  const run = (counts: number[], params: ParamValues) => last(earsC1.run({ counts, freq: 52 }, { baseline: 7, alpha: 0.001, ...params }));

  it('a small count above a tight window is not an alarm once it must be rare under Poisson', () => {
    const counts = [1, 2, 1, 2, 1, 2, 1, 5];
    expect(run(counts, {}).alarm).toBe(true); // R: mean 1.43 + 3.09 x sd 0.53 = 3.1
    const floored = run(counts, { poissonFloor: true });
    expect(floored.alarm).toBe(false); // qpois(0.999, 1.43) = 6
    expect(floored.upperbound).toBe(6);
  });

  it('after a silent window a first-events rule applies: qpois(0.999, 0.5 / 7) = 2, so three events alarm', () => {
    expect(run([...zeros(7), 1], {}).alarm).toBe(true); // R with minSigma 0: bound 0
    expect(run([...zeros(7), 2], { poissonFloor: true }).alarm).toBe(false);
    expect(run([...zeros(7), 3], { poissonFloor: true }).alarm).toBe(true);
  });

  it('does not change a busy series, where the normal bound is above the Poisson quantile', () => {
    const counts = [40, 70, 55, 30, 65, 45, 60, 140];
    expect(run(counts, { poissonFloor: true })).toEqual(run(counts, {}));
  });

  it('C3 gets the same floor on its alarm', () => {
    const counts = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1];
    const plain = last(earsC3.run({ counts, freq: 52 }, { baseline: 7, alpha: 0.001, minSigma: 0.1 }));
    const floored = last(earsC3.run({ counts, freq: 52 }, { baseline: 7, alpha: 0.001, minSigma: 0.1, poissonFloor: true }));
    expect(plain.alarm).toBe(true);
    expect(floored.alarm).toBe(false);
  });
});
