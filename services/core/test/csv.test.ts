// CSV written for spreadsheets: text that could run as a formula is neutralised,
// numbers stay numbers (issue 9 finding 10).
import { describe, expect, it } from 'vitest';
import { csvField, csvRow } from '../src/index';

describe('csv writer', () => {
  it('neutralises text starting with = + - @ tab or CR, and leaves numbers alone', () => {
    expect(csvRow(['=HYPERLINK("http://x","y")', '+1', '-2+3', '@SUM(A1)', '\tcmd', '\rcmd', 'plain', -1.5, 0, 42])).toBe(
      `"'=HYPERLINK(""http://x"",""y"")",'+1,'-2+3,'@SUM(A1),'\tcmd,"'\rcmd",plain,-1.5,0,42`,
    );
  });

  it('quotes per RFC 4180 and writes empty cells for null, undefined and non-finite numbers', () => {
    expect(csvRow(['a,b', 'say "hi"', 'two\nlines', null, undefined, Number.NaN, true])).toBe('"a,b","say ""hi""","two\nlines",,,,true');
    expect(csvField('')).toBe('');
  });
});
