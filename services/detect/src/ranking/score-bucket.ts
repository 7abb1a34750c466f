// One call per closed bucket: q-values across everything scored in it, then
// severity and rank score for each candidate signal, most important first.
import { benjaminiHochberg } from './benjamini-hochberg';
import { rankScore } from './rank-score';
import { DEFAULT_SEVERITY_POLICY, severityOf, type Severity, type SeverityPolicy, type SignalKind } from './severity';

export interface ScorableSignal {
  /** Stable id (the signal id) — the tie-breaker of the order. */
  id: string;
  kind: SignalKind;
  pValue: number | null;
  observed: number;
  expected: number | null;
  countries: number;
  partners: number;
  novelty?: 'first-seen' | 'reappeared';
  /**
   * A sequential chart's alarm (CUSUM, GLR): decided on evidence accumulated over periods
   * and calibrated by the chart's run length, so it is not one of the bucket's BH tests
   * (its p-value is the single bucket's tail and would discard exactly what the chart
   * accumulates). Its q-value is null; severity and rank use the p-value.
   */
  sequential?: boolean;
}

export type ScoredSignal<T extends ScorableSignal> = T & {
  qValue: number | null;
  severity: Severity;
  rankScore: number;
};

export interface ScoreBucketOptions {
  /**
   * Hypotheses tested in this bucket (every key scored, not only the candidates);
   * defaults to the number of candidates with a p-value.
   */
  tests?: number;
  policy?: SeverityPolicy;
  /** False: no multiple-testing correction (config `method: none`), so no q-values. Default true. */
  correct?: boolean;
}

export function scoreBucket<T extends ScorableSignal>(
  candidates: readonly T[],
  options: ScoreBucketOptions = {},
): ScoredSignal<T>[] {
  const policy = options.policy ?? DEFAULT_SEVERITY_POLICY;
  const q = options.correct === false ? [] : benjaminiHochberg(
    candidates.map((c) => (c.sequential ? null : c.pValue)),
    options.tests,
  );
  const scored = candidates.map((c, i) => {
    const qValue = c.sequential ? null : (q[i] ?? null);
    const severity = severityOf(
      { kind: c.kind, pValue: c.pValue, qValue, countries: c.countries, partners: c.partners, ...(c.novelty ? { novelty: c.novelty } : {}) },
      policy,
    );
    const ratio = c.expected !== null && c.expected > 0 ? c.observed / c.expected : null;
    return {
      ...c,
      qValue,
      severity,
      rankScore: rankScore({ kind: c.kind, severity, pValue: c.pValue, qValue, countries: c.countries, partners: c.partners, ratio }),
    };
  });
  return scored.sort((a, b) => b.rankScore - a.rankScore || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
