import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsvText } from '../../src/decode/csv-text';

const cells = (text: string, delimiter = ',') => {
  const result = parseCsvText(text, delimiter);
  if (!result.ok) throw new Error(result.problem);
  return result.lines.map((l) => l.cells);
};

describe('parseCsvText', () => {
  it('splits lines and cells with any line ending, skipping blank lines', () => {
    expect(cells('a,b\r\n1,2\n\n3,\r4,5')).toEqual([['a', 'b'], ['1', '2'], ['3', ''], ['4', '5']]);
  });

  it('reads quoted fields with delimiters, escaped quotes and line breaks', () => {
    expect(cells('"x;y";"say ""hi""";"two\nlines"\nnext;"";z', ';')).toEqual([['x;y', 'say "hi"', 'two\nlines'], ['next', '', 'z']]);
  });

  it('keeps each line as sent, with its number', () => {
    const result = parseCsvText('\uFEFFh1,h2\n"a\nb",c\r\nd,e', ',');
    expect(result.ok && result.lines.map((l) => [l.raw, l.line])).toEqual([['h1,h2\n', 1], ['"a\nb",c\r\n', 2], ['d,e', 4]]);
  });

  it.each([
    ['a,"b', 'a quoted field is not closed', 1],
    ['a\n"b"c,d', 'a closing quote is followed by more text before the delimiter', 2],
  ])('refuses %j', (text, problem, line) => {
    expect(parseCsvText(text, ',')).toEqual({ ok: false, problem, line });
  });

  it('agrees with csv-parse on any well-formed CSV', () => {
    // Unquoted cells cannot hold the delimiter, a quote or a line break: that is what quoting is for.
    const plain = fc.string({ maxLength: 8 }).map((s) => s.replace(/[;"\r\n]/g, ''));
    const quoted = fc.string({ maxLength: 8 }).map((s) => `"${s.replace(/"/g, '""')}"`);
    const row = fc.array(fc.oneof(plain, quoted), { minLength: 2, maxLength: 5 });
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 5 }), (rows) => {
        const text = `${rows.map((r) => r.join(';')).join('\n')}\n`;
        const expected = (parse(text, { delimiter: ';', relax_column_count: true, skip_empty_lines: true }) as string[][]);
        expect(cells(text, ';')).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});
