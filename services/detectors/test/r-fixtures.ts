// Loads the JSON fixtures written by scripts/r/*.R (see scripts/r/lib/fixtures.R).
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export interface RFixture {
  file: string;
  detector: string;
  case: string;
  params: Record<string, string>;
  series: { name: string; freq: number; counts: number[]; dates: string[] | null };
  rows: {
    t: number[];
    expected: (number | null)[] | null;
    upperbound: (number | null)[];
    alarm: (boolean | null)[];
    score: (number | null)[] | null;
  };
}

export const FIXTURE_DIR = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'r');

export function loadRFixtures(detectorIds: readonly string[]): RFixture[] {
  return readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, ...(JSON.parse(readFileSync(join(FIXTURE_DIR, file), 'utf8')) as Omit<RFixture, 'file'>) }))
    .filter((f) => detectorIds.includes(f.detector));
}

/** Relative difference with an absolute floor of 1 in the denominator, so values near 0 compare absolutely. */
export function relativeDifference(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.max(1, Math.abs(expected));
}

/**
 * The coverage the issue asks of the fixtures: for each detector, series with and
 * without dates, and default and non-default parameters (`range` aside).
 */
export function expectFixtureCoverage(fixtures: readonly RFixture[], detectorIds: readonly string[]): void {
  for (const id of detectorIds) {
    const mine = fixtures.filter((f) => f.detector === id);
    expect(mine.some((f) => f.series.dates !== null), `${id}: dated series`).toBe(true);
    expect(mine.some((f) => f.series.dates === null), `${id}: undated series`).toBe(true);
    expect(mine.some((f) => Object.keys(f.params).filter((k) => k !== 'range').length === 0), `${id}: defaults`).toBe(true);
    expect(mine.some((f) => Object.keys(f.params).some((k) => k !== 'range')), `${id}: non-defaults`).toBe(true);
  }
}
