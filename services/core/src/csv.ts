// Writing CSV that people open in spreadsheets. Text fields come from partner
// feeds and API callers, and a cell starting with = + - @ (or tab/CR, which
// some spreadsheets skip before looking for a formula) would run as a formula
// (OWASP "CSV injection"): such text gets a leading apostrophe. Numbers are
// written as numbers, so a negative number stays a number; only strings are
// neutralised. Fields are quoted per RFC 4180 when they need it.

export type CsvValue = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

/** A text value made safe to open in a spreadsheet (leading apostrophe when it could be a formula). */
export function neutraliseCsvText(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** One CSV field: numbers as written by JS, text neutralised and quoted when needed. */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const safe = neutraliseCsvText(value);
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One CSV line (without the line break). */
export function csvRow(values: readonly CsvValue[]): string {
  return values.map(csvField).join(',');
}
