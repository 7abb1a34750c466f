// Choice of the reference periods the Farrington detectors fit their baseline on:
// by offsets of whole years (`freq` periods) for series without dates, by calendar date
// for dated series, exactly as R's `surveillance` does it (refvalIdxByDate,
// algo.farrington.referencetimepoints, blocks). Indices here are 1-based like R's.

import { addMonths, addYears, dayOfMonth, weekday } from './calendar';
import { DetectorError } from './errors';

export interface ReferenceWindow {
  /** Years back (b) and half-width in periods (w). */
  b: number;
  w: number;
  freq: number;
}

/** R's `from:to` (descending when from > to). */
function rColon(from: number, to: number): number[] {
  const out: number[] = [];
  if (from <= to) for (let i = from; i <= to; i++) out.push(i);
  else for (let i = from; i >= to; i--) out.push(i);
  return out;
}

/** R's `x[from:to] <- value` on a 1-based vector: index 0 is skipped, indices past the end extend it. */
function rAssign(vector: (number | null)[], from: number, to: number, value: number | null): void {
  for (const i of rColon(from, to)) {
    if (i < 0) throw new Error(`reference window reaches before the start of the series (index ${i}); postpone 'range' or decrease 'b'/'w'`);
    if (i === 0) continue;
    while (vector.length < i) vector.push(null);
    vector[i - 1] = value;
  }
}

/** Which calendar step one period is, for dated series (R's epochStr); null for other frequencies. */
export type Epoch = 'day' | 'week' | 'month';

export function epochOfFreq(freq: number): Epoch | null {
  if (freq === 52) return 'week';
  if (freq === 12) return 'month';
  if (freq === 365) return 'day';
  return null;
}

function stepPeriods(day: number, epoch: Epoch, periods: number): number {
  if (epoch === 'month') return addMonths(day, periods);
  return day + periods * (epoch === 'week' ? 7 : 1);
}

/**
 * Classic Farrington (algo.farrington) reference indices for the period at 1-based index k:
 * for i = b..1 the periods k - i*freq - w .. k - i*freq + w; periods before the start are
 * dropped (R warns and carries on).
 */
export function classicReferenceByOffset(k: number, win: ReferenceWindow): number[] {
  const out: number[] = [];
  for (let i = win.b; i >= 1; i--) {
    for (const idx of rColon(k - win.freq * i - win.w, k - win.freq * i + win.w)) if (idx > 0) out.push(idx);
  }
  return out;
}

/**
 * Classic Farrington reference indices for a dated series (R: refvalIdxByDate): the same
 * date 1..b years back, w periods either side, weekly dates moved to the current weekday
 * (nearest), monthly dates to the current day of the month; dates absent from the series are dropped.
 */
export function classicReferenceByDate(k: number, days: readonly number[], win: ReferenceWindow): number[] {
  const epoch = epochOfFreq(win.freq);
  if (!epoch) throw new DetectorError('INPUT_INVALID', `dated series need freq 52, 12 or 365 (got ${win.freq})`);
  const t0 = days[k - 1]!;
  let refDays: number[] = [];
  for (let j = 1; j <= win.b; j++) {
    const refPoint = addYears(t0, -j);
    for (let h = win.w; h >= 1; h--) refDays.push(stepPeriods(refPoint, epoch, -h));
    refDays.push(refPoint);
    for (let h = 1; h <= win.w; h++) refDays.push(stepPeriods(refPoint, epoch, h));
  }
  if (epoch === 'week') {
    const wd0 = weekday(t0);
    refDays = refDays.map((d) => {
      const forward = (((wd0 - weekday(d)) % 7) + 7) % 7;
      const backward = (((weekday(d) - wd0) % 7) + 7) % 7;
      return d + (forward < backward ? forward : -backward);
    });
  } else if (epoch === 'month') {
    const d0 = dayOfMonth(t0);
    refDays = refDays.map((d) => d - (dayOfMonth(d) - d0));
  }
  const position = new Map<number, number>();
  days.forEach((d, i) => {
    if (!position.has(d)) position.set(d, i + 1);
  });
  const out: number[] = [];
  for (const d of refDays) {
    const idx = position.get(d);
    if (idx !== undefined) out.push(idx);
  }
  return out;
}

