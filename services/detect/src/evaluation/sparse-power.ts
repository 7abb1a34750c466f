// How well could any detector do on a sparse trend? An upper bound: an oracle that knows the
// key's true in-control rate and the day the trend starts tests the count of the first
// `days` days once, at level `alpha`, against Poisson. A real detector knows neither, and
// must test every period of every key-year, so it does worse. The product of the
// per-trend powers bounds the chance of flagging every trend of a scenario in time.
import { poissonSurvival } from '@tocsin/detectors';
import { dayIndexOf } from '../buckets';
import type { TrendTruth } from './ground-truth';

export interface OraclePowerOptions {
  /** One-off test level (a weekly scan spends far less per test). */
  alpha: number;
  /** Days from the trend's start that count (the bench's deadline plus its start day). */
  days: number;
  /** Ramp of the trend to its plateau, in days: the shortest the simulator draws is the most favourable. */
  rampDays: number;
}

export interface OraclePower {
  /** Per scored trend: the oracle's chance of flagging it. */
  power: Record<string, number>;
  /** Upper bound on the chance of flagging every trend. */
  all: number;
  /** Lower bound on the expected number of misses. */
  expectedMisses: number;
}

/** Oracle power per count trend (key_multiplier set); novelties (new routes) are left out. */
export function oraclePower(trends: readonly TrendTruth[], options: OraclePowerOptions): OraclePower {
  const power: Record<string, number> = {};
  let all = 1;
  let expectedMisses = 0;
  for (const t of trends) {
    if (t.key_multiplier === null) continue;
    const base = t.key_baseline_per_day;
    const length = dayIndexOf(`${t.end}T00:00:00Z`) - dayIndexOf(`${t.start}T00:00:00Z`) + 1;
    const null0 = base * options.days;
    let alternative = 0;
    for (let d = 0; d < options.days; d++) {
      const ramp = d < length ? Math.min(1, (d + 1) / Math.max(1, options.rampDays)) : 0;
      alternative += base * (1 + (t.key_multiplier - 1) * ramp);
    }
    // Smallest count c with P(X >= c) <= alpha under the in-control rate.
    let c = 0;
    while (poissonSurvival(c - 1, null0) > options.alpha) c++;
    const p = poissonSurvival(c - 1, alternative);
    power[t.id] = p;
    all *= p;
    expectedMisses += 1 - p;
  }
  return { power, all, expectedMisses };
}
