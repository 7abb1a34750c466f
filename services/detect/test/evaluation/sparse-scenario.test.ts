// Acceptance on sparse simulator data (issue 8 item 4): the same world at about 15
// incidents a day (routes with 0–10 a week), random new routes from nothing at 1–5 a week
// and random surges on series of at least one a week, the default configuration. Every new
// route and every trend >= 3x on its key must be flagged within 30 days, the whole
// configuration must stay under one false alarm per key-year. A trend is ">= 3x" by its
// expected ratio on the key the detectors score (the simulator's key_multiplier), not by the
// factor applied to the streams it acts on. Seed 11 meets the acceptance in full; seed 7
// misses 3 trends whose drawn counts show no 3x rise in their first 30 days, and even an
// oracle that knows each key's true rate and each trend's start flags all of seed 7's
// trends with probability below one half (docs/detectors.md, "How small a rise can be seen").
// On the counts that happened, none of the 3 is detectable from the key's own past by a
// test that knows the start and spends the whole false-alarm budget (realised-oracle.ts).
import { describe, expect, it } from 'vitest';
import { runSparseScenario, SPARSE_SCENARIO } from '../../bench/detection';

describe('detection on sparse series (default configuration)', () => {
  it('seed 11: flags every new route and every >= 3x surge within 30 days, under one false alarm per key-year', { timeout: 300_000 }, () => {
    const result = runSparseScenario({ seed: 11, days: 760, print: () => {} });
    const any = result.evaluation.rows.at(-1)!;
    expect(any.detector).toBe('any');
    // 9 new routes and 13 trends of >= 3x on their key.
    expect(any.trends).toBe(22);
    expect(result.evaluation.missed).toEqual([]);
    expect(any.flagged).toBe(any.trends);
    expect(any.falseAlarmsPerKeyYear).toBeLessThanOrEqual(SPARSE_SCENARIO.maxFalseAlarmsPerKeyYear);
  });

  it('seed 7: every new route and all but 3 undrawn surges, under one false alarm per key-year; the window scan carries it', { timeout: 300_000 }, () => {
    const result = runSparseScenario({ seed: 7, days: 760, print: () => {} });
    const any = result.evaluation.rows.at(-1)!;
    // 9 new routes and 16 trends of >= 3x on their key (29 by the nominal factor: 4 surges
    // share their key with a new route's traffic and are weaker there, reported apart).
    expect(any.trends).toBe(25);
    expect(result.weaker.rows.at(-1)!.trends).toBe(17);
    expect(any.falseAlarmsPerKeyYear).toBeLessThanOrEqual(SPARSE_SCENARIO.maxFalseAlarmsPerKeyYear);
    expect(result.evaluation.missed.filter((id) => id.startsWith('new-route'))).toEqual([]);
    expect(any.flagged).toBeGreaterThanOrEqual(22);
    // The bound no detector passes: flagging all 16 count trends is less likely than not.
    expect(result.oracle.all).toBeLessThan(0.5);
    // Realised counts: every missed count trend is beyond an oracle that knows its start and
    // only the key's past (two rose 1.0x and 1.4x over their true rate; the third rose over
    // a seasonal trough, below the 26 weeks before it).
    const missed = result.realised.filter((r) => result.evaluation.missed.includes(r.id));
    expect(missed.map((r) => r.id).sort()).toEqual(result.evaluation.missed.filter((id) => !id.startsWith('new-route')).sort());
    expect(missed.filter((r) => r.detectableOnBefore)).toEqual([]);
    expect(missed.filter((r) => r.detectable).length).toBeLessThanOrEqual(1);
    // The window scan flags more trends than any one-period detector.
    const scan = result.evaluation.rows.find((r) => r.detector === 'window-scan@week')!;
    for (const r of result.evaluation.rows) if (r.detector !== 'any' && r.detector !== 'window-scan@week') expect(scan.flagged).toBeGreaterThan(r.flagged);
  });
});
