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

/** JSON with object keys sorted, so equal content always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}
