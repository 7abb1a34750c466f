// EARS C1, C2 and C3 (Hutwagner et al. 2003) exactly as surveillance::earsC computes them.
import { normalCdf, normalQuantile } from './math/distributions';
import { blankRows, meanAndSd, monitoredRange, numberParam } from './rows';
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
      name: 'range',
      type: 'range',
      description: `monitored rows FROM:TO (1-based); default baseline+${FIRST_ROW_OFFSET[method]} to the last row`,
    },
  ];
}

interface Reference {
  mean: number;
  sigma: number;
}

/** Mean and (minSigma-floored) sd of the reference window for 1-based row t, or null if it starts before row 1. */
function referenceAt(counts: readonly number[], t: number, baseline: number, guard: number, minSigma: number): Reference | null {
  const end = t - 1 - guard; // last reference row, 1-based
  const start = end - baseline + 1;
  if (start < 1) return null;
  const { mean, sd } = meanAndSd(counts.slice(start - 1, end));
  // R's pmax(sd, minSigma): NaN stays NaN.
  return { mean, sigma: Number.isNaN(sd) ? NaN : Math.max(sd, minSigma) };
}

export function runEars(method: EarsMethod, series: CountSeries, params: ParamValues): DetectorRow[] {
  const id = `ears-${method.toLowerCase()}`;
  requireParam(id, params, 'baseline', atLeast(3), 'at least 3 (as earsC requires)');
  requireParam(id, params, 'alpha', probability, 'between 0 and 1');
  requireParam(id, params, 'minSigma', nonNegative, 'non-negative');
  const baseline = numberParam(params, 'baseline', 7);
  const alpha = numberParam(params, 'alpha', DEFAULT_ALPHA[method]);
  const minSigma = numberParam(params, 'minSigma', 0);
  const counts = series.counts;
  const rows = blankRows(series);
  const zAlpha = normalQuantile(1 - alpha);
  const guard = GUARD[method];
  const [from, to] = monitoredRange(params, counts.length, baseline + FIRST_ROW_OFFSET[method]);

  // C2 statistic at 1-based row s, NaN/Infinity exactly as R's arithmetic gives them.
  const c2At = (s: number): number | null => {
    const ref = referenceAt(counts, s, baseline, guard, minSigma);
    return ref ? (counts[s - 1]! - ref.mean) / ref.sigma : null;
  };

  for (let t = from; t <= to; t++) {
    const ref = referenceAt(counts, t, baseline, guard, minSigma);
    if (!ref) continue;
    const row = rows[t - 1]!;
    const y = counts[t - 1]!;
    row.expected = ref.mean;
    if (method === 'C3') {
      const lag2 = c2At(t - 2);
      const lag1 = c2At(t - 1);
      if (lag2 === null || lag1 === null) {
        row.expected = null;
        continue;
      }
      // surveillance's C3 sums the exceedances of the two previous C2 values only and
      // turns that into a bound on the current count (the textbook C3 also adds today's C2).
      const lagSum = Math.max(0, lag2 - 1) + Math.max(0, lag1 - 1);
      const bound = Math.max(0, y + ref.sigma * (zAlpha - lagSum));
      if (Number.isFinite(bound)) {
        row.upperbound = bound;
        row.alarm = y > bound;
      }
      row.score = Number.isFinite(lagSum) ? lagSum : null;
      continue;
    }
    const bound = ref.mean + zAlpha * ref.sigma;
    if (Number.isFinite(bound)) {
      row.upperbound = bound;
      row.alarm = y > bound;
    }
    const score = (y - ref.mean) / ref.sigma;
    if (Number.isFinite(score)) {
      row.score = score;
      row.pValue = normalCdf(-score); // upper tail without cancellation
    }
  }
  return rows;
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
