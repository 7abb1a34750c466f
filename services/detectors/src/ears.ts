// EARS C1, C2 and C3 (Hutwagner et al. 2003) exactly as surveillance::earsC computes them.
// Two entry points with identical arithmetic: `runEars` scores a whole series (R's rows),
// `prepareEars` validates the parameters once and scores one row at a time, for a
// streaming service that scores each closed bucket over its key's history.
import { normalCdf, normalQuantile, poissonQuantile } from './math/distributions';
import { blankRows, booleanParam, monitoredRange, numberParam } from './rows';
import type { CountDetector, CountSeries, DetectorRow, ParamSpec, ParamValues } from './types';
import { atLeast, nonNegative, probability, requireParam } from './validate';

export type EarsMethod = 'C1' | 'C2' | 'C3';

/** How many periods before t the reference window ends (C1: t-1, C2/C3: t-3, a two-period guard band). */
const GUARD: Record<EarsMethod, number> = { C1: 0, C2: 2, C3: 2 };
/** earsC's default first monitored row is baseline + this. */
const FIRST_ROW_OFFSET: Record<EarsMethod, number> = { C1: 1, C2: 3, C3: 5 };
/** earsC falls back to these when `alpha` is not given. */
const DEFAULT_ALPHA: Record<EarsMethod, number> = { C1: 0.001, C2: 0.001, C3: 0.025 };

function earsParams(method: EarsMethod): ParamSpec[] {
  return [
    { name: 'baseline', type: 'integer', default: 7, description: 'number of reference periods (at least 3)' },
    { name: 'alpha', type: 'number', default: DEFAULT_ALPHA[method], description: 'upper-tail probability; the threshold uses qnorm(1 - alpha)' },
    { name: 'minSigma', type: 'number', default: 0, description: 'lower bound on the reference standard deviation' },
    {
      name: 'poissonFloor',
      type: 'boolean',
      default: false,
      description:
        'not in R: the upper bound is at least the Poisson (1 - alpha) quantile of the reference mean (floored at 0.5/baseline), so a small count must be as rare as a Poisson series would need; the p-value stays the normal one (default false: as R)',
    },
    {
      name: 'range',
      type: 'range',
      description: `monitored rows FROM:TO (1-based); default baseline+${FIRST_ROW_OFFSET[method]} to the last row`,
    },
  ];
}

// qnorm(1 - alpha) by alpha: the quantile costs two Newton steps on erfc, and a
// service asks for the same few alphas hundreds of thousands of times.
const zAlphaCache = new Map<number, number>();
function upperQuantile(alpha: number): number {
  let z = zAlphaCache.get(alpha);
  if (z === undefined) {
    z = normalQuantile(1 - alpha);
    if (zAlphaCache.size < 1024) zAlphaCache.set(alpha, z);
  }
  return z;
}

/** The validated parameters of one EARS method. */
interface EarsSettings {
  method: EarsMethod;
  baseline: number;
  guard: number;
  minSigma: number;
  zAlpha: number;
  /** 1 - alpha, for the Poisson floor; null without it. */
  poissonLevel: number | null;
}

function settingsOf(method: EarsMethod, params: ParamValues): EarsSettings {
  const id = `ears-${method.toLowerCase()}`;
  requireParam(id, params, 'baseline', atLeast(3), 'at least 3 (as earsC requires)');
  requireParam(id, params, 'alpha', probability, 'between 0 and 1');
  requireParam(id, params, 'minSigma', nonNegative, 'non-negative');
  return {
    method,
    baseline: numberParam(params, 'baseline', 7),
    guard: GUARD[method],
    minSigma: numberParam(params, 'minSigma', 0),
    zAlpha: upperQuantile(numberParam(params, 'alpha', DEFAULT_ALPHA[method])),
    poissonLevel: booleanParam(params, 'poissonFloor', false) ? 1 - numberParam(params, 'alpha', DEFAULT_ALPHA[method]) : null,
  };
}

// The reference window of the row being scored, written here instead of allocated
// (scoring is synchronous, so one module-level pair is enough; a typed array because
// module-level number variables would box every double they are given).
const reference = new Float64Array(2);
const MEAN = 0;
const SIGMA = 1;

/**
 * Mean and (minSigma-floored) sd of the reference window for 1-based row t into
 * `reference`; false if the window starts before row 1. Same sums in the same
 * order as R's mean and sd (and rows.ts meanAndSd), so results are bit-identical.
 */
function referenceAt(counts: readonly number[], t: number, s: EarsSettings): boolean {
  const end = t - 1 - s.guard; // last reference row, 1-based
  const start = end - s.baseline + 1;
  if (start < 1) return false;
  const n = end - start + 1;
  let sum = 0;
  for (let i = start - 1; i < end; i++) sum += counts[i]!;
  const mean = sum / n;
  let ss = 0;
  for (let i = start - 1; i < end; i++) ss += (counts[i]! - mean) ** 2;
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : NaN;
  reference[MEAN] = mean;
  // R's pmax(sd, minSigma): NaN stays NaN.
  reference[SIGMA] = Number.isNaN(sd) ? NaN : Math.max(sd, s.minSigma);
  return true;
}

