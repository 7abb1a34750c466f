import { PartitionWatermarks, type UpstreamWatermarkRecord } from '@tocsin/core';
import { describe, expect, it } from 'vitest';
import { PartnerMarks } from '../src/partner-marks';

const T = 'partner.nl-police.incidents';
const U = 'partner.be-police.incidents';
const record = (messages: ReturnType<PartnerMarks['messages']>): UpstreamWatermarkRecord => JSON.parse(messages[0]!.value!.toString()) as UpstreamWatermarkRecord;

describe('watermark marks of the partner partitions', () => {
  it('one record per incidents partition; days of acknowledged batches only; idle after the idle period at the end', () => {
    const marks = new PartnerMarks(1_000);
    marks.setIncidentPartitions(3);
    marks.assigned([{ topic: T, partition: 0 }, { topic: T, partition: 1 }], new Map([[T, 2], [U, 1]]), new Map([[`${T}:0`, '5'], [`${T}:1`, '0']]), 0);
    const batch = { topic: T, partition: 0, occurredAt: ['2026-03-02T10:00:00.000Z', '2026-03-01T23:00:00.000Z'], caughtUp: true };
    const preview = record(marks.messages(10, batch));
    expect(marks.messages(10, batch)).toHaveLength(3);
    // Every partner topic is announced, also one held elsewhere (U), so detect waits for it.
    expect(preview.topics).toEqual({ [T]: 2, [U]: 1 });
    const day = Math.floor(Date.UTC(2026, 2, 2) / 86_400_000);
    expect(preview.marks).toEqual([
      { topic: T, partition: 0, day, first: day - 1, idle: false },
      // Empty when assigned and nothing since: idle at once.
      { topic: T, partition: 1, day: null, first: null, idle: true },
    ]);
    // Not acknowledged yet: a tick does not claim the batch.
    expect(record(marks.messages(20)).marks[0]).toMatchObject({ day: null, idle: false });
    marks.commit(batch, 20);
    expect(marks.tick(500)).toHaveLength(3); // the batch's day, newly
    expect(marks.tick(600)).toEqual([]); // nothing changed
    const idle = marks.tick(1_021);
    expect(record(idle).marks[0]).toMatchObject({ day, idle: true });
  });

  it('a partition assigned already read to its end (no batch comes) goes idle after the idle period', () => {
    const marks = new PartnerMarks(1_000);
    marks.setIncidentPartitions(1);
    marks.assigned([{ topic: T, partition: 0 }], new Map([[T, 1]]), new Map([[`${T}:0`, '42']]), 0);
    expect(record(marks.messages(999)).marks[0]).toMatchObject({ day: null, idle: false });
    expect(record(marks.tick(1_001)).marks[0]).toMatchObject({ day: null, idle: true });
  });

  it('the consumer side takes the slowest busy partition, waits for unreported ones, and the newest once all are idle', () => {
    const w = new PartitionWatermarks();
    expect(w.day()).toBe(Number.NEGATIVE_INFINITY);
    w.update({ [T]: 2, [U]: 1 }, [{ topic: T, partition: 0, day: 100, first: 90, idle: false }, { topic: T, partition: 1, day: 80, first: 70, idle: false }]);
    expect(w.day()).toBe(Number.NEGATIVE_INFINITY); // U:0 not reported
    w.update({ [U]: 1 }, [{ topic: U, partition: 0, day: 95, first: 60, idle: false }]);
    expect(w.day()).toBe(80);
    expect(w.first()).toBe(60);
    w.update({}, [{ topic: T, partition: 1, day: 80, first: 70, idle: true }]);
    expect(w.day()).toBe(95);
    w.update({}, [{ topic: T, partition: 0, day: 100, idle: true }, { topic: U, partition: 0, day: 95, idle: true }]);
    expect(w.day()).toBe(100);
  });
});
