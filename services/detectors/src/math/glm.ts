// Poisson / quasi-Poisson GLM with log link, fitted the way R's `glm.fit` does it:
// same starting values (mu = y + 0.1), same IRLS steps, same convergence rule
// (|dev - devold| / (|dev| + 0.1) < 1e-8, at most 25 iterations), same QR with
// limited column pivoting for rank deficiency (tolerance 1e-11), and — important for
// agreement to ~1e-10 — the same quirk that the working weights, hat values and
// unscaled covariance R reports come from the last IRLS step, i.e. they are computed
// from the fitted values of the previous iteration.

import { studentTTwoSidedPValue } from './student-t';

const DBL_EPSILON = 2.220446049250313e-16;
const GLM_EPSILON = 1e-8; // glm.control()$epsilon
const GLM_MAXIT = 25; // glm.control()$maxit
const QR_TOLERANCE = Math.min(1e-7, GLM_EPSILON / 1000); // what glm.fit passes to Cdqrls

export interface GlmData {
  /** Design matrix, one row per observation (include the intercept column yourself). */
  design: readonly (readonly number[])[];
  response: readonly number[];
  /** Prior weights (R: `weights=`); 1 when omitted. */
  priorWeights?: readonly number[];
  /** Offset on the link scale (R: `offset(log(population))`); 0 when omitted. */
  offset?: readonly number[];
}

export interface PoissonGlmFit {
  /** One per design column; 0 for aliased columns (R reports NA and ignores them in predictions). */
  coefficients: number[];
  aliased: boolean[];
  rank: number;
  fitted: number[];
  linearPredictor: number[];
  converged: boolean;
  iterations: number;
  deviance: number;
  dfResidual: number;
  /** Working weights of the last IRLS step (R: `model$weights`). */
  workingWeights: number[];
  /** Diagonal of the hat matrix (R: `hatvalues(model)`). */
  hatValues: number[];
  /** Pearson dispersion estimate, as `summary.glm(model)$dispersion` for the quasipoisson family. */
  dispersion: number;
  /** (X'WX)^-1 over all columns, zero rows/columns for aliased ones (R: `summary(model)$cov.unscaled`). */
  covUnscaled: number[][];
}

/** log link inverse as R's `make.link("log")$linkinv`: never below machine epsilon. */
function expFloor(eta: number): number {
  return Math.max(Math.exp(eta), DBL_EPSILON);
}

function poissonDeviance(y: readonly number[], mu: readonly number[], wt: readonly number[]): number {
  let dev = 0;
  for (let i = 0; i < y.length; i++) {
    const yi = y[i]!;
    const mi = mu[i]!;
    const wi = wt[i]!;
    dev += yi > 0 ? 2 * wi * (yi * Math.log(yi / mi) - (yi - mi)) : 2 * mi * wi;
  }
  return dev;
}

interface QrResult {
  /** Column order after pivoting (indices into the original columns). */
  pivot: number[];
  rank: number;
  /** Upper-triangular R (rank x rank), in pivoted column order. */
  r: number[][];
  /** First `rank` columns of Q (n x rank). */
  q: number[][];
}

function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function norm2From(col: readonly number[], from: number): number {
  // Scaled to avoid overflow, as BLAS dnrm2.
  let scale = 0;
  let ssq = 1;
  for (let i = from; i < col.length; i++) {
    const v = col[i]!;
    if (v !== 0) {
      const a = Math.abs(v);
      if (scale < a) {
        ssq = 1 + ssq * (scale / a) ** 2;
        scale = a;
      } else ssq += (a / scale) ** 2;
    }
  }
  return scale * Math.sqrt(ssq);
}

/**
 * Householder QR of an n x p matrix (given by columns) with LINPACK dqrdc2's limited
 * pivoting: a column whose remaining norm falls below `tol` times its original norm is
 * moved to the end and counted as aliased.
 */
