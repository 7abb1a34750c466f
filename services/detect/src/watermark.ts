// Event-time progress of the incident partitions, carried from the explode stage to
// the score stage. A score partition receives observations from every incidents
// partition; closing its buckets on its own newest event time would make the
// records of a lagging incidents partition late (e.g. while a backlog is caught up
// one partition after another). So after each batch the explode stage sends every
// observations partition a watermark record per incidents partition it owns: how far
// it is complete (the newest event day exploded, or what ingest's marks of the
// partner partitions allow), the earliest event day, and whether it is idle. The score
// stage closes buckets only up to the slowest busy incidents partition (see
// docs/detect.md, "Watermarks"). The marks and their arithmetic are in @tocsin/core.
import { PartitionWatermarks, type PartitionMark } from '@tocsin/core';

export { RECORD_HEADER, WATERMARK_RECORD, watermarkKeys } from '@tocsin/core';

export interface SourceMark extends PartitionMark {
  /** Incidents partition. */
  source: number;
}

export interface WatermarkRecord {
  /** Partitions of the incidents topic. */
  sources: number;
  marks: SourceMark[];
}

/** The score side: the latest mark of each incidents partition. */
export class SourceWatermarks {
  private readonly marks = new PartitionWatermarks();

  /** True once a watermark record arrived; until then the partition's own newest event day is used. */
  get engaged(): boolean {
    return this.marks.engaged;
  }

  update(record: WatermarkRecord): void {
    this.marks.update({ '': record.sources }, record.marks.map((m) => ({ ...m, topic: '', partition: m.source })));
  }

  /** See PartitionWatermarks.day: the slowest busy incidents partition's day. */
  day(): number {
    return this.marks.day();
  }

  /** Earliest event day of any incidents partition (+Infinity before any): where the stream starts. */
  first(): number {
    return this.marks.first();
  }
}
