// Moving-window scan for sparse counts (not in surveillance). A 3x rise on a series of one
// or two incidents a week never makes one week improbable, but the sum of the last few weeks
// is: the scan tests, for every monitored row, the sums of the last 1..M periods against the
// in-control rate of the rows before the range.
//
// In-control model: counts are Poisson with a rate lambda unknown; with the Jeffreys prior and
// the baseline's sum B over n periods, lambda ~ Gamma(B + 1/2, n), so the sum S of l future
// periods has the predictive (gamma-Poisson) distribution NegBin(size = B + 1/2,
// mean = l (B + 1/2) / n). Its upper tail P(S >= s) is the window's p-value: it carries the
// uncertainty of a baseline estimated from a handful of events (a Poisson test with the
// plug-in rate would be far too optimistic on 1-2 events a week), and an all-zero baseline
// needs no special case (it expects 0.5 / n per period).
//
// Like the GLR chart, the scan restarts after an alarm: the next row's windows start after
// the alarmed row, so one rise gives one alarm rather than one per window that contains it.
import { DetectorError } from './errors';
import { negBinQuantile, negBinSurvival } from './math/distributions';
import { blankRows, jeffreysMean, monitoredRange, numberParam } from './rows';
import type { CountDetector, CountSeries, DetectorRow, ParamValues } from './types';
import { atLeast, probability, requireParam } from './validate';

/** Smallest window sum whose predictive upper tail is at most alpha: P(S >= c) <= alpha. */
function windowThreshold(alpha: number, size: number, mean: number): number {
  return negBinQuantile(1 - alpha, size, mean) + 1;
}

export function runWindowScan(series: CountSeries, params: ParamValues): DetectorRow[] {
  requireParam('window-scan', params, 'alpha', probability, 'in (0, 1)');
  requireParam('window-scan', params, 'M', atLeast(1), 'at least 1');
  const alpha = numberParam(params, 'alpha', 0.002);
  const M = numberParam(params, 'M', 4);
  if (!Number.isInteger(M)) throw new DetectorError('PARAM_INVALID', `window-scan: parameter M=${M} must be an integer`);
  const counts = series.counts;
  const rows = blankRows(series);
  const [from, to] = monitoredRange(params, counts.length, Math.min(series.freq, counts.length) + 1);
  if (from < 2 || from > to) return rows;
  const baseline = counts.slice(0, from - 1);
  const rate = jeffreysMean(baseline);
  const size = rate * baseline.length;
  // Thresholds per window length depend only on the baseline: computed once.
  const thresholds: number[] = [];
  for (let l = 1; l <= M; l++) thresholds.push(windowThreshold(alpha, size, l * rate));

  let start = from; // first row the current windows may include (after the last alarm)
  for (let t = from; t <= to; t++) {
    const row = rows[t - 1]!;
    const x = counts[t - 1]!;
    let sum = 0;
    let minP = 1;
    let bound = Number.POSITIVE_INFINITY;
    for (let l = 1; l <= M && t - l + 1 >= start; l++) {
      sum += counts[t - l]!;
      const p = negBinSurvival(sum - 1, size, l * rate);
      if (p < minP) minP = p;
      // The window alarms once its sum reaches the threshold: this row needs the rest.
      bound = Math.min(bound, thresholds[l - 1]! - (sum - x));
    }
    row.expected = rate;
    // The count this row needed to alarm (observed >= upperbound alarms).
    row.upperbound = Math.max(0, bound);
    row.alarm = x >= row.upperbound;
    row.pValue = minP;
    row.score = -Math.log10(Math.max(minP, Number.MIN_VALUE));
    if (row.alarm) start = t + 1;
  }
  return rows;
}

export const windowScan: CountDetector = {
  id: 'window-scan',
  version: '1.0.0',
  reference: 'none in surveillance: sums of the last 1..M periods against the gamma-Poisson predictive of the in-control rate (Jeffreys prior)',
  description: 'a rise over the last 1..M periods together, against the rate of the rows before the range; for series of a few counts a period',
  params: [
    { name: 'alpha', type: 'number', default: 0.002, description: 'a row alarms when one of its windows has a predictive upper-tail probability at most this' },
    { name: 'M', type: 'integer', default: 4, description: 'longest window, in periods (windows never reach before the range or an earlier alarm)' },
    { name: 'range', type: 'range', description: 'monitored rows FROM:TO; the rows before FROM are the in-control baseline; default freq+1 to the last row' },
  ],
  run: runWindowScan,
};
