// Tocsin's farrington and farrington-flexible against R's surveillance::algo.farrington and
// surveillance::farringtonFlexible on the same series and parameters (fixtures written by
// scripts/r/farrington.R; regenerate with `npm run fixtures:r -w @tocsin/detectors`).
import { describe, expect, it } from 'vitest';
import { parseParams } from '../src/params';
import { getCountDetector } from '../src/registry';
import type { CountSeries } from '../src/types';
import { expectFixtureCoverage, loadRFixtures, type RFixture } from './r-fixtures';

/**
 * Stated tolerance. Expected and upper bound: 1e-6 relative (absolute 1e-12 near 0); the
 * implementation agrees with R to ~1e-13 on every fixture. Score and p-value: 1e-6 relative
 * or 1e-9 absolute, because R's own values lose digits near 0 (classic R gives the p-value
 * only as 1 - pnorm(...), and a score near 0 is a difference of nearly equal numbers).
 * Alarms: equal.
 */
const REL = 1e-6;
const ABS_BOUND = 1e-12;
const ABS_SCORE = 1e-9;
const DETECTORS = ['farrington', 'farrington-flexible'];

type FarringtonFixture = RFixture & {
  series: RFixture['series'] & { population?: number[] | null };
  rows: RFixture['rows'] & { pValue: (number | null)[] };
};
const fixtures = loadRFixtures(DETECTORS) as FarringtonFixture[];

function close(actual: number | null, expected: number | null, abs: number): boolean {
  if (expected === null || actual === null) return actual === expected;
  return Math.abs(actual - expected) <= REL * Math.abs(expected) + abs;
}

describe('Farrington R equivalence fixtures', () => {
  it('cover both detectors with and without dates, with default and non-default parameters', () => {
    expectFixtureCoverage(fixtures, DETECTORS);
    for (const id of DETECTORS) {
      expect(fixtures.some((f) => f.detector === id && f.rows.alarm.some((a) => a === true)), `${id}: alarms`).toBe(true);
    }
    // The Noufaily et al. (2013) settings, with both negative-binomial threshold methods.
    for (const method of ['nbPlugin', 'muan']) {
      expect(
        fixtures.some(
          (f) => f.params['noPeriods'] === '10' && f.params['pastWeeksNotIncluded'] === '26' && f.params['weightsThreshold'] === '2.58' && f.params['thresholdMethod'] === method,
        ),
        method,
      ).toBe(true);
    }
  });

  it.each(fixtures.map((f) => [f.file, f] as const))('%s', (_file, fixture) => {
    const detector = getCountDetector(fixture.detector);
    const series: CountSeries = {
      counts: fixture.series.counts,
      freq: fixture.series.freq,
      ...(fixture.series.dates ? { dates: fixture.series.dates } : {}),
      ...(fixture.series.population ? { population: fixture.series.population } : {}),
    };
    const rows = detector.run(series, parseParams(detector, fixture.params));
    expect(rows).toHaveLength(fixture.series.counts.length);
    const problems: string[] = [];
    rows.forEach((row, i) => {
      const at = `t=${i + 1}`;
      const r = fixture.rows;
      if (!close(row.expected, r.expected?.[i] ?? null, ABS_BOUND)) problems.push(`${at}: expected ${row.expected} vs R ${r.expected?.[i]}`);
      if (!close(row.upperbound, r.upperbound[i] ?? null, ABS_BOUND)) problems.push(`${at}: upperbound ${row.upperbound} vs R ${r.upperbound[i]}`);
      if (row.alarm !== (r.alarm[i] ?? false)) problems.push(`${at}: alarm ${row.alarm} vs R ${r.alarm[i]}`);
      if (!close(row.score, r.score?.[i] ?? null, ABS_SCORE)) problems.push(`${at}: score ${row.score} vs R ${r.score?.[i]}`);
      if (!close(row.pValue, r.pValue[i] ?? null, ABS_SCORE)) problems.push(`${at}: pValue ${row.pValue} vs R ${r.pValue[i]}`);
    });
    expect(problems.slice(0, 10)).toEqual([]);
  });
});
