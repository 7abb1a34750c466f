// Severity grades a watch desk reads at a glance. Count-like detectors follow
// CDC ESSENCE colours (p < 0.01 red → high, p < 0.05 yellow → medium); the
// multiple-testing correction caps what would be expected by chance alone.
import type { Signal } from '@tocsin/core';

export type Severity = Signal['severity'];
export type SignalKind = Signal['detector']['kind'];

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const satisfies readonly Severity[];

export interface SeverityInput {
  kind: SignalKind;
  pValue: number | null;
  /** BH q-value over the bucket; null when not computed. */
  qValue: number | null;
  /** Distinct countries behind the signal. */
  countries: number;
  /** Distinct partner agencies behind the signal. */
  partners: number;
  /** For novelty signals: never seen before, or back after a dormancy period. */
  novelty?: 'first-seen' | 'reappeared';
}

export interface SeverityPolicy {
  /** ESSENCE red. */
  highP: number;
  /** ESSENCE yellow. */
  mediumP: number;
  /** Signals whose q-value is above this are capped at `low`: at this volume of tests they are what chance produces. */
  fdr: number;
  /** A p-value signal spanning at least this many countries is raised one level (cross-border weight). */
  crossBorderCountries: number;
  /** Cross-border spread: countries needed for high and critical. */
  spreadHighCountries: number;
  spreadCriticalCountries: number;
}

export const DEFAULT_SEVERITY_POLICY: SeverityPolicy = {
  highP: 0.01,
  mediumP: 0.05,
  fdr: 0.05,
  crossBorderCountries: 3,
  spreadHighCountries: 3,
  spreadCriticalCountries: 4,
};

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

function raise(severity: Severity, levels = 1): Severity {
  return SEVERITIES[Math.min(SEVERITIES.length - 1, severityRank(severity) + levels)]!;
}

/**
 * Severity of one signal:
 * - count, terms, displacement: p < highP → high, p < mediumP → medium, else low;
 *   q > fdr caps at low; ≥ crossBorderCountries countries raises one level.
 * - novelty: first-seen → medium, reappeared → low.
 * - spread: ≥ spreadCriticalCountries → critical, ≥ spreadHighCountries (or 2 countries
 *   reported by ≥ 3 agencies) → high, else medium.
 */
export function severityOf(input: SeverityInput, policy: SeverityPolicy = DEFAULT_SEVERITY_POLICY): Severity {
  switch (input.kind) {
    case 'novelty':
      return input.novelty === 'reappeared' ? 'low' : 'medium';
    case 'spread':
      if (input.countries >= policy.spreadCriticalCountries) return 'critical';
      if (input.countries >= policy.spreadHighCountries || input.partners >= 3) return 'high';
      return 'medium';
    case 'count':
    case 'terms':
    case 'displacement': {
      if (input.pValue === null) return 'info';
      let severity: Severity = input.pValue < policy.highP ? 'high' : input.pValue < policy.mediumP ? 'medium' : 'low';
      if (input.qValue !== null && input.qValue > policy.fdr) severity = 'low';
      else if (severity !== 'low' && input.countries >= policy.crossBorderCountries) severity = raise(severity);
      return severity;
    }
  }
}
