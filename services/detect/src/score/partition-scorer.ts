// Scoring state of one observations partition: the keys it owns, the event-time
// watermark, and the buckets still open. Observations go in; closed buckets come
// out with one detector row per configured detector. No I/O: the score stage
// persists and emits, the benchmarks and the acceptance test drive it directly.
import type { Attributes, Evidence, Observation } from '@tocsin/core';
import { lastRowRunner, type DetectorRow, type LastRowRunner } from '@tocsin/detectors';
import { bucketIndexOfDay, firstDayOfWeek, lastDayOfBucket, periodsPerYear, weekIndexOfDay, type Granularity } from '../buckets';
import type { DetectorPlan, ResolvedDetector } from '../config';
import type { DetectKeyState } from '@tocsin/core';
import { FirstSeenRegistry } from '../emergence';
import { SourceWatermarks } from '../watermark';
import { KeyState, type OpenBucket } from './key-state';
import { isNoveltyPattern, noveltySettings, type NoveltyCandidate } from './novelty';
import { emergenceSettings } from './emergence-settings';
import { emergenceFor, emergenceRecord, restoreEmergence, type EmergenceFinding } from './key-emergence';

// Only the scored bucket's row is needed: per resolved detector (shared by every key of
// a plan), a scorer of the window's last row with its parameters validated once.
const runners = new WeakMap<ResolvedDetector, LastRowRunner>();
function lastRowRunnerOf(detector: ResolvedDetector): LastRowRunner {
  let runner = runners.get(detector);
  if (!runner) runners.set(detector, (runner = lastRowRunner(detector.detector, detector.params)));
  return runner;
}

export interface ObservationInput {
  dimType: string;
  dimKey: string;
  attributes: Attributes;
  weight: 1 | -1;
  /** Event day index of the incident. */
  day: number;
  evidence: Evidence;
  /** Narrative observations: the terms the explode stage extracted. */
  terms?: Observation['terms'];
}

export type ApplyOutcome = 'applied' | 'replayed' | 'late';

/** One detector's verdict on one key's closed bucket. */
export interface ScoredRow {
  key: KeyState;
  bucket: OpenBucket;
  detector: ResolvedDetector;
  row: DetectorRow;
}

/** Everything scored in one closed bucket of this partition. */
export interface ClosedBucket {
  granularity: Granularity;
  index: number;
  rows: ScoredRow[];
}

export interface ScorerStats {
  keys: number;
  lateDropped: number;
  replayedSkipped: number;
  bucketsClosed: number;
  detectorRuns: number;
  detectorErrors: number;
  /** Detector rows computed under a stated fallback (degenerate in-control model). */
  detectorFallbacks: number;
}

/**
 * The first complete bucket of a key's real history: its first day's bucket, or the next
 * week when it started mid-week (a partial week would read as a drop).
 */
function firstFullBucket(granularity: Granularity, firstDay: number): number {
  if (granularity === 'day') return firstDay;
  const week = weekIndexOfDay(firstDay);
  return firstDayOfWeek(week) === firstDay ? week : week + 1;
}

/** Mean count per period of the window before its last `chartPeriods` periods (the detector's baseline). */
function baselineMean(counts: readonly number[], chartPeriods: number): number {
  const n = counts.length - chartPeriods;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += counts[i]!;
  return n > 0 ? sum / n : 0;
}

function finiteOrNull(x: number | null | undefined): number | null {
  return x !== null && x !== undefined && Number.isFinite(x) ? x : null;
}

/** A sequential chart's row on a window shorter than its history (a young key): the same chart, on what there is. */
function runOnWindow(detector: ResolvedDetector, counts: readonly number[], freq: number): DetectorRow | undefined {
  const n = counts.length;
  const rows = detector.detector.run({ counts, freq }, { ...detector.params, range: [n - detector.chartPeriods + 1, n] });
  return rows[n - 1];
}

