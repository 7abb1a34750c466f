// Poisson EWMA chart (Borror, Champ & Rigdon 1998, "Poisson EWMA control charts",
// Journal of Quality Technology 30(4):352-361). surveillance has no EWMA, so this is
// checked against its formulas in the tests, not against R.
//
//   Z_0 = mu0,  Z_t = lambda * X_t + (1 - lambda) * Z_{t-1}
//   Var(Z_t) = mu0 * lambda / (2 - lambda) * (1 - (1 - lambda)^(2t))   (exact, time-varying)
//   UCL_t = mu0 + L * sqrt(Var(Z_t));  alarm when Z_t > UCL_t.
//
// The upper bound reported is the count that would put Z_t exactly on UCL_t:
// (UCL_t - (1 - lambda) Z_{t-1}) / lambda, so "observed > upperbound" is the alarm rule.
import { DetectorError } from './errors';
import { blankRows, monitoredRange, numberParam } from './rows';
import type { CountDetector, CountSeries, DetectorRow, ParamValues } from './types';
import { positive, requireParam } from './validate';

export function runEwma(series: CountSeries, params: ParamValues): DetectorRow[] {
  requireParam('ewma', params, 'L', positive, 'positive');
  requireParam('ewma', params, 'mu0', positive, 'positive');
  const lambda = numberParam(params, 'lambda', 0.2);
  if (!(lambda > 0 && lambda <= 1)) throw new DetectorError('PARAM_INVALID', `ewma: parameter lambda=${lambda} must be in (0, 1]`);
  const L = numberParam(params, 'L', 3);
  const counts = series.counts;
  const rows = blankRows(series);
  const [from, to] = monitoredRange(params, counts.length, Math.min(series.freq, counts.length) + 1);
  const mu0Param = params['mu0'];
  if (from > to || (typeof mu0Param !== 'number' && from < 2)) return rows;
  const mu0 = typeof mu0Param === 'number' ? mu0Param : counts.slice(0, from - 1).reduce((s, v) => s + v, 0) / (from - 1);

  let z = mu0;
  let decay = 1; // (1 - lambda)^(2t)
  for (let t = from; t <= to; t++) {
    const row = rows[t - 1]!;
    const x = counts[t - 1]!;
    decay *= (1 - lambda) ** 2;
    const sd = Math.sqrt(((mu0 * lambda) / (2 - lambda)) * (1 - decay));
    const ucl = mu0 + L * sd;
    const bound = Math.max(0, (ucl - (1 - lambda) * z) / lambda);
    z = lambda * x + (1 - lambda) * z;
    row.expected = mu0;
    row.upperbound = bound;
    row.alarm = z > ucl;
    const score = (z - mu0) / sd;
    row.score = Number.isFinite(score) ? score : null;
  }
  return rows;
}

export const ewma: CountDetector = {
  id: 'ewma',
  version: '1.0.0',
  reference: 'none in surveillance; Poisson EWMA of Borror, Champ & Rigdon (1998) with exact time-varying limits',
  description: 'Poisson EWMA of the counts against an in-control mean fitted on the rows before the range; alarm when it exceeds mu0 + L sd',
  params: [
    { name: 'lambda', type: 'number', default: 0.2, description: 'smoothing weight of the newest count, in (0, 1]' },
    { name: 'L', type: 'number', default: 3, description: 'width of the upper control limit in standard deviations of the EWMA' },
    { name: 'mu0', type: 'number', description: 'in-control mean; default: mean of the rows before the range' },
    { name: 'range', type: 'range', description: 'monitored rows FROM:TO; default freq+1 to the last row' },
  ],
  run: runEwma,
};
