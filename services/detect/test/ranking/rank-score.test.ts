import { describe, expect, it } from 'vitest';
import { byRank, rankScore, type RankInput } from '../../src/ranking';

const base: RankInput = { kind: 'count', severity: 'medium', pValue: 0.01, qValue: null, countries: 1, partners: 1 };

describe('rankScore', () => {
  it('never ranks a lower severity above a higher one, however strong', () => {
    const strongMedium = rankScore({ ...base, pValue: 1e-300, countries: 40, partners: 40, ratio: 1e6 });
    const weakHigh = rankScore({ ...base, severity: 'high', pValue: 0.0099 });
    expect(weakHigh).toBeGreaterThan(strongMedium);
  });

  it('within a severity, orders by evidence strength, breadth and surge', () => {
    expect(rankScore({ ...base, pValue: 0.001 })).toBeGreaterThan(rankScore({ ...base, pValue: 0.01 }));
    expect(rankScore({ ...base, qValue: 0.001 })).toBeGreaterThan(rankScore({ ...base }));
    expect(rankScore({ ...base, countries: 3, partners: 4 })).toBeGreaterThan(rankScore(base));
    expect(rankScore({ ...base, ratio: 8 })).toBeGreaterThan(rankScore({ ...base, ratio: 2 }));
  });

  it('has the documented value: 10 × level + strength + breadth + surge', () => {
    // medium (2) → 20; −log10(0.01) = 2; breadth 0.5·log2(4) + 0.5·log2(2) = 1.5; surge 0.5·log2(4) = 1.
    expect(rankScore({ ...base, countries: 4, partners: 2, ratio: 4 })).toBeCloseTo(24.5, 9);
    // spread strength is the country count; novelty counts like p = 0.001.
    expect(rankScore({ kind: 'spread', severity: 'high', pValue: null, qValue: null, countries: 3, partners: 3 })).toBeCloseTo(30 + 3 + 0.5 * Math.log2(3) * 2, 6);
    expect(rankScore({ kind: 'novelty', severity: 'medium', pValue: null, qValue: null, countries: 1, partners: 1 })).toBe(23);
  });

  it('byRank sorts by score, ties by id', () => {
    const xs = [
      { id: 'b', rank_score: 5 },
      { id: 'a', rank_score: 5 },
      { id: 'c', rank_score: 9 },
    ];
    expect(xs.sort(byRank).map((x) => x.id)).toEqual(['c', 'a', 'b']);
  });
});
