import { describe, expect, it } from 'vitest';
import { scoreBucket, type ScorableSignal } from '../../src/ranking';

const s = (id: string, kind: ScorableSignal['kind'], pValue: number | null, extra: Partial<ScorableSignal> = {}): ScorableSignal => ({
  id,
  kind,
  pValue,
  observed: 10,
  expected: 2,
  countries: 1,
  partners: 1,
  ...extra,
});

describe('scoreBucket', () => {
  it('adds q-values over the bucket, severity and rank score, most important first', () => {
    const out = scoreBucket(
      [s('weak', 'count', 0.04), s('strong', 'count', 1e-6), s('new-edge', 'novelty', null, { novelty: 'first-seen' }), s('spread', 'spread', null, { countries: 4, partners: 5 })],
      { tests: 1000 },
    );
    expect(out.map((x) => x.id)).toEqual(['spread', 'strong', 'new-edge', 'weak']);
    const strong = out.find((x) => x.id === 'strong')!;
    expect(strong.qValue).toBeCloseTo(1e-6 * 1000, 12);
    expect(strong.severity).toBe('high');
    // p = 0.04 among 1000 tests is what chance produces: capped at low.
    expect(out.find((x) => x.id === 'weak')).toMatchObject({ severity: 'low' });
    expect(out.find((x) => x.id === 'new-edge')).toMatchObject({ qValue: null, severity: 'medium' });
    expect(out.find((x) => x.id === 'spread')).toMatchObject({ severity: 'critical' });
  });

  it('leaves sequential charts out of BH: no q-value, graded by their p-value', () => {
    const out = scoreBucket([s('glr', 'count', 0.02, { sequential: true }), s('ears', 'count', 0.02)], { tests: 500 });
    const glr = out.find((c) => c.id === 'glr')!;
    const ears = out.find((c) => c.id === 'ears')!;
    expect(glr.qValue).toBeNull();
    expect(ears.qValue).toBe(1); // min(1, 0.02 x 500)
    expect(glr.severity).toBe('medium');
    expect(ears.severity).toBe('low');
  });
});
