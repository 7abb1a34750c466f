// GLR (and LR) charts for Poisson / negative binomial counts, as surveillance::glrnb
// (algo.glrnb, change = "intercept") runs them: fit the in-control mean on the rows
// before the range, run the chart until an alarm, restart it after each alarm.
import { DetectorError } from './errors';
import {
  type ChartRun,
  type Direction,
  glrNegBin,
  glrNegBinCases,
  glrPoisson,
  glrPoissonWindow,
  lrNegBin,
  lrPoisson,
} from './glr-charts';
import { negBinSurvival, poissonSurvival } from './math/distributions';
import { GlmFitError, fitLogLinearGlm, fitNegBinGlm, negativeBinomialFamily, poissonFamily } from './math/loglinear-glm';
import { blankRows, booleanParam, jeffreysMean, monitoredRange, numberParam, stringParam } from './rows';
import type { CountDetector, CountSeries, DetectorRow, ParamValues } from './types';
import { atLeast, nonNegative, positive, requireParam } from './validate';

interface InControlModel {
  mu0: number[];
  alpha: number;
  /** Why the model is not the one asked for (fallback = poisson only). */
  note?: string;
}

/** In-control fallbacks: `none` as R (a failed fit is an error), `poisson` the robust chain. */
export const GLR_FALLBACKS = ['none', 'poisson'] as const;


/**
 * The robust in-control chain for streaming use: the model asked for (glm.nb or fixed
 * alpha); if it fails or gives non-finite means, a Poisson GLM with the same design; if
 * that fails too, or the baseline is all zeros, a constant Poisson mean (sum + 0.5) / n.
 * Fitted means are floored at 0.5 / n, so a trough of a seasonal fit cannot expect ~0.
 */
function fitInControlRobust(counts: readonly number[], from: number, to: number, freq: number, harmonics: number, trend: boolean, alpha: number | undefined): InControlModel {
  const training = counts.slice(0, from - 1);
  const n = training.length;
  const floor = 0.5 / Math.max(1, n);
  const width = to - from + 1;
  const constant = (why: string): InControlModel => ({ mu0: new Array<number>(width).fill(jeffreysMean(training)), alpha: 0, note: `${why}: Poisson with mean (sum + 0.5) / ${n} = ${jeffreysMean(training).toPrecision(3)} per period` });
  if (training.every((v) => v === 0)) return constant(`in-control baseline of ${n} periods is all zeros`);
  const floored = (m: InControlModel, note?: string): InControlModel | null => {
    if (!m.mu0.every(Number.isFinite) || !Number.isFinite(m.alpha)) return null;
    return { mu0: m.mu0.map((v) => Math.max(v, floor)), alpha: m.alpha, ...(note ? { note } : {}) };
  };
  let reason: string;
  try {
    const fit = floored(fitInControl(counts, from, to, freq, harmonics, trend, alpha));
    if (fit) return fit;
    reason = 'non-finite in-control means or dispersion';
  } catch (err) {
    if (!(err instanceof DetectorError)) throw err;
    reason = err.message;
  }
  if (alpha !== 0) {
    try {
      const fit = floored(fitInControl(counts, from, to, freq, harmonics, trend, 0), `${reason}; fell back to a Poisson GLM`);
      if (fit) return fit;
    } catch (err) {
      if (!(err instanceof DetectorError)) throw err;
    }
  }
  return constant(reason);
}

/**
 * estimateGLRNbHook: log mu = b0 [+ b t] + sum_s (cos(2 s pi t / freq) + sin(...)) on rows
 * 1..from-1 (t = row number), by glm.nb when alpha is not given (alpha := 1/theta), by a
 * Poisson GLM when alpha = 0, and by a fixed-theta negative binomial GLM otherwise.
 */
