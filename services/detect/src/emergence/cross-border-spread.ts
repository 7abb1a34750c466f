// Cross-border spread: the same pattern rising in k or more countries within a
// window. The service feeds per-country "rising" marks (a count detector's
// alarm, or a novelty hit, for that pattern in that country); this module keeps
// them per pattern and says which countries, in what order, who reported, and
// which countries are next in line on known routes.
import { EmergenceError, requireOption } from './errors';
import type { Neighbour, RouteGraph } from './route-graph';

const DAY_MS = 86_400_000;

export interface RisingMark {
  country: string;
  partner: string;
  /** Event time of the bucket or sighting that rose (ISO). */
  at: string;
  /** What raised it, e.g. `ears-c2` or `first-seen`. */
  source: string;
  /** A few contributing incident ids. */
  incidentIds?: readonly string[];
}

export interface SpreadOptions {
  /** Countries needed for a signal (default 2). */
  minCountries: number;
  /** Window in days in which the countries must rise (default 28). */
  windowDays: number;
  /** Countries at risk to name (default 5). */
  atRiskLimit: number;
  /** Incident ids kept per country (default 20). */
  evidencePerCountry: number;
  /** Patterns kept at most; the ones quiet longest are forgotten (default 50,000). */
  maxPatterns: number;
}

export const DEFAULT_SPREAD_OPTIONS: SpreadOptions = {
  minCountries: 2,
  windowDays: 28,
  atRiskLimit: 5,
  evidencePerCountry: 20,
  maxPatterns: 50_000,
};

export interface SpreadOnset {
  country: string;
  /** First rise of this country in the window. */
  at: string;
  partners: string[];
  sources: string[];
}

export interface SpreadSignal {
  /** The caller's pattern key, e.g. `technology:crypto.atm` or `route_edge:CO>NL|sea`. */
  patternKey: string;
  /** Countries in order of onset. */
  onsets: SpreadOnset[];
  countries: string[];
  partners: string[];
  /** Countries not (yet) rising that share route edges with those that are. */
  atRisk: Neighbour[];
  windowStart: string;
  windowEnd: string;
  incidentIds: string[];
}

interface CountryRise {
  firstAt: number;
  lastAt: number;
  partners: Set<string>;
  sources: Set<string>;
  incidents: string[];
}

interface PatternSpread {
  countries: Map<string, CountryRise>;
  /** Countries in the window when a signal was last emitted; re-emitted only when it grows. */
  emittedCount: number;
  lastAt: number;
}

export interface SpreadState {
  version: 1;
  patterns: Array<{
    key: string;
    emittedCount: number;
    countries: Array<[string, number, number, string[], string[], string[]]>;
  }>;
}

export class CrossBorderSpread {
  readonly options: SpreadOptions;
  private readonly patterns = new Map<string, PatternSpread>();

  constructor(options: Partial<SpreadOptions> = {}, private readonly routes?: RouteGraph) {
    this.options = { ...DEFAULT_SPREAD_OPTIONS, ...options };
    requireOption(Number.isInteger(this.options.minCountries) && this.options.minCountries >= 2, 'minCountries must be an integer ≥ 2', this.options.minCountries);
    requireOption(this.options.windowDays > 0, 'windowDays must be > 0', this.options.windowDays);
  }

