// The order a watch desk reads signals in. Severity dominates (each level is
// worth 10 points); within a level, statistical strength and breadth decide.
import { severityRank, type Severity, type SignalKind } from './severity';

export interface RankInput {
  kind: SignalKind;
  severity: Severity;
  pValue: number | null;
  qValue: number | null;
  countries: number;
  partners: number;
  /** observed / expected where both are defined; larger surges rank higher. */
  ratio?: number | null;
}

/** Points per severity level; strength and breadth together stay below it. */
export const SEVERITY_STEP = 10;

const MAX_STRENGTH = 5;
const MAX_BREADTH = 2;
const MAX_SURGE = 1.5;
/** Strength for signals without a p-value: a new pattern counts like p ≈ 0.001. */
const NOVELTY_STRENGTH = 3;

/**
 * rankScore = 10 × severity level (info 0 … critical 4)
 *           + strength: min(5, −log10(q ?? p)), or 3 for novelty, or min(5, countries) for spread
 *           + breadth:  min(2, 0.5·log2(countries) + 0.5·log2(partners))
 *           + surge:    min(1.5, 0.5·log2(observed/expected)) when > 1.
 * Each part is bounded, so a signal never outranks one of a higher severity.
 */
export function rankScore(input: RankInput): number {
  const level = severityRank(input.severity) * SEVERITY_STEP;
  const evidenceP = input.qValue ?? input.pValue;
  let strength: number;
  if (input.kind === 'spread') strength = Math.min(MAX_STRENGTH, input.countries);
  else if (evidenceP !== null) strength = Math.min(MAX_STRENGTH, -Math.log10(Math.max(evidenceP, 1e-300)));
  else strength = input.kind === 'novelty' ? NOVELTY_STRENGTH : 0;
  const breadth = Math.min(
    MAX_BREADTH,
    0.5 * Math.log2(Math.max(1, input.countries)) + 0.5 * Math.log2(Math.max(1, input.partners)),
  );
  const ratio = input.ratio ?? null;
  const surge = ratio !== null && ratio > 1 ? Math.min(MAX_SURGE, 0.5 * Math.log2(ratio)) : 0;
  // Rounded so scores compare equal across runs and machines.
  return Math.round((level + strength + breadth + surge) * 1e6) / 1e6;
}

/** Sort by rankScore (desc), ties by a stable key, so the desk's order is reproducible. */
export function byRank<T extends { rank_score: number; id: string }>(a: T, b: T): number {
  return b.rank_score - a.rank_score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
