// Error catalogue of @tocsin/detect. Every error this package throws or dead-letters carries one of these codes.

import { CodedError } from '@tocsin/core';

export const DETECT_ERROR_CODES = [
  /** The detector configuration does not match schemas/detector-config.v1 or names an unknown detector or parameter. */
  'CONFIG_INVALID',
  /** A record on incidents.v1 is not JSON or not an IncidentEvent. */
  'INCIDENT_INVALID',
  /** A record on detect.observations.v1 is not an Observation. */
  'OBSERVATION_INVALID',
  /** A record on detect.state.v1 is not a DetectKeyState; the key restarts empty. */
  'STATE_INVALID',
  /** An observation arrived after its bucket closed (later than the allowed lateness); counted and dead-lettered. */
  'LATE_OBSERVATION',
  /** A required environment variable is missing or malformed (main.ts). */
  'ENV_INVALID',
] as const;

export type DetectErrorCode = (typeof DETECT_ERROR_CODES)[number];

/** Thrown when configuration, input or environment cannot be used; never fixed by retrying. */
export class DetectError extends CodedError<DetectErrorCode> {
  override readonly name = 'DetectError';
}
