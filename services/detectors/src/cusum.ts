// Count CUSUM of Rossi et al. (1999) as surveillance::cusum / algo.cusum computes it,
// including its per-transformation upper bounds (which are not all consistent with the
// transformation used for the statistic; see docs/detectors.md).
import { DetectorError } from './errors';
import { negBinSurvival, poissonSurvival } from './math/distributions';
import { GlmFitError, fitLogLinearGlm, poissonFamily } from './math/loglinear-glm';
import { blankRows, jeffreysMean, monitoredRange, numberParam, stringParam } from './rows';
import type { CountDetector, CountSeries, DetectorRow, ParamValues } from './types';
import { nonNegative, positive, requireParam } from './validate';

export const CUSUM_TRANSFORMS = ['standard', 'rossi', 'anscombe', 'anscombe2nd', 'pearsonNegBin', 'none'] as const;
export type CusumTransform = (typeof CUSUM_TRANSFORMS)[number];

function standardise(trans: CusumTransform, x: number, m: number, alpha: number): number {
  switch (trans) {
    case 'rossi':
      return (x - 3 * m + 2 * Math.sqrt(x * m)) / (2 * Math.sqrt(m));
    case 'standard':
      return (x - m) / Math.sqrt(m);
    case 'anscombe':
      return (1.5 * (x ** (2 / 3) - m ** (2 / 3))) / m ** (1 / 6);
    case 'anscombe2nd':
      return (x ** (2 / 3) - (m ** (2 / 3) - m ** (-1 / 3) / 9)) / ((2 / 3) * m ** (1 / 6));
    case 'pearsonNegBin':
      return (x - m) / Math.sqrt(m + alpha * m * m);
    case 'none':
      return x;
  }
}

/** algo.cusum's upper bound given C(t-1); `cusumNow` is C(t), used by trans = "none". */
function upperBound(trans: CusumTransform, m: number, h: number, k: number, cPrev: number, cusumNow: number, alpha: number): number {
  let ub: number;
  switch (trans) {
    case 'rossi': {
      const r = Math.sqrt(m);
      const m15 = m ** 1.5;
      ub = 2 * h * r + 2 * k * r - 2 * cPrev * r + 5 * m - 2 * Math.sqrt(4 * m * m + 2 * m15 * h + 2 * m15 * k - 2 * m15 * cPrev);
      break;
    }
    case 'standard':
      ub = Math.ceil(Math.sqrt(m) * (h + k - cPrev) + m);
      break;
    case 'anscombe': {
      const v = (2 / 3) * m ** (1 / 6) * (h + k - cPrev) + m ** (2 / 3);
      ub = v < 0 ? 0 : v ** 1.5;
      break;
    }
    case 'anscombe2nd': {
      // R uses m^(1/3)/9 here although the statistic uses m^(-1/3)/9; kept for equivalence.
      const v = (2 / 3) * m ** (1 / 6) * (h + k - cPrev) + (m ** (2 / 3) - m ** (1 / 3) / 9);
      ub = v < 0 ? 0 : v ** 1.5;
      break;
    }
    case 'pearsonNegBin':
      ub = Math.sqrt(m + alpha * m * m) * (h + k - cPrev) + m;
      break;
    case 'none':
      ub = h - cusumNow;
      break;
  }
  return Number.isNaN(ub) || ub < 0 ? 0 : ub;
}

/** The in-control mean for each monitored row: a constant, the baseline mean, or a seasonal Poisson GLM. */
function inControlMeans(counts: readonly number[], from: number, to: number, m: number | string | undefined, freq: number): number[] {
  const width = to - from + 1;
  if (typeof m === 'number') return new Array<number>(width).fill(m);
  const training = counts.slice(0, from - 1);
  if (m === undefined || m === 'mean') {
    const mean = training.reduce((s, v) => s + v, 0) / training.length;
    return new Array<number>(width).fill(mean);
  }
  // m = "glm": log mu = b0 + b1 cos(2 pi t / freq) + b2 sin(2 pi t / freq), t = row number
  // (R uses start[2] + row - 1; sts objects start at week 1 unless told otherwise).
  const design = (t: number): number[] => [1, Math.cos((2 * Math.PI * t) / freq), Math.sin((2 * Math.PI * t) / freq)];
  try {
    const fit = fitLogLinearGlm(training.map((_, i) => design(i + 1)), training, poissonFamily);
    const beta = fit.coefficients;
    return Array.from({ length: width }, (_, i) => Math.exp(design(from + i).reduce((s, v, j) => s + v * beta[j]!, 0)));
  } catch (err) {
    if (err instanceof GlmFitError) throw new DetectorError('FIT_FAILED', `cusum: seasonal GLM for m failed: ${err.message}`, { cause: err });
    throw err;
  }
}

/** In-control fallbacks: `none` as R, `floor` the robust rule for streaming use. */
export const CUSUM_FALLBACKS = ['none', 'floor'] as const;

/**
 * fallback = floor: a failed seasonal fit becomes the constant (sum + 0.5) / n, and every
 * mean is at least 0.5 / n (an all-zero baseline standardises by ~0 otherwise: NaN, never
 * an alarm). Returns the means and a note when the fallback changed them.
 */
