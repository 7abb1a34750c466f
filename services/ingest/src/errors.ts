// Error catalogues of the ingest service.
// - DEAD_LETTER_REASONS: why a record went to dead-letter.v1. It mirrors the `reason`
//   enum of schemas/dead-letter.v1.schema.json (a test keeps the two equal) and is what
//   docs/operations.md#dead-letter-reasons documents.
// - INGEST_ERROR_CODES: failures of the service itself (configuration, keys), thrown as IngestError.

import { CodedError } from '@tocsin/core';

export const DEAD_LETTER_REASONS = {
  malformed_json: 'The record is not valid JSON (or is empty).',
  malformed_csv: 'The CSV record cannot be parsed, or its header lacks a mapped column.',
  bad_csv_row: 'A CSV data row has the wrong number of columns.',
  schema_violation: 'The decoded incident does not match schemas/incident.v1 (see pointer).',
  unknown_country: 'A country is neither an ISO 3166-1 code nor a known country name.',
  missing_value: 'A field every incident needs has no value: its cell is empty or a missing-value token, and no constant, route or default fills it.',
  multiple_values: 'A one-value field (e.g. origin) got several values from a split list column whose pick rule is "one".',
  unknown_code: 'A method, technology, commodity or category code is not in the taxonomy and has no code_map entry.',
  future_occurred_at: 'occurred_at lies further in the future than the allowed clock skew.',
  oversize_record: 'The record is larger than the configured maximum record size.',
  unknown_partner: 'The topic looks like a partner topic but no partner config has that id.',
  partner_mismatch: 'The record names another partner than the topic it arrived on.',
  bad_encoding: 'The record bytes are not valid UTF-8.',
  unsupported_format: 'The partner config names a format this service cannot decode.',
  delivery_exhausted: 'Used by alert: a webhook delivery failed after every retry (never produced by ingest).',
} as const;

export type DeadLetterReason = keyof typeof DEAD_LETTER_REASONS;
export const DEAD_LETTER_REASON_CODES = Object.keys(DEAD_LETTER_REASONS) as DeadLetterReason[];

export const INGEST_ERROR_CODES = {
  /** An environment variable or config value is missing or invalid. Not retryable. */
  CONFIG_INVALID: { retryable: false },
  /** The partners file cannot be read, is not JSON, or an entry violates partner-config.v1. Not retryable. */
  PARTNERS_INVALID: { retryable: false },
  /** A dead letter was encrypted with another key than the one given. Not retryable. */
  DLQ_KEY_MISMATCH: { retryable: false },
  /** Decryption of a dead letter's original bytes failed (tampered data or wrong key). Not retryable. */
  DLQ_DECRYPT_FAILED: { retryable: false },
} as const;

export type IngestErrorCode = keyof typeof INGEST_ERROR_CODES;

/** Thrown at start-up for bad configuration and by decryptDeadLetterOriginal for a wrong key or tampered data. */
export class IngestError extends CodedError<IngestErrorCode> {
  override readonly name = 'IngestError';
  constructor(code: IngestErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, { ...options, retryable: INGEST_ERROR_CODES[code].retryable });
  }
}