/**
 * Reference time points of farringtonFlexible (R: algo.farrington.referencetimepoints):
 * the current period and the same period 1..b years back. Returned as 1-based indices;
 * throws, as R does, when one of them is not in the series.
 */
export function flexibleReferencePoints(k: number, days: readonly number[] | null, win: ReferenceWindow): number[] {
  const missing = (): never => {
    throw new Error(`row ${k}: some reference time points do not exist; decrease 'b' or postpone 'range'`);
  };
  if (!days) {
    const out: number[] = [];
    for (let i = 0; i <= win.b; i++) {
      const idx = k - i * win.freq;
      if (idx < 1) missing();
      out.push(idx);
    }
    return out;
  }
  const epoch = epochOfFreq(win.freq);
  if (!epoch) throw new DetectorError('INPUT_INVALID', `dated series need freq 52, 12 or 365 (got ${win.freq})`);
  const t0 = days[k - 1]!;
  const position = new Map<number, number>();
  days.forEach((d, i) => {
    if (!position.has(d)) position.set(d, i + 1);
  });
  const out: number[] = [];
  for (let i = 0; i <= win.b; i++) {
    let ref = addYears(t0, -i);
    if (epoch === 'week') {
      // Move to the current weekday: of the two candidates a week apart, the nearer (ties: the first).
      const a = ref - (weekday(ref) - weekday(t0));
      const bAlt = a + (a > ref ? -7 : 7);
      ref = Math.abs(a - ref) > Math.abs(bAlt - ref) ? bAlt : a;
    }
    const idx = position.get(ref);
    if (idx === undefined) missing();
    out.push(idx!);
  }
  return out;
}

/**
 * Seasonal factor of every period up to `now` (R: blocks): the windows of width 2w+1 around
 * the reference points (and w periods back from now) get level `noPeriods`; the gap between
 * two consecutive windows is cut into noPeriods - 1 blocks, levels 1..noPeriods-1.
 * Periods outside every block are null.
 */
export function seasonalBlocks(
  referencePoints: readonly number[],
  now: number,
  win: ReferenceWindow,
  noPeriods: number,
  seriesLength: number,
): (number | null)[] {
  const factors: (number | null)[] = new Array<number | null>(seriesLength).fill(null);
  const { w, b } = win;
  rAssign(factors, now - w, now, noPeriods);
  const referenceWeeks = [...referencePoints].sort((x, y) => y - x); // R: rev(which(...)), latest first
  for (let i = 1; i <= b; i++) {
    const refWeek = referenceWeeks[i]!;
    rAssign(factors, refWeek - w, refWeek + w, noPeriods);
    if (noPeriods !== 1) {
      const period = referenceWeeks[i - 1]! - 2 * w - 1 - refWeek;
      if (period < noPeriods - (2 * w + 1)) throw new DetectorError('PARAM_INVALID', `noPeriods=${noPeriods} is too big for w=${w} and freq=${win.freq}`);
      const lengthOfBlocks = Math.floor(period / (noPeriods - 1));
      const rest = period - lengthOfBlocks * (noPeriods - 1);
      const lengths = new Array<number>(noPeriods - 1).fill(lengthOfBlocks).map((len, j) => (j < rest ? len + 1 : len));
      const cumulative = [0];
      for (const len of lengths) cumulative.push(cumulative[cumulative.length - 1]! + len);
      for (let j = 1; j <= noPeriods - 1; j++) {
        rAssign(factors, refWeek + w + 1 + cumulative[j - 1]!, refWeek + w + 1 + cumulative[j]! - 1, j);
      }
    }
  }
  return factors;
}

/** R's `x[from:to] <- NA` used to leave the most recent periods out of the baseline. */
export function excludeRecent(factors: (number | null)[], k: number, pastWeeksNotIncluded: number): void {
  rAssign(factors, k - pastWeeksNotIncluded, k, null);
}
