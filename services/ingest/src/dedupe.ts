// De-duplication state: for every <partner>:<id> seen within the retention window, the
// content hash and revision of its latest incident event and the partner record it came
// from. The state is rebuilt from incidents.v1 itself (no separate store to lose or
// drift): every event carries its source position in headers.
import type { BusMessage } from '@tocsin/core';

/** Position of a partner record (and CSV row) an incident event was made from. */
export interface SourcePosition {
  topic: string;
  partition: number;
  offset: number;
  /** CSV data row (1-based); 0 for JSON records. */
  row: number;
}

export interface DedupeEntry {
  contentHash: string;
  revision: number;
  /** ms since the epoch: the later of occurred_at and received_at, for pruning. */
  lastSeen: number;
  /** reported_at of the latest revision: the default for CSV rows without that column. */
  reportedAt?: string;
  source?: SourcePosition;
}

export const SOURCE_HEADERS = {
  topic: 'tocsin-source-topic',
  partition: 'tocsin-source-partition',
  offset: 'tocsin-source-offset',
  row: 'tocsin-source-row',
} as const;

export function sourceHeaders(source: SourcePosition): Record<string, string> {
  return {
    [SOURCE_HEADERS.topic]: source.topic,
    [SOURCE_HEADERS.partition]: String(source.partition),
    [SOURCE_HEADERS.offset]: String(source.offset),
    [SOURCE_HEADERS.row]: String(source.row),
  };
}

function sourceFromHeaders(headers: Record<string, string>): SourcePosition | undefined {
  const topic = headers[SOURCE_HEADERS.topic];
  const partition = Number(headers[SOURCE_HEADERS.partition]);
  const offset = Number(headers[SOURCE_HEADERS.offset]);
  const row = Number(headers[SOURCE_HEADERS.row] ?? '0');
  if (!topic || !Number.isInteger(partition) || !Number.isInteger(offset) || !Number.isInteger(row)) return undefined;
  return { topic, partition, offset, row };
}

/**
 * True when the record at `position` was already turned into the entry's event: it is a
 * redelivery after a crash (the event was produced, the offset not committed), even if a
 * later revision from the same partition exists.
 */
export function alreadyProduced(entry: DedupeEntry | undefined, position: SourcePosition): boolean {
  const source = entry?.source;
  if (!source || source.topic !== position.topic || source.partition !== position.partition) return false;
  return source.offset > position.offset || (source.offset === position.offset && source.row >= position.row);
}

/** Read access plus buffered writes: what one batch sees and changes. */
export interface DedupeView {
  get(key: string): DedupeEntry | undefined;
  set(key: string, entry: DedupeEntry): void;
}

/** Changes of one batch, applied only when its events were acknowledged by the broker. */
export interface DedupeStage extends DedupeView {
  /** The batch's events were acknowledged: its writes become the store's. */
  commit(): void;
  /** The batch failed: its writes are dropped. */
  discard(): void;
}

export class DedupeStore {
  private readonly entries = new Map<string, DedupeEntry>();
  /** Next offset to apply, per partition of incidents.v1. */
  private readonly applied = new Map<number, bigint>();
  /**
   * Writes of stages neither committed nor discarded: batches whose events are being sent.
   * A batch of another partition processed meanwhile must see them, or an incident arriving
   * on two partitions would get the same revision twice.
   */
  private readonly open = new Set<Map<string, DedupeEntry>>();

  constructor(private readonly retentionMs: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): DedupeEntry | undefined {
    return this.entries.get(key);
  }

  /**
   * A view whose writes reach the store only on commit(). Until it is committed or discarded,
   * other stages see its writes (the highest revision wins), the store itself does not.
   */
  stage(): DedupeStage {
    const pending = new Map<string, DedupeEntry>();
    const open = this.open;
    open.add(pending);
    return {
      get: (key) => {
        const own = pending.get(key);
        if (own !== undefined || open.size <= 1) return own ?? this.entries.get(key);
        let best = this.entries.get(key);
        for (const other of open) {
          const entry = other.get(key);
          if (entry !== undefined && (best === undefined || entry.revision > best.revision)) best = entry;
        }
        return best;
      },
      set: (key, entry) => void pending.set(key, entry),
      commit: () => {
        for (const [key, entry] of pending) this.remember(key, entry);
        pending.clear();
        open.delete(pending);
      },
      discard: () => {
        pending.clear();
        open.delete(pending);
      },
    };
  }

  /** Keeps the entry with the higher revision: events may be applied in any order and more than once. */
  remember(key: string, entry: DedupeEntry): void {
    const known = this.entries.get(key);
    if (!known || entry.revision >= known.revision) this.entries.set(key, entry);
  }

  /** Applies one message of incidents.v1. Returns false for a message that is not an incident event. */
  applyIncidentMessage(message: BusMessage): boolean {
    const next = BigInt(message.offset) + 1n;
    if ((this.applied.get(message.partition) ?? 0n) < next) this.applied.set(message.partition, next);
    if (message.value === null) return false;
    let event: { revision?: unknown; content_hash?: unknown; received_at?: unknown; incident?: { id?: unknown; partner?: unknown; occurred_at?: unknown; reported_at?: unknown } };
    try {
      event = JSON.parse(message.value.toString('utf8')) as typeof event;
    } catch {
      return false;
    }
    const incident = event.incident;
    if (typeof event.revision !== 'number' || typeof event.content_hash !== 'string' || typeof incident?.id !== 'string' || typeof incident.partner !== 'string') {
      return false;
    }
    const lastSeen = Math.max(Date.parse(String(incident.occurred_at)) || 0, Date.parse(String(event.received_at)) || 0);
    const entry: DedupeEntry = { contentHash: event.content_hash, revision: event.revision, lastSeen };
    if (typeof incident.reported_at === 'string') entry.reportedAt = incident.reported_at;
    const source = sourceFromHeaders(message.headers);
    if (source) entry.source = source;
    this.remember(`${incident.partner}:${incident.id}`, entry);
    return true;
  }

  /** Whether every partition of incidents.v1 was applied up to the given end offsets. */
  caughtUpWith(endOffsets: Map<number, string>): boolean {
    for (const [partition, end] of endOffsets) if ((this.applied.get(partition) ?? 0n) < BigInt(end)) return false;
    return true;
  }

  /** Whether a message of incidents.v1 was already applied (catch-up re-reads from the start). */
  hasApplied(message: Pick<BusMessage, 'partition' | 'offset'>): boolean {
    return BigInt(message.offset) < (this.applied.get(message.partition) ?? 0n);
  }

  /** Forgets incidents last seen before the retention window. Returns how many were removed. */
  prune(now: number): number {
    const cutoff = now - this.retentionMs;
    let removed = 0;
    for (const [key, entry] of this.entries) {
      if (entry.lastSeen < cutoff) {
        this.entries.delete(key);
        removed++;
      }
    }
    return removed;
  }
}
