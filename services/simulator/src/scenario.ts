// A scenario: partners, baseline streams, injected trends and their ground truth,
// all fixed by (seed, options). Incidents are generated day by day from a per-day
// Rng, so iterating twice, or from day 100 onward, gives the same records.
import type { Incident, PartnerConfig } from '@tocsin/core';
import { SimulatorError } from './errors';
import { DEFAULT_LATE_REPORT_SHARE, draftIncident, isoSeconds, MAX_REPORTING_DELAY_DAYS, type IncidentDraft } from './incident-factory';
import { MAX_PARTNERS, MIN_PARTNERS, SIM_PARTNERS, type SimPartner } from './partners';
import { Rng } from './prng';
import { buildBaselineStreams, DAY_MS, intensityOf, reportersOf, weeklyProfileOf, type Stream, type StreamPattern } from './streams';
import { defaultTrends, rampAt, type GroundTruthTrend, type PatternTemplate, type TrendSpec } from './trends';
import { PartnerEncoder, type EncodedRecord } from './wire';
import { CORRIDORS, type Corridor } from './world';

export interface ScenarioOptions {
  seed: number;
  /** First simulated day, YYYY-MM-DD (UTC). */
  start: string;
  days: number;
  /** Number of partner agencies (2–19, default all 19); the first ones are kept. */
  partners?: number;
  /** Mean baseline incidents per simulated day over all partners (default about 330). */
  ratePerDay?: number;
  /** Trends to inject: 'default' (one of each kind), 'none', or explicit specs. */
  trends?: TrendSpec[] | 'default' | 'none';
  /** Extra random method surges on top, for benchmarks that need many true positives. */
  extraSurges?: number;
  /**
   * Share of reports sent late on purpose, 15 to 60 days after the event (beyond the detect
   * stage's allowed lateness, so they are counted as late there). Every other report arrives
   * within 12 days. Default 0.002; 0 for none. Recorded in the ground truth's scenario options.
   */
  lateReportShare?: number;
  /**
   * Random surges only on (country, method) pairs with at least this many baseline incidents a
   * week (default 0: any pair). A 3x rise on a pair seen once a quarter is a handful of
   * incidents a year, which no detector can tell from noise; benchmarks of sparse data say
   * how small a series they expect a surge to be visible on.
   */
  surgeMinBaselinePerWeek?: number;
  /** Extra random new routes, starting from nothing (an existing corridor through a transit country no route uses). */
  extraNewRoutes?: number;
  /** Incidents a week of each extra new route once ramped up, drawn uniformly from [min, max] (default [1, 5]); independent of ratePerDay. */
  newRoutePerWeek?: [number, number];
}

export interface Scenario {
  readonly options: Readonly<Required<Omit<ScenarioOptions, 'trends'>>>;
  readonly partners: PartnerConfig[];
  readonly groundTruth: GroundTruthTrend[];
  /** Mean baseline incidents per day (before seasonality and trends). */
  readonly baselinePerDay: number;
  /** Incidents of days [fromDay, toDay) in event-time (occurred_at) order. */
  incidents(fromDay?: number, toDay?: number): Iterable<Incident>;
  /** All incidents in arrival (reported_at) order: what partners actually send, late records late. */
  arrivals(): Iterable<Incident>;
  /** The incident as a record in its partner's wire format. */
  encode(incident: Incident): EncodedRecord;
  /** Milliseconds since the epoch of the start of day `day`. */
  dayStartMs(day: number): number;
  /**
   * Expected incidents on a trend's key over days [fromDay, toDay] (scenario day indices,
   * inclusive), from the intensity model (season, weekday, every trend), not from draws;
   * `withoutTrend` leaves that trend out: what the key would have had without it.
   */
  expectedOnKey(trendId: string, fromDay: number, toDay: number, withoutTrend?: boolean): number;
}

