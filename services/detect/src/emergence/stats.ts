// Tail probabilities the emergence detectors need, on top of the distribution
// functions @tocsin/detectors already proves equal to R (services/detectors/src/math):
// one implementation of the incomplete gamma and beta functions for all of Tocsin.
import { regularizedBeta, regularizedGammaP, regularizedGammaQ } from '@tocsin/detectors';

/** P(X ≥ x) for X ~ Poisson(mean); R: ppois(x - 1, mean, lower.tail = FALSE). */
export function poissonUpperTail(x: number, mean: number): number {
  if (x <= 0) return 1;
  if (mean <= 0) return 0;
  // P(X ≥ x) = P(x, mean), the regularised lower incomplete gamma.
  return regularizedGammaP(x, mean);
}

/**
 * P(X ≥ x) for X ~ NegBin(size, mean) (variance mean + mean²/size);
 * R: pnbinom(x - 1, size = size, mu = mean, lower.tail = FALSE).
 * Non-integer x (a down-weighted count) is accepted: the identity
 * P(X ≥ x) = I_{mean/(mean+size)}(x, size) extends continuously.
 */
export function negBinomialUpperTail(x: number, mean: number, size: number): number {
  if (x <= 0) return 1;
  if (mean <= 0) return 0;
  return regularizedBeta(mean / (mean + size), x, size);
}

/** P(Z ≥ z) for a standard normal Z. */
export function normalUpperTail(z: number): number {
  // erfc(z/√2)/2, with erfc(y) = Q(1/2, y²) for y ≥ 0 and 1 + P(1/2, y²) below.
  const y = z / Math.SQRT2;
  return 0.5 * (y >= 0 ? regularizedGammaQ(0.5, y * y) : 1 + regularizedGammaP(0.5, y * y));
}

/** P(X ≥ x) for X ~ χ²(df); R: pchisq(x, df, lower.tail = FALSE). */
export function chiSquareUpperTail(x: number, df: number): number {
  if (df <= 0) throw new RangeError(`chi-square needs df > 0, got ${df}`);
  return regularizedGammaQ(df / 2, x / 2);
}
