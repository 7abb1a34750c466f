// The recent incidents a dry run replays: every IncidentEvent on incidents.v1 whose event
// day is within the last `days` days of the newest one seen, kept as the record's bytes (the
// compact form, decoded only for a dry run), and at most `maxBytes` of them: past that the
// earliest-arrived go first. Read by a consumer group of its own from the topic's start, so
// a restart refills the window from what the topic retains.
import { randomUUID } from 'node:crypto';
import { decodeJson, RECORD_HEADER, type Bus, type IncidentEvent, type Logger, type Subscription } from '@tocsin/core';

const DAY_MS = 86_400_000;

export interface RecentIncidentsLimits {
  /** Event-time days kept, counted back from the newest incident. */
  days: number;
  /** Most record bytes kept in all. */
  maxBytes: number;
}

/**
 * 60 days and 24 MiB (~24,000 incidents of ~1 KB): keys are scored after min_history_days (28
 * in the default), so a month of buckets is compared; a dry run replays the window twice, in
 * the alert service's event loop, so the window bounds its time (docs/api.md#detector-tuning).
 */
export const DEFAULT_RECENT_LIMITS: RecentIncidentsLimits = { days: 60, maxBytes: 24 * 1024 * 1024 };

interface Entry {
  day: number;
  bytes: Buffer;
}

export interface RecentWindow {
  /** Oldest event day first (a stable sort: revisions of one incident keep their order). */
  events: IncidentEvent[];
  fromDay: number | null;
  toDay: number | null;
}

export interface RecentIncidentsStats {
  incidents: number;
  bytes: number;
  /** Dropped because the byte bound was reached (the window then holds fewer than `days`). */
  droppedForBytes: number;
  fromDay: string | null;
  toDay: string | null;
}

/** Milliseconds of an ISO date-time to its UTC day number; NaN when not a date. */
const dayOf = (iso: unknown): number => (typeof iso === 'string' ? Math.floor(Date.parse(iso) / DAY_MS) : Number.NaN);
const isoDay = (day: number | null): string | null => (day === null ? null : new Date(day * DAY_MS).toISOString().slice(0, 10));

/**
 * A copy in memory of its own. The bus may reuse the buffer it handed us, and a plain
 * Buffer.from() copy of a record under 4 KiB is a slice of Node's shared 8 KiB pool: kept
 * for 60 days, each such slice pins its whole pool block, several times the window's bytes
 * outside the heap (see copyRecordBytes in core's memory bus).
 */
function ownCopy(value: Buffer): Buffer {
  const copy = Buffer.allocUnsafeSlow(value.length);
  value.copy(copy);
  return copy;
}

/** What a dropped entry's slot holds until the next compaction removes the slot. */
const DROPPED: Entry = { day: Number.NEGATIVE_INFINITY, bytes: Buffer.alloc(0) };

export class RecentIncidents {
  private entries: Entry[] = [];
  private head = 0;
  private bytes = 0;
  private newestDay: number | null = null;
  private droppedForBytes = 0;
  private subscription: Subscription | null = null;

  constructor(
    private readonly deps: { bus: Bus; topic: string; logger: Logger; limits?: Partial<RecentIncidentsLimits> },
    readonly limits: RecentIncidentsLimits = { ...DEFAULT_RECENT_LIMITS, ...deps.limits },
  ) {}

  async start(): Promise<void> {
    await this.deps.bus.ensureTopics([{ topic: this.deps.topic, partitions: 6 }]);
    this.subscription = await this.deps.bus.subscribe({
      groupId: `tocsin-alert-recent-incidents-${randomUUID()}`,
      topics: [this.deps.topic],
      fromBeginning: true,
      eachBatch: async (batch) => {
        for (const m of batch.messages) {
          if (m.value === null || m.headers[RECORD_HEADER] !== undefined) continue;
          this.add(m.value);
        }
      },
    });
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = null;
  }

  /** Keeps one IncidentEvent record (its bytes); a record that is not one is skipped. */
  add(value: Buffer): void {
    let day: number;
    try {
      day = dayOf((decodeJson(value) as IncidentEvent).incident?.occurred_at);
    } catch {
      return;
    }
    if (!Number.isFinite(day)) return;
    if (this.newestDay !== null && day < this.newestDay - this.limits.days) return;
    this.newestDay = Math.max(this.newestDay ?? day, day);
    this.entries.push({ day, bytes: ownCopy(value) });
    this.bytes += value.length;
    while (this.bytes > this.limits.maxBytes && this.head < this.entries.length) {
      this.bytes -= this.entries[this.head]!.bytes.length;
      // Released now, not at the next compaction: until then up to half the array is dropped entries.
      this.entries[this.head++] = DROPPED;
      this.droppedForBytes++;
    }
    if (this.head > 4096 && this.head * 2 > this.entries.length) this.compact();
  }

  /** The window's incidents, decoded, oldest event day first. */
  window(): RecentWindow {
    this.compact();
    const events = this.entries.map((e) => ({ day: e.day, event: decodeJson(e.bytes) as IncidentEvent }));
    // Stable: revisions of one incident (same day) keep their arrival order.
    events.sort((a, b) => a.day - b.day);
    return { events: events.map((e) => e.event), fromDay: events[0]?.day ?? null, toDay: this.newestDay };
  }

  stats(): RecentIncidentsStats {
    const live = this.entries.length - this.head;
    let from: number | null = null;
    for (let i = this.head; i < this.entries.length; i++) from = Math.min(from ?? Infinity, this.entries[i]!.day);
    return { incidents: live, bytes: this.bytes, droppedForBytes: this.droppedForBytes, fromDay: isoDay(from), toDay: isoDay(this.newestDay) };
  }

  /** Drops what left the window: arrived too long ago for the byte bound, or older than `days`. */
  private compact(): void {
    const oldest = this.newestDay === null ? -Infinity : this.newestDay - this.limits.days;
    const kept: Entry[] = [];
    let bytes = 0;
    for (let i = this.head; i < this.entries.length; i++) {
      const e = this.entries[i]!;
      if (e.day < oldest) continue;
      kept.push(e);
      bytes += e.bytes.length;
    }
    this.entries = kept;
    this.head = 0;
    this.bytes = bytes;
  }
}
