// "First reported by X on date D": the registry at the heart of an early-warning
// system (cf. the EU early-warning system on new psychoactive substances).
// Event time throughout: a late record that happened earlier than the known
// first sighting becomes the first sighting.
import { EmergenceError, requireOption } from './errors';
import { PATTERN_TYPES, type PatternType } from './patterns';

const DAY_MS = 86_400_000;

export interface Sighting {
  partner: string;
  country: string;
  /** Event time (occurred_at), ISO 8601. */
  at: string;
  /** `<partner>:<incident id>` */
  incidentId: string;
}

export interface FirstReport {
  partner: string;
  country: string;
  at: string;
  incidentId: string;
}

export interface NoveltyHit {
  /** Never seen before, or seen again after at least `dormancyDays` without a sighting. */
  kind: 'first-seen' | 'reappeared';
  patternType: PatternType;
  patternKey: string;
  firstReported: FirstReport;
  sighting: Sighting;
  /** For `reappeared`: the last sighting before the gap, and the gap in whole days. */
  lastSeenAt?: string;
  dormantDays?: number;
}

/** What the registry keeps per pattern (≈ 250 bytes on V8 with its key). */
export interface PatternRecord {
  firstAt: number;
  firstPartner: string;
  firstCountry: string;
  firstIncident: string;
  lastAt: number;
  sightings: number;
}

export interface FirstSeenOptions {
  /**
   * Days without a sighting after which a pattern counts as new again, per pattern
   * type; `Infinity` never re-fires. Defaults: edges and routes 180, methods and
   * technologies in a country 365, commodity on a route 180.
   */
  dormancyDays: Record<PatternType, number>;
  /**
   * Patterns kept at most. Past it the 10 % least recently seen (event time) are
   * forgotten in one sweep; a forgotten pattern that comes back is reported as
   * first-seen again. Default 200,000 (≈ 50 MB).
   */
  maxPatterns: number;
  /**
   * Learning period: sightings with event time before this (ISO) are registered
   * without hits, so a fresh deployment replaying history does not report every
   * known pattern as new.
   */
  quietUntil?: string;
}

/** Constructor options: any subset, dormancy per type included. */
export type FirstSeenInit = Partial<Omit<FirstSeenOptions, 'dormancyDays'>> & { dormancyDays?: Partial<Record<PatternType, number>> };

export const DEFAULT_DORMANCY_DAYS: Record<PatternType, number> = {
  route_edge: 180,
  route: 180,
  country_method: 365,
  country_technology: 365,
  route_commodity: 180,
};

export interface FirstSeenState {
  version: 1;
  /** [type, key, firstAt, firstPartner, firstCountry, firstIncident, lastAt, sightings] */
  patterns: Array<[PatternType, string, number, string, string, string, number, number]>;
}

/** A change to write to a changelog: the record, or null once forgotten (a tombstone). */
export type RegistryChange = [PatternType, string, PatternRecord | null];

const iso = (ms: number): string => new Date(ms).toISOString();

export class FirstSeenRegistry {
  readonly options: FirstSeenOptions;
  // One map per pattern type: keys are looked up as given, without building a compound string.
  private readonly records = Object.fromEntries(PATTERN_TYPES.map((t) => [t, new Map<string, PatternRecord>()])) as Record<PatternType, Map<string, PatternRecord>>;
  private readonly dirty = Object.fromEntries(PATTERN_TYPES.map((t) => [t, new Set<string>()])) as Record<PatternType, Set<string>>;
  private count = 0;
  private readonly quietUntilMs: number;
  private evicted = 0;

  constructor(options: FirstSeenInit = {}) {
    this.options = {
      dormancyDays: { ...DEFAULT_DORMANCY_DAYS, ...options.dormancyDays },
      maxPatterns: options.maxPatterns ?? 200_000,
      ...(options.quietUntil !== undefined ? { quietUntil: options.quietUntil } : {}),
    };
    requireOption(Number.isInteger(this.options.maxPatterns) && this.options.maxPatterns >= 10, 'maxPatterns must be an integer ≥ 10', this.options.maxPatterns);
    for (const t of PATTERN_TYPES) {
      const d = this.options.dormancyDays[t];
      requireOption(d > 0, `dormancyDays.${t} must be > 0`, d);
    }
    this.quietUntilMs = this.options.quietUntil === undefined ? -Infinity : Date.parse(this.options.quietUntil);
    requireOption(!Number.isNaN(this.quietUntilMs), 'quietUntil must be an ISO timestamp', this.options.quietUntil);
  }

