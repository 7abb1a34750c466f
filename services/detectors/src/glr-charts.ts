// The sequential LR/GLR charts of surveillance's C code (src/surveillance.c, Höhle & Paul
// 2008), ported statement by statement so the statistics agree with R's to rounding.
// Each chart runs until its first alarm, as the C routines do; the caller restarts it.

export type Direction = 1 | -1;

/** C's fmax: a NaN argument is ignored (Math.max would return NaN). */
function fmax(a: number, b: number): number {
  if (Number.isNaN(a)) return b;
  if (Number.isNaN(b)) return a;
  return a > b ? a : b;
}

export interface ChartRun {
  /** 1-based position of the first alarm, or length + 1 when there is none (as R's ret_N). */
  alarmAt: number;
  /** Chart statistic per position (0 where not computed). */
  value: number[];
  /** Cases needed at each position to sound an alarm (only when requested). */
  cases: number[];
}

/** Bound on the count search for `ret = "cases"`, as R's control$xMax. */
export const CASES_SEARCH_LIMIT = 10_000;

/** lr_cusum: Poisson CUSUM for a known change kappa in the log mean. */
export function lrPoisson(x: readonly number[], mu0: readonly number[], kappa: number, cArl: number, wantCases: boolean): ChartRun {
  const lx = x.length;
  const value = new Array<number>(lx).fill(0);
  const cases = new Array<number>(lx).fill(0);
  let alarmAt = lx;
  for (let n = 0; n < lx; n++) {
    const zn = kappa * x[n]! + (1 - Math.exp(kappa)) * mu0[n]!;
    const prev = n === 0 ? 0 : value[n - 1]!;
    value[n] = fmax(0, prev + zn);
    if (wantCases) cases[n] = (cArl - prev + mu0[n]! * (Math.exp(kappa) - 1)) / kappa;
    if (value[n]! > cArl) {
      alarmAt = n;
      break;
    }
  }
  return { alarmAt: alarmAt + 1, value, cases };
}

/** lr_cusum_nb: negative binomial CUSUM for a known change kappa, dispersion alpha. */
export function lrNegBin(x: readonly number[], mu0: readonly number[], alpha: number, kappa: number, cArl: number, wantCases: boolean): ChartRun {
  const lx = x.length;
  const value = new Array<number>(lx).fill(0);
  const cases = new Array<number>(lx).fill(0);
  let alarmAt = lx;
  for (let n = 0; n < lx; n++) {
    const m = mu0[n]!;
    const logRatio = Math.log((1 + alpha * m) / (1 + alpha * m * Math.exp(kappa)));
    const zn = kappa * x[n]! + (x[n]! + 1 / alpha) * logRatio;
    const prev = n === 0 ? 0 : value[n - 1]!;
    value[n] = fmax(0, prev + zn);
    if (wantCases) cases[n] = -(prev * alpha + logRatio - cArl * alpha) / alpha / (kappa + logRatio);
    if (value[n]! > cArl) {
      alarmAt = n;
      break;
    }
  }
  return { alarmAt: alarmAt + 1, value, cases };
}

/** glr(): max over change points k <= n of the Poisson log-likelihood ratio with the MLE of kappa. */
function poissonGlr(n: number, x: readonly number[], mu0: readonly number[], dir: Direction): number {
  let sumx = 0;
  let summu0 = 0;
  let maxGlr = -1e99;
  for (let k = n; k >= 0; k--) {
    sumx += x[k]!;
    summu0 += mu0[k]!;
    const kappa = dir * fmax(0, dir * Math.log(sumx / summu0));
    const sum = kappa * sumx + (1 - Math.exp(kappa)) * summu0;
    if (sum > maxGlr) maxGlr = sum;
  }
  return maxGlr;
}

/** glr_window(): as poissonGlr over max(0, n-M) <= k <= n-Mtilde. */
function poissonGlrWindow(n: number, x: readonly number[], mu0: readonly number[], dir: Direction, M: number, Mtilde: number): number {
  let maxGlr = -1e99;
  let sumx = 0;
  let summu0 = 0;
  for (let l = n - Mtilde + 1; l <= n; l++) {
    sumx += x[l]!;
    summu0 += mu0[l]!;
  }
  for (let k = n - Mtilde; k >= Math.max(0, n - M); k--) {
    sumx += x[k]!;
    summu0 += mu0[k]!;
    const kappa = dir * fmax(0, dir * Math.log(sumx / summu0));
    const sum = kappa * sumx + (1 - Math.exp(kappa)) * summu0;
    if (sum > maxGlr) maxGlr = sum;
  }
  return maxGlr;
}

/** Smallest count at position n that makes the statistic reach cArl (in the chart's direction), as the C code searches. */
function casesNeeded(n: number, x: readonly number[], cArl: number, dir: Direction, statistic: (xs: number[]) => number): number {
  const xs = [...x];
  let xnew = -1;
  let glrNew = cArl - dir;
  while (dir * glrNew < cArl * dir) {
    xnew += 1;
    if (xnew > CASES_SEARCH_LIMIT) return Infinity;
    xs[n] = xnew;
    glrNew = statistic(xs);
  }
  return xnew;
}

