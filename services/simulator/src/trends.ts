// Emerging trends injected into the baseline, and the ground truth that records
// them. A trend is described twice: as a spec the generator executes, and as a
// ground-truth entry with explicit attributes (country, method, technology, route
// parts, term) so a benchmark can match detector signals to it without knowing how
// the detect service builds its keys.
import type { Signal } from '@tocsin/core';
import type { Corridor } from './world';

export const TREND_KINDS = ['new-route', 'method-surge', 'technology-spread', 'route-displacement', 'new-term'] as const;
export type TrendKind = (typeof TREND_KINDS)[number];

/** The named parts of a dimension key: the same type as Signal.dimension.attributes, so matching is typed. */
export type DimensionAttributes = Signal['dimension']['attributes'];

export interface GroundTruthRoute {
  origin: string;
  transit: string[];
  destination: string;
  modality: string;
}

/** One injected trend, as written to the ground-truth file. Dates are YYYY-MM-DD, `end` inclusive. */
export interface GroundTruthTrend {
  id: string;
  kind: TrendKind;
  dimension: { type: string; key: string; attributes: DimensionAttributes };
  /** Countries where the trend shows, in order of onset. */
  countries: string[];
  start: string;
  end: string;
  /**
   * Factor the trend applies to the streams it acts on during the plateau (nominal); null when
   * the dimension had no baseline (a novelty). What the detectors see is `key_multiplier`.
   */
  multiplier: number | null;
  description: string;
  /** Per-country onset for trends that spread. */
  onsets?: Array<{ country: string; start: string }>;
  /** For route displacement: the route traffic moves away from. */
  displaced_from?: GroundTruthRoute;
  /** Approximate mean incidents per day on the dimension before the trend (seasonality averaged out). */
  baseline_per_day: number;
  /** Approximate mean incidents per day on the dimension once the trend is fully ramped up. */
  expected_per_day: number;
  /**
   * Expected incidents per day on the dimension key (everything counted on it, other streams and
   * trends included, seasonality and growth included) over the plateau, as if this trend had
   * not been injected.
   */
  key_baseline_per_day: number;
  /** The same with the trend: the expected count the detectors score. */
  key_expected_per_day: number;
  /** key_expected_per_day / key_baseline_per_day: the trend's expected ratio on its key; null when the key had nothing without it. */
  key_multiplier: number | null;
}

/** What the incidents of a new pattern look like: a corridor without detection countries or a rate. */
export type PatternTemplate = Omit<Corridor, 'id' | 'detectedIn' | 'ratePerDay' | 'destination'> & { destination?: string };

interface TrendWindow {
  id: string;
  /** Day index (0 = scenario start) of onset. */
  startDay: number;
  /** Last day index (inclusive); defaults to the last simulated day. */
  endDay?: number;
  /** Days from onset to full strength. */
  rampDays: number;
  description: string;
}

export type TrendSpec =
  | (TrendWindow & { kind: 'new-route'; country: string; ratePerDay: number; pattern: PatternTemplate & { destination: string } })
  | (TrendWindow & { kind: 'method-surge'; country: string; method: string; multiplier: number })
  | (TrendWindow & { kind: 'technology-spread'; technology: string; countries: string[]; intervalDays: number; ratePerDay: number; pattern: PatternTemplate })
  | (TrendWindow & { kind: 'route-displacement'; fromCorridor: string; toCorridor: string; share: number })
  | (TrendWindow & { kind: 'new-term'; term: string; countries: string[]; intervalDays: number; ratePerDay: number; pattern: PatternTemplate });

const at = (days: number, fraction: number): number => Math.floor(days * fraction);

/**
 * The standard set: one trend of each kind (two method surges), placed at fixed
 * fractions of the simulated period so that a year-long run has months of
 * baseline before the first onset and a short run still contains every kind.
 */
