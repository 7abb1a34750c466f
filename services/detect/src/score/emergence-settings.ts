// Settings of the emergence detectors wired into the score stage, read from the
// config's `emergence` block (flat keys, documented defaults in docs/detect.md).
// Computed once per plan: this is consulted per observation.
import type { DetectorPlan } from '../config';

export interface SpreadSettings {
  enabled: boolean;
  /** Dimension types whose keys are spread patterns (each sees every country's observations). */
  types: ReadonlySet<string>;
  minCountries: number;
  windowDays: number;
  /** Weeks of a country's own history its rise is tested against. */
  baselineWeeks: number;
  /** A country's week must hold at least this many incidents to rise. */
  minObserved: number;
  /** ... and at least this multiple of its baseline mean (floored at 0.5). */
  minRatio: number;
  /** ... and be this unlikely under a negative binomial (size 5) with that mean. */
  alpha: number;
  atRiskLimit: number;
}

export interface DisplacementSettings {
  enabled: boolean;
  recentDays: number;
  baselineDays: number;
  alpha: number;
  minShareChange: number;
}

export interface TermsSettings {
  enabled: boolean;
  windowDays: number;
  minDocuments: number;
  minPartners: number;
  fdr: number;
  /** Incident ids kept per term and day: the snapshot of a language key grows with it. */
  maxEvidence: number;
}

export interface EmergenceSettings {
  spread: SpreadSettings;
  displacement: DisplacementSettings;
  terms: TermsSettings;
  /** Days after a partition's first observation during which nothing is reported (history replay). */
  learningDays: number;
  allowedLatenessDays: number;
}

const cache = new WeakMap<DetectorPlan, EmergenceSettings>();

export function emergenceSettings(plan: DetectorPlan): EmergenceSettings {
  let settings = cache.get(plan);
  if (!settings) cache.set(plan, (settings = read(plan)));
  return settings;
}

function read(plan: DetectorPlan): EmergenceSettings {
  const e = plan.config.emergence ?? {};
  const types = (e.spread_types ?? 'method,technology,route_edge').split(',').map((t) => t.trim()).filter((t) => t.length > 0);
  return {
    spread: {
      enabled: e.cross_border_spread !== false,
      types: new Set(types),
      minCountries: e.spread_min_countries ?? 2,
      // Weekly rises of countries two weeks apart: 56 days holds the first three.
      windowDays: e.spread_window_days ?? 56,
      baselineWeeks: e.spread_baseline_weeks ?? 8,
      minObserved: e.spread_min_observed ?? 4,
      minRatio: e.spread_min_ratio ?? 3,
      alpha: e.spread_alpha ?? 0.001,
      atRiskLimit: e.spread_at_risk_limit ?? 5,
    },
    displacement: {
      enabled: e.route_displacement !== false,
      recentDays: e.displacement_recent_days ?? 14,
      baselineDays: e.displacement_baseline_days ?? 56,
      alpha: e.displacement_alpha ?? 0.001,
      // 0.15 (the module's default) misses a displacement on a destination with a heavy third route (simulator, 760 days).
      minShareChange: e.displacement_min_share_change ?? 0.1,
    },
    terms: {
      enabled: e.emerging_terms !== false,
      windowDays: e.terms_window_days ?? 7,
      minDocuments: e.terms_min_documents ?? 5,
      minPartners: e.terms_min_partners ?? 2,
      fdr: e.terms_fdr ?? 0.01,
      // Ids per term and day: enough to tell findings apart, small enough for the snapshot.
      maxEvidence: e.terms_max_evidence ?? 3,
    },
    learningDays: e.emergence_learning_days ?? plan.minHistoryDays,
    allowedLatenessDays: plan.allowedLatenessDays,
  };
}
