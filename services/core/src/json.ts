// Small helpers for JSON events on the bus.

export function encodeEvent(event: unknown): Buffer {
  return Buffer.from(JSON.stringify(event));
}

/** Parses JSON bytes; throws SyntaxError on malformed input (callers dead-letter it). */
export function decodeJson(bytes: Buffer | string | null): unknown {
  if (bytes === null) throw new SyntaxError('empty record (null value)');
  return JSON.parse(typeof bytes === 'string' ? bytes : bytes.toString('utf8'));
}

/** Current time as RFC 3339 UTC with milliseconds. */
export function nowIso(clock: () => number = Date.now): string {
  return new Date(clock()).toISOString();
}

/**
 * JSON with every object's keys sorted by UTF-16 code units, so equal content
 * always hashes the same. Written out directly: a JS object cannot hold
 * integer-like keys ("9", "10") in sorted order, so re-building objects would not do.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined || typeof v === 'function' ? 'null' : canonicalJson(v))).join(',')}]`;
  const json = (value as { toJSON?: () => unknown }).toJSON;
  if (typeof json === 'function') return canonicalJson(json.call(value));
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined && typeof v !== 'function')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
