// Scoring state of one dimension key: a year of daily counts and three years of
// weekly counts (ring buffers), the evidence of its open buckets, and the last
// bucket each detector emitted a signal for. Round-trips through DetectKeyState,
// the record on the compacted detect.state.v1 topic.
import type { Attributes, DetectKeyState, Evidence } from '@tocsin/core';
import type { Granularity } from '../buckets';
import { CountRing } from './count-ring';
import type { KeyEmergence } from './key-emergence';

/** Days of daily history kept per key (a year plus the leap day). */
export const DAY_HISTORY = 366;
/** Weeks of weekly history kept per key: three years, enough for Farrington with b = 2. */
export const WEEK_HISTORY = 160;

/** A bucket not yet scored, with what is needed to explain a signal for it. */
export interface OpenBucket {
  granularity: Granularity;
  index: number;
  /** Contributions (sum of weights), equal to the ring count while the bucket is open. */
  total: number;
  /**
   * At most the configured evidence limit: the earliest contributions by event time (then
   * incident id), so the list does not depend on arrival order.
   */
  evidence: Evidence[];
}

export class KeyState {
  /** Last observation offset on the key's partition included in this state (-1: none). */
  offset = -1;
  firstDay = Number.POSITIVE_INFINITY;
  readonly days: CountRing;
  readonly weeks: CountRing;
  open: OpenBucket[] = [];
  /** detector id → last bucket index emitted; Map-free to stay small. */
  emitted: Record<string, number> = {};
  /** The emergence detector this key carries (spread, displacement or terms), if any. */
  emergence: KeyEmergence | null = null;
  /** The open buckets most observations hit (the newest day and week), to skip the search. */
  private hotDay: OpenBucket | null = null;
  private hotWeek: OpenBucket | null = null;

  constructor(
    readonly dimType: string,
    readonly dimKey: string,
    readonly attributes: Attributes,
    days?: CountRing,
    weeks?: CountRing,
  ) {
    this.days = days ?? new CountRing(DAY_HISTORY);
    this.weeks = weeks ?? new CountRing(WEEK_HISTORY);
  }

  ring(granularity: Granularity): CountRing {
    return granularity === 'day' ? this.days : this.weeks;
  }

  openBucket(granularity: Granularity, index: number): OpenBucket | undefined {
    for (const b of this.open) if (b.index === index && b.granularity === granularity) return b;
    return undefined;
  }

  /** Adds (or retracts, weight -1) one contribution to an open bucket; true when the bucket was opened by it. */
  contribute(granularity: Granularity, index: number, weight: 1 | -1, evidence: Evidence, evidenceLimit: number): boolean {
    let bucket = granularity === 'day' ? this.hotDay : this.hotWeek;
    let opened = false;
    if (bucket === null || bucket.index !== index) {
      bucket = this.openBucket(granularity, index) ?? null;
      if (bucket === null) {
        bucket = { granularity, index, total: 0, evidence: [] };
        this.open.push(bucket);
        opened = true;
      }
      if (granularity === 'day') this.hotDay = bucket;
      else this.hotWeek = bucket;
    }
    this.ring(granularity).add(index, weight);
    bucket.total = Math.max(0, bucket.total + weight);
    if (weight > 0) {
      keepEarliest(bucket.evidence, evidence, evidenceLimit);
    } else {
      const at = bucket.evidence.findIndex((e) => e.incident_id === evidence.incident_id);
      if (at >= 0) bucket.evidence.splice(at, 1);
    }
    return opened;
  }

  /** Removes and returns an open bucket once it is scored. */
  close(granularity: Granularity, index: number): OpenBucket | undefined {
    const at = this.open.findIndex((b) => b.index === index && b.granularity === granularity);
    if (at < 0) return undefined;
    const [bucket] = this.open.splice(at, 1);
    if (bucket === this.hotDay) this.hotDay = null;
    if (bucket === this.hotWeek) this.hotWeek = null;
    return bucket;
  }

  toRecord(): DetectKeyState {
    return {
      v: 1,
      dim_type: this.dimType,
      dim_key: this.dimKey,
      attributes: this.attributes,
      offset: String(this.offset),
      first_day: Number.isFinite(this.firstDay) ? this.firstDay : 0,
      days: this.days.encode(),
      weeks: this.weeks.encode(),
      open: this.open.map((b) => ({ granularity: b.granularity, index: b.index, total: b.total, evidence: b.evidence })),
      emitted: { ...this.emitted },
    };
  }

  static fromRecord(record: DetectKeyState): KeyState {
    const state = new KeyState(
      record.dim_type,
      record.dim_key,
      record.attributes,
      CountRing.decode(DAY_HISTORY, record.days),
      CountRing.decode(WEEK_HISTORY, record.weeks),
    );
    state.offset = Number(record.offset);
    state.firstDay = record.first_day;
    state.open = record.open.map((b) => ({ granularity: b.granularity, index: b.index, total: b.total, evidence: b.evidence }));
    state.emitted = { ...record.emitted };
    return state;
  }
}

/** Evidence earlier by event time, then by incident id (occurred_at is ISO 8601 UTC as ingest writes it). */
export function evidenceBefore(a: Evidence, b: Evidence): boolean {
  const x = a.occurred_at;
  const y = b.occurred_at;
  // Ingest writes UTC `…Z` of one length: those compare as text, without parsing (hot path).
  if (x.length === y.length && x.endsWith('Z') && y.endsWith('Z')) return x < y || (x === y && a.incident_id < b.incident_id);
  const ta = Date.parse(x);
  const tb = Date.parse(y);
  return ta < tb || (ta === tb && a.incident_id < b.incident_id);
}

/** Inserts `e` in event-time order, keeping the `limit` earliest (a small sorted array). */
export function keepEarliest(list: Evidence[], e: Evidence, limit: number): void {
  if (limit <= 0) return;
  if (list.length >= limit && !evidenceBefore(e, list[list.length - 1]!)) return;
  let at = list.length;
  while (at > 0 && evidenceBefore(e, list[at - 1]!)) at--;
  list.splice(at, 0, e);
  if (list.length > limit) list.pop();
}