function fitInControl(counts: readonly number[], from: number, to: number, freq: number, harmonics: number, trend: boolean, alpha: number | undefined): InControlModel {
  const design = (t: number): number[] => {
    const row = [1];
    if (trend) row.push(t);
    for (let s = 1; s <= harmonics; s++) row.push(Math.cos((2 * s * Math.PI * t) / freq), Math.sin((2 * s * Math.PI * t) / freq));
    return row;
  };
  const training = counts.slice(0, from - 1);
  const x = training.map((_, i) => design(i + 1));
  try {
    let beta: number[];
    let fittedAlpha: number;
    if (alpha === undefined) {
      const fit = fitNegBinGlm(x, training);
      beta = fit.coefficients;
      fittedAlpha = 1 / fit.theta;
    } else {
      const family = alpha === 0 ? poissonFamily : negativeBinomialFamily(1 / alpha);
      beta = fitLogLinearGlm(x, training, family).coefficients;
      fittedAlpha = alpha;
    }
    const mu0: number[] = [];
    for (let t = from; t <= to; t++) mu0.push(Math.exp(design(t).reduce((s, v, j) => s + v * beta[j]!, 0)));
    return { mu0, alpha: fittedAlpha };
  } catch (err) {
    if (err instanceof GlmFitError) throw new DetectorError('FIT_FAILED', `glr-nb: in-control model fit failed: ${err.message}`, { cause: err });
    throw err;
  }
}

interface ChartSettings {
  alpha: number;
  theta: number | undefined;
  cArl: number;
  M: number;
  Mtilde: number;
  dir: Direction;
  wantCases: boolean;
}

/** The one C routine algo.glrnb would call for these settings. */
function runChart(x: readonly number[], mu0: readonly number[], s: ChartSettings): ChartRun {
  if (s.theta !== undefined) {
    return s.alpha === 0 ? lrPoisson(x, mu0, s.theta, s.cArl, s.wantCases) : lrNegBin(x, mu0, s.alpha, s.theta, s.cArl, s.wantCases);
  }
  if (s.alpha === 0) {
    return s.M > 0
      ? glrPoissonWindow(x, mu0, s.M, s.Mtilde, s.cArl, s.dir, s.wantCases)
      : glrPoisson(x, mu0, s.Mtilde, s.cArl, s.dir, s.wantCases);
  }
  const run = glrNegBin(x, mu0, s.alpha, s.Mtilde, s.M, s.cArl, s.dir);
  if (s.wantCases) run.cases = glrNegBinCases(run, x, mu0, s.alpha, s.Mtilde, s.M, s.cArl, s.dir);
  return run;
}

export function runGlrNb(series: CountSeries, params: ParamValues): DetectorRow[] {
  requireParam('glr-nb', params, 'c.ARL', positive, 'positive');
  requireParam('glr-nb', params, 'mu0', positive, 'positive');
  requireParam('glr-nb', params, 'alpha', nonNegative, 'non-negative');
  requireParam('glr-nb', params, 'mu0.S', nonNegative, 'non-negative');
  requireParam('glr-nb', params, 'Mtilde', atLeast(1), 'at least 1');
  const M = params['M'];
  if (typeof M === 'number' && M !== -1 && M < numberParam(params, 'Mtilde', 1)) {
    throw new DetectorError('PARAM_INVALID', `glr-nb: parameter M=${M} must be -1 or at least Mtilde`);
  }
  const counts = series.counts;
  const rows = blankRows(series);
  const [from, to] = monitoredRange(params, counts.length, Math.min(series.freq, counts.length) + 1);
  const mu0Fixed = params['mu0'];
  if (from > to || (typeof mu0Fixed !== 'number' && from < 2)) return rows;

  const theta = params['theta'];
  if (theta === 1) throw new DetectorError('PARAM_INVALID', 'glr-nb: theta has to be larger than 1 (as in R)');
  const alphaParam = params['alpha'];
  let mu0: number[];
  let alpha: number;
  let note: string | undefined;
  if (typeof mu0Fixed === 'number') {
    mu0 = new Array<number>(to - from + 1).fill(mu0Fixed);
    // R's control list default; R itself fails when mu0 is given without alpha.
    alpha = typeof alphaParam === 'number' ? alphaParam : 0;
  } else {
    const fallback = stringParam(params, 'fallback', 'none');
    if (!(GLR_FALLBACKS as readonly string[]).includes(fallback)) throw new DetectorError('PARAM_INVALID', `glr-nb: fallback must be one of ${GLR_FALLBACKS.join(', ')}, got "${fallback}"`);
    const model = (fallback === 'poisson' ? fitInControlRobust : fitInControl)(
      counts,
      from,
      to,
      series.freq,
      numberParam(params, 'mu0.S', 1),
      booleanParam(params, 'mu0.trend', false),
      typeof alphaParam === 'number' ? alphaParam : undefined,
    );
    mu0 = model.mu0;
    alpha = model.alpha;
    note = model.note;
  }
  const settings: ChartSettings = {
    alpha,
    theta: typeof theta === 'number' ? theta : undefined,
    cArl: numberParam(params, 'c.ARL', 5),
    M: numberParam(params, 'M', -1),
    Mtilde: numberParam(params, 'Mtilde', 1),
    dir: stringParam(params, 'dir', 'inc') === 'dec' ? -1 : 1,
    wantCases: stringParam(params, 'ret', 'value') === 'cases',
  };

  // algo.glrnb's outer loop: after an alarm at position N the chart restarts at N + 1.
  const width = to - from + 1;
  const statistic = new Array<number>(width).fill(0);
  const bound = new Array<number>(width).fill(0);
  const alarm = new Array<boolean>(width).fill(false);
  let done = 0;
  while (done < width) {
    const x = counts.slice(from - 1 + done, to);
    const run = runChart(x, mu0.slice(done), settings);
    const shown = settings.wantCases ? run.cases : run.value;
    const last = Math.min(run.alarmAt, x.length);
    for (let i = 0; i < last; i++) {
      statistic[done + i] = run.value[i]!;
      bound[done + i] = shown[i]!;
    }
    if (run.alarmAt <= x.length) alarm[done + run.alarmAt - 1] = true;
    done += run.alarmAt;
  }

  for (let i = 0; i < width; i++) {
    const row = rows[from - 1 + i]!;
    const m = mu0[i]!;
    const x = counts[from - 1 + i]!;
    row.expected = m;
    // R: upperbound[is.na(upperbound)] <- 0; upperbound[upperbound < 0] <- 0.
    const b = bound[i]!;
    row.upperbound = Number.isNaN(b) || b < 0 ? 0 : b;
    row.alarm = alarm[i]!;
    // The C code leaves -1e99 where no change point gave a finite ratio; R clamps that to 0.
    const stat = statistic[i]!;
    row.score = Number.isNaN(stat) || stat < 0 ? 0 : stat;
    row.pValue = alpha === 0 ? poissonSurvival(x - 1, m) : negBinSurvival(x - 1, 1 / alpha, m);
    if (note) row.note = note;
  }
  return rows;
}

