import { describe, expect, it } from 'vitest';
import { COUNT_MAX, CountRing } from '../../src/score/count-ring';

describe('CountRing', () => {
  it('adds, reads and windows counts oldest first', () => {
    const ring = new CountRing(5);
    ring.add(10, 1);
    ring.add(10, 1);
    ring.add(12, 3);
    expect(ring.get(10)).toBe(2);
    expect(ring.get(11)).toBe(0);
    expect(ring.window(12, 4, [])).toEqual([0, 2, 0, 3]);
  });

  it('forgets indexes that fell out of the window and refuses to write them', () => {
    const ring = new CountRing(3);
    ring.add(1, 5);
    ring.add(3, 1);
    expect(ring.add(4, 1)).toBe(true);
    expect(ring.get(1)).toBe(0);
    expect(ring.add(1, 1)).toBe(false);
    // A jump longer than the ring clears it.
    ring.add(100, 2);
    expect(ring.window(100, 3, [])).toEqual([0, 0, 2]);
  });

  it('saturates at the uint16 maximum and never goes below zero', () => {
    const ring = new CountRing(2);
    ring.add(0, COUNT_MAX);
    ring.add(0, 10);
    ring.add(1, -1);
    expect(ring.get(0)).toBe(COUNT_MAX);
    expect(ring.get(1)).toBe(0);
  });

  it('round-trips through its encoded form', () => {
    const ring = new CountRing(366);
    for (let day = 19_000; day < 19_400; day += 3) ring.add(day, day % 7);
    const copy = CountRing.decode(366, ring.encode());
    expect(copy.last).toBe(ring.last);
    expect(copy.window(ring.last, 366, [])).toEqual(ring.window(ring.last, 366, []));
    expect(CountRing.decode(366, new CountRing(366).encode()).last).toBe(Number.NEGATIVE_INFINITY);
  });
});
