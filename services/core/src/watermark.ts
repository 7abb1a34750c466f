// Event-time watermarks carried between stages as control records, Flink style: a
// consumer of a topic whose records come from several upstream partitions can only
// call a day complete once EVERY upstream partition has moved past it. Each producer
// of such a topic sends, after the records they cover, one control record per
// partition of the topic (header `tocsin-record: watermark`) with a mark per upstream
// partition it owns: the newest event day it has delivered, the earliest, and whether
// the partition is idle (a partition with nothing to deliver must not hold the others
// back). The consumer keeps the latest mark of every upstream partition and takes
// the minimum over the busy ones (docs/detect.md, "Watermarks").
import { partitionForKey } from './bus/partitioner';

/** Header that marks a control record; consumers that do not know it skip records they cannot decode. */
export const RECORD_HEADER = 'tocsin-record';
export const WATERMARK_RECORD = 'watermark';

/** Progress of one upstream partition. */
export interface PartitionMark {
  /** Newest event day delivered from it (day index since the epoch); null before its first record. */
  day: number | null;
  /** Earliest event day delivered from it; null before its first record. */
  first?: number | null;
  /** Nothing left to deliver for the idle period (or empty): it holds nobody back. */
  idle: boolean;
}

/** Control record on incidents.v1 (from ingest): marks per partner topic partition. */
export interface UpstreamWatermarkRecord {
  /** Partition count of every partner topic the sender reads from. */
  topics: Record<string, number>;
  marks: Array<PartitionMark & { topic: string; partition: number }>;
}

/** One record key per partition of a topic with `partitions` partitions that lands on exactly that partition. */
export function watermarkKeys(partitions: number): string[] {
  const keys: string[] = [];
  for (let target = 0; target < partitions; target++) {
    for (let n = 0; ; n++) {
      const key = `~watermark|${target}|${n}`;
      if (partitionForKey(Buffer.from(key), partitions) === target) {
        keys.push(key);
        break;
      }
    }
  }
  return keys;
}

/**
 * The consumer side: the latest mark of every upstream partition. Partitions are
 * named `<topic>:<partition>`; the set of upstream partitions is the union of the
 * partition counts senders announced (a new partner topic joins when first announced).
 */
export class PartitionWatermarks {
  private readonly marks = new Map<string, PartitionMark>();
  private readonly counts = new Map<string, number>();

  /** True once a mark arrived. */
  get engaged(): boolean {
    return this.counts.size > 0;
  }

  update(counts: Record<string, number>, marks: Iterable<PartitionMark & { topic: string; partition: number }>): void {
    for (const [topic, n] of Object.entries(counts)) this.counts.set(topic, Math.max(n, this.counts.get(topic) ?? 0));
    for (const m of marks) this.marks.set(`${m.topic}:${m.partition}`, { day: m.day, first: m.first ?? null, idle: m.idle });
  }

  /**
   * Newest event day every busy upstream partition has delivered up to (the slowest
   * one); when all are idle, the newest day of any. -Infinity while some partition has
   * not reported, or is busy without having delivered anything yet.
   */
  day(): number {
    let slowest = Number.POSITIVE_INFINITY;
    let newest = Number.NEGATIVE_INFINITY;
    for (const [topic, n] of this.counts) {
      for (let p = 0; p < n; p++) {
        const mark = this.marks.get(`${topic}:${p}`);
        if (!mark) return Number.NEGATIVE_INFINITY;
        if (!mark.idle) {
          if (mark.day === null) return Number.NEGATIVE_INFINITY;
          slowest = Math.min(slowest, mark.day);
        }
        if (mark.day !== null) newest = Math.max(newest, mark.day);
      }
    }
    if (this.counts.size === 0) return Number.NEGATIVE_INFINITY;
    return Number.isFinite(slowest) ? slowest : newest;
  }

  /** Earliest event day any upstream partition reported (+Infinity before any). */
  first(): number {
    let first = Number.POSITIVE_INFINITY;
    for (const mark of this.marks.values()) if (mark.first !== null && mark.first !== undefined) first = Math.min(first, mark.first);
    return first;
  }
}
