// Standard Webhooks signing (https://www.standardwebhooks.com/, spec "v1"):
// signature = base64(HMAC-SHA256(secret bytes, "<webhook-id>.<webhook-timestamp>.<body>")),
// header "v1,<signature>", several signatures separated by spaces (used during a
// secret rotation so receivers holding either secret can verify).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AlertError } from '../errors';

const SECRET_PREFIX = 'whsec_';
/** Receivers reject timestamps further than this from their clock (spec recommendation). */
export const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

/** A new random secret in the spec's format: whsec_ + base64 of 32 random bytes. */
export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

/** The key bytes of a whsec_ secret; throws SECRET_INVALID for anything else. */
export function secretBytes(secret: string): Buffer {
  if (!secret.startsWith(SECRET_PREFIX)) throw new AlertError('SECRET_INVALID', 'signing secret must start with whsec_');
  const encoded = secret.slice(SECRET_PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) throw new AlertError('SECRET_INVALID', 'signing secret is not base64 after whsec_');
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.length < 24 || bytes.length > 64) throw new AlertError('SECRET_INVALID', `signing secret must hold 24 to 64 bytes, got ${bytes.length}`);
  return bytes;
}

/** Fewest distinct byte values a chosen secret must have (24 random bytes have ~23). */
export const MIN_DISTINCT_SECRET_BYTES = 16;

/**
 * A secret an agency chose itself: well-formed, and random-looking. All-zero,
 * few-valued or repeating byte strings (a password, a pattern) are refused,
 * since anyone who guesses them can forge webhooks.
 */
export function checkChosenSecret(secret: string): Buffer {
  const bytes = secretBytes(secret);
  const distinct = new Set(bytes).size;
  if (distinct < MIN_DISTINCT_SECRET_BYTES) {
    throw new AlertError('SECRET_INVALID', `signing secret has only ${distinct} distinct byte values (at least ${MIN_DISTINCT_SECRET_BYTES}); use 24 to 64 random bytes`);
  }
  for (let period = 1; period <= bytes.length / 2; period++) {
    if (bytes.subarray(period).equals(bytes.subarray(0, bytes.length - period))) {
      throw new AlertError('SECRET_INVALID', `signing secret repeats a ${period}-byte pattern; use 24 to 64 random bytes`);
    }
  }
  return bytes;
}

export function sign(secret: string, id: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', secretBytes(secret)).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}

export interface WebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** Headers for one attempt: one v1 signature per currently valid secret. */
export function signedHeaders(secrets: readonly string[], id: string, timestampSeconds: number, body: string): WebhookHeaders {
  if (secrets.length === 0) throw new AlertError('SECRET_INVALID', 'no signing secret available');
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': secrets.map((s) => sign(s, id, timestampSeconds, body)).join(' '),
  };
}

export type VerifyResult = { ok: true } | { ok: false; reason: 'missing_headers' | 'bad_timestamp' | 'stale_timestamp' | 'no_matching_signature' };

/**
 * Receiver-side check, used by the demo receiver: the timestamp must be within
 * `toleranceSeconds` of `nowSeconds` (replay protection) and one v1 signature must
 * match one of `secrets`. Comparison is constant-time.
 */
export function verify(
  secrets: readonly string[],
  headers: Record<string, string | string[] | undefined>,
  body: string,
  nowSeconds: number,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
): VerifyResult {
  const one = (name: string): string | undefined => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const id = one('webhook-id');
  const ts = one('webhook-timestamp');
  const sig = one('webhook-signature');
  if (!id || !ts || !sig) return { ok: false, reason: 'missing_headers' };
  if (!/^\d+$/.test(ts)) return { ok: false, reason: 'bad_timestamp' };
  const timestamp = Number(ts);
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return { ok: false, reason: 'stale_timestamp' };
  const offered = sig.split(' ').filter((s) => s.startsWith('v1,')).map((s) => Buffer.from(s.slice(3), 'base64'));
  for (const secret of secrets) {
    const expected = Buffer.from(sign(secret, id, timestamp, body).slice(3), 'base64');
    if (offered.some((o) => o.length === expected.length && timingSafeEqual(o, expected))) return { ok: true };
  }
  return { ok: false, reason: 'no_matching_signature' };
}
