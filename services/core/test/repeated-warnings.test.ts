import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, RepeatedWarnings } from '../src/index';

function captured() {
  const out = new PassThrough();
  const lines: Array<Record<string, unknown>> = [];
  out.on('data', (c: Buffer) => {
    for (const l of c.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
  });
  return { logger: createLogger('t', { destination: out }), lines };
}

describe('RepeatedWarnings', () => {
  it('logs a cause at once, then one line per interval with the count of repeats', async () => {
    const { logger, lines } = captured();
    const warnings = new RepeatedWarnings(logger, 100);
    for (let i = 0; i < 1_000; i++) warnings.warn('LATE_OBSERVATION', 'late', 2, { partition: i % 3 });
    warnings.warn('DETECTOR_FAILED', 'failed');
    await new Promise((r) => setTimeout(r, 20));
    expect(lines.map((l) => [l['cause'], l['count']])).toEqual([['LATE_OBSERVATION', 2], ['DETECTOR_FAILED', 1]]);
    await new Promise((r) => setTimeout(r, 150));
    expect(lines.map((l) => [l['cause'], l['count']])).toEqual([['LATE_OBSERVATION', 2], ['DETECTOR_FAILED', 1], ['LATE_OBSERVATION', 1_998]]);
    warnings.stop();
  });
});
