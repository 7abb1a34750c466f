// What the pipeline stages return instead of throwing: a dead-letter reason with a
// message that quotes the offending value (person values only as their pseudonym) and
// names the field or column, and where in the record the problem is.
import type { DeadLetterReason } from './errors';

export interface Rejection {
  reason: DeadLetterReason;
  /** Human-readable; quotes the value at fault (quoteValue), person values only as their ps1: token. */
  message: string;
  /** JSON pointer into the decoded record, when one field is at fault. */
  pointer?: string;
}

export type Rejected = { ok: false; rejection: Rejection };
export type Step<T> = { ok: true; value: T } | Rejected;

export function reject(reason: DeadLetterReason, message: string, pointer?: string): Rejected {
  return { ok: false, rejection: pointer === undefined ? { reason, message } : { reason, message, pointer } };
}

/** Longest excerpt of a value quoted in a message, in characters. */
export const QUOTE_MAX_CHARS = 60;

/** Quotes a partner-supplied value or code in a message: JSON string syntax (control characters escaped), cut at QUOTE_MAX_CHARS. */
export function quoteValue(value: string): string {
  if (value.length <= QUOTE_MAX_CHARS) return JSON.stringify(value);
  // Cut by code points (an emoji is not split); a huge cell is not spread whole.
  const chars = Array.from(value.slice(0, QUOTE_MAX_CHARS * 2 + 1));
  return JSON.stringify(chars.length > QUOTE_MAX_CHARS ? `${chars.slice(0, QUOTE_MAX_CHARS).join('')}…` : value);
}
