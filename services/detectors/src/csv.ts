// Reading the `tocsin score` input table and writing its output. Only what the command
// needs: RFC 4180 fields (quotes, doubled quotes, CRLF), no multi-line fields.
import { DetectorError } from './errors';
import type { CountSeries, DetectorRow } from './types';

/** Splits one CSV line into fields; quoted fields may contain commas and doubled quotes. */
export function splitCsvLine(line: string, lineNo: number): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= line.length) throw new DetectorError('INPUT_INVALID', `line ${lineNo}: unterminated quoted field`);
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += line[i];
        i++;
      }
      fields.push(value);
      if (i < line.length && line[i] !== ',') throw new DetectorError('INPUT_INVALID', `line ${lineNo}: text after a closing quote`);
    } else {
      const end = line.indexOf(',', i);
      fields.push(end === -1 ? line.slice(i) : line.slice(i, end));
      i = end === -1 ? line.length : end;
    }
    if (i >= line.length) return fields;
    i++; // the comma
    if (i === line.length) {
      fields.push('');
      return fields;
    }
  }
}

export interface ScoreInput {
  /** The `t` column when given, else 1, 2, 3, ... */
  t: number[];
  series: CountSeries;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isValidIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

/**
 * Parses the input table: a header with a `count` column (optionally `t` and `date`;
 * other columns are ignored), then one row per period in time order. Row numbers in
 * messages count data rows from 1.
 */
export function readScoreInput(text: string, freq: number): ScoreInput {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  if (lines.length === 0) throw new DetectorError('INPUT_INVALID', 'input is empty: expected a CSV header with a count column');
  const header = splitCsvLine(lines[0]!, 1).map((h) => h.trim().toLowerCase());
  const countCol = header.indexOf('count');
  if (countCol === -1) throw new DetectorError('INPUT_INVALID', `header has no "count" column (columns: ${header.join(', ')})`);
  const tCol = header.indexOf('t');
  const dateCol = header.indexOf('date');

  const counts: number[] = [];
  const ts: number[] = [];
  const dates: string[] = [];
  for (let i = 1; i < lines.length; i++) {
    const row = i;
    const fields = splitCsvLine(lines[i]!, i + 1);
    if (fields.length !== header.length) {
      throw new DetectorError('INPUT_INVALID', `row ${row}: has ${fields.length} fields, the header has ${header.length}`);
    }
    const rawCount = fields[countCol]!.trim();
    if (rawCount === '') throw new DetectorError('INPUT_INVALID', `row ${row}: count is empty`);
    if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(rawCount)) {
      throw new DetectorError('INPUT_INVALID', `row ${row}: count "${rawCount}" is not a number`);
    }
    const count = Number(rawCount);
    if (count < 0) throw new DetectorError('INPUT_INVALID', `row ${row}: count "${rawCount}" is negative`);
    if (!Number.isSafeInteger(count)) throw new DetectorError('INPUT_INVALID', `row ${row}: count "${rawCount}" is not an integer`);
    counts.push(count);

    if (tCol !== -1) {
      const rawT = fields[tCol]!.trim();
      if (!/^[+-]?\d+$/.test(rawT)) throw new DetectorError('INPUT_INVALID', `row ${row}: t "${rawT}" is not an integer`);
      const t = Number(rawT);
      if (ts.length > 0 && t <= ts[ts.length - 1]!) {
        throw new DetectorError('INPUT_INVALID', `row ${row}: t ${t} does not follow t ${ts[ts.length - 1]} (rows must be in time order)`);
      }
      ts.push(t);
    } else {
      ts.push(row);
    }

    if (dateCol !== -1) {
      const rawDate = fields[dateCol]!.trim();
      if (!isValidIsoDate(rawDate)) throw new DetectorError('INPUT_INVALID', `row ${row}: date "${rawDate}" is not a valid yyyy-mm-dd date`);
      if (dates.length > 0 && rawDate <= dates[dates.length - 1]!) {
        throw new DetectorError('INPUT_INVALID', `row ${row}: date ${rawDate} does not follow ${dates[dates.length - 1]} (rows must be in time order)`);
      }
      dates.push(rawDate);
    }
  }
  return { t: ts, series: { counts, freq, ...(dateCol !== -1 ? { dates } : {}) } };
}

/** Shortest decimal that reads back as the same double (JS number formatting), or empty for null. */
function formatNumber(value: number | null): string {
  if (value === null || Number.isNaN(value)) return '';
  return String(value);
}

export const SCORE_OUTPUT_HEADER = 't,observed,expected,upperbound,alarm';

export function formatScoreOutput(t: readonly number[], rows: readonly DetectorRow[]): string {
  const lines = [SCORE_OUTPUT_HEADER];
  rows.forEach((row, i) => {
    lines.push([t[i]!, row.observed, formatNumber(row.expected), formatNumber(row.upperbound), row.alarm ? 1 : 0].join(','));
  });
  return lines.join('\n') + '\n';
}
