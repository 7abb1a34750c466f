// What the pipeline stages return instead of throwing: a dead-letter reason with a
// message that never quotes personal data, and where in the record the problem is.
import type { DeadLetterReason } from './errors';

export interface Rejection {
  reason: DeadLetterReason;
  /** Human-readable; may name fields and taxonomy codes, never person values. */
  message: string;
  /** JSON pointer into the decoded record, when one field is at fault. */
  pointer?: string;
}

export type Rejected = { ok: false; rejection: Rejection };
export type Step<T> = { ok: true; value: T } | Rejected;

export function reject(reason: DeadLetterReason, message: string, pointer?: string): Rejected {
  return { ok: false, rejection: pointer === undefined ? { reason, message } : { reason, message, pointer } };
}

/** Quotes a partner-supplied code in a message: bounded length, printable characters only. */
export function quoteCode(value: string): string {
  const cleaned = value.replace(/[^\p{L}\p{N}._:\- ]/gu, '?');
  return JSON.stringify(cleaned.length > 80 ? `${cleaned.slice(0, 80)}…` : cleaned);
}
