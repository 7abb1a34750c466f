import { partitionForKey } from '@tocsin/core';
import { describe, expect, it } from 'vitest';
import { SourceWatermarks, watermarkKeys } from '../src/watermark';

describe('watermarks across incidents partitions', () => {
  it('has one record key per observations partition that lands on it', () => {
    const keys = watermarkKeys(6);
    expect(keys.map((k) => partitionForKey(Buffer.from(k), 6))).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('follows the slowest busy incidents partition, and the newest once all are idle', () => {
    const w = new SourceWatermarks();
    expect(w.engaged).toBe(false);
    w.update({ sources: 3, marks: [{ source: 0, day: 100, idle: false }] });
    expect(w.engaged).toBe(true);
    // Partitions 1 and 2 have not reported: nothing is known to be complete.
    expect(w.day()).toBe(Number.NEGATIVE_INFINITY);
    w.update({ sources: 3, marks: [{ source: 1, day: null, idle: false }, { source: 2, day: 40, idle: false }] });
    // Partition 1 is busy and has not delivered anything yet.
    expect(w.day()).toBe(Number.NEGATIVE_INFINITY);
    w.update({ sources: 3, marks: [{ source: 1, day: 70, idle: false }] });
    expect(w.day()).toBe(40);
    // An idle partition (here: 2) holds nobody back.
    w.update({ sources: 3, marks: [{ source: 2, day: 40, idle: true }] });
    expect(w.day()).toBe(70);
    w.update({ sources: 3, marks: [{ source: 0, day: 100, idle: true }, { source: 1, day: null, idle: true }] });
    expect(w.day()).toBe(100);
  });
});
