// Input checks and parameter readers shared by the two Farrington detectors.

import { parseIsoDay } from './calendar';
import { DetectorError } from './errors';
import { epochOfFreq } from './farrington-reference';
import type { CountSeries } from './types';

/** Calendar days of a dated series (strictly increasing), or null when the series has no dates. */
export function seriesDays(series: CountSeries): number[] | null {
  if (!series.dates) return null;
  // Calendar steps exist only for weekly, monthly and daily periods (R's epochStr).
  if (!epochOfFreq(series.freq)) {
    throw new DetectorError('INPUT_INVALID', `dated series need freq 52, 12 or 365 (got ${series.freq})`);
  }
  if (series.dates.length !== series.counts.length) {
    throw new DetectorError('INPUT_INVALID', `series has ${series.counts.length} counts but ${series.dates.length} dates`);
  }
  const days = series.dates.map((d, i) => {
    try {
      return parseIsoDay(d);
    } catch (err) {
      throw new DetectorError('INPUT_INVALID', `row ${i + 1}: ${(err as Error).message}`, { cause: err });
    }
  });
  for (let i = 1; i < days.length; i++) {
    if (days[i]! <= days[i - 1]!) throw new DetectorError('INPUT_INVALID', `row ${i + 1}: date ${series.dates[i]} is not after ${series.dates[i - 1]}`);
  }
  return days;
}

/** R's limit54 = c(cases, periods), given as "cases,periods": alarms need >= cases in the last `periods` periods. */
export function parseLimit54(detectorId: string, value: string): { cases: number; periods: number } {
  const parts = value.split(',').map((s) => s.trim());
  const [cases, periods] = parts.map(Number);
  if (parts.length !== 2 || !Number.isInteger(cases) || !Number.isInteger(periods) || cases! < 0 || periods! <= 0) {
    throw new DetectorError('PARAM_INVALID', `${detectorId}: limit54 "${value}" must be "cases,periods" with cases >= 0 and periods > 0`);
  }
  return { cases: cases!, periods: periods! };
}

/** Sum of counts over the `periods` periods ending at 1-based k (R: sum(observed[(k - periods + 1):k])). */
export function recentCases(counts: readonly number[], k: number, periods: number): number {
  let s = 0;
  for (let i = Math.max(1, k - periods + 1); i <= k; i++) s += counts[i - 1]!;
  return s;
}