function householderQr(columnsIn: readonly (readonly number[])[], n: number, tol: number): QrResult {
  const cols = columnsIn.map((c) => [...c]);
  const p = cols.length;
  const pivot = cols.map((_, j) => j);
  const originalNorm = cols.map((c) => {
    const nrm = norm2From(c, 0);
    return nrm === 0 ? 1 : nrm;
  });
  const vs: number[][] = [];
  const betas: number[] = [];
  let k = p; // columns [k, p) are aliased
  const steps = Math.min(n, p);
  let l = 0;
  while (l < Math.min(steps, k)) {
    const remaining = norm2From(cols[l]!, l);
    if (remaining < originalNorm[l]! * tol) {
      // Move column l to the end; its successors shift left.
      const [c] = cols.splice(l, 1);
      cols.push(c!);
      const [pv] = pivot.splice(l, 1);
      pivot.push(pv!);
      const [on] = originalNorm.splice(l, 1);
      originalNorm.push(on!);
      k--;
      continue;
    }
    const x = cols[l]!;
    const alpha = x[l]! >= 0 ? -remaining : remaining;
    const v = new Array<number>(n).fill(0);
    for (let i = l; i < n; i++) v[i] = x[i]!;
    v[l] = v[l]! - alpha;
    const vnorm2 = dot(v, v);
    const beta = vnorm2 === 0 ? 0 : 2 / vnorm2;
    for (let j = l; j < p; j++) {
      const c = cols[j]!;
      let s = 0;
      for (let i = l; i < n; i++) s += v[i]! * c[i]!;
      s *= beta;
      for (let i = l; i < n; i++) c[i] = c[i]! - s * v[i]!;
    }
    vs.push(v);
    betas.push(beta);
    l++;
  }
  const rank = l;
  const r: number[][] = [];
  for (let i = 0; i < rank; i++) {
    const row = new Array<number>(rank).fill(0);
    for (let j = i; j < rank; j++) row[j] = cols[j]![i]!;
    r.push(row);
  }
  // Thin Q: apply the reflections, last first, to the first `rank` unit vectors.
  const q: number[][] = Array.from({ length: n }, () => new Array<number>(rank).fill(0));
  for (let j = 0; j < rank; j++) {
    const e = new Array<number>(n).fill(0);
    e[j] = 1;
    for (let h = rank - 1; h >= 0; h--) {
      const v = vs[h]!;
      let s = 0;
      for (let i = h; i < n; i++) s += v[i]! * e[i]!; // v is zero above h
      s *= betas[h]!;
      if (s !== 0) for (let i = h; i < n; i++) e[i] = e[i]! - s * v[i]!;
    }
    for (let i = 0; i < n; i++) q[i]![j] = e[i]!;
  }
  return { pivot, rank, r, q };
}

/** Solves R b = c for upper-triangular R. */
function backSolve(r: readonly (readonly number[])[], c: readonly number[]): number[] {
  const m = c.length;
  const b = new Array<number>(m).fill(0);
  for (let i = m - 1; i >= 0; i--) {
    let s = c[i]!;
    for (let j = i + 1; j < m; j++) s -= r[i]![j]! * b[j]!;
    b[i] = s / r[i]![i]!;
  }
  return b;
}

/** (R'R)^-1 for upper-triangular R (R: chol2inv). */
function chol2inv(r: readonly (readonly number[])[]): number[][] {
  const m = r.length;
  // Rinv column by column, then Rinv Rinv'.
  const rinv: number[][] = Array.from({ length: m }, () => new Array<number>(m).fill(0));
  for (let j = 0; j < m; j++) {
    const e = new Array<number>(m).fill(0);
    e[j] = 1;
    const col = backSolve(r, e);
    for (let i = 0; i < m; i++) rinv[i]![j] = col[i]!;
  }
  const out: number[][] = Array.from({ length: m }, () => new Array<number>(m).fill(0));
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let h = 0; h < m; h++) s += rinv[i]![h]! * rinv[j]![h]!;
      out[i]![j] = s;
    }
  }
  return out;
}

/**
 * Fits a log-link Poisson GLM by IRLS exactly as R's `glm.fit(x, y, weights, offset,
 * family = quasipoisson())` does; the quasi-Poisson dispersion is the Pearson estimate.
 */