export class PartitionScorer {
  readonly keys = new Map<string, KeyState>();
  /** Newest event day seen on this partition; the watermark is this minus the allowed lateness. */
  maxEventDay = Number.NEGATIVE_INFINITY;
  /** Every day bucket up to here is closed. */
  closedThroughDay = Number.NEGATIVE_INFINITY;
  private readonly openDays = new Map<number, Set<KeyState>>();
  private readonly openWeeks = new Map<number, Set<KeyState>>();
  private readonly scratch: number[] = [];
  private dirty = new Set<KeyState>();
  /**
   * First-seen registry of this partition's novelty patterns. Hits are decided when a
   * pattern's day bucket closes (event time), never on arrival.
   */
  private readonly registry = new FirstSeenRegistry();
  private novelty: NoveltyCandidate[] = [];
  private emergent: EmergenceFinding[] = [];
  /**
   * Earliest event day this partition has seen itself (observations, restored keys).
   * The learning periods start at the stream's first day: with watermark records the
   * earliest day of any incidents partition (the same on every score partition, so
   * the result does not depend on how keys are spread), else this.
   */
  private ownFirstDay = Number.POSITIVE_INFINITY;
  /** Progress of the incidents partitions, when the explode stage sends it. */
  readonly watermarks = new SourceWatermarks();
  private restoredClosedThrough = Number.NEGATIVE_INFINITY;
  /** Earliest first day of the restored keys: a floor for the stream's first day should the incidents topic have been trimmed. */
  private restoredFirstDay = Number.POSITIVE_INFINITY;
  readonly stats: ScorerStats = { keys: 0, lateDropped: 0, replayedSkipped: 0, bucketsClosed: 0, detectorRuns: 0, detectorErrors: 0, detectorFallbacks: 0 };

  constructor(
    private readonly plan: () => DetectorPlan,
    private readonly onDetectorError: (error: unknown, detectorId: string, topicKey: string) => void = () => {},
    /**
     * 'records': close only on the explode stage's watermark records (the service: until the
     * first arrives, e.g. after a restore, nothing closes). 'own': on the partition's own newest
     * event day (a backtest reading one ordered stream).
     */
    private readonly clockSource: 'records' | 'own' = 'own',
    /** A detector row left its model for a stated fallback (e.g. an all-zero in-control baseline); callers rate-limit. */
    private readonly onDetectorNote: (note: string, detectorId: string, topicKey: string) => void = () => {},
    /** Keys journal their evidence changes for the changelog (the service); a backtest keeps none. */
    private readonly changelog = false,
  ) {}

  /**
   * Adds one observation. `offset` is its position on the partition: observations at or
   * below the key's restored offset were already counted before a restart ('replayed').
   * Observations whose day bucket is closed are 'late' and only counted in stats.
   */
  apply(topicKey: string, obs: ObservationInput, offset: number): ApplyOutcome {
    let key = this.keys.get(topicKey);
    if (key && offset <= key.offset) {
      this.stats.replayedSkipped++;
      return 'replayed';
    }
    const plan = this.plan();
    const late = obs.day <= this.closedThroughDay;
    // A late sighting of a novelty pattern still tells who saw it first: its key is held for the registry record.
    const lateSighting = late && obs.weight > 0 && isNoveltyPattern(obs.dimType) && noveltySettings(plan).enabled;
    if (!key && (!late || lateSighting)) {
      key = new KeyState(obs.dimType, obs.dimKey, obs.attributes);
      if (this.changelog) key.evidenceChanges = [];
      key.emergence = emergenceFor(obs.dimType, obs.dimKey, emergenceSettings(plan));
      // Held for a late sighting only: the key did exist from that day on.
      if (late) key.firstDay = obs.day;
      this.keys.set(topicKey, key);
      this.stats.keys++;
    }
    if (obs.day < this.ownFirstDay) this.ownFirstDay = obs.day;
    if (late || !key) {
      this.stats.lateDropped++;
      if (key && lateSighting) {
        const e = obs.evidence;
        this.registry.recordLate(obs.dimType as never, obs.dimKey, { partner: e.partner, country: e.country, at: e.occurred_at, incidentId: e.incident_id });
        this.dirty.add(key);
      }
      if (key && key.offset < offset) {
        key.offset = offset;
        this.dirty.add(key);
      }
      return 'late';
    }
    key.offset = offset;
    this.dirty.add(key);
    if (obs.weight > 0 && obs.day < key.firstDay) key.firstDay = obs.day;
    // A narrative key's bucket evidence would be any report of the language; the terms
    // detector keeps the evidence of reports with new terms itself (snapshot size).
    const evidenceLimit = obs.dimType === 'narrative' ? 0 : plan.evidenceLimit;
    for (const granularity of plan.granularities) {
      const index = bucketIndexOfDay(granularity, obs.day);
      if (key.contribute(granularity, index, obs.weight, obs.evidence, evidenceLimit)) this.track(granularity, index, key);
    }
    // Emergence detectors take additions only: a retraction's day may be long closed for them.
    if (key.emergence && obs.weight > 0) this.observeEmergence(key, obs);
    if (obs.day > this.maxEventDay) this.maxEventDay = obs.day;
    return 'applied';
  }

