// The streaming entry point must give exactly the last row of `run`, bit for bit:
// the detect service scores every closed bucket through it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lastRowRunner } from '../src/last-row';
import { getCountDetector } from '../src/registry';
import type { DetectorRow, ParamValues } from '../src/types';

const FIELDS = ['t', 'observed', 'expected', 'upperbound', 'alarm', 'score', 'pValue'] as const;

/** Field by field with Object.is, so NaN, Infinity and -0 must match too. */
function expectSameRow(actual: DetectorRow | undefined, expected: DetectorRow | undefined): void {
  if (expected === undefined) return expect(actual).toBeUndefined();
  expect(actual).toBeDefined();
  for (const f of FIELDS) expect(Object.is(actual![f], expected[f]), `${f}: ${String(actual![f])} vs ${String(expected[f])}`).toBe(true);
}

const counts = fc.array(fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 400 })), { minLength: 0, maxLength: 30 });
const earsParams = fc.record(
  {
    baseline: fc.integer({ min: 3, max: 12 }),
    alpha: fc.constantFrom(0.001, 0.025, 0.05, 1e-6),
    minSigma: fc.constantFrom(0, 0.5, 1),
  },
  { requiredKeys: [] },
);
const withRange = (params: ParamValues, n: number, range: 'none' | 'last' | 'before'): ParamValues =>
  range === 'none' ? params : { ...params, range: range === 'last' ? [n, n] : [1, Math.max(1, n - 1)] };

describe.each(['ears-c1', 'ears-c2', 'ears-c3'])('%s last row', (id) => {
  const detector = getCountDetector(id);

  it('equals the last row of run for any counts and parameters', () => {
    fc.assert(
      fc.property(counts, earsParams, fc.constantFrom('none', 'last', 'before'), (series, base, range) => {
        const params = withRange(base, series.length, range as 'none' | 'last' | 'before');
        const rows = detector.run({ counts: series, freq: 365 }, params);
        expectSameRow(lastRowRunner(detector, params)(series, 365), rows[rows.length - 1]);
      }),
      { numRuns: 400 },
    );
  });

  it('keeps NaN and Infinity where a flat reference window gives them (minSigma 0)', () => {
    const series = [4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 9];
    const rows = detector.run({ counts: series, freq: 365 }, { minSigma: 0 });
    expectSameRow(lastRowRunner(detector, { minSigma: 0 })(series, 365), rows.at(-1));
  });

  it('throws on invalid parameters as run does, on every call', () => {
    const runner = lastRowRunner(detector, { baseline: 2 });
    expect(() => runner([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 365)).toThrow(/at least 3/);
    expect(() => runner([1, 2, 3], 365)).toThrow(/at least 3/);
  });
});

describe('lastRowRunner for detectors without a fast path', () => {
  it('returns the last row of run', () => {
    const detector = getCountDetector('cusum');
    const series = [3, 5, 4, 6, 5, 4, 5, 6, 30];
    const rows = detector.run({ counts: series, freq: 52 }, {});
    expectSameRow(lastRowRunner(detector, {})(series, 52), rows.at(-1));
  });
});
