import { describe, expect, it } from 'vitest';
import { compileDateFormat, parseWithFormats } from '../../src/normalise/date-format';

describe('date formats', () => {
  it.each([
    ['dd/MM/yyyy', '06/01/2014', '2014-01-06T00:00:00.000'],
    ['d/M/yyyy', '6/1/2014', '2014-01-06T00:00:00.000'],
    ['d.M.yyyy[ HH:mm[:ss]]', '6.1.2014', '2014-01-06T00:00:00.000'],
    ['d.M.yyyy[ HH:mm[:ss]]', '6.1.2014 21:05', '2014-01-06T21:05:00.000'],
    ['d.M.yyyy[ HH:mm[:ss]]', '6.1.2014  21:05:09', '2014-01-06T21:05:09.000'],
    ['MM/dd/yyyy h:mm a', '01/06/2014 9:05 PM', '2014-01-06T21:05:00.000'],
    ['MM/dd/yyyy h:mm a', '01/06/2014 12:05 am', '2014-01-06T00:05:00.000'],
    ['EEE, MM/dd/yyyy', 'Mon, 01/06/2014', '2014-01-06T00:00:00.000'],
    ['d MMM yyyy', '6 Jan 2014', '2014-01-06T00:00:00.000'],
    ['d MMM yyyy', '6 sept 2014', '2014-09-06T00:00:00.000'],
    ['MMMM d, yyyy', 'January 6, 2014', '2014-01-06T00:00:00.000'],
    ['dd-MM-yy', '06-01-14', '2014-01-06T00:00:00.000'],
    ['dd-MM-yy', '06-01-98', '1998-01-06T00:00:00.000'],
    ["yyyy-MM-dd'T'HH:mm:ss.SSS", '2014-01-06T21:05:09.123', '2014-01-06T21:05:09.123'],
    ['excel', '41645', '2014-01-06T00:00:00.000'],
    ['excel', '41645.75', '2014-01-06T18:00:00.000'],
    ['unix', '1389042309', '2014-01-06T21:05:09.000Z'],
  ])('%s reads %j as %s', (format, value, expected) => {
    expect(parseWithFormats(value, [format])).toBe(expected);
  });

  it.each([
    ['dd/MM/yyyy', '31/02/2019'],
    ['dd/MM/yyyy', '06/13/2014'],
    ['dd/MM/yyyy', '2014-01-06'],
    ['dd/MM/yyyy', '06/01/1899'],
    ['d.M.yyyy[ HH:mm]', '6.1.2014 25:00'],
    ['MM/dd/yyyy h:mm a', '01/06/2014 13:05 PM'],
    ['d MMM yyyy', '6 Ja 2014'],
    ['excel', '41645x'],
    ['excel', '12'],
    ['unix', '12345'],
  ])('%s refuses %j', (format, value) => {
    expect(parseWithFormats(value, [format])).toBeNull();
  });

  it('tries formats in order', () => {
    expect(parseWithFormats('01/02/2014', ['MM/dd/yyyy', 'dd/MM/yyyy'])).toBe('2014-01-02T00:00:00.000');
    expect(parseWithFormats('13/02/2014', ['MM/dd/yyyy', 'dd/MM/yyyy'])).toBe('2014-02-13T00:00:00.000');
  });

  it.each([
    ['dd/QQ/yyyy', /QQ is not a pattern letter/],
    ['dd/MM', /has no year/],
    ['yyyy-MM', /needs a day/],
    ['dd/MM/yyyy[ HH:mm', /unclosed \[/],
    ["dd 'of MM yyyy", /unclosed quote/],
    ['dd/MM/yyyy hh:mm', /h \(1-12\) needs a/],
    ['ddd/MM/yyyy', /ddd is not a pattern letter/],
  ])('explains what is wrong with %j', (format, problem) => {
    const compiled = compileDateFormat(format);
    expect(compiled.ok).toBe(false);
    if (!compiled.ok) expect(compiled.problem).toMatch(problem);
  });
});
