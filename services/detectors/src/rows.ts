// Helpers every detector shares: the monitored range and the blank output rows.
import type { CountSeries, DetectorRow, ParamValues } from './types';

/** One row per input period with nothing computed: outside the range or too little history. */
export function blankRows(series: CountSeries): DetectorRow[] {
  return series.counts.map((observed, i) => ({
    t: i + 1,
    observed,
    expected: null,
    upperbound: null,
    alarm: false,
    score: null,
    pValue: null,
  }));
}

/**
 * The monitored rows as 1-based inclusive [from, to], as R's `control$range`. Without a
 * `range` parameter, from `defaultFrom` to the end. The result is clipped to the series;
 * it is empty (from > to) when nothing can be monitored.
 */
export function monitoredRange(params: ParamValues, n: number, defaultFrom: number): [number, number] {
  const range = params['range'];
  const [from, to] = Array.isArray(range) ? range : [defaultFrom, n];
  return [Math.max(1, from), Math.min(n, to)];
}

export function numberParam(params: ParamValues, name: string, fallback: number): number {
  const v = params[name];
  return typeof v === 'number' ? v : fallback;
}

export function stringParam(params: ParamValues, name: string, fallback: string): string {
  const v = params[name];
  return typeof v === 'string' ? v : fallback;
}

export function booleanParam(params: ParamValues, name: string, fallback: boolean): boolean {
  const v = params[name];
  return typeof v === 'boolean' ? v : fallback;
}

/** Sample mean and standard deviation (denominator n - 1, as R's sd). */
export function meanAndSd(values: readonly number[]): { mean: number; sd: number } {
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const ss = values.reduce((s, v) => s + (v - mean) ** 2, 0);
  return { mean, sd: n > 1 ? Math.sqrt(ss / (n - 1)) : NaN };
}

/**
 * The in-control fallbacks' Poisson mean per period: (sum + 0.5) / n, the Jeffreys estimate
 * of a Poisson rate. An all-zero baseline of n periods thus expects 0.5 / n: with the GLR
 * chart (c.ARL 5), two events soon after a long silence alarm, one does not.
 */
export function jeffreysMean(training: readonly number[]): number {
  return (training.reduce((s, v) => s + v, 0) + 0.5) / Math.max(1, training.length);
}
