import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TimerQueue } from '../../src/delivery/timer-queue';

describe('TimerQueue', () => {
  it('pops due ids in time order, honouring re-scheduling and deletion', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), fc.integer({ min: 0, max: 100 }), fc.boolean()), { maxLength: 60 }), (ops) => {
        const q = new TimerQueue();
        const model = new Map<string, number>();
        for (const [id, at, del] of ops) {
          if (del) {
            q.delete(id);
            model.delete(id);
          } else {
            q.set(id, at);
            model.set(id, at);
          }
        }
        const expected = [...model].filter(([, at]) => at <= 50).sort((x, y) => x[1] - y[1] || (x[0] < y[0] ? -1 : 1)).map(([id]) => id);
        const got: string[] = [];
        for (let id = q.popDue(50); id !== null; id = q.popDue(50)) got.push(id);
        expect(got).toEqual(expected);
        expect(q.size).toBe(model.size - expected.length);
      }),
    );
  });
});
