// Timestamps to RFC 3339 UTC with a Z suffix. Partners send ISO 8601 with or without a
// zone; a timestamp without a zone is read in the partner's configured offset.

const ISO = /^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?\s*$/;

/** Minutes east of UTC for "+01:00", "-0530", "+02"; null when malformed. */
export function offsetMinutes(offset: string): number | null {
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(offset);
  if (!m) return null;
  const hours = Number(m[2]);
  const minutes = Number(m[3] ?? '0');
  if (hours > 23 || minutes > 59) return null;
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
}

/**
 * Milliseconds since the epoch of an ISO 8601 date or date-time, or null when it is not one
 * (or names an impossible date such as 2023-02-30). `defaultOffsetMinutes` applies when the
 * value has no zone. Years outside 1900-9999 are refused: they are typos, not incidents.
 */
export function parseTimestamp(value: string, defaultOffsetMinutes = 0): number | null {
  const m = ISO.exec(value);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4] ?? '0');
  const minute = Number(m[5] ?? '0');
  const second = Number(m[6] ?? '0');
  const millis = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  if (year < 1900 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  let offset = defaultOffsetMinutes;
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z' && zone !== 'z') {
    const parsed = offsetMinutes(zone);
    if (parsed === null) return null;
    offset = parsed;
  } else if (zone !== undefined) {
    offset = 0;
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offset * 60_000;
}

/** The UTC form Tocsin writes, e.g. 2024-03-01T09:00:00.000Z; null when unparseable. */
export function toUtcTimestamp(value: string, defaultOffsetMinutes = 0): string | null {
  const ms = parseTimestamp(value, defaultOffsetMinutes);
  return ms === null ? null : new Date(ms).toISOString();
}
