// Improved Farrington detector (Noufaily, Enki, Farrington, Garthwaite, Andrews &
// Charlett 2013) as R's surveillance::farringtonFlexible computes it: the baseline can use
// all past weeks through a seasonal factor with `noPeriods` levels, leaves out the most
// recent `pastWeeksNotIncluded` weeks, down-weights past outbreaks above
// `weightsThreshold`, and thresholds either by the original delta method or by a
// negative-binomial quantile (nbPlugin, muan). The Noufaily et al. recommendation is
// noPeriods=10, pastWeeksNotIncluded=26, weightsThreshold=2.58, thresholdMethod=nbPlugin.

import { excludeRecent, flexibleReferencePoints, seasonalBlocks, type ReferenceWindow } from './farrington-reference';
import { fitFarringtonModel, type FarringtonModel } from './farrington-model';
import { parseLimit54, recentCases, seriesDays } from './farrington-series';
import { deltaThreshold, noufailyThreshold, POWER_TRANSFORMS, type PowerTransform, type Threshold } from './farrington-threshold';
import { DetectorError } from './errors';
import { normalQuantile } from './math/distributions';
import { coefficientPValue, fitPoissonGlm, predictLink, type GlmData } from './math/glm';
import { blankRows, booleanParam, monitoredRange, numberParam, stringParam } from './rows';
import type { CountDetector, CountSeries, DetectorRow, ParamSpec, ParamValues } from './types';

export const THRESHOLD_METHODS = ['delta', 'nbPlugin', 'muan'] as const;
export type ThresholdMethod = (typeof THRESHOLD_METHODS)[number];

const PARAMS: readonly ParamSpec[] = [
  { name: 'b', type: 'integer', default: 5, description: 'number of past years in the baseline' },
  { name: 'w', type: 'integer', default: 3, description: 'half-width of the window around the same period of each past year' },
  { name: 'reweight', type: 'boolean', default: true, description: 'down-weight past outbreaks and refit' },
  { name: 'weightsThreshold', type: 'number', default: 2.58, description: 'Anscombe residuals above this are down-weighted (original Farrington: 1)' },
  { name: 'alpha', type: 'number', default: 0.05, description: 'the upper bound is the (1 - alpha) quantile (one-sided)' },
  { name: 'trend', type: 'boolean', default: true, description: 'fit a linear time trend, kept when significant, b >= 3 and no extrapolation' },
  { name: 'pThresholdTrend', type: 'number', default: 0.05, description: 'significance level of the trend test' },
  { name: 'limit54', type: 'string', default: '5,4', description: 'no alarm unless at least CASES counts in the last PERIODS periods, as "CASES,PERIODS"' },
  { name: 'powertrans', type: 'enum', default: '2/3', values: POWER_TRANSFORMS, description: 'power transformation of the delta method: 2/3, 1/2 or none' },
  { name: 'noPeriods', type: 'integer', default: 1, description: 'levels of the seasonal factor; 1 uses only the reference windows (original method), Noufaily et al.: 10' },
  {
    name: 'pastWeeksNotIncluded',
    type: 'integer',
    description: 'most recent periods left out of the baseline; default w (R: NULL), Noufaily et al.: 26',
  },
  { name: 'thresholdMethod', type: 'enum', default: 'delta', values: THRESHOLD_METHODS, description: 'delta (Farrington 1996), nbPlugin or muan (Noufaily et al. 2013)' },
  { name: 'populationOffset', type: 'boolean', default: false, description: 'add offset(log(population)) to the model; needs series.population' },
  { name: 'range', type: 'range', description: 'monitored rows FROM:TO (1-based); default freq*b + w + 1 to the last row' },
];

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

interface FlexibleSettings {
  b: number;
  w: number;
  reweight: boolean;
  weightsThreshold: number;
  alpha: number;
  trend: boolean;
  pThresholdTrend: number;
  limit54: { cases: number; periods: number };
  powertrans: PowerTransform;
  noPeriods: number;
  pastWeeksNotIncluded: number;
  thresholdMethod: ThresholdMethod;
  populationOffset: boolean;
}

