// The ground truth states each trend's expected ratio on the key the detectors score
// (key_multiplier), not only the factor applied to the streams it acts on: a new route
// carrying the surged method in the same country dilutes a ×3 surge on country×method.
import type { Incident } from '@tocsin/core';
import { describe, expect, it } from 'vitest';
import { createScenario, type TrendSpec } from '../src/index';

const START = 100;
const END = 299;
const newRoute: TrendSpec = {
  kind: 'new-route', id: 'route', startDay: START, rampDays: 1, country: 'PT', ratePerDay: 2,
  description: 'A new route whose incidents carry the surged method in the same country.',
  pattern: {
    family: 'drugs', category: '06012', commodities: ['drug.cocaine'], modality: 'sea', origin: 'EC', transit: ['GW'], destination: 'PT',
    dispersion: 3, season: { amplitude: 0, peakDay: 0 }, profiles: [{ methods: ['mother-ship'], technologies: [], weight: 1 }],
    quantity: { unit: 'kg', median: 300, sigma: 0.9 }, roles: ['suspect'],
  },
};
const surge: TrendSpec = {
  kind: 'method-surge', id: 'surge', startDay: START, endDay: END, rampDays: 1, country: 'PT', method: 'mother-ship', multiplier: 3,
  description: 'Mother ships in Portugal ×3 on the baseline corridor.',
};
const options = { seed: 5, start: '2025-01-01', days: 300 };
const onKey = (i: Incident): boolean => i.country === 'PT' && i.methods.includes('mother-ship');

function perDayOnKey(trends: TrendSpec[]): number {
  const scenario = createScenario({ ...options, trends });
  let n = 0;
  for (const i of scenario.incidents(START, END + 1)) if (onKey(i)) n++;
  return n / (END - START + 1);
}

describe('key-level ground truth', () => {
  const scenario = createScenario({ ...options, trends: [newRoute, surge] });
  const t = scenario.groundTruth.find((x) => x.id === 'surge')!;

  it('states the ratio on the country×method key, diluted by the new route the surge does not act on', () => {
    expect(t.multiplier).toBe(3);
    expect(t.key_multiplier).not.toBeNull();
    expect(t.key_multiplier!).toBeLessThan(2.2);
    expect(t.key_multiplier!).toBeGreaterThan(1.3);
    expect(t.key_multiplier!).toBeCloseTo(t.key_expected_per_day / t.key_baseline_per_day, 2);
  });

  it('matches what the generator draws on that key, with and without the surge', () => {
    // Several hundred incidents each: the model's means within 10 %.
    expect(perDayOnKey([newRoute, surge]) / t.key_expected_per_day).toBeGreaterThan(0.9);
    expect(perDayOnKey([newRoute, surge]) / t.key_expected_per_day).toBeLessThan(1.1);
    expect(perDayOnKey([newRoute]) / t.key_baseline_per_day).toBeGreaterThan(0.9);
    expect(perDayOnKey([newRoute]) / t.key_baseline_per_day).toBeLessThan(1.1);
  });

  it('equals the nominal factor when nothing else counts on the key, and is null for a new pattern', () => {
    const alone = createScenario({ ...options, trends: [surge] }).groundTruth[0]!;
    expect(alone.key_multiplier).toBeCloseTo(3, 2);
    const route = scenario.groundTruth.find((x) => x.id === 'route')!;
    expect(route.key_baseline_per_day).toBe(0);
    expect(route.key_multiplier).toBeNull();
  });

  it('gives the expected count on the key over any span, with and without the trend, consistent with the per-day fields', () => {
    const plateau = END - START + 1;
    // rampDays 1: the plateau is the whole trend, so the span's mean is the per-day field.
    expect(scenario.expectedOnKey('surge', START, END) / plateau).toBeCloseTo(t.key_expected_per_day, 2);
    expect(scenario.expectedOnKey('surge', START, END, true) / plateau).toBeCloseTo(t.key_baseline_per_day, 2);
    // Before the trend, with or without it is the same; days outside the run count nothing.
    expect(scenario.expectedOnKey('surge', 0, START - 1)).toBeCloseTo(scenario.expectedOnKey('surge', 0, START - 1, true), 10);
    expect(scenario.expectedOnKey('surge', 290, 400)).toBeCloseTo(scenario.expectedOnKey('surge', 290, 299), 10);
    expect(() => scenario.expectedOnKey('nope', 0, 10)).toThrow(expect.objectContaining({ code: 'unknown_trend' }));
  });
});
