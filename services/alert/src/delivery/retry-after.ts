// Retry-After (RFC 9110 §10.2.3): either delay-seconds or an HTTP-date.

/** Milliseconds to wait, or null when the header is absent or unparseable. Capped at `maxMs`. */
export function parseRetryAfter(value: string | string[] | undefined, now: number, maxMs: number): number | null {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined) return null;
  const text = raw.trim();
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, maxMs);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.min(Math.max(at - now, 0), maxMs);
}
