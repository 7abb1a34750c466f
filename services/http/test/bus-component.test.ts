import { describe, expect, it } from 'vitest';
import { busComponent } from '../src/index';

describe('busComponent', () => {
  it('maps the bus health to a component: ok, degraded while a consumer (re)starts, stopped once one failed for good', () => {
    const running = { groupId: 'g', state: 'running' as const, restarts: 0 };
    expect(busComponent({ status: 'ok', consumers: [running] })).toEqual({ status: 'ok', stats: { consumers: [running] } });
    expect(busComponent({ status: 'degraded', consumers: [{ ...running, state: 'restarting', restarts: 2, lastError: 'x' }] }).status).toBe('degraded');
    expect(busComponent({ status: 'failed', consumers: [{ ...running, state: 'failed', restarts: 0, lastError: 'x' }] }).status).toBe('stopped');
  });
});
