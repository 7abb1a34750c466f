// Properties every B1 detector keeps on awkward input: all zeros, series too short for
// any history, arbitrary counts (fast-check): one row per period, no NaN, no alarm
// without a bound.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getCountDetector } from '../src/registry';
import type { CountDetector, DetectorRow } from '../src/types';

const IDS = ['ears-c1', 'ears-c2', 'ears-c3', 'cusum', 'ewma', 'glr-nb'];
const detectors: CountDetector[] = IDS.map(getCountDetector);

function checkRows(counts: readonly number[], rows: readonly DetectorRow[]): void {
  expect(rows).toHaveLength(counts.length);
  rows.forEach((row, i) => {
    expect(row.t).toBe(i + 1);
    expect(row.observed).toBe(counts[i]);
    for (const v of [row.expected, row.upperbound, row.score, row.pValue]) {
      if (v !== null) expect(Number.isNaN(v)).toBe(false);
    }
    if (row.pValue !== null) {
      expect(row.pValue).toBeGreaterThanOrEqual(0);
      expect(row.pValue).toBeLessThanOrEqual(1 + 1e-12);
    }
    if (row.alarm) expect(row.upperbound).not.toBeNull();
  });
}

describe.each(detectors.map((d) => [d.id, d] as const))('%s', (_id, detector) => {
  it('handles an empty series', () => {
    expect(detector.run({ counts: [], freq: 52 }, {})).toEqual([]);
  });

  it.each([1, 2, 5])('returns blank rows for a %d-period series', (n) => {
    const counts = Array.from({ length: n }, (_, i) => i + 1);
    const rows = detector.run({ counts, freq: 52 }, {});
    checkRows(counts, rows);
    expect(rows.every((r) => r.expected === null && r.upperbound === null && !r.alarm)).toBe(true);
  });

  it('raises no alarm and no NaN on all zeros', () => {
    const counts = new Array<number>(120).fill(0);
    // The in-control GLM of glr-nb has no finite MLE on all zeros: give it a fixed mean.
    const params = detector.id === 'glr-nb' ? { mu0: 0.5 } : {};
    const rows = detector.run({ counts, freq: 52 }, params);
    checkRows(counts, rows);
    expect(rows.some((r) => r.alarm)).toBe(false);
  });

  it('keeps its properties on arbitrary counts, with and without dates', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 60 }), { minLength: 0, maxLength: 90 }), fc.boolean(), (counts, dated) => {
        const dates = dated ? counts.map((_, i) => new Date(Date.UTC(2020, 0, 6 + 7 * i)).toISOString().slice(0, 10)) : undefined;
        const params = detector.id === 'glr-nb' || detector.id === 'cusum' ? { range: [27, 90] as [number, number] } : {};
        let rows: DetectorRow[];
        try {
          rows = detector.run({ counts, freq: 26, ...(dates ? { dates } : {}) }, params);
        } catch (err) {
          // A model fit may legitimately fail on degenerate baselines; it must say so.
          expect((err as { code?: string }).code).toBe('FIT_FAILED');
          return;
        }
        checkRows(counts, rows);
      }),
      { numRuns: 60, seed: 20261128 },
    );
  });
});
