import { describe, expect, it } from 'vitest';
import { createScenario } from '../src/index';

// Sanity bound only. The target is ≥ 50k incidents/s; docs/simulator.md has the
// measured figures. The box has two cores shared with other suites, so the test
// measures this process's CPU time instead of wall time (contention inflates the
// latter fourfold) and asserts a floor that still catches an accidental quadratic
// or a per-record ICU look-up.
describe('throughput', () => {
  it('generates at least 20k incidents per CPU-second at 3000 a day', () => {
    const scenario = createScenario({ seed: 77, start: '2025-01-01', days: 20, ratePerDay: 3000 });
    [...scenario.incidents(0, 1)]; // warm-up: JIT and caches
    const before = process.cpuUsage();
    let n = 0;
    for (const _ of scenario.incidents(1, 20)) n++;
    const used = process.cpuUsage(before);
    const cpuSeconds = (used.user + used.system) / 1e6;
    expect(n).toBeGreaterThan(40_000);
    expect(n / cpuSeconds).toBeGreaterThan(20_000);
  });
});
