// Multiple testing and ordering of signals: BH q-values per bucket, severity
// grades, the watch desk's rank score and an optional daily alert budget.
export { benjaminiHochberg, discoveries } from './benjamini-hochberg';
export {
  severityOf,
  severityRank,
  SEVERITIES,
  DEFAULT_SEVERITY_POLICY,
  type Severity,
  type SignalKind,
  type SeverityInput,
  type SeverityPolicy,
} from './severity';
export { rankScore, byRank, SEVERITY_STEP, type RankInput } from './rank-score';
export {
  DailyAlertBudget,
  type AlertBudgetOptions,
  type AlertBudgetState,
  type BudgetCandidate,
  type BudgetDecision,
} from './alert-budget';
export { scoreBucket, type ScorableSignal, type ScoredSignal } from './score-bucket';
