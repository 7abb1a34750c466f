import { describe, expect, it } from 'vitest';
import { RateLimitedWarnings } from '../../src/score/rate-limited-warnings';

describe('RateLimitedWarnings', () => {
  it('emits once per topic and interval, then reports how many it held back', () => {
    let now = 0;
    const warnings = new RateLimitedWarnings(() => now, 60_000);
    const out: Array<[string, number]> = [];
    const warn = (topic: string) => warnings.warn(topic, (suppressed) => out.push([topic, suppressed]));
    expect(warn('glr-nb')).toBe(true);
    for (let i = 0; i < 5; i++) expect(warn('glr-nb')).toBe(false);
    expect(warn('cusum')).toBe(true);
    now = 60_000;
    expect(warn('glr-nb')).toBe(true);
    expect(out).toEqual([['glr-nb', 0], ['cusum', 0], ['glr-nb', 5]]);
  });

  it('stays bounded in the topics it remembers', () => {
    const warnings = new RateLimitedWarnings(() => 0, 60_000, 3);
    let emitted = 0;
    for (let i = 0; i < 10; i++) warnings.warn(`t${i}`, () => emitted++);
    expect(emitted).toBe(10);
    expect(warnings.warn('t9', () => emitted++)).toBe(false);
  });
});