export const DEFAULT_BASELINE_PER_DAY = CORRIDORS.reduce((sum, c) => sum + c.ratePerDay, 0);
const MAX_DAYS = 3660;

function invalid(message: string): never {
  throw new SimulatorError('invalid_option', message);
}

function parseStart(start: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(start)) invalid(`start must be a date YYYY-MM-DD, got "${start}"`);
  const ms = Date.parse(start + 'T00:00:00Z');
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== start) invalid(`start "${start}" is not a calendar date`);
  return ms;
}

function validate(options: ScenarioOptions): void {
  if (!Number.isInteger(options.seed) || options.seed < 0 || options.seed > Number.MAX_SAFE_INTEGER) invalid(`seed must be a non-negative integer, got ${options.seed}`);
  if (!Number.isInteger(options.days) || options.days < 1 || options.days > MAX_DAYS) invalid(`days must be an integer from 1 to ${MAX_DAYS}, got ${options.days}`);
  const p = options.partners;
  if (p !== undefined && (!Number.isInteger(p) || p < MIN_PARTNERS || p > MAX_PARTNERS)) invalid(`partners must be an integer from ${MIN_PARTNERS} to ${MAX_PARTNERS}, got ${p}`);
  const r = options.ratePerDay;
  if (r !== undefined && (!Number.isFinite(r) || r <= 0 || r > 1_000_000)) invalid(`ratePerDay must be a number above 0 and at most 1000000, got ${r}`);
  const e = options.extraSurges;
  if (e !== undefined && (!Number.isInteger(e) || e < 0 || e > 500)) invalid(`extraSurges must be an integer from 0 to 500, got ${e}`);
  const l = options.lateReportShare;
  if (l !== undefined && (!Number.isFinite(l) || l < 0 || l > 0.1)) invalid(`lateReportShare must be a number from 0 to 0.1, got ${l}`);
  const nr = options.extraNewRoutes;
  if (nr !== undefined && (!Number.isInteger(nr) || nr < 0 || nr > NEW_ROUTE_TRANSITS.length)) invalid(`extraNewRoutes must be an integer from 0 to ${NEW_ROUTE_TRANSITS.length}, got ${nr}`);
  const mb = options.surgeMinBaselinePerWeek;
  if (mb !== undefined && (!Number.isFinite(mb) || mb < 0)) invalid(`surgeMinBaselinePerWeek must be a number >= 0, got ${mb}`);
  const w = options.newRoutePerWeek;
  if (w !== undefined && (w.length !== 2 || !w.every(Number.isFinite) || w[0] <= 0 || w[1] < w[0])) invalid(`newRoutePerWeek must be [min, max] with 0 < min <= max, got ${JSON.stringify(w)}`);
}

const dateOf = (startMs: number, day: number): string => new Date(startMs + day * DAY_MS).toISOString().slice(0, 10);

function patternOf(id: string, template: PatternTemplate, destination: string): StreamPattern {
  const { profiles: _p, ...rest } = template;
  return { ...rest, id, destination };
}

function newStream(pattern: StreamPattern, profile: PatternTemplate['profiles'][number], country: string, baseMean: number, partners: readonly SimPartner[]): Stream | null {
  const reporters = reportersOf(pattern, country, partners);
  if (reporters.partners.length === 0) return null;
  return { pattern, country, profile, baseMean, growth: 0, weekly: weeklyProfileOf(pattern), partners: reporters.partners, partnerWeights: reporters.weights, modifiers: [] };
}

const sumMeans = (streams: readonly Stream[], at: number): number => streams.reduce((s, x) => s + x.baseMean * Math.exp((x.growth * at) / 365), 0);

const routeKey = (r: { origin: string; transit: readonly string[]; destination: string; modality: string }): string =>
  `${[r.origin, ...r.transit, r.destination].join('>')}|${r.modality}`;

