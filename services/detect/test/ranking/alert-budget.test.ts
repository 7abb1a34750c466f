import { describe, expect, it } from 'vitest';
import { DailyAlertBudget, type BudgetCandidate } from '../../src/ranking';

const c = (id: string, rank_score: number, severity: BudgetCandidate['severity'] = 'medium'): BudgetCandidate => ({ id, rank_score, severity });

describe('DailyAlertBudget', () => {
  it('admits the highest ranked up to the daily budget, across buckets of the same day', () => {
    const budget = new DailyAlertBudget({ perDay: 3 });
    const first = budget.admit('2026-05-01', [c('a', 10), c('b', 30), c('c', 20)]);
    expect(first.admitted.map((x) => x.id)).toEqual(['b', 'c', 'a']);
    const second = budget.admit('2026-05-01', [c('d', 50), c('e', 1)]);
    expect(second.admitted).toEqual([]);
    expect(second.deferred.map((x) => x.id)).toEqual(['d', 'e']);
    expect(budget.admit('2026-05-02', [c('f', 1)]).admitted).toHaveLength(1);
  });

  it('lets critical signals through even when the budget is spent', () => {
    const budget = new DailyAlertBudget({ perDay: 1 });
    const d = budget.admit('2026-05-01', [c('a', 25), c('b', 45, 'critical'), c('c', 22)]);
    expect(d.admitted.map((x) => x.id)).toEqual(['b']);
    expect(d.deferred.map((x) => x.id)).toEqual(['a', 'c']);
  });

  it('round-trips its counts and forgets days older than retainDays', () => {
    const budget = new DailyAlertBudget({ perDay: 2, retainDays: 5 });
    budget.admit('2026-05-01', [c('a', 1)]);
    const copy = DailyAlertBudget.fromJSON(JSON.parse(JSON.stringify(budget.toJSON())), { perDay: 2, retainDays: 5 });
    expect(copy.remaining('2026-05-01')).toBe(1);
    copy.admit('2026-05-10', [c('b', 1)]);
    expect(Object.keys(copy.toJSON().perDay)).toEqual(['2026-05-10']);
    expect(() => new DailyAlertBudget({ perDay: -1 })).toThrow(RangeError);
  });
});
