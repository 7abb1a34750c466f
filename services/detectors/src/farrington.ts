// Classic Farrington detector (Farrington, Andrews, Beale & Catchpole 1996) as R's
// surveillance::farrington / algo.farrington computes it with its default fitter
// (algo.farrington.fitGLM.fast): per monitored period, a quasi-Poisson log-linear GLM
// (intercept + linear trend) on the b years x (2w+1) reference periods, outbreak
// down-weighting, trend kept only if significant, and a 2/3-power threshold.

import { classicReferenceByDate, classicReferenceByOffset, type ReferenceWindow } from './farrington-reference';
import { fitFarringtonModel, type FarringtonModel } from './farrington-model';
import { parseLimit54, recentCases, seriesDays } from './farrington-series';
import { deltaThreshold, POWER_TRANSFORMS, type PowerTransform } from './farrington-threshold';
import { coefficientPValue, fitPoissonGlm, predictResponse } from './math/glm';
import { DetectorError } from './errors';
import { normalQuantile } from './math/distributions';
import { blankRows, booleanParam, monitoredRange, numberParam, stringParam } from './rows';
import type { CountDetector, CountSeries, DetectorRow, ParamSpec, ParamValues } from './types';

const PARAMS: readonly ParamSpec[] = [
  { name: 'b', type: 'integer', default: 5, description: 'number of past years in the baseline' },
  { name: 'w', type: 'integer', default: 3, description: 'half-width of the window of reference periods around the same period of each past year' },
  { name: 'reweight', type: 'boolean', default: true, description: 'down-weight past outbreaks (Anscombe residuals > 1) and refit' },
  { name: 'alpha', type: 'number', default: 0.05, description: 'the upper bound is the upper end of a two-sided (1 - alpha) prediction interval' },
  { name: 'trend', type: 'boolean', default: true, description: 'fit a linear time trend, kept only when significant (p < 0.05), b >= 3 and it does not extrapolate' },
  { name: 'limit54', type: 'string', default: '5,4', description: 'no alarm unless at least CASES counts in the last PERIODS periods, as "CASES,PERIODS"' },
  { name: 'powertrans', type: 'enum', default: '2/3', values: POWER_TRANSFORMS, description: 'power transformation for the normal approximation: 2/3 (skewness), 1/2 (variance stabilising) or none' },
  { name: 'range', type: 'range', description: 'monitored rows FROM:TO (1-based); default freq*b - w to the last row' },
];

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/** R: algo.farrington.fitGLM.fast, including its fall-back to no trend when the first fit does not converge. */
function fitClassicModel(response: number[], wtime: number[], trend: boolean, reweight: boolean): { model: FarringtonModel; hasTrend: boolean } {
  let hasTrend = trend;
  let data = { design: wtime.map((t) => (hasTrend ? [1, t] : [1])), response };
  let first = fitPoissonGlm(data);
  if (!first.converged && hasTrend) {
    hasTrend = false;
    data = { design: wtime.map(() => [1]), response };
    first = fitPoissonGlm(data);
  }
  return { model: fitFarringtonModel(data, { reweight, weightsThreshold: 1 }, first), hasTrend };
}

function runFarrington(series: CountSeries, params: ParamValues): DetectorRow[] {
  const b = numberParam(params, 'b', 5);
  const w = numberParam(params, 'w', 3);
  const reweight = booleanParam(params, 'reweight', true);
  const alpha = numberParam(params, 'alpha', 0.05);
  const trend = booleanParam(params, 'trend', true);
  const limit54 = parseLimit54('farrington', stringParam(params, 'limit54', '5,4'));
  const powertrans = stringParam(params, 'powertrans', '2/3') as PowerTransform;
  if (!Number.isInteger(b) || b < 1) throw new DetectorError('PARAM_INVALID', `farrington: b must be an integer >= 1 (got ${b})`);
  if (!Number.isInteger(w) || w < 0) throw new DetectorError('PARAM_INVALID', `farrington: w must be an integer >= 0 (got ${w})`);
  if (!(alpha > 0 && alpha < 1)) throw new DetectorError('PARAM_INVALID', `farrington: alpha must be between 0 and 1 (got ${alpha})`);
  if (!POWER_TRANSFORMS.includes(powertrans)) throw new DetectorError('PARAM_INVALID', `farrington: powertrans must be one of ${POWER_TRANSFORMS.join(', ')} (got ${powertrans})`);

  const { counts, freq } = series;
  const days = seriesDays(series);
  const rows = blankRows(series);
  const win: ReferenceWindow = { b, w, freq };
  const [from, to] = monitoredRange(params, counts.length, freq * b - w);
  // Classic R farrington uses a two-sided interval: qnorm(1 - alpha/2).
  const z = normalQuantile(1 - alpha / 2);

  for (let k = from; k <= to; k++) {
    const wtime = days ? classicReferenceByDate(k, days, win) : classicReferenceByOffset(k, win);
    if (wtime.length === 0) continue; // no history at all: nothing to fit
    const response = wtime.map((i) => counts[i - 1]!);
    let { model, hasTrend } = fitClassicModel(response, wtime, trend, reweight);
    if (hasTrend) {
      const significant = coefficientPValue(model.fit, 1) < 0.05;
      const mu0Hat = predictResponse(model.fit, [1, k], 0, model.phi).mu;
      const noExtrapolation = mu0Hat <= Math.max(...response);
      if (!(b >= 3 && significant && noExtrapolation)) {
        ({ model, hasTrend } = fitClassicModel(response, wtime, false, reweight));
      }
    }
    const pred = predictResponse(model.fit, hasTrend ? [1, k] : [1], 0, model.phi);
    const observed = counts[k - 1]!;
    const threshold = deltaThreshold(pred.mu, pred.seMu, model.phi, powertrans, z, observed);
    const enoughCases = recentCases(counts, k, limit54.periods) >= limit54.cases;
    // As R: with too few recent cases the score and the upper bound are 0, not missing.
    const score = enoughCases ? (observed - pred.mu) / (threshold.upper - pred.mu) : 0;
    const row = rows[k - 1]!;
    row.expected = finiteOrNull(pred.mu);
    row.upperbound = enoughCases ? finiteOrNull(threshold.upper) : 0;
    row.alarm = score > 1;
    row.score = finiteOrNull(score);
    row.pValue = finiteOrNull(threshold.pValue);
  }
  return rows;
}

export const farrington: CountDetector = {
  id: 'farrington',
  version: '1.0.0',
  reference: 'surveillance::farrington / algo.farrington (fitFun = "algo.farrington.fitGLM.fast")',
  description:
    'Farrington et al. (1996): quasi-Poisson GLM with trend on the same weeks of past years, past outbreaks down-weighted; alarm when the count exceeds the upper end of the 2/3-power prediction interval.',
  params: PARAMS,
  run: runFarrington,
};