  /** First day of the stream, where the learning periods start (see ownFirstDay). */
  private streamFirstDay(): number {
    const marked = this.watermarks.engaged ? this.watermarks.first() : Number.POSITIVE_INFINITY;
    // Marks without `first` (an explode stage of an older version): the partition's own.
    return Number.isFinite(marked) ? Math.min(marked, this.restoredFirstDay) : this.ownFirstDay;
  }

  /**
   * A novelty pattern's day closed with sightings: the registry decides on the day's
   * earliest sighting (the bucket keeps its evidence in event-time order).
   */
  private settleNovelty(plan: DetectorPlan, key: KeyState, day: number, bucket: OpenBucket): void {
    const settings = noveltySettings(plan);
    const e = bucket.evidence[0];
    if (!settings.enabled || !e || bucket.total <= 0) return;
    const quiet = day < this.streamFirstDay() + settings.learningDays;
    const hit = this.registry.settleDay(key.dimType as never, key.dimKey, { partner: e.partner, country: e.country, at: e.occurred_at, incidentId: e.incident_id }, bucket.total, quiet);
    this.dirty.add(key);
    if (hit) this.novelty.push({ key, hit, day, evidence: e });
  }

  private observeEmergence(key: KeyState, obs: ObservationInput): void {
    const e = key.emergence!;
    if (e.kind === 'spread') e.detector.observe(obs.day, obs.evidence);
    else if (e.kind === 'displacement') e.detector.observe(obs.day, obs.evidence);
    else e.detector.observe(obs, this.closedThroughDay);
  }

  /** Emergence findings of the buckets closed since the last call. */
  takeEmergence(): EmergenceFinding[] {
    const out = this.emergent;
    this.emergent = [];
    return out;
  }

  /** Novelty hits since the last call. */
  takeNovelty(): NoveltyCandidate[] {
    const out = this.novelty;
    this.novelty = [];
    return out;
  }

  /** The key's snapshot record, with its first-seen registry record; `withEvidence` false: evidence is written apart. */
  snapshot(key: KeyState, withEvidence = true): DetectKeyState {
    const record = key.toRecord(withEvidence);
    if (Number.isFinite(this.closedThroughDay)) record.closed_through = this.closedThroughDay;
    const firstSeen = isNoveltyPattern(key.dimType) ? this.registry.get(key.dimType, key.dimKey) : undefined;
    if (firstSeen) record.first_seen = firstSeen;
    if (key.emergence) record.emergence = emergenceRecord(key.emergence);
    return record;
  }

  private track(granularity: Granularity, index: number, key: KeyState): void {
    const open = granularity === 'day' ? this.openDays : this.openWeeks;
    let set = open.get(index);
    if (!set) open.set(index, (set = new Set()));
    set.add(key);
  }

  /** Closes every bucket the watermark has passed and scores it, oldest first. */
  advance(): ClosedBucket[] {
    const plan = this.plan();
    const newest = this.watermarks.engaged ? this.watermarks.day() : this.clockSource === 'own' ? this.maxEventDay : Number.NEGATIVE_INFINITY;
    const through = newest - plan.allowedLatenessDays - 1;
    if (!(through > this.closedThroughDay)) return [];
    this.closedThroughDay = through;
    const due: Array<{ granularity: Granularity; index: number; lastDay: number }> = [];
    for (const index of this.openDays.keys()) if (index <= through) due.push({ granularity: 'day', index, lastDay: index });
    for (const index of this.openWeeks.keys()) {
      const lastDay = lastDayOfBucket('week', index);
      if (lastDay <= through) due.push({ granularity: 'week', index, lastDay });
    }
    due.sort((a, b) => a.lastDay - b.lastDay || (a.granularity === 'day' ? -1 : 1));
    return due.map(({ granularity, index }) => this.closeBucket(plan, granularity, index));
  }