type KeyLevel = Pick<GroundTruthTrend, 'key_baseline_per_day' | 'key_expected_per_day' | 'key_multiplier'>;
/** A trend's ground truth before its key-level ratios (known once every trend is applied). */
type TrendTruthDraft = Omit<GroundTruthTrend, keyof KeyLevel>;

interface Context {
  streams: Stream[];
  partners: readonly SimPartner[];
  scale: number;
  startMs: number;
  lastDay: number;
}

/** Applies one trend spec to the streams and returns its ground truth, or null if no partner could see it. */
function applyTrend(spec: TrendSpec, ctx: Context): TrendTruthDraft | null {
  const { streams, partners, scale, startMs, lastDay } = ctx;
  if (spec.startDay > lastDay) return null;
  const endDay = Math.min(lastDay, spec.endDay ?? lastDay);
  const ramp = (day: number, onset: number): number => rampAt(day, onset, spec.rampDays, endDay);
  const base = { id: spec.id, kind: spec.kind, start: dateOf(startMs, spec.startDay), end: dateOf(startMs, endDay), description: spec.description };
  switch (spec.kind) {
    case 'method-surge': {
      const hit = streams.filter((s) => !s.window && s.country === spec.country && s.profile.methods.includes(spec.method));
      if (hit.length === 0) return null;
      for (const s of hit) s.modifiers.push({ trendId: spec.id, factor: (day) => 1 + (spec.multiplier - 1) * ramp(day, spec.startDay) });
      const baseline = sumMeans(hit, spec.startDay);
      return {
        ...base,
        dimension: { type: 'country_method', key: `${spec.country}|method:${spec.method}`, attributes: { country: spec.country, method: spec.method } },
        countries: [spec.country], multiplier: spec.multiplier, baseline_per_day: round(baseline), expected_per_day: round(baseline * spec.multiplier),
      };
    }
    case 'route-displacement': {
      const from = streams.filter((s) => !s.window && s.pattern.id === spec.fromCorridor);
      const to = streams.filter((s) => !s.window && s.pattern.id === spec.toCorridor);
      if (from.length === 0 || to.length === 0) {
        if (!CORRIDORS.some((c) => c.id === spec.fromCorridor) || !CORRIDORS.some((c) => c.id === spec.toCorridor)) {
          throw new SimulatorError('unknown_corridor', `trend ${spec.id} refers to corridor "${spec.fromCorridor}" or "${spec.toCorridor}", which does not exist`);
        }
        return null;
      }
      const fromMean = sumMeans(from, spec.startDay);
      const toMean = sumMeans(to, spec.startDay);
      // What leaves the old route arrives on the new one: total flow to the destination is kept.
      const gain = (spec.share * fromMean) / toMean;
      for (const s of from) s.modifiers.push({ trendId: spec.id, factor: (day) => 1 - spec.share * ramp(day, spec.startDay) });
      for (const s of to) s.modifiers.push({ trendId: spec.id, factor: (day) => 1 + gain * ramp(day, spec.startDay) });
      const target = (to[0] as Stream).pattern;
      const source = (from[0] as Stream).pattern;
      const route = { origin: target.origin, transit: [...target.transit], destination: target.destination, modality: target.modality };
      return {
        ...base,
        dimension: { type: 'route', key: routeKey(route), attributes: route },
        countries: [...new Set([...to.map((s) => s.country), ...from.map((s) => s.country)])],
        multiplier: round(1 + gain), baseline_per_day: round(toMean), expected_per_day: round(toMean * (1 + gain)),
        displaced_from: { origin: source.origin, transit: [...source.transit], destination: source.destination, modality: source.modality },
      };
    }
    case 'new-route': {
      const pattern = patternOf(spec.id, spec.pattern, spec.pattern.destination);
      const added = spec.pattern.profiles.map((profile) => newStream(pattern, profile, spec.country, (spec.ratePerDay * scale * profile.weight) / totalWeight(spec.pattern), partners));
      const live = added.filter((s): s is Stream => s !== null);
      if (live.length === 0) return null;
      for (const s of live) Object.assign(s, { window: { onset: spec.startDay, rampDays: spec.rampDays, endDay }, trendId: spec.id });
      streams.push(...live);
      const route = { origin: pattern.origin, transit: [...pattern.transit], destination: pattern.destination, modality: pattern.modality };
      const baseline = sumMeans(streams.filter((s) => !s.window && routeKey({ ...s.pattern }) === routeKey(route)), spec.startDay);
      return {
        ...base,
        dimension: { type: 'route', key: routeKey(route), attributes: route },
        countries: [spec.country], multiplier: baseline > 0 ? round(1 + (spec.ratePerDay * scale) / baseline) : null,
        baseline_per_day: round(baseline), expected_per_day: round(baseline + spec.ratePerDay * scale),
      };
    }
    case 'technology-spread':
    case 'new-term': {
      const onsets: Array<{ country: string; start: string }> = [];
      let perCountry = 0;
      spec.countries.forEach((country, i) => {
        const onset = spec.startDay + i * spec.intervalDays;
        if (onset > endDay) return;
        const pattern = patternOf(`${spec.id}-${country.toLowerCase()}`, spec.pattern, spec.pattern.destination ?? country);
        const live = spec.pattern.profiles
          .map((profile) => newStream(pattern, profile, country, (spec.ratePerDay * scale * profile.weight) / totalWeight(spec.pattern), partners))
          .filter((s): s is Stream => s !== null);
        if (live.length === 0) return;
        for (const s of live) {
          Object.assign(s, { window: { onset, rampDays: spec.rampDays, endDay }, trendId: spec.id });
          if (spec.kind === 'new-term') s.term = spec.term;
        }
        streams.push(...live);
        onsets.push({ country, start: dateOf(startMs, onset) });
        perCountry = spec.ratePerDay * scale;
      });
      if (onsets.length === 0) return null;
      const countries = onsets.map((o) => o.country);
      const dimension =
        spec.kind === 'new-term'
          ? { type: 'term', key: spec.term, attributes: { term: spec.term } }
          : { type: 'technology', key: spec.technology, attributes: { technology: spec.technology } };
      const baseline = spec.kind === 'technology-spread' ? sumMeans(streams.filter((s) => !s.window && s.profile.technologies.includes(spec.technology)), spec.startDay) : 0;
      const expected = baseline + perCountry * countries.length;
      return {
        ...base,
        start: onsets[0]?.start ?? base.start,
        dimension, countries, onsets, multiplier: baseline > 0 ? round(expected / baseline) : null,
        baseline_per_day: round(baseline), expected_per_day: round(expected),
      };
    }
  }
}

