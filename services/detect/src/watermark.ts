// Event-time progress of the incident partitions, carried from the explode stage to
// the score stage. A score partition receives observations from every incidents
// partition; closing its buckets on its own newest event time would make the
// records of a lagging incidents partition late (e.g. while a backlog is caught up
// one partition after another). So after each batch the explode stage sends every
// observations partition a watermark record per incidents partition it owns: the
// newest event day it has exploded there, and whether it is idle (read to its end
// and nothing new for a while). The score stage closes buckets only up to the
// slowest busy incidents partition (see docs/detect.md, "Watermarks").
import { partitionForKey } from '@tocsin/core';

/** Header that marks a control record on the observations topic. */
export const RECORD_HEADER = 'tocsin-record';
export const WATERMARK_RECORD = 'watermark';

export interface SourceMark {
  /** Incidents partition. */
  source: number;
  /** Newest event day exploded from it; null before its first record. */
  day: number | null;
  /**
   * Read to its end and nothing new for the idle period (or empty): it holds nobody back.
   * A partition that merely caught up is not idle: its next records are on their way, and
   * a mark claiming more would outlive its owner after a rebalance.
   */
  idle: boolean;
}

export interface WatermarkRecord {
  /** Partitions of the incidents topic. */
  sources: number;
  marks: SourceMark[];
}

/** One record key per observations partition that lands on exactly that partition. */
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

/** The score side: the latest mark of each incidents partition. */
export class SourceWatermarks {
  private readonly marks = new Map<number, SourceMark>();
  private sources = 0;

  /** True once a watermark record arrived; until then the partition's own newest event day is used. */
  get engaged(): boolean {
    return this.sources > 0;
  }

  update(record: WatermarkRecord): void {
    this.sources = record.sources;
    for (const mark of record.marks) this.marks.set(mark.source, mark);
  }

  /**
   * Newest event day every busy incidents partition has delivered up to (the slowest
   * one); when all are idle, the newest day of any. -Infinity while some partition has
   * not reported, or is busy without having delivered anything yet.
   */
  day(): number {
    let slowest = Number.POSITIVE_INFINITY;
    let newest = Number.NEGATIVE_INFINITY;
    for (let source = 0; source < this.sources; source++) {
      const mark = this.marks.get(source);
      if (!mark) return Number.NEGATIVE_INFINITY;
      if (!mark.idle) {
        if (mark.day === null) return Number.NEGATIVE_INFINITY;
        slowest = Math.min(slowest, mark.day);
      }
      if (mark.day !== null) newest = Math.max(newest, mark.day);
    }
    return Number.isFinite(slowest) ? slowest : newest;
  }
}