  /** Register one sighting; a hit when the pattern is new or back from dormancy. */
  observe(patternType: PatternType, patternKey: string, sighting: Sighting): NoveltyHit | null {
    const at = this.parseAt(sighting.at);
    const records = this.records[patternType];
    if (!records) throw new EmergenceError('INVALID_OPTION', `unknown pattern type ${String(patternType)}`);
    const record = records.get(patternKey);
    const quiet = at < this.quietUntilMs;
    if (!record) {
      this.count++;
      records.set(patternKey, {
        firstAt: at,
        firstPartner: sighting.partner,
        firstCountry: sighting.country,
        firstIncident: sighting.incidentId,
        lastAt: at,
        sightings: 1,
      });
      this.dirty[patternType].add(patternKey);
      if (this.count > this.options.maxPatterns) this.forgetLeastRecent();
      if (quiet) return null;
      return { kind: 'first-seen', patternType, patternKey, firstReported: firstReport(sighting), sighting };
    }
    record.sightings++;
    this.dirty[patternType].add(patternKey);
    if (at < record.firstAt) {
      // A late record moves the first sighting back; the pattern was already reported.
      record.firstAt = at;
      record.firstPartner = sighting.partner;
      record.firstCountry = sighting.country;
      record.firstIncident = sighting.incidentId;
      return null;
    }
    if (at <= record.lastAt) return null;
    const gapDays = Math.floor((at - record.lastAt) / DAY_MS);
    const previous = record.lastAt;
    record.lastAt = at;
    if (quiet || gapDays < this.options.dormancyDays[patternType]) return null;
    return {
      kind: 'reappeared',
      patternType,
      patternKey,
      firstReported: this.firstReportOf(record),
      sighting,
      lastSeenAt: iso(previous),
      dormantDays: gapDays,
    };
  }

  /**
   * Event-time use, one closed day at a time (the detect service): `earliest` is the
   * day's earliest sighting (event time, then incident id), `count` its sightings. The
   * decision depends only on sightings of days already settled and on late ones, never
   * on arrival order: first-seen when nothing was seen before this day, reappeared when
   * the last sighting before it is at least the dormancy ago (in whole days).
   */
  settleDay(patternType: PatternType, patternKey: string, earliest: Sighting, count: number, quiet: boolean): NoveltyHit | null {
    const at = this.parseAt(earliest.at);
    const records = this.records[patternType];
    const record = records.get(patternKey);
    this.dirty[patternType].add(patternKey);
    if (!record) {
      this.count++;
      records.set(patternKey, { firstAt: at, firstPartner: earliest.partner, firstCountry: earliest.country, firstIncident: earliest.incidentId, lastAt: at, sightings: count });
      if (this.count > this.options.maxPatterns) this.forgetLeastRecent();
      return quiet ? null : { kind: 'first-seen', patternType, patternKey, firstReported: firstReport(earliest), sighting: earliest };
    }
    record.sightings += count;
    moveFirstBack(record, at, earliest);
    const gapDays = Math.floor(at / DAY_MS) - Math.floor(record.lastAt / DAY_MS);
    if (gapDays <= 0) return null;
    const previous = record.lastAt;
    record.lastAt = at;
    if (quiet || gapDays < this.options.dormancyDays[patternType]) return null;
    return { kind: 'reappeared', patternType, patternKey, firstReported: this.firstReportOf(record), sighting: earliest, lastSeenAt: iso(previous), dormantDays: gapDays };
  }

  /**
   * A sighting that arrived after its day was settled (later than the allowed
   * lateness): it can still move the first sighting back and counts as seen for the
   * dormancy of later days, but never makes a hit itself.
   */
  recordLate(patternType: PatternType, patternKey: string, sighting: Sighting): void {
    const at = this.parseAt(sighting.at);
    const records = this.records[patternType];
    const record = records.get(patternKey);
    this.dirty[patternType].add(patternKey);
    if (!record) {
      this.count++;
      records.set(patternKey, { firstAt: at, firstPartner: sighting.partner, firstCountry: sighting.country, firstIncident: sighting.incidentId, lastAt: at, sightings: 1 });
      if (this.count > this.options.maxPatterns) this.forgetLeastRecent();
      return;
    }
    record.sightings++;
    moveFirstBack(record, at, sighting);
    if (at > record.lastAt) record.lastAt = at;
  }