/** True when the stream's incidents count on the ground-truth dimension key (as the detect service keys incidents). */
function countsOn(s: Stream, dimension: TrendTruthDraft['dimension']): boolean {
  const a = dimension.attributes as Record<string, unknown>;
  switch (dimension.type) {
    case 'country_method': return s.country === a['country'] && s.profile.methods.includes(String(a['method']));
    case 'route': return routeKey(s.pattern) === dimension.key;
    case 'technology': return s.profile.technologies.includes(String(a['technology']));
    case 'term': return s.term === dimension.key;
    default: throw new Error(`ground truth on dimension type ${dimension.type} has no key-level count`);
  }
}

/**
 * The trend as the detectors see it: expected incidents per day on its dimension key over
 * its plateau (last onset fully ramped up to the end), with every injected trend and with
 * this one left out, from the intensity model (not from draws). The key also carries
 * streams the trend does not act on (another corridor with the same method in the country,
 * a new route's streams), so its ratio can be well below the factor applied to the streams.
 */
function keyLevelOf(truth: TrendTruthDraft, spec: TrendSpec, streams: readonly Stream[], startMs: number, lastDay: number): KeyLevel {
  const on = streams.filter((s) => countsOn(s, truth.dimension));
  const endDay = Math.min(lastDay, spec.endDay ?? lastDay);
  const lastOnset = Math.max(spec.startDay, ...(truth.onsets ?? []).map((o) => Math.round((Date.parse(`${o.start}T00:00:00Z`) - startMs) / DAY_MS)));
  const from = Math.min(endDay, lastOnset + Math.max(1, spec.rampDays) - 1);
  const meanPerDay = (without?: string): number => {
    let sum = 0;
    for (let day = from; day <= endDay; day++) for (const s of on) sum += intensityOf(s, day, startMs, without);
    return sum / (endDay - from + 1);
  };
  const withTrend = meanPerDay();
  const without = meanPerDay(spec.id);
  return { key_baseline_per_day: round(without), key_expected_per_day: round(withTrend), key_multiplier: without > 0 ? round(withTrend / without) : null };
}

