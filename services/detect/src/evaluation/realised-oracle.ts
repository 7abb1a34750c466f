// Which sparse trends could any detector have flagged, given the counts that actually
// happened? `sparse-power.ts` bounds the chance from the simulator's rates; this asks the
// same oracle about the realised draws. Per count trend, the key's observed count over the
// first `days` days from the trend's start is tested once:
//   - against the key's true expected count without the trend over those days (the
//     simulator's intensity model): Poisson upper tail P(X >= observed);
//   - against the key's own count over the `baselineDays` before the start (what a detector
//     could know): the exact conditional test of two Poisson rates, P(Bin(n, p) >= observed)
//     with n = observed + before and p = days / (days + baseline days).
// A trend is oracle-detectable when its p-value is at most `alpha`. The oracle knows the
// start day and tests once; the simulator's counts are over-dispersed, so a Poisson null is
// narrower than the truth. Both make it generous: an upper bound on any real detector.
import { poissonSurvival, regularizedBeta } from '@tocsin/detectors';

/** P(X >= x) for X ~ Poisson(mu). */
export function poissonUpperTail(x: number, mu: number): number {
  if (x <= 0) return 1;
  return poissonSurvival(x - 1, mu);
}

/** P(X >= x) for X ~ Binomial(n, p): the regularised incomplete beta I_p(x, n - x + 1). */
export function binomialUpperTail(x: number, n: number, p: number): number {
  if (x <= 0) return 1;
  if (x > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  return regularizedBeta(p, x, n - x + 1);
}

/** The realised counts of one trend's key around its start. */
export interface RealisedTrendCounts {
  id: string;
  /** Count on the key over the first `days` days from the trend's start. */
  observed: number;
  /** The key's true expected count over the same days without the trend. */
  expected: number;
  /** Count on the key over the days before the start (up to `baselineDays`, fewer near the run's start). */
  before: number;
  /** Days of that pre-trend count. */
  beforeDays: number;
}

export interface RealisedOracleOptions {
  /** Days from the trend's start that count (the bench's deadline plus its start day). */
  days: number;
  /** One-off test level (see `alphaForBudget`). */
  alpha: number;
}

export interface RealisedOracleRow extends RealisedTrendCounts {
  /** Observed over expected without the trend. */
  ratio: number;
  /** Poisson upper tail of the observed count under the true rate without the trend. */
  pTrue: number;
  /** Conditional (binomial) upper tail of the observed count against the pre-trend count. */
  pBefore: number;
  /** pTrue <= alpha: an oracle knowing the true rate and the start flags it. */
  detectable: boolean;
  /** pBefore <= alpha: an oracle knowing only the start and the key's past flags it. */
  detectableOnBefore: boolean;
}

/**
 * The one-off level a test may spend when it is run once every `periodDays` on every key:
 * its expected rejections under no trend are (365 / periodDays) × alpha per key-year, so this
 * level spends the whole budget of false alarms per key-year on that one test.
 */
export function alphaForBudget(falseAlarmsPerKeyYear: number, periodDays: number): number {
  return (falseAlarmsPerKeyYear * periodDays) / 365;
}

export function realisedOracle(trends: readonly RealisedTrendCounts[], options: RealisedOracleOptions): RealisedOracleRow[] {
  return trends.map((t) => {
    const pTrue = poissonUpperTail(t.observed, t.expected);
    const pBefore = t.beforeDays > 0 ? binomialUpperTail(t.observed, t.observed + t.before, options.days / (options.days + t.beforeDays)) : 1;
    return {
      ...t,
      ratio: t.expected > 0 ? t.observed / t.expected : Number.POSITIVE_INFINITY,
      pTrue, pBefore,
      detectable: pTrue <= options.alpha,
      detectableOnBefore: pBefore <= options.alpha,
    };
  });
}

/** Daily counts of chosen dimension keys, fed observation by observation (backtest's `onObservation`). */
export class KeyDayCounts {
  private readonly days = new Map<string, Map<number, number>>();

  constructor(keys: Iterable<{ type: string; key: string }>) {
    for (const k of keys) this.days.set(`${k.type}\u0000${k.key}`, new Map());
  }

  /** Adds an observation's weight to its key and day; keys not chosen are ignored. */
  add(dimType: string, dimKey: string, day: number, weight: number): void {
    const days = this.days.get(`${dimType}\u0000${dimKey}`);
    if (days) days.set(day, (days.get(day) ?? 0) + weight);
  }

  /** Sum over days [from, to] (day indices, inclusive). */
  sum(dimType: string, dimKey: string, from: number, to: number): number {
    const days = this.days.get(`${dimType}\u0000${dimKey}`);
    if (!days) throw new Error(`key ${dimType}|${dimKey} was not chosen for counting`);
    let total = 0;
    for (const [day, n] of days) if (day >= from && day <= to) total += n;
    return total;
  }
}
