// Event-time buckets. Days are UTC days counted from 1970-01-01 (day 0); ISO weeks
// start on Monday and are counted so that week 0 starts on Monday 1969-12-29
// (day -3). Integer indexes keep per-key state small and arithmetic cheap.
export type Granularity = 'day' | 'week';

export const DAY_MS = 86_400_000;

export function dayIndexOfMs(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/** Day index of an RFC 3339 timestamp; NaN when it does not parse. */
export function dayIndexOf(timestamp: string): number {
  return dayIndexOfMs(Date.parse(timestamp));
}

/** ISO week (Monday start) containing a day. */
export function weekIndexOfDay(day: number): number {
  return Math.floor((day + 3) / 7);
}

export function firstDayOfWeek(week: number): number {
  return week * 7 - 3;
}

export function bucketIndexOfDay(granularity: Granularity, day: number): number {
  return granularity === 'day' ? day : weekIndexOfDay(day);
}

/** Start and end (exclusive) of a bucket in ms since the epoch. */
export function bucketBoundsMs(granularity: Granularity, index: number): { startMs: number; endMs: number } {
  if (granularity === 'day') return { startMs: index * DAY_MS, endMs: (index + 1) * DAY_MS };
  const first = firstDayOfWeek(index);
  return { startMs: first * DAY_MS, endMs: (first + 7) * DAY_MS };
}

/** Last day of a bucket. */
export function lastDayOfBucket(granularity: Granularity, index: number): number {
  return granularity === 'day' ? index : firstDayOfWeek(index) + 6;
}

/** Start of a bucket as RFC 3339, as used in signal ids. */
export function bucketStartIso(granularity: Granularity, index: number): string {
  return new Date(bucketBoundsMs(granularity, index).startMs).toISOString();
}

/** Periods per year, the `freq` of a count series. */
export function periodsPerYear(granularity: Granularity): number {
  return granularity === 'day' ? 365 : 52;
}