const totalWeight = (t: PatternTemplate): number => t.profiles.reduce((s, p) => s + p.weight, 0);
const round = (x: number): number => Math.round(x * 1000) / 1000;

/** Random method surges on (country, method) pairs the baseline already has, for benchmarks. */
function randomSurges(count: number, seed: number, streams: readonly Stream[], days: number, taken: Set<string>, minBaselinePerWeek = 0): TrendSpec[] {
  const rng = new Rng(seed, 'extra-surges');
  const baseline = new Map<string, number>();
  for (const s of streams) {
    if (s.window) continue;
    for (const m of s.profile.methods) baseline.set(`${s.country}|${m}`, (baseline.get(`${s.country}|${m}`) ?? 0) + s.baseMean * 7);
  }
  const pairs = [...baseline.keys()].filter((p) => !taken.has(p) && baseline.get(p)! >= minBaselinePerWeek).sort();
  const specs: TrendSpec[] = [];
  for (let i = 0; i < count && pairs.length > 0; i++) {
    const [country, method] = (pairs.splice(rng.int(pairs.length), 1)[0] as string).split('|') as [string, string];
    const startDay = Math.floor(days * (0.25 + rng.float() * 0.6));
    const multiplier = Math.round((2 + rng.float() * 2) * 10) / 10;
    specs.push({
      kind: 'method-surge', id: `surge-${country.toLowerCase()}-${method.replaceAll('.', '-')}-${i + 1}`, startDay, endDay: startDay + 21 + rng.int(36),
      rampDays: 3 + rng.int(8), country, method, multiplier, description: `Random surge: ${method} in ${country} ×${multiplier}.`,
    });
  }
  return specs;
}

/** Transit countries for random new routes: no corridor passes through them, so each route key is new. */
const NEW_ROUTE_TRANSITS = ['SN', 'CV', 'GH', 'TG', 'MR', 'GN', 'SL', 'LR', 'CI', 'BJ', 'NE', 'TD', 'CM', 'GA', 'AO', 'JO', 'LB', 'GE', 'AM', 'AZ'] as const;

/**
 * Random new routes for benchmarks: an existing corridor's pattern detoured through a
 * transit country no route uses, seen by the corridor's first detecting country, ramping
 * up to `perWeek` incidents a week (absolute: sparse and dense scenarios alike).
 */
