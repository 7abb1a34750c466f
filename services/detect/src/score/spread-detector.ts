// Cross-border spread on one pattern key (method:<code>, technology:<code>, a
// route edge). That key already receives every country's observations of the
// pattern on one consumer, so it keeps per country a small ring of weekly counts;
// when a week closes, each country whose count rose well above its own baseline
// is a "rising" mark for CrossBorderSpread (E1's module), which says when k or
// more countries rose within the window. The routes of the pattern's incidents
// (a capped edge list) give the countries at risk: the warning for the third.
import type { Evidence } from '@tocsin/core';
import { bucketStartIso, weekIndexOfDay } from '../buckets';
import { CrossBorderSpread, RouteGraph, negBinomialUpperTail, routeHops, type SpreadSignal, type SpreadState } from '../emergence';
import { CountRing } from './count-ring';
import type { SpreadSettings } from './emergence-settings';

/** Route edges remembered per pattern for the at-risk countries; the heaviest early ones stay. */
const MAX_EDGES = 16;
/** Negative-binomial size of the rise test: weekly crime counts are over-dispersed. */
const RISE_DISPERSION = 5;
/** Floor of a baseline mean, so a country new to the pattern needs minObserved, not one incident. */
const MIN_BASELINE = 0.5;

export interface SpreadDetectorState {
  v: 1;
  /** [country, encoded weekly ring] */
  countries: Array<[string, { last: number; counts: string }]>;
  /** [from, to, incidents] */
  edges: Array<[string, string, number]>;
  /** Open weeks: [week, [country, incidents][]]. */
  pending?: Array<[number, Array<[string, number]>]>;
  /** Last week tested. */
  lastClosed?: number | null;
  spread: SpreadState;
}

export class SpreadDetector {
  private readonly weeks = new Map<string, CountRing>();
  private readonly edges = new Map<string, number>();
  /**
   * Weeks beyond the rings' reach of the next week to close (a backlog batch):
   * week → country → incidents, entered when the week closes, so weeks not yet
   * tested are never overwritten.
   */
  private readonly pending = new Map<number, Map<string, number>>();
  /** Last week tested (-Infinity before the first). */
  private lastClosed = Number.NEGATIVE_INFINITY;
  private spread: CrossBorderSpread;

  constructor(
    /** `<type>:<key>`, the pattern key CrossBorderSpread names. */
    readonly patternKey: string,
    private readonly settings: SpreadSettings,
    /** Weeks that may still be open ahead of the one closing (allowed lateness). */
    private readonly aheadWeeks: number,
    spread?: CrossBorderSpread,
  ) {
    this.spread = spread ?? new CrossBorderSpread(this.spreadOptions());
  }

  private spreadOptions() {
    return { minCountries: this.settings.minCountries, windowDays: this.settings.windowDays, atRiskLimit: this.settings.atRiskLimit, evidencePerCountry: 5 };
  }

  private get ringLength(): number {
    return this.settings.baselineWeeks + 1 + this.aheadWeeks;
  }

  observe(day: number, evidence: Evidence): void {
    const week = weekIndexOfDay(day);
    if (week <= this.lastClosed + 1 + this.aheadWeeks) {
      let ring = this.weeks.get(evidence.country);
      if (!ring) this.weeks.set(evidence.country, (ring = new CountRing(this.ringLength)));
      ring.add(week, 1);
    } else this.countPending(week, evidence.country);
    this.observeRoute(evidence);
  }

  private countPending(week: number, country: string): void {
    let countries = this.pending.get(week);
    if (!countries) this.pending.set(week, (countries = new Map()));
    countries.set(country, (countries.get(country) ?? 0) + 1);
  }

  private observeRoute(evidence: Evidence): void {
    if (evidence.route) {
      for (const [from, to] of routeHops(evidence.route)) {
        const edge = `${from}>${to}`;
        const n = this.edges.get(edge);
        if (n !== undefined) this.edges.set(edge, n + 1);
        else if (this.edges.size < MAX_EDGES) this.edges.set(edge, 1);
      }
    }
  }

