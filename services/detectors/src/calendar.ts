// Calendar arithmetic on ISO dates with R's `Date` semantics, for detectors that pick
// reference periods by calendar date. Dates are handled as whole days since 1970-01-01
// (R's numeric value of a Date); month and year steps follow `seq.Date`, which moves the
// POSIXlt month/year field and lets an impossible day roll over (2012-02-29 minus one
// year is 2011-03-01).

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 for an ISO `yyyy-mm-dd` date; throws on anything else. */
export function parseIsoDay(text: string): number {
  const m = ISO_DATE.exec(text);
  if (!m) throw new Error(`date "${text}" is not an ISO yyyy-mm-dd date`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) {
    throw new Error(`date "${text}" does not exist`);
  }
  return Math.round(ms / MS_PER_DAY);
}

export function formatIsoDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Day of the week, 0 = Sunday (R: as.numeric(format(date, "%w"))). */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

/** Day of the month, 1-31 (R: as.numeric(format(date, "%d"))). */
export function dayOfMonth(day: number): number {
  return new Date(day * MS_PER_DAY).getUTCDate();
}

/** `day` moved by `months` calendar months, overflowing days rolling into the next month (R: seq.Date by "n month"). */
export function addMonths(day: number, months: number): number {
  const d = new Date(day * MS_PER_DAY);
  // Date.UTC normalises an out-of-range day of month exactly as R's as.Date(POSIXlt) does.
  return Math.round(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, d.getUTCDate()) / MS_PER_DAY);
}

/** `day` moved by `years` calendar years (R: seq.Date by "n year"); 29 February rolls to 1 March. */
export function addYears(day: number, years: number): number {
  const d = new Date(day * MS_PER_DAY);
  const y = d.getUTCFullYear() + years;
  // Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear does not.
  const t = new Date(0);
  t.setUTCFullYear(y, d.getUTCMonth(), d.getUTCDate());
  return Math.round(t.getTime() / MS_PER_DAY);
}
