import { describe, expect, it } from 'vitest';
import { severityOf, type SeverityInput } from '../../src/ranking';

const count = (p: number | null, q: number | null = null, countries = 1): SeverityInput => ({ kind: 'count', pValue: p, qValue: q, countries, partners: 1 });

describe('severityOf', () => {
  it('follows ESSENCE colours for p-value detectors', () => {
    expect(severityOf(count(0.009))).toBe('high');
    expect(severityOf(count(0.01))).toBe('medium');
    expect(severityOf(count(0.049))).toBe('medium');
    expect(severityOf(count(0.05))).toBe('low');
    expect(severityOf(count(null))).toBe('info');
  });

  it('caps at low what multiple testing says chance alone produces', () => {
    expect(severityOf(count(0.001, 0.2))).toBe('low');
    expect(severityOf(count(0.001, 0.04))).toBe('high');
  });

  it('raises a p-value signal that spans three or more countries', () => {
    expect(severityOf(count(0.001, 0.01, 3))).toBe('critical');
    expect(severityOf(count(0.03, 0.03, 3))).toBe('high');
  });

  it('grades novelty and spread', () => {
    expect(severityOf({ kind: 'novelty', pValue: null, qValue: null, countries: 1, partners: 1, novelty: 'first-seen' })).toBe('medium');
    expect(severityOf({ kind: 'novelty', pValue: null, qValue: null, countries: 1, partners: 1, novelty: 'reappeared' })).toBe('low');
    const spread = (countries: number, partners: number) => severityOf({ kind: 'spread', pValue: null, qValue: null, countries, partners });
    expect(spread(2, 2)).toBe('medium');
    expect(spread(2, 3)).toBe('high');
    expect(spread(3, 3)).toBe('high');
    expect(spread(4, 4)).toBe('critical');
  });
});
