// A streaming service scores one period at a time: each closed bucket, at the end of
// its key's history window. This gives, per detector and parameters, a scorer of a
// series' last row that equals the last row of `detector.run`, through a faster path
// where the detector has one (EARS: parameters validated and qnorm taken once, one
// row computed instead of the window's) and through `run` otherwise.
import { earsMethodOf, prepareEars, type LastRowScorer } from './ears';
import type { CountDetector, ParamValues } from './types';

export type { LastRowScorer } from './ears';

/** Scorer of the last row of `series.counts` with `freq` periods per year, as `detector.run` would give it. */
export type LastRowRunner = (counts: readonly number[], freq: number) => ReturnType<LastRowScorer>;

export function lastRowRunner(detector: CountDetector, params: ParamValues): LastRowRunner {
  const method = earsMethodOf(detector);
  if (method !== null) {
    try {
      return prepareEars(method, params);
    } catch {
      // Invalid parameters: let every call throw from `run`, as it always has.
    }
  }
  return (counts, freq) => {
    const rows = detector.run({ counts, freq }, params);
    return rows[rows.length - 1];
  };
}