/** C2 statistic at 1-based row t (NaN/Infinity exactly as R's arithmetic gives them), or null without a window. */
function c2At(counts: readonly number[], t: number, s: EarsSettings): number | null {
  return referenceAt(counts, t, s) ? (counts[t - 1]! - reference[MEAN]!) / reference[SIGMA]! : null;
}

/** Fills the computed fields of `row` (1-based t, a blank row on entry) as earsC does. */
function scoreRow(counts: readonly number[], t: number, s: EarsSettings, row: DetectorRow): void {
  if (s.method === 'C3') {
    // Lags first: they overwrite the shared reference window.
    if (!referenceAt(counts, t, s)) return;
    const lag2 = c2At(counts, t - 2, s);
    const lag1 = c2At(counts, t - 1, s);
    if (lag2 === null || lag1 === null) return;
    referenceAt(counts, t, s);
    const y = counts[t - 1]!;
    const sigma = reference[SIGMA]!;
    // surveillance's C3 sums the exceedances of the two previous C2 values only and
    // turns that into a bound on the current count (the textbook C3 also adds today's C2).
    const lagSum = Math.max(0, lag2 - 1) + Math.max(0, lag1 - 1);
    let bound = Math.max(0, y + sigma * (s.zAlpha - lagSum));
    if (s.poissonLevel !== null && Number.isFinite(reference[MEAN]!)) bound = Math.max(Number.isNaN(bound) ? 0 : bound, poissonQuantile(s.poissonLevel, Math.max(reference[MEAN]!, 0.5 / s.baseline)));
    row.expected = reference[MEAN]!;
    if (Number.isFinite(bound)) {
      row.upperbound = bound;
      row.alarm = y > bound;
    }
    row.score = Number.isFinite(lagSum) ? lagSum : null;
    return;
  }
  if (!referenceAt(counts, t, s)) return;
  const y = counts[t - 1]!;
  const mean = reference[MEAN]!;
  const sigma = reference[SIGMA]!;
  row.expected = mean;
  let bound = mean + s.zAlpha * sigma;
  // The normal approximation is far too lax for small counts (a week of 5 after 1, 2, 1...):
  // a count must also be as rare as the same alpha under Poisson with the reference mean.
  const floorMean = s.poissonLevel === null ? 0 : Math.max(mean, 0.5 / s.baseline);
  if (s.poissonLevel !== null && Number.isFinite(mean)) bound = Math.max(Number.isNaN(bound) ? 0 : bound, poissonQuantile(s.poissonLevel, floorMean));
  if (Number.isFinite(bound)) {
    row.upperbound = bound;
    row.alarm = y > bound;
  }
  const score = (y - mean) / sigma;
  if (Number.isFinite(score)) {
    row.score = score;
    row.pValue = normalCdf(-score); // upper tail without cancellation
  }
}

export function runEars(method: EarsMethod, series: CountSeries, params: ParamValues): DetectorRow[] {
  const settings = settingsOf(method, params);
  const counts = series.counts;
  const rows = blankRows(series);
  const [from, to] = monitoredRange(params, counts.length, settings.baseline + FIRST_ROW_OFFSET[method]);
  for (let t = from; t <= to; t++) scoreRow(counts, t, settings, rows[t - 1]!);
  return rows;
}

/** Scores the last period of a series only: the row `run` would give last, computed alone. */
export type LastRowScorer = (counts: readonly number[]) => DetectorRow | undefined;

/**
 * Validates `params` once (throws as `runEars` would) and returns a scorer of a series'
 * last row, equal to the last row of `runEars(method, series, params)`.
 */
export function prepareEars(method: EarsMethod, params: ParamValues): LastRowScorer {
  const settings = settingsOf(method, params);
  // monitoredRange without its array per call: [max(1, from), min(n, to)] holds n when from <= n <= to.
  const range = params['range'];
  const from = Array.isArray(range) ? range[0] : settings.baseline + FIRST_ROW_OFFSET[method];
  const to = Array.isArray(range) ? range[1] : Number.POSITIVE_INFINITY;
  return (counts) => {
    const n = counts.length;
    if (n === 0) return undefined;
    const row: DetectorRow = { t: n, observed: counts[n - 1]!, expected: null, upperbound: null, alarm: false, score: null, pValue: null };
    if (from <= n && n <= to) scoreRow(counts, n, settings, row);
    return row;
  };
}

function earsDetector(method: EarsMethod): CountDetector {
  const window = method === 'C1' ? 'the previous `baseline` periods' : 'the `baseline` periods ending three periods back';
  return {
    id: `ears-${method.toLowerCase()}`,
    version: '1.0.0',
    reference: `surveillance::earsC(control = list(method = "${method}"))`,
    description:
      method === 'C3'
        ? 'EARS C3: alarm when the exceedances of the two previous C2 statistics sum above qnorm(1 - alpha)'
        : `EARS ${method}: alarm when the count exceeds mean + qnorm(1 - alpha) * sd of ${window}`,
    params: earsParams(method),
    run: (series, params) => runEars(method, series, params),
  };
}

export const earsC1 = earsDetector('C1');
export const earsC2 = earsDetector('C2');
export const earsC3 = earsDetector('C3');

/** The EARS method a registered detector runs, or null for other detectors. */
export function earsMethodOf(detector: CountDetector): EarsMethod | null {
  return detector === earsC1 ? 'C1' : detector === earsC2 ? 'C2' : detector === earsC3 ? 'C3' : null;
}