function readSettings(params: ParamValues): FlexibleSettings {
  const w = numberParam(params, 'w', 3);
  const s: FlexibleSettings = {
    b: numberParam(params, 'b', 5),
    w,
    reweight: booleanParam(params, 'reweight', true),
    weightsThreshold: numberParam(params, 'weightsThreshold', 2.58),
    alpha: numberParam(params, 'alpha', 0.05),
    trend: booleanParam(params, 'trend', true),
    pThresholdTrend: numberParam(params, 'pThresholdTrend', 0.05),
    limit54: parseLimit54('farrington-flexible', stringParam(params, 'limit54', '5,4')),
    powertrans: stringParam(params, 'powertrans', '2/3') as PowerTransform,
    noPeriods: numberParam(params, 'noPeriods', 1),
    pastWeeksNotIncluded: numberParam(params, 'pastWeeksNotIncluded', w),
    thresholdMethod: stringParam(params, 'thresholdMethod', 'delta') as ThresholdMethod,
    populationOffset: booleanParam(params, 'populationOffset', false),
  };
  if (!Number.isInteger(s.b) || s.b < 1) throw new DetectorError('PARAM_INVALID', `farrington-flexible: b must be an integer >= 1 (got ${s.b})`);
  if (!Number.isInteger(s.w) || s.w < 0) throw new DetectorError('PARAM_INVALID', `farrington-flexible: w must be an integer >= 0 (got ${s.w})`);
  if (!(s.alpha > 0 && s.alpha < 1)) throw new DetectorError('PARAM_INVALID', `farrington-flexible: alpha must be between 0 and 1 (got ${s.alpha})`);
  if (!Number.isInteger(s.noPeriods) || s.noPeriods < 1) throw new DetectorError('PARAM_INVALID', `farrington-flexible: noPeriods must be an integer >= 1 (got ${s.noPeriods})`);
  if (!Number.isInteger(s.pastWeeksNotIncluded) || s.pastWeeksNotIncluded < 0) {
    throw new DetectorError('PARAM_INVALID', `farrington-flexible: pastWeeksNotIncluded must be an integer >= 0 (got ${s.pastWeeksNotIncluded})`);
  }
  if (!POWER_TRANSFORMS.includes(s.powertrans)) throw new DetectorError('PARAM_INVALID', `farrington-flexible: powertrans must be one of ${POWER_TRANSFORMS.join(', ')} (got ${s.powertrans})`);
  if (!THRESHOLD_METHODS.includes(s.thresholdMethod)) {
    throw new DetectorError('PARAM_INVALID', `farrington-flexible: thresholdMethod must be one of ${THRESHOLD_METHODS.join(', ')} (got ${s.thresholdMethod})`);
  }
  return s;
}

interface BaselineData {
  response: number[];
  wtime: number[];
  /** Seasonal level per row (all equal to 1 when noPeriods = 1: no factor in the model). */
  level: number[];
  logPopulation: number[];
  /** Sorted distinct seasonal levels; the first is the reference level of the treatment contrasts. */
  levels: number[];
  /** Day of the first baseline row (dated series): wtime counts periods from it. */
  firstDay: number | null;
}

/** Days between the first two periods: R measures time in these units for dated series (diff(dates)[1]). */
function periodLength(days: readonly number[] | null): number {
  return days && days.length > 1 ? days[1]! - days[0]! : 1;
}

/** The rows of the baseline GLM at 1-based k (R: algo.farrington.data.glm), or null when a reference point is missing. */
function baselineAt(k: number, series: CountSeries, days: number[] | null, s: FlexibleSettings): BaselineData | null {
  const win: ReferenceWindow = { b: s.b, w: s.w, freq: series.freq };
  let refs: number[];
  try {
    refs = flexibleReferencePoints(k, days, win);
  } catch {
    return null; // R stops here; a row with too little history stays blank instead
  }
  // R stops when a window would reach before the first period (negative index): too little history.
  if (Math.min(...refs) - s.w < 0 || k - s.pastWeeksNotIncluded < 0) return null;
  const blocks = seasonalBlocks(refs, k, win, s.noPeriods, series.counts.length);
  excludeRecent(blocks, k, s.pastWeeksNotIncluded);
  const data: BaselineData = { response: [], wtime: [], level: [], logPopulation: [], levels: [], firstDay: null };
  const step = periodLength(days);
  blocks.forEach((level, i) => {
    if (level === null || i >= series.counts.length) return;
    if (days) data.firstDay ??= days[i]!;
    data.response.push(series.counts[i]!);
    data.wtime.push(days ? (days[i]! - data.firstDay!) / step : i + 1);
    data.level.push(level);
    data.logPopulation.push(Math.log(series.population?.[i] ?? 1));
  });
  data.levels = [...new Set(data.level)].sort((a, b) => a - b);
  return data;
}

function designRow(wtime: number, level: number, withTrend: boolean, levels: readonly number[], withFactor: boolean): number[] {
  const row = [1];
  if (withTrend) row.push(wtime);
  if (withFactor) for (const l of levels.slice(1)) row.push(level === l ? 1 : 0);
  return row;
}

function glmData(base: BaselineData, withTrend: boolean, s: FlexibleSettings): GlmData {
  const withFactor = s.noPeriods !== 1;
  return {
    design: base.response.map((_, i) => designRow(base.wtime[i]!, base.level[i]!, withTrend, base.levels, withFactor)),
    response: base.response,
    ...(s.populationOffset ? { offset: base.logPopulation } : {}),
  };
}

/**
 * The dispersion R's summary.glm and predict.glm see for a farringtonFlexible model.
 * algo.farrington.fitGLM.flexible overwrites model$weights (the IRLS working weights
 * omega * mu) with the prior weights omega after computing phi, so every later
 * summary/predict without an explicit dispersion (the trend test, the prediction's
 * standard error) uses sum(omega * ((y - mu) / mu)^2) / df instead of the Pearson
 * estimate. Without reweighting the weights are left alone and it is the Pearson estimate.
 */
