// Upper thresholds of the Farrington detectors from the baseline prediction.
// - delta: Farrington et al. 1996, a normal approximation on a power-transformed scale
//   (2/3 removes most of the Poisson skewness), variance from the delta method
//   (R: algo.farrington.threshold / algo.farrington.threshold.farrington);
// - nbPlugin / muan: Noufaily et al. 2013, a negative-binomial quantile with mean exp(eta0)
//   (plug-in) or exp of the (1 - alpha) quantile of eta0 (muan)
//   (R: algo.farrington.threshold.noufaily).

import { negBinQuantile, normalCdf, normalQuantile, poissonQuantile, poissonSurvival, regularizedBeta } from './math/distributions';

export const POWER_TRANSFORMS = ['2/3', '1/2', 'none'] as const;
export type PowerTransform = (typeof POWER_TRANSFORMS)[number];

export interface Threshold {
  lower: number;
  /** NaN when it cannot be computed (R: NA). */
  upper: number;
  /** Upper-tail probability of the observed count under the baseline. */
  pValue: number;
}

const EXPONENT: Record<PowerTransform, number> = { '2/3': 2 / 3, '1/2': 1 / 2, none: 1 };

/**
 * Delta-method threshold mu0 +- z se on the transformed scale. `z` is qnorm(1 - alpha/2)
 * in classic R farrington (two-sided interval) and qnorm(1 - alpha) in farringtonFlexible.
 */
export function deltaThreshold(mu0: number, seMu0: number, phi: number, transform: PowerTransform, z: number, observed: number): Threshold {
  const tau = phi + (seMu0 * seMu0) / mu0;
  const e = EXPONENT[transform];
  const se =
    transform === 'none' ? Math.sqrt(mu0 * tau) : transform === '1/2' ? Math.sqrt(0.25 * tau) : Math.sqrt((4 / 9) * mu0 ** (1 / 3) * tau);
  const centre = mu0 ** e;
  const candidates = [(centre - z * se) ** (1 / e), (centre + z * se) ** (1 / e)];
  // R: sort(..., na.last = FALSE) puts NaN (a negative base under a fractional power) first.
  const nan = candidates.filter((v) => Number.isNaN(v));
  const finite = candidates.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  const lu = [...nan, ...finite];
  const lowerRaw = lu[0]!;
  const lower = Number.isNaN(lowerRaw) ? 0 : Math.max(0, lowerRaw);
  const pValue = normalCdf(centre, observed ** e, se); // P(Z > (y^e - mu0^e)/se)
  return { lower, upper: lu[1]!, pValue };
}

/** P(X > k) for X ~ NegBin(size, mean mu), without the cancellation of 1 - cdf in the tail. */
function negBinSurvival(k: number, size: number, mu: number): number {
  if (k < 0) return 1;
  return regularizedBeta(mu / (size + mu), k + 1, size);
}

export type NoufailyMethod = 'nbPlugin' | 'muan';

/**
 * Negative-binomial threshold of Noufaily et al.: quantile 1 - alpha of NB(mean mu, size mu/(phi-1))
 * (Poisson when phi = 1) where mu = exp(eta0) (nbPlugin) or exp(qnorm(1 - alpha, eta0, seEta0)) (muan).
 */
export function noufailyThreshold(eta0: number, seEta0: number, phi: number, alpha: number, method: NoufailyMethod, observed: number): Threshold {
  const mu = method === 'nbPlugin' ? Math.exp(eta0) : Math.exp(normalQuantile(1 - alpha, eta0, seEta0));
  if (mu === Infinity || Number.isNaN(mu)) return { lower: NaN, upper: NaN, pValue: NaN };
  const size = mu / (phi - 1);
  const lowerQ = phi > 1 ? negBinQuantile(alpha, size, mu) : poissonQuantile(alpha, mu);
  const upper = phi > 1 ? negBinQuantile(1 - alpha, size, mu) : poissonQuantile(1 - alpha, mu);
  const pValue = phi !== 1 ? negBinSurvival(observed - 1, size, mu) : poissonSurvival(observed - 1, mu);
  return { lower: Math.max(0, lowerQ), upper, pValue };
}
