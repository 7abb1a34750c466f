// Event-time progress of the partner topic partitions this instance reads, sent to
// incidents.v1 as watermark control records (header `tocsin-record: watermark`) after
// the incidents they cover. Ingest's output order does not follow event time across
// partner partitions (one partition's backlog may be read before another's), so the
// detect stage can only call a day complete once every partner partition has moved
// past it: it takes the slowest busy partner partition (docs/detect.md, "Watermarks").
import {
  encodeEvent, RECORD_HEADER, WATERMARK_RECORD, watermarkKeys,
  type OutgoingMessage, type PartitionRef, type UpstreamWatermarkRecord,
} from '@tocsin/core';

const DAY_MS = 86_400_000;

interface Progress {
  /** Newest and earliest event day of the incidents produced from the partition. */
  day: number | null;
  first: number | null;
  /** The last batch reached the partition's end. */
  caughtUp: boolean;
  batched: boolean;
  /** Empty when assigned: nothing to wait for until its first batch. */
  empty: boolean;
  lastBatchAt: number;
}

/** What one handled batch adds: the event days of the incidents it produced. */
export interface BatchProgress extends PartitionRef {
  occurredAt: readonly string[];
  caughtUp: boolean;
}

export class PartnerMarks {
  private readonly progress = new Map<string, Progress>();
  private readonly partitionsOf = new Map<string, number>();
  private keys: string[] = [];
  private lastSent = '';

  constructor(
    /** A partner partition read to its end with nothing new for this long counts as idle. */
    private readonly idleMs: number,
  ) {}

  /** Partitions of incidents.v1: one control record lands on each. */
  setIncidentPartitions(partitions: number): void {
    this.keys = watermarkKeys(partitions);
  }

  assigned(refs: readonly PartitionRef[], partitionCounts: ReadonlyMap<string, number>, endOffsets: ReadonlyMap<string, string>, now: number): void {
    for (const [topic, n] of partitionCounts) this.partitionsOf.set(topic, n);
    for (const ref of refs) {
      const empty = endOffsets.get(`${ref.topic}:${ref.partition}`) === '0';
      this.progress.set(`${ref.topic}:${ref.partition}`, { day: null, first: null, caughtUp: false, batched: false, empty, lastBatchAt: now });
    }
  }

  revoked(refs: readonly PartitionRef[]): void {
    for (const ref of refs) this.progress.delete(`${ref.topic}:${ref.partition}`);
  }

  /** Control records for incidents.v1 with `batch` counted (call `commit` once they are sent). */
  messages(now: number, batch?: BatchProgress): OutgoingMessage[] {
    const record: UpstreamWatermarkRecord = { topics: Object.fromEntries(this.partitionsOf), marks: [] };
    for (const [id, p] of this.progress) {
      const cut = id.lastIndexOf(':');
      const topic = id.slice(0, cut);
      const partition = Number(id.slice(cut + 1));
      const q = batch && batch.topic === topic && batch.partition === partition ? advanced(p, batch, now) : p;
      record.topics[topic] = this.partitionsOf.get(topic) ?? partition + 1;
      // Idle: empty when assigned, or nothing for the idle period after reaching the end or since
      // assignment (a partition already read to its end before a restart or rebalance delivers
      // no batch at all, and must not hold detect until its partner sends again).
      const quiet = (q.caughtUp || !q.batched) && now - q.lastBatchAt > this.idleMs;
      record.marks.push({ topic, partition, day: q.day, first: q.first, idle: (q.empty && !q.batched) || quiet });
    }
    if (record.marks.length === 0) return [];
    const value = encodeEvent(record);
    this.lastSent = value.toString('utf8');
    return this.keys.map((key) => ({ key, value, headers: { [RECORD_HEADER]: WATERMARK_RECORD } }));
  }

  /** The batch's incidents and its marks were acknowledged. */
  commit(batch: BatchProgress, now: number): void {
    const id = `${batch.topic}:${batch.partition}`;
    const p = this.progress.get(id);
    if (p) this.progress.set(id, advanced(p, batch, now));
  }

  /** Marks to send without a batch, when an idle period started or ended since the last ones (else none). */
  tick(now: number): OutgoingMessage[] {
    const before = this.lastSent;
    const messages = this.messages(now);
    if (this.lastSent === before) return [];
    return messages;
  }
}

function advanced(p: Progress, batch: BatchProgress, now: number): Progress {
  let { day, first } = p;
  for (const text of batch.occurredAt) {
    const d = Math.floor(Date.parse(text) / DAY_MS);
    if (!Number.isFinite(d)) continue;
    if (day === null || d > day) day = d;
    if (first === null || d < first) first = d;
  }
  return { day, first, caughtUp: batch.caughtUp, batched: true, empty: p.empty, lastBatchAt: now };
}
