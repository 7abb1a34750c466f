// A daily alert budget: past N signals per event-time day only the most
// important are kept, so a bad day for the data does not flood the desk.
import { severityRank, type Severity } from './severity';

export interface BudgetCandidate {
  id: string;
  rank_score: number;
  severity: Severity;
}

export interface AlertBudgetOptions {
  /** Signals admitted per day (default 50). */
  perDay: number;
  /** Severities at or above this bypass the budget (default critical). */
  alwaysAdmit: Severity;
  /** Days of counts kept for late buckets (default 35). */
  retainDays: number;
}

export interface AlertBudgetState {
  perDay: Record<string, number>;
}

export interface BudgetDecision<T> {
  admitted: T[];
  /** Over budget: the service still records them (e.g. as info) but does not alert. */
  deferred: T[];
}

const DEFAULTS: AlertBudgetOptions = { perDay: 50, alwaysAdmit: 'critical', retainDays: 35 };

export class DailyAlertBudget {
  readonly options: AlertBudgetOptions;
  private readonly used = new Map<string, number>();

  constructor(options: Partial<AlertBudgetOptions> = {}) {
    this.options = { ...DEFAULTS, ...options };
    if (!(Number.isInteger(this.options.perDay) && this.options.perDay >= 0)) {
      throw new RangeError(`perDay must be a non-negative integer, got ${this.options.perDay}`);
    }
  }

  /**
   * Admit the candidates of one bucket against the budget of `day` (yyyy-mm-dd,
   * the bucket's event-time day). Highest rank first; ties by id.
   */
  admit<T extends BudgetCandidate>(day: string, candidates: readonly T[]): BudgetDecision<T> {
    const sorted = [...candidates].sort((a, b) => b.rank_score - a.rank_score || (a.id < b.id ? -1 : 1));
    const bypass = severityRank(this.options.alwaysAdmit);
    let used = this.used.get(day) ?? 0;
    const admitted: T[] = [];
    const deferred: T[] = [];
    for (const c of sorted) {
      if (severityRank(c.severity) >= bypass) {
        admitted.push(c);
        used++;
      } else if (used < this.options.perDay) {
        admitted.push(c);
        used++;
      } else deferred.push(c);
    }
    this.used.set(day, used);
    this.prune(day);
    return { admitted, deferred };
  }

  remaining(day: string): number {
    return Math.max(0, this.options.perDay - (this.used.get(day) ?? 0));
  }

  private prune(latestDay: string): void {
    const cutoff = new Date(Date.parse(`${latestDay}T00:00:00Z`) - this.options.retainDays * 86_400_000)
      .toISOString()
      .slice(0, 10);
    for (const day of this.used.keys()) if (day < cutoff) this.used.delete(day);
  }

  toJSON(): AlertBudgetState {
    return { perDay: Object.fromEntries(this.used) };
  }

  static fromJSON(state: AlertBudgetState, options: Partial<AlertBudgetOptions> = {}): DailyAlertBudget {
    const budget = new DailyAlertBudget(options);
    for (const [day, n] of Object.entries(state.perDay)) budget.used.set(day, n);
    return budget;
  }
}
