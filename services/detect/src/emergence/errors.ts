// Errors the emergence detectors throw. Every one is a caller mistake (bad
// options, buckets out of order, foreign state), so none is retryable.

import { CodedError } from '@tocsin/core';

export const EMERGENCE_ERROR_CODES = {
  INVALID_OPTION: 'An option is outside its allowed range.',
  BUCKET_CLOSED: 'A record was added to a bucket that has already been closed and scored.',
  BUCKET_ORDER: 'Buckets must be closed in increasing order.',
  STATE_VERSION: 'Serialised state has a version this code does not read.',
} as const;

export type EmergenceErrorCode = keyof typeof EMERGENCE_ERROR_CODES;

/** Thrown when an emergence detector is misused (see `code`); never retryable. */
export class EmergenceError extends CodedError<EmergenceErrorCode> {
  override readonly name = 'EmergenceError';
}

export function requireOption(ok: boolean, what: string, value: unknown): void {
  if (!ok) throw new EmergenceError('INVALID_OPTION', `${what}: got ${JSON.stringify(value)}`);
}