export function defaultTrends(days: number): TrendSpec[] {
  return [
    {
      kind: 'technology-spread', id: 'spread-nitazene', startDay: at(days, 0.3), rampDays: 10, intervalDays: 14,
      technology: 'nps.nitazene', countries: ['IE', 'NL', 'DE', 'BE'], ratePerDay: 1.5,
      description: 'Nitazene-laced synthetic opioids bought on dark-web markets arrive by parcel, first in Ireland, then every two weeks in one more country.',
      pattern: {
        family: 'drugs', category: '06012', commodities: ['drug.synthetic-opioid'], modality: 'postal', origin: 'CN', transit: [],
        dispersion: 3, season: { amplitude: 0, peakDay: 0 }, profiles: [{ methods: ['postal.parcel'], technologies: ['nps.nitazene', 'darkweb-market'], weight: 1 }],
        quantity: { unit: 'g', median: 40, sigma: 0.9 }, roles: ['suspect'],
      },
    },
    {
      kind: 'new-route', id: 'new-route-ec-gw-pt', startDay: at(days, 0.4), rampDays: 14, country: 'PT', ratePerDay: 2.5,
      description: 'Cocaine from Ecuador staged in Guinea-Bissau and landed in Portugal from mother ships: a route partners have not reported before.',
      pattern: {
        family: 'drugs', category: '06012', commodities: ['drug.cocaine'], modality: 'sea', origin: 'EC', transit: ['GW'], destination: 'PT',
        name: 'West Africa – Atlantic', dispersion: 3, season: { amplitude: 0, peakDay: 0 },
        profiles: [{ methods: ['mother-ship', 'fast-boat'], technologies: ['satellite-phone'], weight: 1 }],
        quantity: { unit: 'kg', median: 300, sigma: 0.9 }, roles: ['suspect', 'courier'],
      },
    },
    {
      kind: 'new-term', id: 'term-kryolix', startDay: at(days, 0.5), rampDays: 10, intervalDays: 10,
      term: 'kryolix', countries: ['NL', 'BE', 'DE'], ratePerDay: 1.2,
      description: 'A synthetic cathinone sold as "kryolix" appears in Dutch narratives and spreads to Belgium and Germany ten days apart.',
      pattern: {
        family: 'drugs', category: '06012', commodities: ['drug.nps'], modality: 'postal', origin: 'NL', transit: [],
        dispersion: 4, season: { amplitude: 0, peakDay: 0 }, profiles: [{ methods: ['postal.parcel'], technologies: ['messenger.encrypted'], weight: 1 }],
        quantity: { unit: 'g', median: 100, sigma: 1 }, roles: ['suspect'],
      },
    },
    {
      kind: 'method-surge', id: 'surge-be-rip-on-rip-off', startDay: at(days, 0.55), endDay: at(days, 0.55) + Math.max(14, at(days, 0.15)), rampDays: 7,
      country: 'BE', method: 'concealment.rip-on-rip-off', multiplier: 3,
      description: 'Rip-on/rip-off cocaine loads in Antwerp triple after a crackdown in Rotterdam.',
    },
    {
      kind: 'route-displacement', id: 'displacement-balkan-hu-to-hr', startDay: at(days, 0.6), rampDays: 14,
      fromCorridor: 'balkan-hu-de', toCorridor: 'balkan-hr-de', share: 0.6,
      description: 'Fences on the Hungarian border push 60% of Balkan-route smuggling towards Germany onto the Bosnia–Croatia–Slovenia branch.',
    },
    {
      kind: 'method-surge', id: 'surge-fr-body-packing', startDay: at(days, 0.7), endDay: at(days, 0.7) + Math.max(14, at(days, 0.1)), rampDays: 5,
      country: 'FR', method: 'body-packing', multiplier: 2,
      description: 'Body-packers on flights from French Guiana double during a recruitment drive.',
    },
  ];
}

/** 0 before onset, rising linearly to 1 over rampDays, 1 on the plateau, 0 after the end. */
export function rampAt(day: number, onset: number, rampDays: number, endDay: number): number {
  if (day < onset || day > endDay) return 0;
  if (rampDays <= 0) return 1;
  return Math.min(1, (day - onset + 1) / rampDays);
}
