// Log-link GLMs for counts, fitted the way R's stats::glm.fit and MASS::glm.nb do it
// (same starting values, IRLS steps and stopping rules), so fitted means agree with R
// to far better than the tolerance the fixture tests allow. Used for the in-control
// means of CUSUM (m = "glm") and the GLR charts.
import { digamma, lgamma, trigamma } from './distributions';

export interface CountFamily {
  name: string;
  variance(mu: number): number;
  /** Unit deviance contribution, as R's family$dev.resids with weight 1. */
  devianceResidual(y: number, mu: number): number;
  /** Starting mean, as the family's `initialize` expression in R. */
  startingMean(y: number): number;
}

export const poissonFamily: CountFamily = {
  name: 'poisson',
  variance: (mu) => mu,
  devianceResidual: (y, mu) => 2 * ((y > 0 ? y * Math.log(y / mu) : 0) - (y - mu)),
  startingMean: (y) => y + 0.1,
};

/** MASS::negative.binomial(theta): variance mu + mu^2 / theta. */
export function negativeBinomialFamily(theta: number): CountFamily {
  return {
    name: `negative.binomial(${theta})`,
    variance: (mu) => mu + (mu * mu) / theta,
    devianceResidual: (y, mu) =>
      2 * (y * Math.log(Math.max(1, y) / mu) - (y + theta) * Math.log((y + theta) / (mu + theta))),
    startingMean: (y) => y + (y === 0 ? 1 / 6 : 0),
  };
}

export interface GlmFit {
  coefficients: number[];
  fitted: number[];
  deviance: number;
  iterations: number;
  converged: boolean;
}

export interface GlmControl {
  epsilon: number;
  maxit: number;
}

const R_GLM_CONTROL: GlmControl = { epsilon: 1e-8, maxit: 25 };

export class GlmFitError extends Error {
  override readonly name = 'GlmFitError';
}