export const glrNb: CountDetector = {
  id: 'glr-nb',
  version: '1.0.0',
  reference: 'surveillance::glrnb (algo.glrnb, change = "intercept")',
  description:
    'GLR chart for a multiplicative rise in a Poisson or negative binomial mean fitted on the rows before the range; restarts after each alarm',
  params: [
    { name: 'c.ARL', type: 'number', default: 5, description: 'threshold of the GLR statistic' },
    { name: 'mu0', type: 'number', description: 'fixed in-control mean; default: fitted on the rows before the range' },
    { name: 'mu0.S', type: 'integer', default: 1, description: 'number of harmonics in the in-control model' },
    { name: 'mu0.trend', type: 'boolean', default: false, description: 'include a linear time trend in the in-control model' },
    {
      name: 'alpha',
      type: 'number',
      description: 'negative binomial dispersion (variance mu + alpha mu^2); 0 gives the Poisson chart; default: 1/theta of a glm.nb fit',
    },
    { name: 'Mtilde', type: 'integer', default: 1, description: 'number of observations needed to estimate the change' },
    { name: 'M', type: 'integer', default: -1, description: 'how far back a change point may lie (-1: unlimited)' },
    { name: 'theta', type: 'number', description: 'known log change in the mean: LR chart instead of GLR; default: estimated (GLR)' },
    { name: 'dir', type: 'enum', default: 'inc', values: ['inc', 'dec'], description: 'direction of the change to detect' },
    {
      name: 'ret',
      type: 'enum',
      default: 'value',
      values: ['value', 'cases'],
      description: 'what the upperbound column holds: the GLR statistic ("value") or the count needed for an alarm ("cases")',
    },
    {
      name: 'fallback',
      type: 'enum',
      default: 'none',
      values: GLR_FALLBACKS,
      description:
        'not in R: "poisson" replaces a failed or non-finite in-control fit by a Poisson GLM, then by a constant mean (sum + 0.5) / n, and an all-zero baseline by that constant, flooring means at 0.5 / n (rows carry a note); "none" fails as R does',
    },
    { name: 'range', type: 'range', description: 'monitored rows FROM:TO; the rows before FROM fit the in-control model. R requires it; Tocsin defaults to freq+1 to the last row' },
  ],
  run: runGlrNb,
};