  /** The record of one pattern, for display ("first reported by … on …") or a per-key changelog. */
  get(patternType: PatternType, patternKey: string): PatternRecord | undefined {
    const r = this.records[patternType].get(patternKey);
    return r ? { ...r } : undefined;
  }

  firstReported(patternType: PatternType, patternKey: string): FirstReport | undefined {
    const r = this.records[patternType].get(patternKey);
    return r ? this.firstReportOf(r) : undefined;
  }

  /** Put back one record read from a changelog (null deletes it). */
  restore(patternType: PatternType, patternKey: string, record: PatternRecord | null): void {
    const records = this.records[patternType];
    const had = records.has(patternKey);
    if (record === null) {
      if (had) this.count--;
      records.delete(patternKey);
    } else {
      if (!had) this.count++;
      records.set(patternKey, { ...record });
    }
  }

  /** Records changed since the last call, for a compacted changelog topic; forgotten ones as tombstones. */
  takeChanges(): RegistryChange[] {
    const out: RegistryChange[] = [];
    for (const type of PATTERN_TYPES) {
      for (const key of this.dirty[type]) {
        const record = this.records[type].get(key);
        out.push([type, key, record ? { ...record } : null]);
      }
      this.dirty[type].clear();
    }
    return out;
  }

  get size(): number {
    return this.count;
  }

  /** Patterns forgotten because of `maxPatterns` since start. */
  get forgotten(): number {
    return this.evicted;
  }

  // The patterns of one incident share its timestamp: parse it once.
  private lastAtText = '';
  private lastAtMs = 0;
  private parseAt(text: string): number {
    if (text === this.lastAtText) return this.lastAtMs;
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) throw new EmergenceError('INVALID_OPTION', `sighting.at is not a timestamp: ${text}`);
    this.lastAtText = text;
    this.lastAtMs = ms;
    return ms;
  }

  private firstReportOf(r: PatternRecord): FirstReport {
    return { partner: r.firstPartner, country: r.firstCountry, at: iso(r.firstAt), incidentId: r.firstIncident };
  }

  // One sweep drops the least recently seen 10 %, so the cost is O(n log n)
  // once per n/10 inserts rather than a reorder on every sighting.
  private forgetLeastRecent(): void {
    const target = Math.floor(this.options.maxPatterns * 0.9);
    const lastSeen = new Float64Array(this.count);
    let i = 0;
    for (const type of PATTERN_TYPES) for (const r of this.records[type].values()) lastSeen[i++] = r.lastAt;
    lastSeen.sort();
    const cutoff = lastSeen[this.count - target - 1]!;
    let toDrop = this.count - target;
    for (const type of PATTERN_TYPES) {
      for (const [key, r] of this.records[type]) {
        if (toDrop === 0) return;
        if (r.lastAt <= cutoff) {
          this.records[type].delete(key);
          this.dirty[type].add(key);
          this.count--;
          this.evicted++;
          toDrop--;
        }
      }
    }
  }

  toJSON(): FirstSeenState {
    const patterns: FirstSeenState['patterns'] = [];
    for (const type of PATTERN_TYPES) {
      for (const [key, r] of this.records[type]) {
        patterns.push([type, key, r.firstAt, r.firstPartner, r.firstCountry, r.firstIncident, r.lastAt, r.sightings]);
      }
    }
    return { version: 1, patterns };
  }

  static fromJSON(state: FirstSeenState, options: FirstSeenInit = {}): FirstSeenRegistry {
    if (state.version !== 1) throw new EmergenceError('STATE_VERSION', `first-seen state version ${String(state.version)}; this code reads 1`);
    const registry = new FirstSeenRegistry(options);
    for (const [type, key, firstAt, firstPartner, firstCountry, firstIncident, lastAt, sightings] of state.patterns) {
      registry.restore(type, key, { firstAt, firstPartner, firstCountry, firstIncident, lastAt, sightings });
    }
    return registry;
  }
}

/** An earlier sighting (event time; the smaller incident id on a tie) becomes the first one. */
function moveFirstBack(record: PatternRecord, at: number, s: Sighting): void {
  if (at > record.firstAt || (at === record.firstAt && s.incidentId >= record.firstIncident)) return;
  record.firstAt = at;
  record.firstPartner = s.partner;
  record.firstCountry = s.country;
  record.firstIncident = s.incidentId;
}

function firstReport(s: Sighting): FirstReport {
  return { partner: s.partner, country: s.country, at: new Date(Date.parse(s.at)).toISOString(), incidentId: s.incidentId };
}