/** glr_cusum: Poisson GLR chart without a window (M = -1). */
export function glrPoisson(x: readonly number[], mu0: readonly number[], Mtilde: number, cArl: number, dir: Direction, wantCases: boolean): ChartRun {
  const lx = x.length;
  const value = new Array<number>(lx).fill(0);
  const cases = new Array<number>(lx).fill(0);
  let alarmAt = lx;
  for (let n = Math.max(0, Mtilde - 1); n < lx; n++) {
    value[n] = poissonGlr(n, x, mu0, dir);
    if (wantCases) cases[n] = casesNeeded(n, x, cArl, dir, (xs) => poissonGlr(n, xs, mu0, dir));
    if (value[n]! >= cArl) {
      alarmAt = n;
      break;
    }
  }
  return { alarmAt: alarmAt + 1, value, cases };
}

/** glr_cusum_window: Poisson GLR chart looking back at most M periods (M > 0). */
export function glrPoissonWindow(x: readonly number[], mu0: readonly number[], M: number, Mtilde: number, cArl: number, dir: Direction, wantCases: boolean): ChartRun {
  const lx = x.length;
  const value = new Array<number>(lx).fill(0);
  const cases = new Array<number>(lx).fill(0);
  let alarmAt = lx;
  for (let n = Mtilde; n < lx; n++) {
    value[n] = poissonGlrWindow(n, x, mu0, dir, M, Mtilde);
    if (wantCases) cases[n] = casesNeeded(n, x, cArl, dir, (xs) => poissonGlrWindow(n, xs, mu0, dir, M, Mtilde));
    if (value[n]! >= cArl) {
      alarmAt = n;
      break;
    }
  }
  return { alarmAt: alarmAt + 1, value, cases };
}

/** glr_nb_window: negative binomial GLR chart for a change in the intercept, kappa by Newton-Raphson. */
export function glrNegBin(x: readonly number[], mu0: readonly number[], alpha: number, Mtilde: number, M: number, cArl: number, dir: Direction): ChartRun {
  const lx = x.length;
  const value = new Array<number>(lx).fill(0);
  let alarmAt = lx;
  const score = (kappa: number, k: number, n: number): number => {
    let sum = 0;
    const ek = Math.exp(kappa);
    for (let i = k; i <= n; i++) sum += (x[i]! - ek * mu0[i]!) / (1 + alpha * ek * mu0[i]!);
    return sum;
  };
  const fisher = (kappa: number, k: number, n: number): number => {
    let sum = 0;
    const ek = Math.exp(kappa);
    for (let i = k; i <= n; i++) sum += (mu0[i]! * (alpha * x[i]! + 1)) / (1 + alpha * ek * mu0[i]!) ** 2;
    return ek * sum;
  };
  const lnk = (kappa: number, k: number, n: number): number => {
    let sum = 0;
    const ek = Math.exp(kappa);
    for (let i = k; i <= n; i++) {
      sum += kappa * x[i]! + (x[i]! + 1 / alpha) * Math.log((1 + alpha * mu0[i]!) / (1 + alpha * mu0[i]! * ek));
    }
    return sum;
  };
  let n = Math.max(Mtilde - 1, 0);
  for (; n < lx; n++) {
    let maxGlr = -1e99;
    // Each change point's Newton iteration starts from the previous one's (clamped) MLE.
    let kappaMl = 0.5;
    const low = M === -1 ? 0 : Math.max(0, n - M);
    const up = n - (Mtilde - 1);
    for (let k = low; k <= up; k++) {
      let kappaOld = 0.4;
      let kappaNew = kappaMl;
      let iter = 0;
      while (kappaNew > -18 && Math.abs(kappaNew - kappaOld) > 1e-6 && iter < 1000) {
        iter++;
        kappaOld = kappaNew;
        kappaNew = kappaOld + score(kappaOld, k, n) / fisher(kappaOld, k, n);
      }
      kappaMl = dir * fmax(0, dir * kappaNew);
      const l = lnk(kappaMl, k, n);
      if (l > maxGlr) maxGlr = l;
    }
    value[n] = maxGlr;
    if (maxGlr >= cArl) {
      alarmAt = n;
      break;
    }
  }
  return { alarmAt: alarmAt + 1, value, cases: new Array<number>(lx).fill(0) };
}

/**
 * algo.glrnb's brute-force `ret = "cases"` for the negative binomial chart: for each position
 * up to the alarm, step the count until the alarm appears (or disappears) at that position.
 */
export function glrNegBinCases(run: ChartRun, x: readonly number[], mu0: readonly number[], alpha: number, Mtilde: number, M: number, cArl: number, dir: Direction): number[] {
  const cases = new Array<number>(run.value.length).fill(0);
  for (let pos = 1; pos <= Math.min(x.length, run.alarmAt); pos++) {
    const myx = [...x];
    const gotAlarm = run.alarmAt <= pos;
    const step = gotAlarm ? -1 : 1;
    let changed = false;
    while (!changed && myx[pos - 1]! <= CASES_SEARCH_LIMIT && myx[pos - 1]! >= 1) {
      myx[pos - 1] = myx[pos - 1]! + step;
      const tmp = glrNegBin(myx, mu0, alpha, Mtilde, M, cArl, dir);
      if (!gotAlarm && tmp.alarmAt <= pos) {
        changed = true;
        cases[pos - 1] = myx[pos - 1]!;
      }
      if (gotAlarm && tmp.alarmAt > pos) {
        changed = true;
        cases[pos - 1] = myx[pos - 1]! + 1;
      }
    }
    if (!changed) cases[pos - 1] = gotAlarm ? NaN : 1e99;
  }
  return cases;
}