  /**
   * Week `week` closed: marks every country that rose in it and returns the spread
   * signal, if the countries rising within the window grew past the last one.
   * `testable` is false during the learning period (a replay of history would make
   * every country look new).
   */
  closeWeek(week: number, evidence: readonly Evidence[], testable: boolean): SpreadSignal | null {
    const s = this.settings;
    this.flush(week);
    this.lastClosed = Math.max(this.lastClosed, week);
    const rising: Array<{ country: string; observed: number }> = [];
    for (const [country, ring] of this.weeks) {
      const observed = ring.get(week);
      let baseline = 0;
      for (let w = week - s.baselineWeeks; w < week; w++) baseline += ring.get(w);
      const mean = Math.max(MIN_BASELINE, baseline / s.baselineWeeks);
      if (testable && observed >= s.minObserved && observed >= s.minRatio * mean && negBinomialUpperTail(observed, mean, RISE_DISPERSION) <= s.alpha) {
        rising.push({ country, observed });
      }
      // A country quiet for the whole ring holds nothing: forget it (memory per key stays small).
      if (ring.last < week - this.ringLength) this.weeks.delete(country);
    }
    if (rising.length === 0) return null;
    const at = bucketStartIso('week', week);
    let signal: SpreadSignal | null = null;
    // Strongest first, so a week with several new countries names them in a stable order.
    rising.sort((a, b) => b.observed - a.observed || (a.country < b.country ? -1 : 1));
    for (const { country } of rising) {
      const mine = evidence.filter((e) => e.country === country);
      const found = this.spread.markRising(this.patternKey, {
        country,
        partner: mine[0]?.partner ?? 'unknown',
        at,
        source: 'weekly-rise',
        incidentIds: mine.map((e) => e.incident_id),
      });
      if (found) signal = found;
    }
    if (signal) signal.atRisk = this.atRisk(signal.countries);
    return signal;
  }

  private flush(through: number): void {
    for (const week of [...this.pending.keys()].sort((a, b) => a - b)) {
      if (week > through) break;
      for (const [country, n] of this.pending.get(week)!) {
        let ring = this.weeks.get(country);
        if (!ring) this.weeks.set(country, (ring = new CountRing(this.ringLength)));
        ring.add(week, n);
      }
      this.pending.delete(week);
    }
  }

  /** Countries linked by this pattern's routes to those rising, heaviest traffic first. */
  private atRisk(countries: readonly string[]) {
    const edges: Array<[string, string, number]> = [];
    for (const [edge, n] of this.edges) {
      const [from, to] = edge.split('>') as [string, string];
      edges.push([from, to, n]);
    }
    return RouteGraph.fromJSON({ version: 1, edges }).neighbours(countries, this.settings.atRiskLimit);
  }

  toJSON(): SpreadDetectorState {
    return {
      v: 1,
      countries: [...this.weeks].map(([c, ring]) => [c, ring.encode()]),
      edges: [...this.edges].map(([edge, n]) => {
        const [from, to] = edge.split('>') as [string, string];
        return [from, to, n];
      }),
      spread: this.spread.toJSON(),
      pending: [...this.pending].map(([week, countries]) => [week, [...countries]]),
      lastClosed: Number.isFinite(this.lastClosed) ? this.lastClosed : null,
    };
  }

  static fromJSON(patternKey: string, state: SpreadDetectorState, settings: SpreadSettings, aheadWeeks: number): SpreadDetector {
    const d = new SpreadDetector(patternKey, settings, aheadWeeks);
    d.spread = CrossBorderSpread.fromJSON(state.spread, d.spreadOptions());
    for (const [country, encoded] of state.countries) {
      // A ring of another length (the settings changed) keeps its newest weeks.
      d.weeks.set(country, CountRing.decode(d.ringLength, encoded));
    }
    for (const [from, to, n] of state.edges) d.edges.set(`${from}>${to}`, n);
    for (const [week, countries] of state.pending ?? []) d.pending.set(week, new Map(countries));
    if (typeof state.lastClosed === 'number') d.lastClosed = state.lastClosed;
    return d;
  }
}

/** Weeks that may be open beyond the one closing, for a lateness in days. */
export function aheadWeeksFor(allowedLatenessDays: number): number {
  return Math.ceil((allowedLatenessDays + 1) / 7) + 1;
}