function reportedDispersion(model: FarringtonModel, response: readonly number[]): number {
  const omega = model.priorWeights;
  if (!omega) return model.fit.dispersion;
  if (!(model.fit.dfResidual > 0)) return NaN;
  let sum = 0;
  response.forEach((y, i) => {
    if (!(omega[i]! > 0)) return;
    const mu = model.fit.fitted[i]!;
    sum += omega[i]! * ((y - mu) / mu) ** 2;
  });
  return sum / model.fit.dfResidual;
}

/** R: algo.farrington.fitGLM.flexible; null when neither the trend nor the no-trend model converges. */
function fitFlexibleModel(base: BaselineData, trend: boolean, s: FlexibleSettings): { model: FarringtonModel; hasTrend: boolean } | null {
  let hasTrend = trend;
  let data = glmData(base, hasTrend, s);
  let first = fitPoissonGlm(data);
  if (!first.converged) {
    if (hasTrend) {
      hasTrend = false;
      data = glmData(base, false, s);
      first = fitPoissonGlm(data);
    }
    if (!first.converged) return null;
  }
  return { model: fitFarringtonModel(data, { reweight: s.reweight, weightsThreshold: s.weightsThreshold }, first), hasTrend };
}

function runFarringtonFlexible(series: CountSeries, params: ParamValues): DetectorRow[] {
  const s = readSettings(params);
  const { counts, freq } = series;
  if (s.populationOffset && series.population && series.population.length !== counts.length) {
    throw new DetectorError('INPUT_INVALID', `series has ${counts.length} counts but ${series.population.length} population values`);
  }
  const days = seriesDays(series);
  const rows = blankRows(series);
  const [from, to] = monitoredRange(params, counts.length, freq * s.b + s.w + 1);
  const withFactor = s.noPeriods !== 1;
  const linkScale = s.thresholdMethod !== 'delta';

  for (let k = from; k <= to; k++) {
    const base = baselineAt(k, series, days, s);
    if (!base || base.response.length === 0) continue;
    const fitted = fitFlexibleModel(base, s.trend, s);
    if (!fitted) continue; // R: no convergence with nor without trend, the row is NA
    let { model, hasTrend } = fitted;
    const wtimeNow = days ? (days[k - 1]! - base.firstDay!) / periodLength(days) : k;
    const offsetNow = s.populationOffset ? Math.log(series.population?.[k - 1] ?? 1) : 0;
    if (hasTrend) {
      // R passes dispersion = phi inside newdata, where predict.glm ignores it: see reportedDispersion.
      const muNow = Math.exp(predictLink(model.fit, designRow(wtimeNow, s.noPeriods, true, base.levels, withFactor), offsetNow, 1).eta);
      const significant = coefficientPValue(model.fit, 1, reportedDispersion(model, base.response)) < s.pThresholdTrend;
      const noExtrapolation = Math.max(muNow, Number.EPSILON) <= Math.max(...base.response);
      if (!(s.b >= 3 && significant && noExtrapolation)) {
        const refit = fitFlexibleModel(base, false, s);
        if (!refit) continue;
        ({ model, hasTrend } = refit);
      }
    }
    if (withFactor && !base.levels.includes(s.noPeriods)) continue;
    const link = predictLink(model.fit, designRow(wtimeNow, s.noPeriods, hasTrend, base.levels, withFactor), offsetNow, reportedDispersion(model, base.response));
    const observed = counts[k - 1]!;
    let threshold: Threshold;
    let expected: number;
    let centre: number; // what R's score is measured from: mu0 for delta, eta0 (!) for the NB methods
    if (linkScale) {
      threshold = noufailyThreshold(link.eta, link.seEta, model.phi, s.alpha, s.thresholdMethod as 'nbPlugin' | 'muan', observed);
      expected = Math.exp(link.eta);
      centre = link.eta;
    } else {
      const mu = Math.max(Math.exp(link.eta), Number.EPSILON);
      threshold = deltaThreshold(mu, link.seEta * mu, model.phi, s.powertrans, normalQuantile(1 - s.alpha), observed);
      expected = mu;
      centre = mu;
    }
    const score = Number.isNaN(threshold.upper) ? NaN : (observed - centre) / (threshold.upper - centre);
    const enoughCases = recentCases(counts, k, s.limit54.periods) >= s.limit54.cases;
    const row = rows[k - 1]!;
    row.alarm = enoughCases && score > 1 && observed !== 0;
    row.upperbound = enoughCases ? finiteOrNull(threshold.upper) : null;
    row.expected = enoughCases && !Number.isNaN(threshold.upper) ? finiteOrNull(expected) : null;
    row.score = finiteOrNull(score);
    row.pValue = finiteOrNull(threshold.pValue);
  }
  return rows;
}

export const farringtonFlexible: CountDetector = {
  id: 'farrington-flexible',
  version: '1.0.0',
  reference: 'surveillance::farringtonFlexible (fitFun = "algo.farrington.fitGLM.flexible")',
  description:
    'Improved Farrington (Noufaily et al. 2013): seasonal factor over all past weeks, recent weeks left out, outbreak down-weighting, delta-method or negative-binomial thresholds.',
  params: PARAMS,
  run: runFarringtonFlexible,
};