  private closeBucket(plan: DetectorPlan, granularity: Granularity, index: number): ClosedBucket {
    const open = granularity === 'day' ? this.openDays : this.openWeeks;
    const keys = open.get(index) ?? new Set<KeyState>();
    open.delete(index);
    const rows: ScoredRow[] = [];
    const firstDayOfBucket = granularity === 'day' ? index : lastDayOfBucket('week', index) - 6;
    for (const key of keys) {
      const bucket = key.close(granularity, index);
      if (!bucket) continue;
      this.dirty.add(key);
      this.stats.bucketsClosed++;
      if (key.emergence) this.closeEmergence(plan, key, granularity, index, bucket);
      if (granularity === 'day' && isNoveltyPattern(key.dimType)) this.settleNovelty(plan, key, index, bucket);
      // A count detector looks for increases: an empty bucket cannot alarm upwards.
      if (bucket.total === 0) continue;
      // Narratives per language measure reporting habits, not crime: only the terms in them are scored.
      if (key.dimType === 'narrative') continue;
      if (firstDayOfBucket - key.firstDay < plan.minHistoryDays) continue;
      for (const detector of plan.detectorsFor(key.dimType, key.dimKey, granularity)) {
        const row = this.rowOf(key, detector, granularity, index, bucket.total, true);
        if (row) rows.push({ key, bucket, detector, row });
      }
    }
    return { granularity, index, rows };
  }

  /**
   * One detector's row for a key's closed bucket with `total` contributions, computed as
   * the live scoring does; undefined where the detector does not run (too young a key,
   * a baseline above its cap, an error). `live` false (a series recomputed for a signal)
   * leaves the stats and the error and note reports alone.
   */
  private rowOf(key: KeyState, detector: ResolvedDetector, granularity: Granularity, index: number, total: number, live: boolean): DetectorRow | undefined {
    const freq = periodsPerYear(granularity);
    const ring = key.ring(granularity);
    // Only real history: a key younger than the detector's window would be compared with zeros it never had.
    // A sequential chart runs on the key's whole real history once it has min_history periods.
    const windowStart = index - detector.history + 1;
    let length = detector.history;
    if (key.firstDay > (granularity === 'day' ? windowStart : firstDayOfWeek(windowStart))) {
      length = index - firstFullBucket(granularity, key.firstDay) + 1;
      if (length < detector.minHistory || length >= detector.history) return undefined;
    }
    if (total < detector.minObserved) {
      // Cannot become a signal: skip the detector, keep the count for the metrics.
      return { t: length, observed: total, expected: null, upperbound: null, alarm: false, score: null, pValue: null };
    }
    const counts = ring.window(index, length, this.scratch);
    if (detector.maxBaselineMean !== Number.POSITIVE_INFINITY && baselineMean(counts, detector.chartPeriods) > detector.maxBaselineMean) return undefined;
    if (live) this.stats.detectorRuns++;
    let row: DetectorRow | undefined;
    try {
      row = length === detector.history ? lastRowRunnerOf(detector)(counts, freq) : runOnWindow(detector, counts, freq);
    } catch (error) {
      // One key's bad fit must not stop the partition.
      if (!live) return undefined;
      this.stats.detectorErrors++;
      this.onDetectorError(error, detector.detector.id, `${key.dimType}|${key.dimKey}`);
      return undefined;
    }
    if (live && row?.note !== undefined) {
      this.stats.detectorFallbacks++;
      this.onDetectorNote(row.note, detector.detector.id, `${key.dimType}|${key.dimKey}`);
    }
    return row;
  }