function randomNewRoutes(count: number, seed: number, scale: number, days: number, perWeek: [number, number], partners: readonly SimPartner[]): TrendSpec[] {
  const rng = new Rng(seed, 'extra-new-routes');
  const used = new Set(CORRIDORS.flatMap((c) => [c.origin, ...c.transit, c.destination]));
  const transits = NEW_ROUTE_TRANSITS.filter((t) => !used.has(t));
  const corridors = CORRIDORS.filter((c) => partners.some((p) => p.config.country === c.detectedIn[0]));
  const specs: TrendSpec[] = [];
  for (let i = 0; i < count && transits.length > 0 && corridors.length > 0; i++) {
    const transit = transits.splice(rng.int(transits.length), 1)[0] as string;
    const corridor = corridors[rng.int(corridors.length)] as Corridor;
    const { id: _id, detectedIn, ratePerDay: _r, ...template } = corridor;
    const rate = perWeek[0] + rng.float() * (perWeek[1] - perWeek[0]);
    const startDay = Math.floor(days * (0.25 + rng.float() * 0.6));
    specs.push({
      kind: 'new-route', id: `new-route-${corridor.id}-via-${transit.toLowerCase()}-${i + 1}`, startDay, rampDays: 3 + rng.int(12),
      country: detectedIn[0] as string, ratePerDay: rate / 7 / scale,
      pattern: { ...template, transit: [...corridor.transit, transit], name: undefined, season: { amplitude: 0, peakDay: 0 } },
      description: `Random new route: ${corridor.id} through ${transit}, about ${rate.toFixed(1)} incidents a week.`,
    });
  }
  return specs;
}

export function createScenario(options: ScenarioOptions): Scenario {
  validate(options);
  const startMs = parseStart(options.start);
  const lateShare = options.lateReportShare ?? DEFAULT_LATE_REPORT_SHARE;
  const simPartners = SIM_PARTNERS.slice(0, options.partners ?? MAX_PARTNERS);
  const partnerCountries = [...new Set(simPartners.map((p) => p.config.country))].sort();
  const scale = (options.ratePerDay ?? DEFAULT_BASELINE_PER_DAY) / DEFAULT_BASELINE_PER_DAY;
  const streams = buildBaselineStreams(CORRIDORS, simPartners, scale, options.seed);
  const baselinePerDay = streams.reduce((s, x) => s + x.baseMean, 0);

  const ctx: Context = { streams, partners: simPartners, scale, startMs, lastDay: options.days - 1 };
  const specs = options.trends === 'none' ? [] : options.trends === undefined || options.trends === 'default' ? defaultTrends(options.days) : options.trends;
  const taken = new Set(specs.flatMap((s) => (s.kind === 'method-surge' ? [`${s.country}|${s.method}`] : [])));
  const allSpecs = [
    ...specs,
    ...randomSurges(options.extraSurges ?? 0, options.seed, streams, options.days, taken, options.surgeMinBaselinePerWeek ?? 0),
    ...randomNewRoutes(options.extraNewRoutes ?? 0, options.seed, scale, options.days, options.newRoutePerWeek ?? [1, 5], simPartners),
  ];
  const ids = new Set<string>();
  const applied: Array<{ truth: TrendTruthDraft; spec: TrendSpec }> = [];
  for (const spec of allSpecs) {
    if (ids.has(spec.id)) invalid(`trend id "${spec.id}" is used twice`);
    ids.add(spec.id);
    const truth = applyTrend(spec, ctx);
    if (truth) applied.push({ truth, spec });
  }
  // Key-level ratios once every trend is in: a later trend's streams can share the key.
  const groundTruth: GroundTruthTrend[] = applied.map(({ truth, spec }) => ({ ...truth, ...keyLevelOf(truth, spec, streams, startMs, options.days - 1) }));

  const encoders = new Map(simPartners.map((p) => [p.config.id, new PartnerEncoder(p.config)]));

  function generateDay(day: number): Incident[] {
    const rng = new Rng(options.seed, 'day', day);
    const drafts: IncidentDraft[] = [];
    for (const stream of streams) {
      const mean = intensityOf(stream, day, startMs);
      if (mean <= 0) continue;
      const count = rng.negativeBinomial(mean, stream.pattern.dispersion);
      for (let i = 0; i < count; i++) drafts.push(draftIncident(rng, stream, day, startMs, partnerCountries, lateShare));
    }
    drafts.sort((a, b) => a.occurredMs - b.occurredMs);
    // Ids are issued in event-time order per partner and day, as a case system would.
    const ymd = dateOf(startMs, day).replaceAll('-', '');
    const seq = new Map<string, number>();
    return drafts.map((d) => {
      const n = (seq.get(d.partner.config.id) ?? 0) + 1;
      seq.set(d.partner.config.id, n);
      return { id: `${d.partner.idPrefix}-${ymd}-${String(n).padStart(5, '0')}`, ...d.incident };
    });
  }

  return {
    options: {
      seed: options.seed, start: options.start, days: options.days, partners: simPartners.length,
      ratePerDay: options.ratePerDay ?? DEFAULT_BASELINE_PER_DAY, extraSurges: options.extraSurges ?? 0, lateReportShare: lateShare,
      surgeMinBaselinePerWeek: options.surgeMinBaselinePerWeek ?? 0, extraNewRoutes: options.extraNewRoutes ?? 0, newRoutePerWeek: options.newRoutePerWeek ?? [1, 5],
    },
    partners: simPartners.map((p) => structuredClone(p.config)),
    groundTruth,
    baselinePerDay,
    *incidents(fromDay = 0, toDay = options.days) {
      for (let day = Math.max(0, fromDay); day < Math.min(toDay, options.days); day++) yield* generateDay(day);
    },
    *arrivals() {
      const pending = new MinHeap<Incident>();
      let order = 0;
      for (let day = 0; day < options.days; day++) {
        for (const incident of generateDay(day)) pending.push(Date.parse(incident.reported_at), order++, incident);
        // Everything reported before tomorrow starts is final: later days occur (and so are reported) later.
        const horizon = startMs + (day + 1) * DAY_MS;
        while (pending.size > 0 && pending.peekKey() < horizon) yield pending.pop();
      }
      while (pending.size > 0) yield pending.pop();
    },
    encode(incident) {
      const encoder = encoders.get(incident.partner);
      if (!encoder) throw new SimulatorError('unknown_partner', `incident ${incident.id} names partner "${incident.partner}", which is not in this scenario`);
      return encoder.encode(incident);
    },
    dayStartMs: (day) => startMs + day * DAY_MS,
    expectedOnKey(trendId, fromDay, toDay, withoutTrend = false) {
      const truth = groundTruth.find((t) => t.id === trendId);
      if (!truth) throw new SimulatorError('unknown_trend', `no trend "${trendId}" in this scenario's ground truth`);
      const on = streams.filter((s) => countsOn(s, truth.dimension));
      let sum = 0;
      for (let day = Math.max(0, fromDay); day <= Math.min(toDay, options.days - 1); day++) {
        for (const s of on) sum += intensityOf(s, day, startMs, withoutTrend ? trendId : undefined);
      }
      return sum;
    },
  };
}

