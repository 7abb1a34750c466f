// Student t tail probabilities for the coefficient tests of quasi-likelihood GLMs
// (R's summary.glm uses 2 * pt(-|t|, df.residual) when the dispersion is estimated).

import { regularizedBeta } from './distributions';

/** P(|T| >= |t|) for T ~ t(df) (R: 2 * pt(-abs(t), df)); NaN when df <= 0 or t is NaN. */
export function studentTTwoSidedPValue(t: number, df: number): number {
  if (!(df > 0) || Number.isNaN(t)) return NaN;
  if (!Number.isFinite(t)) return 0;
  // P(|T| >= |t|) = I_{df/(df+t^2)}(df/2, 1/2).
  return regularizedBeta(df / (df + t * t), df / 2, 0.5);
}