  /**
   * The `buckets` buckets of a key ending at `index` (closed ones: their counts no longer
   * change), oldest first, with `detector`'s row for each as the live scoring computed it,
   * or counts alone without a detector (novelty). Run only when a signal goes out, so a
   * key keeps no row history: `buckets` detector runs per signal.
   */
  recentRows(key: KeyState, detector: ResolvedDetector | null, granularity: Granularity, index: number, buckets: number): Array<{ observed: number; expected: number | null; upperbound: number | null; alarm: boolean }> {
    const plan = this.plan();
    const ring = key.ring(granularity);
    const out: Array<{ observed: number; expected: number | null; upperbound: number | null; alarm: boolean }> = [];
    for (let i = index - buckets + 1; i <= index; i++) {
      const observed = ring.get(i);
      const firstDayOfBucket = granularity === 'day' ? i : lastDayOfBucket('week', i) - 6;
      // As in closeBucket: an empty bucket or a key without the minimum history is not scored.
      const scored = detector !== null && observed > 0 && firstDayOfBucket - key.firstDay >= plan.minHistoryDays;
      const row = scored ? this.rowOf(key, detector, granularity, i, observed, false) : undefined;
      out.push({ observed, expected: finiteOrNull(row?.expected), upperbound: finiteOrNull(row?.upperbound), alarm: row?.alarm ?? false });
    }
    return out;
  }

  private closeEmergence(plan: DetectorPlan, key: KeyState, granularity: Granularity, index: number, bucket: OpenBucket): void {
    const e = key.emergence!;
    const settings = emergenceSettings(plan);
    const firstDay = granularity === 'day' ? index : firstDayOfWeek(index);
    // Replaying history from scratch, every pattern and country looks new at first.
    const testable = firstDay >= this.streamFirstDay() + settings.learningDays;
    if (e.kind === 'spread') {
      if (granularity !== 'week') return;
      const signal = e.detector.closeWeek(index, bucket.evidence, testable);
      if (signal) this.emergent.push({ kind: 'spread', key, week: index, signal, evidence: bucket.evidence });
    } else if (granularity === 'day') {
      if (e.kind === 'displacement') {
        const signal = e.detector.closeDay(index, testable);
        if (signal) this.emergent.push({ kind: 'displacement', key, day: index, signal, evidence: bucket.evidence });
      } else {
        for (const signal of e.detector.closeDay(index, testable)) {
          this.emergent.push({ kind: 'terms', key, day: index, signal, evidence: e.detector.evidenceOf(signal.incidentIds) });
        }
      }
    }
  }

  /** Restores one key from its snapshot (on partition assignment). */
  restore(topicKey: string, key: KeyState, record?: Pick<DetectKeyState, 'first_seen' | 'closed_through' | 'emergence'>): void {
    const previous = this.keys.get(topicKey);
    if (!previous) this.stats.keys++;
    // A changelog holds older snapshots of a key until compaction: only the last one may stay tracked.
    else for (const bucket of previous.open) (bucket.granularity === 'day' ? this.openDays : this.openWeeks).get(bucket.index)?.delete(previous);
    this.keys.set(topicKey, key);
    if (this.changelog) key.evidenceChanges = [];
    key.emergence = restoreEmergence(key.dimType, key.dimKey, record?.emergence, emergenceSettings(this.plan()));
    if (key.firstDay < this.ownFirstDay) this.ownFirstDay = key.firstDay;
    if (key.firstDay < this.restoredFirstDay) this.restoredFirstDay = key.firstDay;
    const firstSeen = record?.first_seen;
    if (record?.closed_through !== undefined) this.restoredClosedThrough = Math.max(this.restoredClosedThrough, record.closed_through);
    if (firstSeen && isNoveltyPattern(key.dimType)) this.registry.restore(key.dimType, key.dimKey, firstSeen);
    if (key.days.last > this.maxEventDay) this.maxEventDay = key.days.last;
    for (const bucket of key.open) this.track(bucket.granularity, bucket.index, key);
  }

  /** After all keys are restored: buckets the old owner had closed stay closed. */
  finishRestore(): void {
    const plan = this.plan();
    // The old owner's watermark when it wrote its snapshots; older states did not record it.
    const closed = Number.isFinite(this.restoredClosedThrough) ? this.restoredClosedThrough : this.maxEventDay - plan.allowedLatenessDays - 1;
    this.closedThroughDay = Math.max(this.closedThroughDay, closed);
  }

  /** Marks a key for the next snapshot (e.g. after a signal mark changed). */
  markDirty(key: KeyState): void {
    this.dirty.add(key);
  }

  /** Keys changed since the last call. */
  takeDirty(): KeyState[] {
    const out = [...this.dirty];
    this.dirty = new Set();
    return out;
  }
}