/** Binary min-heap on (key, order): stable for equal keys. */
class MinHeap<T> {
  private keys: number[] = [];
  private orders: number[] = [];
  private items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  peekKey(): number {
    return this.keys[0] ?? Infinity;
  }

  push(key: number, order: number, item: T): void {
    this.keys.push(key);
    this.orders.push(order);
    this.items.push(item);
    let i = this.items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): T {
    const top = this.items[0] as T;
    const last = this.items.length - 1;
    this.swap(0, last);
    this.keys.pop();
    this.orders.pop();
    this.items.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.items.length && this.less(l, m)) m = l;
      if (r < this.items.length && this.less(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return top;
  }

  private less(a: number, b: number): boolean {
    const ka = this.keys[a] as number;
    const kb = this.keys[b] as number;
    return ka < kb || (ka === kb && (this.orders[a] as number) < (this.orders[b] as number));
  }

  private swap(a: number, b: number): void {
    [this.keys[a], this.keys[b]] = [this.keys[b] as number, this.keys[a] as number];
    [this.orders[a], this.orders[b]] = [this.orders[b] as number, this.orders[a] as number];
    [this.items[a], this.items[b]] = [this.items[b] as T, this.items[a] as T];
  }
}

export { isoSeconds, MAX_REPORTING_DELAY_DAYS };
