// Error catalogue of @tocsin/alert. Codes are part of the engine surface: the
// HTTP API maps them to status codes, and docs/alerts.md lists them.

import { CodedError } from '@tocsin/core';

export const ALERT_ERROR_CODES = {
  CONFIG_INVALID: { retryable: false, doc: 'A configuration value is missing or out of range (thrown at start-up).' },
  SUBSCRIPTION_NOT_FOUND: { retryable: false, doc: 'No subscription with that id, or it belongs to another agency.' },
  SUBSCRIPTION_INVALID: { retryable: false, doc: 'The subscription body violates schemas/subscription.v1.schema.json or names an unknown region.' },
  ENDPOINT_REFUSED: { retryable: false, doc: 'The webhook URL is not allowed: bad scheme, or it resolves to a private, loopback, link-local or metadata address.' },
  SECRET_INVALID: { retryable: false, doc: 'A supplied signing secret is not whsec_<base64> of 24 to 64 bytes.' },
  ALERT_NOT_FOUND: { retryable: false, doc: 'No alert with that id.' },
  SILENCE_NOT_FOUND: { retryable: false, doc: 'No active silence with that id.' },
  ACTION_INVALID: { retryable: false, doc: 'A watch-desk action is malformed (bad matcher, duration or label).' },
  DELIVERY_NOT_FOUND: { retryable: false, doc: 'No delivery with that id.' },
  OPERATOR_KEY_INVALID: { retryable: false, doc: 'The operator key that encrypts secrets is missing or is not 32 bytes (base64).' },
  DECRYPT_FAILED: { retryable: false, doc: 'A stored secret cannot be decrypted with the configured operator key (wrong key or tampered record).' },
  BUS_WRITE_FAILED: { retryable: true, doc: 'Writing to a topic failed; the caller retries (nothing was acknowledged).' },
} as const;

export type AlertErrorCode = keyof typeof ALERT_ERROR_CODES;

/** Thrown by the alert engine, subscription store and delivery when a request cannot be served; `code` is stable. */
export class AlertError extends CodedError<AlertErrorCode> {
  override readonly name = 'AlertError';
  /** Optional JSON pointer of the offending field, for API error bodies. */
  readonly pointer: string | undefined;

  constructor(code: AlertErrorCode, message: string, options: { cause?: unknown; pointer?: string } = {}) {
    super(code, message, { cause: options.cause, retryable: ALERT_ERROR_CODES[code].retryable });
    this.pointer = options.pointer;
  }
}

export const isAlertError = (e: unknown, code?: AlertErrorCode): e is AlertError =>
  e instanceof AlertError && (code === undefined || e.code === code);
