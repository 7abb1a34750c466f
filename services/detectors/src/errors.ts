// Error catalogue of @tocsin/detectors. Every error this package throws carries one of these codes.

export const DETECTOR_ERROR_CODES = [
  /** No detector is registered under the requested id. */
  'DETECTOR_UNKNOWN',
  /** A parameter name the detector does not define. */
  'PARAM_UNKNOWN',
  /** A parameter value that cannot be parsed or is out of its allowed range. */
  'PARAM_INVALID',
  /** The input table is malformed (missing `count` column, bad count, bad date). */
  'INPUT_INVALID',
  /** A model fit needed by a detector failed (e.g. singular design). */
  'FIT_FAILED',
] as const;

export type DetectorErrorCode = (typeof DETECTOR_ERROR_CODES)[number];

/** Thrown by parameter parsing, input reading and detectors when their input cannot be used. */
export class DetectorError extends Error {
  override readonly name = 'DetectorError';
  /** Bad input is never fixed by retrying. */
  readonly retryable = false;
  constructor(
    readonly code: DetectorErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
