// Baseline series and their daily intensity. A stream is one (detecting country,
// corridor, method/technology combination); its daily count is negative binomial
// around a mean with weekly and annual seasonality and a slow long-term trend.
// Trends act on streams: they either scale existing ones or add new ones.
import { Rng } from './prng';
import { AGENCY_AFFINITY, type SimPartner } from './partners';
import { rampAt } from './trends';
import type { Corridor, Profile } from './world';

export const DAY_MS = 86_400_000;

/** What incidents of a stream look like (a corridor minus its rate bookkeeping). */
export type StreamPattern = Omit<Corridor, 'detectedIn' | 'ratePerDay' | 'profiles'>;

export interface Stream {
  pattern: StreamPattern;
  country: string;
  profile: Profile;
  /** Mean incidents per day before seasonality, growth and trends. */
  baseMean: number;
  /** Long-term change per year, as a log-rate (0.1 ≈ +10% a year). */
  growth: number;
  /** Multipliers for Monday..Sunday (mean 1). */
  weekly: readonly number[];
  partners: SimPartner[];
  partnerWeights: number[];
  /** For streams a trend adds: active from onset (ramping) to endDay. */
  window?: { onset: number; rampDays: number; endDay: number };
  /** Slang term quoted in the narratives of this stream (new-term trends). */
  term?: string;
  /** Id of the trend that created the stream, if any. */
  trendId?: string;
  /** Day-dependent factors applied by trends to this (baseline) stream, with the trend that applies each. */
  modifiers: Array<{ trendId: string; factor: (day: number) => number }>;
}

// Agencies record less at weekends; victims report fraud less at weekends too;
// sea crossings do not care about the day of the week.
const OFFICE_WEEK = normalise([1.1, 1.1, 1.05, 1.05, 1.0, 0.85, 0.85]);
const FLAT_WEEK = [1, 1, 1, 1, 1, 1, 1] as const;

function normalise(values: number[]): number[] {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return values.map((v) => v / mean);
}

export function weeklyProfileOf(pattern: StreamPattern): readonly number[] {
  return pattern.family === 'migrants' && pattern.modality === 'sea' ? FLAT_WEEK : OFFICE_WEEK;
}

/** Partners of `country` that could record incidents of this pattern, weighted by agency kind. */
export function reportersOf(pattern: StreamPattern, country: string, partners: readonly SimPartner[]): { partners: SimPartner[]; weights: number[] } {
  const local = partners.filter((p) => p.config.country === country);
  return { partners: local, weights: local.map((p) => AGENCY_AFFINITY[p.kind][pattern.family]) };
}

/**
 * Builds the baseline streams of every corridor in every detecting country that
 * has at least one partner. The first detecting country sees most of a corridor.
 */
export function buildBaselineStreams(corridors: readonly Corridor[], partners: readonly SimPartner[], scale: number, seed: number): Stream[] {
  const streams: Stream[] = [];
  for (const corridor of corridors) {
    const countries = corridor.detectedIn.filter((c) => partners.some((p) => p.config.country === c));
    const countryWeights = corridor.detectedIn.map((_, i) => (i === 0 ? 1 : 0.5));
    const totalCountryWeight = countryWeights.reduce((a, b) => a + b, 0);
    const totalProfileWeight = corridor.profiles.reduce((a, p) => a + p.weight, 0);
    const { profiles, detectedIn: _d, ratePerDay: _r, ...pattern } = corridor;
    for (const country of countries) {
      const countryShare = (countryWeights[corridor.detectedIn.indexOf(country)] ?? 0) / totalCountryWeight;
      const reporters = reportersOf(pattern, country, partners);
      for (const profile of profiles) {
        const rng = new Rng(seed, 'stream', corridor.id, country, profile.methods.join('+'), profile.technologies.join('+'));
        streams.push({
          pattern,
          country,
          profile,
          baseMean: corridor.ratePerDay * scale * countryShare * (profile.weight / totalProfileWeight),
          growth: -0.1 + rng.float() * 0.3,
          weekly: weeklyProfileOf(pattern),
          partners: reporters.partners,
          partnerWeights: reporters.weights,
          modifiers: [],
        });
      }
    }
  }
  return streams;
}

/**
 * Mean count of `stream` on simulated day `day` (0-based) of a scenario starting at `startMs`;
 * with `withoutTrend`, as if that trend had not been injected (its modifiers left out, a stream
 * it created silent): the counterfactual the ground truth's key-level ratios compare with.
 */
export function intensityOf(stream: Stream, day: number, startMs: number, withoutTrend?: string): number {
  if (withoutTrend !== undefined && stream.trendId === withoutTrend) return 0;
  let ramp = 1;
  if (stream.window) {
    ramp = rampAt(day, stream.window.onset, stream.window.rampDays, stream.window.endDay);
    if (ramp === 0) return 0;
  }
  const date = new Date(startMs + day * DAY_MS);
  const dow = (date.getUTCDay() + 6) % 7;
  const doy = Math.floor((date.getTime() - Date.UTC(date.getUTCFullYear(), 0, 1)) / DAY_MS);
  const { amplitude, peakDay } = stream.pattern.season;
  const seasonal = 1 + amplitude * Math.cos((2 * Math.PI * (doy - peakDay)) / 365.25);
  let mean = stream.baseMean * ramp * (stream.weekly[dow] ?? 1) * seasonal * Math.exp((stream.growth * day) / 365);
  for (const modifier of stream.modifiers) if (modifier.trendId !== withoutTrend) mean *= modifier.factor(day);
  return mean;
}