/** Solves the symmetric system A b = r by Gaussian elimination with partial pivoting. */
function solveLinear(a: number[][], r: number[]): number[] {
  const n = r.length;
  const m = a.map((row, i) => [...row, r[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++) {
      if (Math.abs(m[row]![col]!) > Math.abs(m[pivot]![col]!)) pivot = row;
    }
    if (Math.abs(m[pivot]![col]!) < 1e-300) throw new GlmFitError('design matrix is singular (a covariate is constant or collinear)');
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    const pr = m[col]!;
    for (let row = col + 1; row < n; row++) {
      const rr = m[row]!;
      const f = rr[col]! / pr[col]!;
      if (f === 0) continue;
      for (let k = col; k <= n; k++) rr[k] = rr[k]! - f * pr[k]!;
    }
  }
  const b = new Array<number>(n).fill(0);
  for (let row = n - 1; row >= 0; row--) {
    const mr = m[row]!;
    let s = mr[n]!;
    for (let k = row + 1; k < n; k++) s -= mr[k]! * b[k]!;
    b[row] = s / mr[row]!;
  }
  return b;
}

function linearPredictor(x: readonly (readonly number[])[], beta: readonly number[]): number[] {
  return x.map((row) => row.reduce((s, v, j) => s + v * beta[j]!, 0));
}

/**
 * IRLS for a log-link GLM, following stats::glm.fit: start from `etaStart` (or the family's
 * starting means), stop when |dev - devold| / (|dev| + 0.1) < epsilon.
 */
export function fitLogLinearGlm(
  x: readonly (readonly number[])[],
  y: readonly number[],
  family: CountFamily,
  etaStart?: readonly number[],
  control: GlmControl = R_GLM_CONTROL,
): GlmFit {
  const n = y.length;
  const p = x[0]?.length ?? 0;
  if (n === 0 || p === 0) throw new GlmFitError('no observations to fit');
  if (n < p) throw new GlmFitError(`only ${n} observations for ${p} coefficients`);
  let eta = etaStart ? [...etaStart] : y.map((v) => Math.log(family.startingMean(v)));
  let mu = eta.map(Math.exp);
  let devold = y.reduce((s, v, i) => s + family.devianceResidual(v, mu[i]!), 0);
  let beta = new Array<number>(p).fill(0);
  let dev = devold;
  let converged = false;
  let iter = 0;
  for (iter = 1; iter <= control.maxit; iter++) {
    // Working response and weights for the log link: d mu / d eta = mu.
    const xtwx = Array.from({ length: p }, () => new Array<number>(p).fill(0));
    const xtwz = new Array<number>(p).fill(0);
    for (let i = 0; i < n; i++) {
      const m = mu[i]!;
      const z = eta[i]! + (y[i]! - m) / m;
      const w = (m * m) / family.variance(m);
      const row = x[i]!;
      for (let a = 0; a < p; a++) {
        const wa = w * row[a]!;
        xtwz[a] = xtwz[a]! + wa * z;
        const xa = xtwx[a]!;
        for (let b = 0; b < p; b++) xa[b] = xa[b]! + wa * row[b]!;
      }
    }
    beta = solveLinear(xtwx, xtwz);
    if (beta.some((b) => !Number.isFinite(b))) throw new GlmFitError(`non-finite coefficients at iteration ${iter}`);
    eta = linearPredictor(x, beta);
    mu = eta.map(Math.exp);
    dev = y.reduce((s, v, i) => s + family.devianceResidual(v, mu[i]!), 0);
    if (!Number.isFinite(dev)) throw new GlmFitError(`deviance is not finite at iteration ${iter}`);
    if (Math.abs(dev - devold) / (Math.abs(dev) + 0.1) < control.epsilon) {
      converged = true;
      break;
    }
    devold = dev;
  }
  return { coefficients: beta, fitted: mu, deviance: dev, iterations: Math.min(iter, control.maxit), converged };
}

/** MASS::theta.ml: ML estimate of the negative binomial size by Newton steps on the score. */
export function thetaMl(y: readonly number[], mu: readonly number[], limit = 25): number {
  const n = y.length;
  const eps = Math.pow(2.220446049250313e-16, 0.25);
  let t0 = n / y.reduce((s, v, i) => s + (v / mu[i]! - 1) ** 2, 0);
  let del = 1;
  let it = 0;
  while ((it += 1) < limit && Math.abs(del) > eps) {
    t0 = Math.abs(t0);
    let score = 0;
    let info = 0;
    for (let i = 0; i < n; i++) {
      const yi = y[i]!;
      const mi = mu[i]!;
      score += digamma(t0 + yi) - digamma(t0) + Math.log(t0) + 1 - Math.log(t0 + mi) - (yi + t0) / (mi + t0);
      info += -trigamma(t0 + yi) + trigamma(t0) - 1 / t0 + 2 / (mi + t0) - (yi + t0) / (mi + t0) ** 2;
    }
    del = score / info;
    t0 += del;
  }
  return Math.max(t0, 0);
}

function negBinLogLik(theta: number, mu: readonly number[], y: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    const yi = y[i]!;
    const mi = mu[i]!;
    s += lgamma(theta + yi) - lgamma(theta) - lgamma(yi + 1) + theta * Math.log(theta) +
      yi * Math.log(mi + (yi === 0 ? 1 : 0)) - (theta + yi) * Math.log(theta + mi);
  }
  return s;
}

export interface NegBinGlmFit extends GlmFit {
  theta: number;
}

/**
 * MASS::glm.nb: a Poisson fit, then alternate a fixed-theta negative binomial IRLS fit and
 * theta.ml until the log-likelihood and theta settle. Reproduces MASS's order of updates,
 * including theta being estimated from the means of the previous fit.
 */
export function fitNegBinGlm(
  x: readonly (readonly number[])[],
  y: readonly number[],
  control: GlmControl = R_GLM_CONTROL,
): NegBinGlmFit {
  let fit = fitLogLinearGlm(x, y, poissonFamily, undefined, control);
  let mu = fit.fitted;
  let th = thetaMl(y, mu, control.maxit);
  const p = x[0]!.length;
  const d1 = Math.sqrt(2 * Math.max(1, y.length - p));
  const d2 = 1;
  let del = 1;
  let lm = negBinLogLik(th, mu, y);
  let lm0 = lm + 2 * d1;
  let iter = 0;
  while ((iter += 1) <= control.maxit && Math.abs(lm0 - lm) / d1 + Math.abs(del) / d2 > control.epsilon) {
    const eta = mu.map(Math.log);
    fit = fitLogLinearGlm(x, y, negativeBinomialFamily(th), eta, control);
    const t0 = th;
    th = thetaMl(y, mu, control.maxit);
    mu = fit.fitted;
    del = t0 - th;
    lm0 = lm;
    lm = negBinLogLik(th, mu, y);
  }
  return { ...fit, theta: th };
}
