// Engine errors as HTTP errors. The engine's codes (AlertError) are stable and
// part of its surface; the API answers with the HTTP kit's codes (API_ERROR_CODES)
// and keeps the engine code and the field's JSON pointer in the message, so a
// client can tell "endpoint refused by the SSRF guard" from "bad filter".
import { ApiError } from '@tocsin/http';
import { isAlertError, type AlertErrorCode } from '../errors';

const STATUS_OF: Record<AlertErrorCode, 'not_found' | 'bad_request' | 'unavailable' | 'internal'> = {
  SUBSCRIPTION_NOT_FOUND: 'not_found',
  ALERT_NOT_FOUND: 'not_found',
  SILENCE_NOT_FOUND: 'not_found',
  DELIVERY_NOT_FOUND: 'not_found',
  SUBSCRIPTION_INVALID: 'bad_request',
  ENDPOINT_REFUSED: 'bad_request',
  SECRET_INVALID: 'bad_request',
  ACTION_INVALID: 'bad_request',
  BUS_WRITE_FAILED: 'unavailable',
  CONFIG_INVALID: 'internal',
  OPERATOR_KEY_INVALID: 'internal',
  DECRYPT_FAILED: 'internal',
};

/** Seconds a client should wait before retrying after a failed topic write. */
const BUS_RETRY_AFTER_S = '5';

/** Where in the request body an engine error points when the engine itself does not say. */
export type PointerHints = Partial<Record<AlertErrorCode, string>>;

/** The ApiError for an engine error; anything else is returned unchanged (the server answers 500). */
export function toApiError(err: unknown, hints: PointerHints = {}): unknown {
  if (!isAlertError(err)) return err;
  const code = STATUS_OF[err.code];
  if (code === 'internal') return err;
  const pointer = err.pointer ?? hints[err.code];
  const where = pointer ? `${pointer}: ` : '';
  const headers: Record<string, string> = code === 'unavailable' ? { 'retry-after': BUS_RETRY_AFTER_S } : {};
  return new ApiError(code, `${where}${err.message} (${err.code})`, headers);
}

/** Runs an engine call, translating its errors. */
export async function engineCall<T>(fn: () => T | Promise<T>, hints: PointerHints = {}): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toApiError(err, hints);
  }
}