  /**
   * Record that `patternKey` rose in a country. Returns a signal when, counting
   * this mark, at least `minCountries` countries rose within the window and that
   * is more countries than the last signal for this pattern named.
   */
  markRising(patternKey: string, mark: RisingMark): SpreadSignal | null {
    const at = Date.parse(mark.at);
    if (Number.isNaN(at)) throw new EmergenceError('INVALID_OPTION', `mark.at is not a timestamp: ${mark.at}`);
    let spread = this.patterns.get(patternKey);
    if (!spread) {
      spread = { countries: new Map(), emittedCount: 0, lastAt: at };
      this.patterns.set(patternKey, spread);
      if (this.patterns.size > this.options.maxPatterns) this.forgetQuietPatterns();
    }
    spread.lastAt = Math.max(spread.lastAt, at);
    const horizon = spread.lastAt - this.options.windowDays * DAY_MS;
    if (at < horizon) return null; // later than the window allows: that episode is over
    // A country without a mark in the window is no longer rising; coming back is a new onset.
    for (const [country, r] of spread.countries) if (r.lastAt < horizon) spread.countries.delete(country);
    let rise = spread.countries.get(mark.country);
    if (!rise) {
      rise = { firstAt: at, lastAt: at, partners: new Set(), sources: new Set(), incidents: [] };
      spread.countries.set(mark.country, rise);
    }
    rise.firstAt = Math.min(rise.firstAt, at);
    rise.lastAt = Math.max(rise.lastAt, at);
    rise.partners.add(mark.partner);
    rise.sources.add(mark.source);
    for (const id of mark.incidentIds ?? []) {
      if (rise.incidents.length >= this.options.evidencePerCountry) break;
      if (!rise.incidents.includes(id)) rise.incidents.push(id);
    }
    const inWindow = this.inWindow(spread);
    // Fewer countries than last time means the earlier episode aged out: re-arm.
    if (inWindow.length < spread.emittedCount) spread.emittedCount = inWindow.length;
    if (inWindow.length < this.options.minCountries || inWindow.length <= spread.emittedCount) return null;
    spread.emittedCount = inWindow.length;
    return this.signal(patternKey, inWindow);
  }

  /** Countries currently rising for a pattern, in onset order. */
  rising(patternKey: string): string[] {
    const spread = this.patterns.get(patternKey);
    return spread ? this.inWindow(spread).map(([c]) => c) : [];
  }

  // Countries with a rising mark within `windowDays` of the pattern's latest
  // mark, in order of onset (a country rising for months still counts).
  private inWindow(spread: PatternSpread): Array<[string, CountryRise]> {
    const horizon = spread.lastAt - this.options.windowDays * DAY_MS;
    return [...spread.countries]
      .filter(([, r]) => r.lastAt >= horizon)
      .sort((a, b) => a[1].firstAt - b[1].firstAt || (a[0] < b[0] ? -1 : 1));
  }

  private signal(patternKey: string, rising: Array<[string, CountryRise]>): SpreadSignal {
    const countries = rising.map(([c]) => c);
    const partners = new Set<string>();
    const incidentIds: string[] = [];
    for (const [, r] of rising) {
      for (const p of r.partners) partners.add(p);
      incidentIds.push(...r.incidents);
    }
    const first = rising[0]![1].firstAt;
    const last = Math.max(...rising.map(([, r]) => r.lastAt));
    return {
      patternKey,
      onsets: rising.map(([country, r]) => ({
        country,
        at: new Date(r.firstAt).toISOString(),
        partners: [...r.partners].sort(),
        sources: [...r.sources].sort(),
      })),
      countries,
      partners: [...partners].sort(),
      atRisk: this.routes ? this.routes.neighbours(countries, this.options.atRiskLimit) : [],
      windowStart: new Date(first).toISOString(),
      windowEnd: new Date(last).toISOString(),
      incidentIds: incidentIds.slice(0, 200),
    };
  }

  private forgetQuietPatterns(): void {
    const target = Math.floor(this.options.maxPatterns * 0.9);
    const sorted = [...this.patterns].sort((a, b) => a[1].lastAt - b[1].lastAt);
    for (const [key] of sorted.slice(0, this.patterns.size - target)) this.patterns.delete(key);
  }

  toJSON(): SpreadState {
    return {
      version: 1,
      patterns: [...this.patterns].map(([key, s]) => ({
        key,
        emittedCount: s.emittedCount,
        countries: [...s.countries].map(([c, r]) => [c, r.firstAt, r.lastAt, [...r.partners], [...r.sources], r.incidents]),
      })),
    };
  }

  static fromJSON(state: SpreadState, options: Partial<SpreadOptions> = {}, routes?: RouteGraph): CrossBorderSpread {
    if (state.version !== 1) throw new EmergenceError('STATE_VERSION', `spread state version ${String(state.version)}; this code reads 1`);
    const spread = new CrossBorderSpread(options, routes);
    for (const p of state.patterns) {
      const countries = new Map<string, CountryRise>();
      let lastAt = -Infinity;
      for (const [c, firstAt, last, partners, sources, incidents] of p.countries) {
        countries.set(c, { firstAt, lastAt: last, partners: new Set(partners), sources: new Set(sources), incidents: [...incidents] });
        lastAt = Math.max(lastAt, last);
      }
      spread.patterns.set(p.key, { countries, emittedCount: p.emittedCount, lastAt });
    }
    return spread;
  }
}
