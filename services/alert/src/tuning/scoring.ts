// What live tuning needs from detect: its validation of a configuration and its scoring
// replayed over incidents. Services do not import each other, so the composition root
// (the CLI: `npm start`, `tocsin service alert`) passes detect's own functions in.
import type { DetectorConfig, IncidentEvent, Signal } from '@tocsin/core';

/** A validated configuration, as detect prepared it for scoring. */
export interface ScoringPlan {
  readonly version: string;
  readonly config: DetectorConfig;
}

export interface DetectorScoring {
  /**
   * detect's validation (schema, detectors, parameters): the plan, or throws an error with
   * `code: 'CONFIG_INVALID'` whose message names the bad value's JSON pointer.
   */
  plan(raw: unknown): ScoringPlan;
  /** The configuration file detect starts with (path, or detect's default). */
  load(path: string | undefined): ScoringPlan;
  /** The signals detect would emit for these incidents under `plan` (one of this object's plans). */
  signals(events: readonly IncidentEvent[], plan: ScoringPlan, now: number): Signal[];
}

/** True for the error `plan` throws for an invalid configuration. */
export const isConfigInvalid = (err: unknown): err is Error => err instanceof Error && (err as { code?: unknown }).code === 'CONFIG_INVALID';
