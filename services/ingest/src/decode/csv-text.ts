// RFC 4180 CSV text to rows. Written for ingest's shape of input (a header and a few rows
// per Kafka record) because csv-parse spends ~37 µs setting up per call, four times a JSON
// record's whole parse. Accepts \r\n, \n and \r line endings, quoted fields with "" escapes
// and line breaks; a quote inside an unquoted field is kept as a character.

export interface CsvLine {
  cells: string[];
  /** The line as sent, with its line ending: kept (encrypted) in dead letters. */
  raw: string;
  /** 1-based line number of the line's first character. */
  line: number;
}

export type CsvTextResult = { ok: true; lines: CsvLine[] } | { ok: false; problem: string; line: number };

const QUOTE = 34; // "
const CR = 13;
const LF = 10;

/** Splits CSV text into lines of cells; blank lines are skipped. */
export function parseCsvText(input: string, delimiter: string): CsvTextResult {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const delim = delimiter.charCodeAt(0);
  const lines: CsvLine[] = [];
  let lineNo = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const start = i;
    const startLine = lineNo;
    const cells: string[] = [];
    let endOfLine = false;
    while (!endOfLine) {
      let cell: string;
      if (text.charCodeAt(i) === QUOTE) {
        let value = '';
        let from = i + 1;
        for (;;) {
          const q = text.indexOf('"', from);
          if (q < 0) return { ok: false, problem: 'a quoted field is not closed', line: startLine };
          const chunk = text.slice(from, q);
          for (let k = 0; k < chunk.length; k++) if (chunk.charCodeAt(k) === LF || (chunk.charCodeAt(k) === CR && chunk.charCodeAt(k + 1) !== LF)) lineNo++;
          value += chunk;
          if (text.charCodeAt(q + 1) === QUOTE) {
            value += '"';
            from = q + 2;
            continue;
          }
          i = q + 1;
          break;
        }
        const next = text.charCodeAt(i);
        if (i < n && next !== delim && next !== CR && next !== LF) {
          return { ok: false, problem: 'a closing quote is followed by more text before the delimiter', line: lineNo };
        }
        cell = value;
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === delim || c === CR || c === LF) break;
          j++;
        }
        cell = text.slice(i, j);
        i = j;
      }
      cells.push(cell);
      if (i >= n) {
        endOfLine = true;
      } else {
        const c = text.charCodeAt(i);
        if (c === delim) {
          i++;
        } else {
          i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
          lineNo++;
          endOfLine = true;
        }
      }
    }
    // A blank line is one empty cell: skipped, like csv-parse's skip_empty_lines.
    if (!(cells.length === 1 && cells[0] === '' && text.charCodeAt(start) !== QUOTE)) lines.push({ cells, raw: text.slice(start, i), line: startLine });
  }
  return { ok: true, lines };
}
