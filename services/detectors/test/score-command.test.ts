import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runScoreCommand } from '../src/score-command';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function score(argv: string[], input: string): Promise<Result> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await runScoreCommand(argv, { stdin: Readable.from([input]), stdout, stderr });
  return { code, stdout: out, stderr: err };
}

// 20 weekly counts with a spike in the last row.
const COUNTS = [4, 6, 5, 3, 7, 5, 4, 6, 5, 4, 6, 5, 7, 4, 5, 6, 4, 5, 6, 30];
const CSV = ['t,date,count,region', ...COUNTS.map((c, i) => {
  const d = new Date(Date.UTC(2024, 0, 1 + 7 * i)).toISOString().slice(0, 10);
  return `${101 + i},${d},${c},"North, East"`;
})].join('\n') + '\n';

function parseOutput(stdout: string): string[][] {
  return stdout.trimEnd().split('\n').map((l) => l.split(','));
}

describe('tocsin score: good input', () => {
  it('writes one row per input row, keeps t, and flags the spike', async () => {
    const r = await score(['--detector', 'ears-c1'], CSV);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const rows = parseOutput(r.stdout);
    expect(rows[0]).toEqual(['t', 'observed', 'expected', 'upperbound', 'alarm']);
    expect(rows).toHaveLength(COUNTS.length + 1);
    expect(rows[1]).toEqual(['101', '4', '', '', '0']);
    expect(rows[8]![0]).toBe('108');
    expect(rows[8]![2]).not.toBe('');
    expect(rows[20]).toEqual(expect.arrayContaining(['120', '30']));
    expect(rows[20]![4]).toBe('1');
  });

  it('prints numbers at full precision (round-trip), not rounded', async () => {
    const r = await score(['--detector', 'ears-c1'], CSV);
    const expected = Number(parseOutput(r.stdout)[8]![2]);
    // mean of rows 1..7 = 34/7
    expect(expected).toBe(34 / 7);
    expect(parseOutput(r.stdout)[8]![2]!.length).toBeGreaterThan(10);
  });

  it('passes parameters and freq, and accepts --param=name=value', async () => {
    const r = await score(['--detector=cusum', '--param', 'freq=12', '--param=k=0.5', '-p', 'range=13:20'], 'count\n' + COUNTS.join('\n'));
    expect(r.code).toBe(0);
    const rows = parseOutput(r.stdout);
    expect(rows[12]![3]).toBe('');
    expect(rows[13]![3]).not.toBe('');
    expect(rows[1]![0]).toBe('1');
  });

  it('lists the detectors and their parameters', async () => {
    const r = await score(['--list'], '');
    expect(r.code).toBe(0);
    for (const id of ['ears-c1', 'ears-c2', 'ears-c3', 'cusum', 'ewma', 'glr-nb']) expect(r.stdout).toContain(`${id} (v`);
    expect(r.stdout).toContain('c.ARL (number, default 5)');
  });

  it('accepts CRLF line endings and a byte-order mark', async () => {
    const r = await score(['--detector', 'ears-c2'], '\uFEFFcount\r\n' + COUNTS.join('\r\n') + '\r\n');
    expect(r.code).toBe(0);
    expect(parseOutput(r.stdout)).toHaveLength(COUNTS.length + 1);
  });
});

describe('tocsin score: bad input exits non-zero with one line naming the problem', () => {
  const body = (lines: string[]): string => lines.join('\n') + '\n';
  const cases: [string, string[], string, number, RegExp][] = [
    ['no count column', ['--detector', 'ears-c1'], body(['t,value', '1,3']), 1, /header has no "count" column/],
    ['negative count', ['--detector', 'ears-c1'], body(['count', '1', '2', '3', '4', '5', '6', '-3']), 1, /^tocsin score: row 7: count "-3" is negative$/],
    ['non-integer count', ['--detector', 'ears-c1'], body(['count', '1', '2.5']), 1, /row 2: count "2.5" is not an integer/],
    ['non-numeric count', ['--detector', 'ears-c1'], body(['count', 'abc']), 1, /row 1: count "abc" is not a number/],
    ['empty count', ['--detector', 'ears-c1'], body(['t,count', '1,']), 1, /row 1: count is empty/],
    ['bad date', ['--detector', 'ears-c1'], body(['date,count', '2024-02-30,1']), 1, /row 1: date "2024-02-30" is not a valid/],
    ['dates out of order', ['--detector', 'ears-c1'], body(['date,count', '2024-01-08,1', '2024-01-01,2']), 1, /row 2: date 2024-01-01 does not follow/],
    ['t out of order', ['--detector', 'ears-c1'], body(['t,count', '2,1', '2,2']), 1, /row 2: t 2 does not follow t 2/],
    ['ragged row', ['--detector', 'ears-c1'], body(['t,count', '1,2,3']), 1, /row 1: has 3 fields, the header has 2/],
    ['empty input', ['--detector', 'ears-c1'], '', 1, /input is empty/],
    ['unknown detector', ['--detector', 'nope'], body(['count', '1']), 2, /unknown detector "nope"/],
    ['missing detector', [], body(['count', '1']), 2, /missing --detector/],
    ['unknown parameter', ['--detector', 'ears-c1', '--param', 'bogus=1'], body(['count', '1']), 2, /unknown parameter "bogus"/],
    ['parameter without =', ['--detector', 'ears-c1', '--param', 'alpha'], body(['count', '1']), 2, /not of the form name=value/],
    ['bad number', ['--detector', 'ears-c1', '--param', 'alpha=abc'], body(['count', '1']), 2, /alpha="abc" is not a number/],
    ['out-of-range value', ['--detector', 'ears-c1', '--param', 'alpha=1.5'], body(['count', '1']), 2, /alpha=1.5 must be between 0 and 1/],
    ['baseline below 3', ['--detector', 'ears-c1', '--param', 'baseline=2'], body(['count', '1']), 2, /baseline=2 must be at least 3/],
    ['bad range', ['--detector', 'cusum', '--param', 'range=9:3'], body(['count', '1']), 2, /range=.*FROM <= TO/],
    ['range after the series', ['--detector', 'cusum', '--param', 'range=50:60'], body(['count', '1', '2']), 2, /starts after the last row \(2\)/],
    ['bad enum', ['--detector', 'cusum', '--param', 'trans=log'], body(['count', '1']), 2, /trans="log" is not one of/],
    ['bad cusum m', ['--detector', 'cusum', '--param', 'm=lots'], body(['count', '1', '2', '3']), 2, /m must be a positive number/],
    ['bad freq', ['--detector', 'ears-c1', '--param', 'freq=0'], body(['count', '1']), 2, /freq="0" is not a positive integer/],
    ['unknown option', ['--detector', 'ears-c1', '--verbose'], body(['count', '1']), 2, /unknown argument "--verbose"/],
    ['option without value', ['--detector'], body(['count', '1']), 2, /option --detector needs a value/],
  ];

  it.each(cases)('%s', async (_name, argv, input, code, message) => {
    const r = await score(argv, input);
    expect(r.code).toBe(code);
    expect(r.stdout).toBe('');
    expect(r.stderr.endsWith('\n')).toBe(true);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^tocsin score: /);
    expect(r.stderr.trimEnd()).toMatch(message);
  });
});
