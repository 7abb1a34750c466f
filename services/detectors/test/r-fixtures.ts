// Loads the JSON fixtures written by scripts/r/*.R (see scripts/r/lib/fixtures.R).
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
