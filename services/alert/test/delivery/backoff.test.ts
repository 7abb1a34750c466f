import { describe, expect, it } from 'vitest';
import { backoffDelayMs, nextAttemptAt } from '../../src/delivery/backoff';
import { parseRetryAfter } from '../../src/delivery/retry-after';

const policy = { baseDelayMs: 1_000, maxDelayMs: 60_000, minDelayMs: 10 };

describe('exponential backoff with full jitter', () => {
  it('draws uniformly below a ceiling that doubles per failure up to the cap', () => {
    expect(backoffDelayMs(policy, 1, () => 0.999)).toBe(999);
    expect(backoffDelayMs(policy, 2, () => 0.999)).toBe(1_998);
    expect(backoffDelayMs(policy, 5, () => 0.5)).toBe(8_000);
    expect(backoffDelayMs(policy, 30, () => 0.999)).toBe(59_940);
    expect(backoffDelayMs(policy, 3, () => 0)).toBe(10); // floor
  });

  it('spreads delays across the whole window (full jitter, not equal steps)', () => {
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const delays = Array.from({ length: 2000 }, () => backoffDelayMs(policy, 4, random));
    expect(Math.min(...delays)).toBeLessThan(800);
    expect(Math.max(...delays)).toBeGreaterThan(7_200);
    const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
    expect(mean).toBeGreaterThan(3_600);
    expect(mean).toBeLessThan(4_400);
  });

  it('honours Retry-After when it asks for longer than the backoff', () => {
    expect(nextAttemptAt(policy, 1, 0, 1e9, 30_000, () => 0.5)).toBe(30_000);
    expect(nextAttemptAt(policy, 1, 0, 1e9, 100, () => 0.5)).toBe(500);
  });

  it('returns null once the next attempt would fall after the horizon', () => {
    expect(nextAttemptAt(policy, 1, 10_000, 10_400, null, () => 0.5)).toBeNull();
    expect(nextAttemptAt(policy, 1, 10_000, 10_600, null, () => 0.5)).toBe(10_500);
  });

  it('a default-sized horizon allows a few dozen attempts', () => {
    const p = { baseDelayMs: 5_000, maxDelayMs: 6 * 3600_000, minDelayMs: 250 };
    const deadline = 3 * 86_400_000;
    let t = 0;
    let attempts = 1;
    for (;;) {
      const next = nextAttemptAt(p, attempts, t, deadline, null, () => 0.5);
      if (next === null) break;
      t = next;
      attempts++;
    }
    expect(attempts).toBeGreaterThan(15);
    expect(attempts).toBeLessThan(40);
  });
});

describe('Retry-After', () => {
  it('parses delay-seconds and HTTP dates, capped', () => {
    const now = Date.parse('2026-11-20T12:00:00Z');
    expect(parseRetryAfter('120', now, 1e9)).toBe(120_000);
    expect(parseRetryAfter('Fri, 20 Nov 2026 12:01:00 GMT', now, 1e9)).toBe(60_000);
    expect(parseRetryAfter('Fri, 20 Nov 2026 11:00:00 GMT', now, 1e9)).toBe(0);
    expect(parseRetryAfter('999999', now, 3_600_000)).toBe(3_600_000);
    expect(parseRetryAfter('soon', now, 1e9)).toBeNull();
    expect(parseRetryAfter(undefined, now, 1e9)).toBeNull();
  });
});