export function fitPoissonGlm(data: GlmData): PoissonGlmFit {
  const { design, response: y } = data;
  const n = y.length;
  if (design.length !== n) throw new Error(`glm: design has ${design.length} rows but response has ${n}`);
  if (n === 0) throw new Error('glm: no observations');
  const p = design[0]!.length;
  const prior = data.priorWeights ?? new Array<number>(n).fill(1);
  const offset = data.offset ?? new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    const yi = y[i]!;
    if (!(yi >= 0) || !Number.isFinite(yi)) throw new Error(`glm: response ${yi} at row ${i + 1} is not a non-negative number`);
  }

  let eta = y.map((yi) => Math.log(yi + 0.1));
  let mu = eta.map(expFloor);
  let devold = poissonDeviance(y, mu, prior);
  let coef = new Array<number>(p).fill(0);
  let converged = false;
  let iterations = 0;
  let dev = devold;
  let qr: QrResult | null = null;
  let good: number[] = [];
  let workSqrt: number[] = [];

  for (let iter = 1; iter <= GLM_MAXIT; iter++) {
    iterations = iter;
    good = [];
    const z: number[] = [];
    workSqrt = [];
    for (let i = 0; i < n; i++) {
      const muEta = expFloor(eta[i]!);
      if (!(prior[i]! > 0) || muEta === 0) continue;
      good.push(i);
      z.push(eta[i]! - offset[i]! + (y[i]! - mu[i]!) / muEta);
      workSqrt.push(Math.sqrt((prior[i]! * muEta * muEta) / mu[i]!));
    }
    if (good.length === 0) throw new Error('glm: no observations with positive weight');
    const columns: number[][] = [];
    for (let j = 0; j < p; j++) columns.push(good.map((i, g) => design[i]![j]! * workSqrt[g]!));
    const zw = z.map((zi, g) => zi * workSqrt[g]!);
    qr = householderQr(columns, good.length, QR_TOLERANCE);
    const qtz = new Array<number>(qr.rank).fill(0);
    for (let j = 0; j < qr.rank; j++) {
      let s = 0;
      for (let g = 0; g < good.length; g++) s += qr.q[g]![j]! * zw[g]!;
      qtz[j] = s;
    }
    const solved = backSolve(qr.r, qtz);
    const start = new Array<number>(p).fill(0);
    for (let j = 0; j < qr.rank; j++) start[qr.pivot[j]!] = solved[j]!;
    eta = design.map((row, i) => dot(row, start) + offset[i]!);
    mu = eta.map(expFloor);
    dev = poissonDeviance(y, mu, prior);
    coef = start;
    if (!Number.isFinite(dev)) throw new Error('glm: deviance is not finite');
    if (Math.abs(dev - devold) / (Math.abs(dev) + 0.1) < GLM_EPSILON) {
      converged = true;
      break;
    }
    devold = dev;
  }

  const fit = qr!;
  const aliased = new Array<boolean>(p).fill(true);
  for (let j = 0; j < fit.rank; j++) aliased[fit.pivot[j]!] = false;
  const workingWeights = new Array<number>(n).fill(0);
  const hatValues = new Array<number>(n).fill(0);
  good.forEach((i, g) => {
    workingWeights[i] = workSqrt[g]! ** 2;
    let h = 0;
    for (let j = 0; j < fit.rank; j++) h += fit.q[g]![j]! ** 2;
    hatValues[i] = h;
  });
  const nOk = prior.filter((w) => w !== 0).length;
  const dfResidual = nOk - fit.rank;
  let pearson = 0;
  for (let i = 0; i < n; i++) {
    if (!(workingWeights[i]! > 0)) continue;
    const resid = (y[i]! - mu[i]!) / expFloor(eta[i]!);
    pearson += workingWeights[i]! * resid * resid;
  }
  const dispersion = dfResidual > 0 ? pearson / dfResidual : NaN;
  const covPivoted = chol2inv(fit.r);
  const covUnscaled: number[][] = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  for (let a = 0; a < fit.rank; a++) {
    for (let b = 0; b < fit.rank; b++) covUnscaled[fit.pivot[a]!]![fit.pivot[b]!] = covPivoted[a]![b]!;
  }
  return {
    coefficients: coef,
    aliased,
    rank: fit.rank,
    fitted: mu,
    linearPredictor: eta,
    converged,
    iterations,
    deviance: dev,
    dfResidual,
    workingWeights,
    hatValues,
    dispersion,
    covUnscaled,
  };
}

export interface LinkPrediction {
  /** Linear predictor x'b + offset. */
  eta: number;
  /** Standard error of eta for the given dispersion (R: predict(..., type = "link", se.fit = TRUE)). */
  seEta: number;
}

/** Prediction on the link scale for one new design row (R: predict.glm type = "link"). */
export function predictLink(fit: PoissonGlmFit, row: readonly number[], offset: number, dispersion: number): LinkPrediction {
  let eta = offset;
  for (let j = 0; j < row.length; j++) if (!fit.aliased[j]) eta += row[j]! * fit.coefficients[j]!;
  let variance = 0;
  for (let a = 0; a < row.length; a++) {
    for (let b = 0; b < row.length; b++) variance += row[a]! * fit.covUnscaled[a]![b]! * row[b]!;
  }
  return { eta, seEta: Math.sqrt(Math.max(variance, 0) * dispersion) };
}

export interface ResponsePrediction {
  mu: number;
  seMu: number;
}

/** Prediction on the response scale with the delta-method standard error (R: predict.glm type = "response"). */
export function predictResponse(fit: PoissonGlmFit, row: readonly number[], offset: number, dispersion: number): ResponsePrediction {
  const { eta, seEta } = predictLink(fit, row, offset, dispersion);
  const mu = expFloor(eta);
  return { mu, seMu: seEta * mu };
}

/**
 * Two-sided p-value of the t test on one coefficient, as `summary.glm(quasipoisson fit)`
 * reports; `dispersion` defaults to the fit's Pearson estimate.
 */
export function coefficientPValue(fit: PoissonGlmFit, column: number, dispersion = fit.dispersion): number {
  if (fit.aliased[column]) return NaN;
  const se = Math.sqrt(fit.covUnscaled[column]![column]! * dispersion);
  const t = fit.coefficients[column]! / se;
  return studentTTwoSidedPValue(t, fit.dfResidual);
}
