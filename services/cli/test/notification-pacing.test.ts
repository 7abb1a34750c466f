// The demo's notification pacing is in simulated days, whatever the speed.
import { describe, expect, it } from 'vitest';
import { notificationPacingFor } from '../src/embedded';

describe('notificationPacingFor', () => {
  it('waits 2 simulated days before the first notification and 10 between changes', () => {
    expect(notificationPacingFor(1)).toEqual({ groupWaitMs: 2_000, groupIntervalMs: 10_000 });
    expect(notificationPacingFor(20)).toEqual({ groupWaitMs: 100, groupIntervalMs: 500 });
    expect(notificationPacingFor(0.25)).toEqual({ groupWaitMs: 8_000, groupIntervalMs: 40_000 });
  });

  it('uses the one-day-per-second pacing when the speed is as fast as possible', () => {
    expect(notificationPacingFor('max')).toEqual({ groupWaitMs: 2_000, groupIntervalMs: 10_000 });
  });
});
