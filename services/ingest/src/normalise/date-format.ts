// Dates in the formats a partner declares (date_formats): Unicode-style patterns such as
// dd/MM/yyyy or d.M.yyyy[ HH:mm[:ss]], and the keywords excel and unix. A value is turned
// into ISO 8601 text, without a zone when the format has none (the partner's offset then
// applies, as for any ISO value without a zone). Each pattern is compiled once.
import { daysInMonth } from './timestamp';

export type DateFormatProblem = { ok: false; problem: string };
type Compiled = { ok: true; parse: (value: string) => string | null };

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

type Part = 'year4' | 'year2' | 'month' | 'monthName' | 'day' | 'hour' | 'hour12' | 'minute' | 'second' | 'fraction' | 'ampm' | 'ignored';

/** Pattern letters: run of one letter → capture and meaning. Longest runs first. */
const LETTERS: Record<string, Array<[number, string, Part]>> = {
  y: [[4, '(\\d{4})', 'year4'], [2, '(\\d{2})', 'year2'], [1, '(\\d{4})', 'year4']],
  M: [[4, '([A-Za-z]+)', 'monthName'], [3, '([A-Za-z]{3,4})\\.?', 'monthName'], [2, '(\\d{2})', 'month'], [1, '(\\d{1,2})', 'month']],
  d: [[2, '(\\d{2})', 'day'], [1, '(\\d{1,2})', 'day']],
  H: [[2, '(\\d{2})', 'hour'], [1, '(\\d{1,2})', 'hour']],
  h: [[2, '(\\d{2})', 'hour12'], [1, '(\\d{1,2})', 'hour12']],
  m: [[2, '(\\d{2})', 'minute'], [1, '(\\d{1,2})', 'minute']],
  s: [[2, '(\\d{2})', 'second'], [1, '(\\d{1,2})', 'second']],
  S: [[1, '(\\d{1,9})', 'fraction']],
  a: [[1, '([AaPp]\\.?[Mm]\\.?)', 'ampm']],
  E: [[1, '([A-Za-z]+\\.?)', 'ignored']],
};

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function compilePattern(format: string): Compiled | DateFormatProblem {
  let source = '';
  const parts: Part[] = [];
  let depth = 0;
  for (let i = 0; i < format.length; ) {
    const ch = format[i]!;
    if (ch === "'") {
      const end = format.indexOf("'", i + 1);
      if (end < 0) return { ok: false, problem: `date format ${JSON.stringify(format)} has an unclosed quote` };
      source += format.slice(i + 1, end).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i = end + 1;
    } else if (ch === '[') {
      source += '(?:';
      depth++;
      i++;
    } else if (ch === ']') {
      if (depth === 0) return { ok: false, problem: `date format ${JSON.stringify(format)} closes an optional part it never opened` };
      source += ')?';
      depth--;
      i++;
    } else if (/[A-Za-z]/.test(ch)) {
      let run = 1;
      while (format[i + run] === ch) run++;
      const choices = LETTERS[ch];
      const choice = ch === 'S' || ch === 'E' ? choices?.[0] : choices?.find(([length]) => length === run);
      if (!choices || !choice) return { ok: false, problem: `date format ${JSON.stringify(format)}: ${ch.repeat(run)} is not a pattern letter (use y, M, d, H, h, m, s, S, a, E; text in single quotes)` };
      source += choice[1];
      parts.push(choice[2]);
      i += run;
    } else if (/\s/.test(ch)) {
      source += '\\s+';
      while (/\s/.test(format[i] ?? '')) i++;
    } else {
      source += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i++;
    }
  }
  if (depth !== 0) return { ok: false, problem: `date format ${JSON.stringify(format)} has an unclosed [` };
  if (!parts.includes('year4') && !parts.includes('year2')) return { ok: false, problem: `date format ${JSON.stringify(format)} has no year (y)` };
  if (!parts.includes('day') || (!parts.includes('month') && !parts.includes('monthName'))) return { ok: false, problem: `date format ${JSON.stringify(format)} needs a day (d) and a month (M)` };
  if (parts.includes('hour12') !== parts.includes('ampm')) return { ok: false, problem: `date format ${JSON.stringify(format)}: h (1-12) needs a (AM/PM), and a needs h` };
  const regex = new RegExp(`^${source}$`, 'i');

  const parse = (value: string): string | null => {
    const m = regex.exec(value.trim());
    if (!m) return null;
    let year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, millis = 0;
    let pm: boolean | null = null;
    for (let k = 0; k < parts.length; k++) {
      const text = m[k + 1];
      if (text === undefined) continue;
      switch (parts[k]) {
        case 'year4': year = Number(text); break;
        // Two-digit years: 00-69 are 2000-2069, 70-99 are 1970-1999 (the POSIX strptime rule).
        case 'year2': year = Number(text) + (Number(text) < 70 ? 2000 : 1900); break;
        case 'month': month = Number(text); break;
        case 'monthName': {
          const lower = text.toLowerCase();
          month = MONTHS.findIndex((name) => lower.length >= 3 && name.startsWith(lower)) + 1;
          break;
        }
        case 'day': day = Number(text); break;
        case 'hour': hour = Number(text); break;
        case 'hour12': hour = Number(text); if (hour < 1 || hour > 12) return null; break;
        case 'minute': minute = Number(text); break;
        case 'second': second = Number(text); break;
        case 'fraction': millis = Math.floor(Number(`0.${text}`) * 1000); break;
        case 'ampm': pm = text[0]!.toLowerCase() === 'p'; break;
        default: break;
      }
    }
    if (pm !== null) hour = (hour % 12) + (pm ? 12 : 0);
    if (year < 1900 || year > 9999 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
    if (hour > 23 || minute > 59 || second > 59) return null;
    return `${year}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}.${pad(millis, 3)}`;
  };
  return { ok: true, parse };
}

/** Days between 1899-12-30 (Excel's day 0 once its 1900 leap-year bug is past) and 1970-01-01. */
const EXCEL_EPOCH_DAYS = 25_569;

const KEYWORDS: Record<string, Compiled> = {
  // Serial day numbers of the 1900 date system, the time as a fraction: 41640.5 = 2014-01-01 12:00.
  excel: {
    ok: true,
    parse: (value) => {
      const text = value.trim();
      if (!/^\d{1,7}(?:\.\d+)?$/.test(text)) return null;
      const serial = Number(text);
      if (serial < 61 || serial > 2_958_465) return null;
      // Rounded to the millisecond: a fraction written with 15 digits is not exactly a time.
      const ms = Math.round((serial - EXCEL_EPOCH_DAYS) * 86_400_000);
      return new Date(ms).toISOString().slice(0, -1);
    },
  },
  // Seconds since 1970-01-01 UTC: the zone is known, so the text carries Z.
  unix: {
    ok: true,
    parse: (value) => {
      const text = value.trim();
      if (!/^\d{9,11}(?:\.\d{1,3})?$/.test(text)) return null;
      return new Date(Math.round(Number(text) * 1000)).toISOString();
    },
  },
};

const compiled = new Map<string, Compiled | DateFormatProblem>();

/** Compiles a declared format (memoised); a problem names what is wrong with it. */
export function compileDateFormat(format: string): Compiled | DateFormatProblem {
  let result = compiled.get(format);
  if (result === undefined) {
    result = KEYWORDS[format.toLowerCase()] ?? compilePattern(format);
    compiled.set(format, result);
  }
  return result;
}

/** ISO 8601 text of `value` read with the first of `formats` that fits it, or null. Formats must have been checked. */
export function parseWithFormats(value: string, formats: readonly string[]): string | null {
  for (const format of formats) {
    const c = compileDateFormat(format);
    if (!c.ok) continue;
    const iso = c.parse(value);
    if (iso !== null) return iso;
  }
  return null;
}