function flooredMeans(counts: readonly number[], from: number, to: number, m: number | string | undefined, freq: number): { means: number[]; note?: string } {
  const training = counts.slice(0, from - 1);
  const n = training.length;
  const floor = 0.5 / Math.max(1, n);
  let means: number[];
  let note: string | undefined;
  try {
    means = inControlMeans(counts, from, to, m, freq);
  } catch (err) {
    if (!(err instanceof DetectorError)) throw err;
    means = new Array<number>(to - from + 1).fill(jeffreysMean(training));
    note = `${err.message}: constant mean (sum + 0.5) / ${n}`;
  }
  if (typeof m !== 'number' && means.some((v) => !(v >= floor))) {
    note ??= training.every((v) => v === 0) ? `in-control baseline of ${n} periods is all zeros: mean floored at 0.5 / ${n}` : `in-control mean floored at 0.5 / ${n}`;
    means = means.map((v) => (v >= floor ? v : floor));
  }
  return note ? { means, note } : { means };
}

function parseM(raw: ParamValues[string]): number | string | undefined {
  if (raw === undefined || typeof raw === 'number') return raw;
  if (raw === 'glm' || raw === 'mean') return raw;
  const n = Number(raw);
  if (typeof raw === 'string' && raw.trim() !== '' && Number.isFinite(n) && n > 0) return n;
  throw new DetectorError('PARAM_INVALID', `cusum: m must be a positive number, "mean" or "glm", got "${String(raw)}"`);
}

export function runCusum(series: CountSeries, params: ParamValues): DetectorRow[] {
  requireParam('cusum', params, 'h', positive, 'positive');
  requireParam('cusum', params, 'k', nonNegative, 'non-negative');
  requireParam('cusum', params, 'alpha', nonNegative, 'non-negative');
  const k = numberParam(params, 'k', 1.04);
  const h = numberParam(params, 'h', 2.26);
  const alpha = numberParam(params, 'alpha', 0.1);
  const trans = stringParam(params, 'trans', 'standard') as CusumTransform;
  if (!CUSUM_TRANSFORMS.includes(trans)) {
    throw new DetectorError('PARAM_INVALID', `cusum: trans must be one of ${CUSUM_TRANSFORMS.join(', ')}, got "${trans}"`);
  }
  const m = parseM(params['m']);
  const counts = series.counts;
  const rows = blankRows(series);
  const [from, to] = monitoredRange(params, counts.length, Math.min(series.freq, counts.length) + 1);
  // Without a fixed m the baseline is rows 1..from-1; with none, nothing can be monitored.
  if (from > to || (typeof m !== 'number' && from < 2)) return rows;
  const fallback = stringParam(params, 'fallback', 'none');
  if (!(CUSUM_FALLBACKS as readonly string[]).includes(fallback)) throw new DetectorError('PARAM_INVALID', `cusum: fallback must be one of ${CUSUM_FALLBACKS.join(', ')}, got "${fallback}"`);
  const { means, note } = fallback === 'floor' ? flooredMeans(counts, from, to, m, series.freq) : { means: inControlMeans(counts, from, to, m, series.freq), note: undefined };
  let cusum = 0;
  for (let t = from; t <= to; t++) {
    const row = rows[t - 1]!;
    const mt = means[t - from]!;
    const x = counts[t - 1]!;
    const cPrev = cusum;
    cusum = Math.max(0, cPrev + (standardise(trans, x, mt, alpha) - k));
    row.expected = mt;
    row.upperbound = upperBound(trans, mt, h, k, cPrev, cusum, alpha);
    // R: max(0, NaN) is NaN and NaN >= h is NA; that NA is "no alarm" here.
    row.alarm = cusum >= h;
    row.score = Number.isFinite(cusum) ? cusum : null;
    row.pValue = trans === 'pearsonNegBin' ? negBinSurvival(x - 1, 1 / alpha, mt) : poissonSurvival(x - 1, mt);
    if (note) row.note = note;
  }
  return rows;
}

export const cusum: CountDetector = {
  id: 'cusum',
  version: '1.0.0',
  reference: 'surveillance::cusum (algo.cusum)',
  description:
    'Count CUSUM of standardised counts against an in-control mean fitted on the rows before the range; alarm when the CUSUM reaches h',
  params: [
    { name: 'k', type: 'number', default: 1.04, description: 'reference value subtracted from each standardised count' },
    { name: 'h', type: 'number', default: 2.26, description: 'decision interval: alarm when the CUSUM is >= h' },
    {
      name: 'm',
      type: 'string',
      default: null,
      description: 'in-control mean: a positive number, "mean" (default: mean of the rows before the range) or "glm" (Poisson GLM with one harmonic on those rows)',
    },
    { name: 'trans', type: 'enum', default: 'standard', values: CUSUM_TRANSFORMS, description: 'standardisation of the counts' },
    { name: 'alpha', type: 'number', default: 0.1, description: 'negative binomial dispersion for trans = pearsonNegBin (variance m + alpha m^2)' },
    {
      name: 'fallback',
      type: 'enum',
      default: 'none',
      values: CUSUM_FALLBACKS,
      description: 'not in R: "floor" floors the in-control mean at 0.5 / n (n baseline rows) and replaces a failed glm by (sum + 0.5) / n (rows carry a note); "none" as R',
    },
    { name: 'range', type: 'range', description: 'monitored rows FROM:TO; the rows before FROM are the baseline. R requires it; Tocsin defaults to freq+1 to the last row' },
  ],
  run: runCusum,
};
