// An uncaught error of one component degrades that component and leaves the
// process (and the other components) running (issue 9 finding 1).
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');

describe('process guard', () => {
  it('pins uncaught exceptions and unhandled rejections on their component and keeps the process up', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'services/core/test/fixtures/guarded-process.ts'], { cwd: root, timeout: 20_000 });
    const seen = JSON.parse(stdout) as { ticks: number; failures: Record<string, { count: number; last_error: string }>; crasher: string; steady: string };
    expect(seen.failures['crasher']).toMatchObject({ count: 2, last_error: 'ELOST' });
    expect(seen.failures['process']).toMatchObject({ count: 1, last_error: 'RangeError' });
    expect(seen.failures['steady']).toBeUndefined();
    expect(seen.crasher).toBe('degraded');
    expect(seen.steady).toBe('ok');
    // The steady component kept running after the crashes (300 ms at 10 ms a tick).
    expect(seen.ticks).toBeGreaterThan(10);
  });
});
