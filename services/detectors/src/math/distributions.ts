// Distribution functions with R's parametrisations (ppois, qpois, pnbinom(size, mu=),
// qnbinom, pnorm, qnorm, pgamma, qgamma). Written here rather than pulled from a
// dependency so the results can be checked value by value against R (see the tests).

const DBL_EPSILON = 2.220446049250313e-16;
const LOG_SQRT_2PI = 0.9189385332046728; // log(sqrt(2*pi))

// Lanczos approximation, g = 607/128, 15 terms (Godfrey's coefficients): ~1e-15 relative.
const LANCZOS_G = 607 / 128;
const LANCZOS_COEF = [
  0.99999999999999709182, 57.156235665862923517, -59.597960355475491248, 14.136097974741747174,
  -0.49191381609762019978, 0.33994649984811888699e-4, 0.46523628927048575665e-4,
  -0.98374475304879564677e-4, 0.15808870322491248884e-3, -0.21026444172410488319e-3,
  0.2174396181152126432e-3, -0.16431810653676389022e-3, 0.84418223983852743293e-4,
  -0.2619083840158140867e-4, 0.36899182659531622704e-5,
];

/** log(Gamma(x)) for x > 0 (R: lgamma). */
export function lgamma(x: number): number {
  if (Number.isNaN(x) || x <= 0) {
    if (x === 0) return Infinity;
    if (Number.isInteger(x)) return Infinity;
    if (x < 0) {
      // Reflection: Gamma(x) Gamma(1-x) = pi / sin(pi x)
      return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
    }
    return NaN;
  }
  if (x === 1 || x === 2) return 0;
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lgamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS_COEF[0]!;
  for (let i = 1; i < LANCZOS_COEF.length; i++) sum += LANCZOS_COEF[i]! / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return LOG_SQRT_2PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** log(k!) for integer k >= 0. */
export function lfactorial(k: number): number {
  return lgamma(k + 1);
}

/** Regularised lower incomplete gamma P(a, x) (R: pgamma(x, a)). */
export function regularizedGammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  if (!Number.isFinite(x)) return 1;
  if (x < a + 1) return gammaSeries(a, x);
  return 1 - gammaContinuedFraction(a, x);
}

/** Regularised upper incomplete gamma Q(a, x) = 1 - P(a, x), computed without cancellation. */
export function regularizedGammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  if (!Number.isFinite(x)) return 0;
  if (x < a + 1) return 1 - gammaSeries(a, x);
  return gammaContinuedFraction(a, x);
}

function gammaSeries(a: number, x: number): number {
  let ap = a;
  let sum = 1 / a;
  let del = sum;
  for (let n = 0; n < 10_000; n++) {
    ap += 1;
    del *= x / ap;
    sum += del;
    if (Math.abs(del) < Math.abs(sum) * DBL_EPSILON) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - lgamma(a));
}

// Modified Lentz continued fraction for Q(a, x), valid for x >= a + 1.
function gammaContinuedFraction(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < DBL_EPSILON) break;
  }
  return Math.exp(-x + a * Math.log(x) - lgamma(a)) * h;
}

/** Regularised incomplete beta I_x(a, b) (R: pbeta(x, a, b)). */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  // The continued fraction converges fast for x < (a+1)/(a+b+2); use symmetry otherwise.
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(logFront) * betaContinuedFraction(x, a, b)) / a;
  return 1 - (Math.exp(logFront) * betaContinuedFraction(1 - x, b, a)) / b;
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < DBL_EPSILON) break;
  }
  return h;
}

/** Poisson probability mass P(X = k) (R: dpois). */
export function poissonPmf(k: number, mu: number): number {
  if (k < 0 || !Number.isInteger(k)) return 0;
  if (mu === 0) return k === 0 ? 1 : 0;
  return Math.exp(k * Math.log(mu) - mu - lfactorial(k));
}

/** P(X <= k) for X ~ Poisson(mu) (R: ppois(k, mu)). */
export function poissonCdf(k: number, mu: number): number {
  if (mu < 0 || Number.isNaN(mu)) return NaN;
  const kk = Math.floor(k + 1e-7);
  if (kk < 0) return 0;
  if (mu === 0) return 1;
  return regularizedGammaQ(kk + 1, mu);
}

/** P(X > k) for X ~ Poisson(mu) (R: ppois(k, mu, lower.tail = FALSE)), accurate in the far tail. */
export function poissonSurvival(k: number, mu: number): number {
  const kk = Math.floor(k + 1e-7);
  if (kk < 0) return 1;
  if (mu === 0) return 0;
  return regularizedGammaP(kk + 1, mu);
}

