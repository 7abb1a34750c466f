import { describe, expect, it } from 'vitest';
import { CircuitBreakers } from '../../src/delivery/breaker';

describe('circuit breaker per key', () => {
  const policy = { failureThreshold: 3, openMs: 1_000, maxOpenMs: 4_000 };

  it('opens after consecutive failures, probes once half-open, and closes on success', () => {
    const b = new CircuitBreakers(policy);
    b.onFailure('a:443', 0);
    b.onFailure('a:443', 0);
    expect(b.availableAt('a:443', 10)).toBe(10);
    b.onFailure('a:443', 100);
    expect(b.availableAt('a:443', 200)).toBe(1_100);
    expect(b.availableAt('b:443', 200)).toBe(200); // other endpoints unaffected
    expect(b.availableAt('a:443', 1_100)).toBe(1_100); // half-open: the probe may go
    b.onRequest('a:443');
    expect(b.availableAt('a:443', 1_100)).toBeGreaterThan(1_100); // others wait for the probe
    b.onSuccess('a:443');
    expect(b.availableAt('a:443', 1_101)).toBe(1_101);
  });

  it('a failed probe re-opens for twice as long, up to the cap', () => {
    const b = new CircuitBreakers(policy);
    for (let i = 0; i < 3; i++) b.onFailure('a', 0);
    let t = 1_000;
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      expect(b.availableAt('a', t)).toBe(t);
      b.onRequest('a');
      b.onFailure('a', t);
      const until = b.availableAt('a', t);
      waits.push(until - t);
      t = until;
    }
    expect(waits).toEqual([2_000, 4_000, 4_000, 4_000]);
  });

  it('a success in between resets the failure count', () => {
    const b = new CircuitBreakers(policy);
    b.onFailure('a', 0);
    b.onFailure('a', 0);
    b.onSuccess('a');
    b.onFailure('a', 0);
    b.onFailure('a', 0);
    expect(b.availableAt('a', 5)).toBe(5);
    expect(b.snapshot()).toEqual([{ key: 'a', state: 'closed', failures: 2, open_until: null }]);
  });
});
