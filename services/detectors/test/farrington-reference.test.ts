// Reference-period selection and calendar steps against R's surveillance internals
// (refvalIdxByDate, algo.farrington.referencetimepoints, blocks) and seq.Date.
import { describe, expect, it } from 'vitest';
import { addMonths, addYears, formatIsoDay, parseIsoDay, weekday } from '../src/calendar';
import {
  classicReferenceByDate,
  classicReferenceByOffset,
  excludeRecent,
  flexibleReferencePoints,
  seasonalBlocks,
} from '../src/farrington-reference';

const weekly = (first: string, n: number): number[] => Array.from({ length: n }, (_, i) => parseIsoDay(first) + 7 * i);

describe('calendar (R Date semantics)', () => {
  it('parses, formats and names weekdays as format(date, "%w")', () => {
    expect(formatIsoDay(parseIsoDay('2012-02-29'))).toBe('2012-02-29');
    expect(weekday(parseIsoDay('2012-02-29'))).toBe(3); // a Wednesday
    expect(() => parseIsoDay('2011-02-29')).toThrow(/does not exist/);
    expect(() => parseIsoDay('29/02/2012')).toThrow(/ISO/);
  });

  it('steps years and months as seq.Date, rolling impossible days over', () => {
    // seq(as.Date("2012-02-29"), length.out = 3, by = "-1 year")
    expect([0, -1, -2].map((y) => formatIsoDay(addYears(parseIsoDay('2012-02-29'), y)))).toEqual(['2012-02-29', '2011-03-01', '2010-03-01']);
    // seq(as.Date("2011-03-31"), length.out = 3, by = "-1 month")
    expect([0, -1, -2].map((m) => formatIsoDay(addMonths(parseIsoDay('2011-03-31'), m)))).toEqual(['2011-03-31', '2011-03-03', '2011-01-31']);
  });
});

describe('classic Farrington reference periods', () => {
  it('by offset: b years back, w either side, oldest first, dropping indices before the start', () => {
    expect(classicReferenceByOffset(110, { b: 2, w: 1, freq: 52 })).toEqual([5, 6, 7, 57, 58, 59]);
    expect(classicReferenceByOffset(55, { b: 1, w: 3, freq: 52 })).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('by date matches refvalIdxByDate, including a 29 February', () => {
    const days = weekly('2006-01-04', 400); // Wednesdays
    const k = days.indexOf(parseIsoDay('2012-02-29')) + 1;
    expect(k).toBe(322);
    // surveillance:::refvalIdxByDate(as.Date("2012-02-29"), b = 5, w = 3, "1 week", epochs)
    expect(classicReferenceByDate(k, days, { b: 5, w: 3, freq: 52 })).toEqual([
      267, 268, 269, 270, 271, 272, 273, 215, 216, 217, 218, 219, 220, 221, 163, 164, 165, 166, 167, 168, 169, 110, 111, 112, 113, 114, 115,
      116, 58, 59, 60, 61, 62, 63, 64,
    ]);
  });

  it('by date on irregular month-end dates keeps only dates R finds', () => {
    // seq(as.Date("2010-01-31"), by = "1 month", length.out = 60): 2010-01-31, 2010-03-03, 2010-03-31, ...
    const start = parseIsoDay('2010-01-31');
    const days = Array.from({ length: 60 }, (_, i) => addMonths(start, i));
    expect(days.slice(0, 3).map(formatIsoDay)).toEqual(['2010-01-31', '2010-03-03', '2010-03-31']);
    // refvalIdxByDate(t0 = me[50], b = 3, w = 1, "1 month", me) = NA 38 NA NA NA NA NA 14 NA
    expect(classicReferenceByDate(50, days, { b: 3, w: 1, freq: 12 })).toEqual([38, 14]);
  });
});

describe('farringtonFlexible reference points and seasonal blocks', () => {
  it('moves reference dates to the current weekday like algo.farrington.referencetimepoints', () => {
    const days = weekly('2006-01-04', 400);
    const refs = flexibleReferencePoints(322, days, { b: 5, w: 3, freq: 52 });
    expect(refs.map((i) => formatIsoDay(days[i - 1]!))).toEqual(['2012-02-29', '2011-03-02', '2010-03-03', '2009-03-04', '2008-02-27', '2007-02-28']);
  });

  it('refuses a period whose reference points are not in the series', () => {
    expect(() => flexibleReferencePoints(200, null, { b: 5, w: 3, freq: 52 })).toThrow(/reference time points/);
  });

  it('cuts the gaps between windows into noPeriods - 1 blocks like surveillance:::blocks', () => {
    const win = { b: 5, w: 3, freq: 52 };
    const refs = flexibleReferencePoints(300, null, win);
    expect(refs).toEqual([300, 248, 196, 144, 92, 40]);
    // surveillance:::blocks(seq(300, length.out = 6, by = -52), 1:400, "none", 300, 5, 3, 10, FALSE)
    const fromR = 'NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA 10 10 10 10 10 10 10 1 1 1 1 1 2 2 2 2 2 3 3 3 3 3 4 4 4 4 4 5 5 5 5 5 6 6 6 6 6 7 7 7 7 7 8 8 8 8 8 9 9 9 9 9 10 10 10 10 10 10 10 1 1 1 1 1 2 2 2 2 2 3 3 3 3 3 4 4 4 4 4 5 5 5 5 5 6 6 6 6 6 7 7 7 7 7 8 8 8 8 8 9 9 9 9 9 10 10 10 10 10 10 10 1 1 1 1 1 2 2 2 2 2 3 3 3 3 3 4 4 4 4 4 5 5 5 5 5 6 6 6 6 6 7 7 7 7 7 8 8 8 8 8 9 9 9 9 9 10 10 10 10 10 10 10 1 1 1 1 1 2 2 2 2 2 3 3 3 3 3 4 4 4 4 4 5 5 5 5 5 6 6 6 6 6 7 7 7 7 7 8 8 8 8 8 9 9 9 9 9 10 10 10 10 10 10 10 1 1 1 1 1 2 2 2 2 2 3 3 3 3 3 4 4 4 4 4 5 5 5 5 5 6 6 6 6 6 7 7 7 7 7 8 8 8 8 8 9 9 9 9 9 10 10 10 10 NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA NA'.split(' ').map((v) => (v === 'NA' ? null : Number(v)));
    expect(seasonalBlocks(refs, 300, win, 10, 400)).toEqual(fromR);
  });

  it('leaves the most recent periods out of the baseline', () => {
    const blocks = seasonalBlocks([300, 248, 196, 144, 92, 40], 300, { b: 5, w: 3, freq: 52 }, 10, 400);
    excludeRecent(blocks, 300, 26);
    expect(blocks.slice(273, 300).every((v) => v === null)).toBe(true);
    expect(blocks[272]).not.toBeNull();
  });
});