// R's discrete quantile search: the smallest k with F(k) >= p, where p is shrunk by a
// relative fuzz of 64 * DBL_EPSILON so that p = F(k) computed elsewhere maps back to k.
function discreteQuantile(p: number, cdf: (k: number) => number, start: number): number {
  const target = p * (1 - 64 * DBL_EPSILON);
  let k = Math.max(0, Math.floor(start));
  if (cdf(k) >= target) {
    while (k > 0 && cdf(k - 1) >= target) k--;
    return k;
  }
  // Step up geometrically, then bisect.
  let lo = k;
  let step = Math.max(1, Math.ceil(Math.sqrt(k + 1)));
  let hi = k + step;
  while (cdf(hi) < target) {
    lo = hi;
    step *= 2;
    hi = lo + step;
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (cdf(mid) >= target) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Smallest k with P(X <= k) >= p for X ~ Poisson(mu) (R: qpois(p, mu)). */
export function poissonQuantile(p: number, mu: number): number {
  if (Number.isNaN(p) || Number.isNaN(mu) || mu < 0 || p < 0 || p > 1) return NaN;
  if (mu === 0) return 0;
  if (p === 0) return 0;
  if (p === 1) return Infinity;
  // Cornish-Fisher start, as R does, then an exact search.
  const sigma = Math.sqrt(mu);
  const gamma = 1 / sigma;
  const z = normalQuantile(p);
  const start = Math.floor(mu + sigma * (z + (gamma * (z * z - 1)) / 6) + 0.5);
  return discreteQuantile(p, (k) => poissonCdf(k, mu), start);
}

/** Negative binomial mass with R's (size, mu) parametrisation: variance mu + mu^2/size (R: dnbinom(k, size, mu=)). */
export function negBinPmf(k: number, size: number, mu: number): number {
  if (k < 0 || !Number.isInteger(k)) return 0;
  if (mu === 0) return k === 0 ? 1 : 0;
  if (!Number.isFinite(size)) return poissonPmf(k, mu);
  const logP = Math.log(size / (size + mu));
  const log1mP = Math.log(mu / (size + mu));
  return Math.exp(lgamma(k + size) - lgamma(size) - lfactorial(k) + size * logP + k * log1mP);
}

/** P(X <= k) for X ~ NegBin(size, mu) (R: pnbinom(k, size, mu=)). */
export function negBinCdf(k: number, size: number, mu: number): number {
  if (mu < 0 || size <= 0 || Number.isNaN(mu) || Number.isNaN(size)) return NaN;
  const kk = Math.floor(k + 1e-7);
  if (kk < 0) return 0;
  if (mu === 0) return 1;
  if (!Number.isFinite(size)) return poissonCdf(kk, mu);
  return regularizedBeta(size / (size + mu), size, kk + 1);
}

/** P(X > k) for X ~ NegBin(size, mu) (R: pnbinom(k, size, mu=, lower.tail = FALSE)), accurate in the far tail. */
export function negBinSurvival(k: number, size: number, mu: number): number {
  if (mu < 0 || size <= 0 || Number.isNaN(mu) || Number.isNaN(size)) return NaN;
  const kk = Math.floor(k + 1e-7);
  if (kk < 0) return 1;
  if (mu === 0) return 0;
  if (!Number.isFinite(size)) return poissonSurvival(kk, mu);
  return regularizedBeta(mu / (size + mu), kk + 1, size);
}

/** Smallest k with P(X <= k) >= p for X ~ NegBin(size, mu) (R: qnbinom(p, size, mu=)). */
export function negBinQuantile(p: number, size: number, mu: number): number {
  if (Number.isNaN(p) || Number.isNaN(mu) || Number.isNaN(size) || mu < 0 || size <= 0 || p < 0 || p > 1) {
    return NaN;
  }
  if (mu === 0 || p === 0) return 0;
  if (p === 1) return Infinity;
  if (!Number.isFinite(size)) return poissonQuantile(p, mu);
  const variance = mu + (mu * mu) / size;
  const sigma = Math.sqrt(variance);
  const skew = (2 * variance - mu) / (mu * sigma); // (Q + P)/sqrt(n P Q) in R's notation
  const z = normalQuantile(p);
  const start = Math.floor(mu + sigma * (z + (skew * (z * z - 1)) / 6) + 0.5);
  return discreteQuantile(p, (k) => negBinCdf(k, size, mu), start);
}

// erf by its Taylor series (|x| < 3, no significant cancellation there) and erfc by a
// continued fraction beyond, each accurate to a few ulps of the result.
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= -x2 / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < Math.abs(sum) * DBL_EPSILON * 0.5) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

function erfcContinuedFraction(x: number): number {
  // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))), x > 0, Lentz.
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 5_000; n++) {
    const an = n / 2;
    d = x + an * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = x + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = c * d;
    f *= del;
    if (Math.abs(del - 1) < DBL_EPSILON) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

/** Complementary error function. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 0.5) return 1 - erfSeries(x);
  if (x < 3) {
    // Series loses relative accuracy in 1 - erf as erf -> 1: go through the fraction once x is moderate.
    return x < 2 ? 1 - erfSeries(x) : erfcContinuedFraction(x);
  }
  return erfcContinuedFraction(x);
}

/** Standard normal CDF (R: pnorm(x, mean, sd)). */
export function normalCdf(x: number, mean = 0, sd = 1): number {
  const z = (x - mean) / sd;
  if (z === Infinity) return 1;
  if (z === -Infinity) return 0;
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** Normal density (R: dnorm). */
export function normalPdf(x: number, mean = 0, sd = 1): number {
  const z = (x - mean) / sd;
  return Math.exp(-0.5 * z * z - LOG_SQRT_2PI) / sd;
}

// Acklam's rational approximation (relative error < 1.2e-9), then refined by Halley steps
// against normalCdf so the result matches R's qnorm to ~1e-15.
const ACKLAM_A = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
const ACKLAM_B = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const ACKLAM_C = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const ACKLAM_D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];

function acklam(p: number): number {
  const [a0, a1, a2, a3, a4, a5] = ACKLAM_A as [number, number, number, number, number, number];
  const [b0, b1, b2, b3, b4] = ACKLAM_B as [number, number, number, number, number];
  const [c0, c1, c2, c3, c4, c5] = ACKLAM_C as [number, number, number, number, number, number];
  const [d0, d1, d2, d3] = ACKLAM_D as [number, number, number, number];
  const pLow = 0.02425;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  }
  if (p > 1 - pLow) {
    const q = Math.sqrt(-2 * Math.log1p(-p));
    return -(((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) /
    (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1);
}

/** Standard normal quantile (R: qnorm(p, mean, sd)). */
export function normalQuantile(p: number, mean = 0, sd = 1): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  let x = acklam(p);
  for (let i = 0; i < 2; i++) {
    // Work in the smaller tail to keep the residual accurate.
    const e = p < 0.5 ? normalCdf(x) - p : (1 - p) - normalCdf(-x);
    const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
    x = x - u / (1 + (x * u) / 2);
  }
  return mean + sd * x;
}

/** Gamma CDF with shape and scale (R: pgamma(x, shape, scale=)). */
export function gammaCdf(x: number, shape: number, scale = 1): number {
  if (x <= 0) return 0;
  return regularizedGammaP(shape, x / scale);
}

/** Gamma quantile with shape and scale (R: qgamma(p, shape, scale=)), by safeguarded Newton. */
export function gammaQuantile(p: number, shape: number, scale = 1): number {
  if (Number.isNaN(p) || p < 0 || p > 1 || !(shape > 0) || !(scale > 0)) return NaN;
  if (p === 0) return 0;
  if (p === 1) return Infinity;
  // Wilson-Hilferty start.
  const z = normalQuantile(p);
  const c = 1 / (9 * shape);
  let x = Math.max(shape * Math.pow(1 - c + z * Math.sqrt(c), 3), 1e-300);
  let lo = 0;
  let hi = Infinity;
  for (let i = 0; i < 200; i++) {
    const f = regularizedGammaP(shape, x) - p;
    if (f < 0) lo = x;
    else hi = x;
    const density = Math.exp((shape - 1) * Math.log(x) - x - lgamma(shape));
    let next = x - f / density;
    if (!(next > lo && next < hi) || !Number.isFinite(next)) {
      next = Number.isFinite(hi) ? (lo + hi) / 2 : x * 2;
    }
    if (Math.abs(next - x) <= 1e-15 * Math.abs(x)) {
      x = next;
      break;
    }
    x = next;
  }
  return x * scale;
}

/** Digamma psi(x) = d/dx log Gamma(x) for x > 0 (R: digamma), by recurrence then the asymptotic series. */
export function digamma(x: number): number {
  if (!(x > 0)) return NaN;
  let result = 0;
  let z = x;
  while (z < 12) {
    result -= 1 / z;
    z += 1;
  }
  const inv = 1 / z;
  const inv2 = inv * inv;
  // Bernoulli-number series: ln z - 1/(2z) - sum B_{2k}/(2k z^{2k}).
  const series =
    inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 * (1 / 132 - inv2 * (691 / 32760 - inv2 / 12))))));
  return result + Math.log(z) - 0.5 * inv - series;
}

/** Trigamma psi'(x) for x > 0 (R: trigamma), by recurrence then the asymptotic series. */
export function trigamma(x: number): number {
  if (!(x > 0)) return NaN;
  let result = 0;
  let z = x;
  while (z < 12) {
    result += 1 / (z * z);
    z += 1;
  }
  const inv = 1 / z;
  const inv2 = inv * inv;
  // 1/z + 1/(2z^2) + sum B_{2k}/z^{2k+1}.
  const series = inv + inv2 / 2 + inv * inv2 * (1 / 6 - inv2 * (1 / 30 - inv2 * (1 / 42 - inv2 * (1 / 30 - inv2 * (5 / 66 - inv2 * (691 / 2730 - inv2 * (7 / 6)))))));
  return result + series;
}
