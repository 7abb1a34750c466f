import type { Incident } from '@tocsin/core';
import { describe, expect, it } from 'vitest';
import { createScenario, TREND_KINDS, type GroundTruthRoute, type GroundTruthTrend } from '../src/index';

// One simulated year, the run benchmarks use: every trend must be visible in it.
const scenario = createScenario({ seed: 2025, start: '2025-01-01', days: 365, extraSurges: 6 });
const incidents = [...scenario.incidents()];
const DAY = 86_400_000;
const startMs = scenario.dayStartMs(0);
const dayOf = (iso: string): number => Math.floor((Date.parse(iso) - startMs) / DAY);
const dayOfIncident = (i: Incident): number => dayOf(i.occurred_at);

function truth(id: string): GroundTruthTrend {
  const t = scenario.groundTruth.find((x) => x.id === id);
  if (!t) throw new Error(`no trend ${id} in ground truth`);
  return t;
}

/** Mean matching incidents per day over days [from, to]. */
function meanPerDay(match: (i: Incident) => boolean, from: number, to: number): number {
  let n = 0;
  for (const i of incidents) {
    const d = dayOfIncident(i);
    if (d >= from && d <= to && match(i)) n++;
  }
  return n / (to - from + 1);
}

const onRoute = (r: GroundTruthRoute) => (i: Incident): boolean =>
  i.route.origin === r.origin && i.route.destination === r.destination && i.modality === r.modality && i.route.transit.join('>') === r.transit.join('>');

describe('ground truth', () => {
  it('covers every trend kind with explicit attributes and dates inside the run', () => {
    expect(new Set(scenario.groundTruth.map((t) => t.kind))).toEqual(new Set(TREND_KINDS));
    for (const t of scenario.groundTruth) {
      expect(t.start >= '2025-01-01' && t.end <= '2025-12-31' && t.start <= t.end, t.id).toBe(true);
      expect(t.countries.length, t.id).toBeGreaterThan(0);
      expect(Object.keys(t.dimension.attributes).length, t.id).toBeGreaterThan(0);
      expect(t.description.length).toBeGreaterThan(10);
    }
    expect(JSON.parse(JSON.stringify(scenario.groundTruth))).toEqual(scenario.groundTruth);
  });

  it('method surges multiply the country-method count in their window', () => {
    const surges = scenario.groundTruth.filter((t) => t.kind === 'method-surge');
    expect(surges.length).toBe(8);
    let observed = 0;
    let expected = 0;
    for (const t of surges) {
      const { country, method } = t.dimension.attributes;
      const match = (i: Incident): boolean => i.country === country && i.methods.includes(method as string);
      const start = dayOf(t.start + 'T00:00:00Z');
      const end = dayOf(t.end + 'T00:00:00Z');
      const plateauFrom = start + 10;
      observed += meanPerDay(match, plateauFrom, end) * (end - plateauFrom + 1);
      expected += (t.expected_per_day as number) * (end - plateauFrom + 1);
      if (t.id.startsWith('surge-be-') || t.id.startsWith('surge-fr-body')) {
        const before = meanPerDay(match, start - 56, start - 1);
        const during = meanPerDay(match, plateauFrom, end);
        expect(during / before, t.id).toBeGreaterThan(0.65 * (t.multiplier as number));
        expect(during / before, t.id).toBeLessThan(1.6 * (t.multiplier as number));
      }
    }
    // Across all surges the plateau carries about what the ground truth promises.
    expect(observed / expected).toBeGreaterThan(0.7);
    expect(observed / expected).toBeLessThan(1.4);
  });

  it('a new route is absent before its start and runs near its expected rate after', () => {
    const t = truth('new-route-ec-gw-pt');
    const match = onRoute(t.dimension.attributes as GroundTruthRoute);
    const start = dayOf(t.start + 'T00:00:00Z');
    expect(meanPerDay(match, 0, start - 1)).toBe(0);
    const after = meanPerDay(match, start + 14, 364);
    expect(after).toBeGreaterThan(0.6 * t.expected_per_day);
    expect(after).toBeLessThan(1.5 * t.expected_per_day);
    expect(incidents.filter(match).every((i) => i.country === 'PT')).toBe(true);
  });

  it('a technology spreads country by country in the order and at the onsets of the ground truth', () => {
    const t = truth('spread-nitazene');
    const tech = t.dimension.attributes.technology as string;
    const firstSeen = new Map<string, number>();
    for (const i of incidents) if (i.technologies.includes(tech) && !firstSeen.has(i.country)) firstSeen.set(i.country, dayOfIncident(i));
    expect([...firstSeen.keys()]).toEqual(t.countries);
    for (const onset of t.onsets ?? []) {
      const first = firstSeen.get(onset.country) as number;
      const planned = dayOf(onset.start + 'T00:00:00Z');
      expect(first, onset.country).toBeGreaterThanOrEqual(planned);
      expect(first - planned, onset.country).toBeLessThanOrEqual(10);
    }
  });

  it('a new term appears in narratives only from its onset in each country', () => {
    const t = truth('term-kryolix');
    const term = t.dimension.attributes.term as string;
    const withTerm = incidents.filter((i) => i.narrative?.text.includes(term));
    expect(withTerm.length).toBeGreaterThan(100);
    const onsetOf = new Map((t.onsets ?? []).map((o) => [o.country, dayOf(o.start + 'T00:00:00Z')]));
    for (const i of withTerm) {
      expect(onsetOf.has(i.country), i.country).toBe(true);
      expect(dayOfIncident(i)).toBeGreaterThanOrEqual(onsetOf.get(i.country) as number);
    }
    expect(new Set(withTerm.map((i) => i.narrative?.lang)).size).toBeGreaterThanOrEqual(3);
  });

  it('a displacement moves traffic from the old route to the new one towards the same destination', () => {
    const t = truth('displacement-balkan-hu-to-hr');
    const from = t.displaced_from as GroundTruthRoute;
    const to = t.dimension.attributes as GroundTruthRoute;
    expect(from.destination).toBe(to.destination);
    const start = dayOf(t.start + 'T00:00:00Z');
    const oldBefore = meanPerDay(onRoute(from), start - 56, start - 1);
    const oldAfter = meanPerDay(onRoute(from), start + 14, start + 69);
    const newBefore = meanPerDay(onRoute(to), start - 56, start - 1);
    const newAfter = meanPerDay(onRoute(to), start + 14, start + 69);
    expect(oldAfter / oldBefore).toBeLessThan(0.6);
    expect(newAfter / newBefore).toBeGreaterThan(0.6 * (t.multiplier as number));
  });

  it('injects nothing when trends are off', () => {
    const quiet = createScenario({ seed: 2025, start: '2025-01-01', days: 365, trends: 'none' });
    expect(quiet.groundTruth).toEqual([]);
    const quietDays = [...quiet.incidents(100, 200)];
    expect(quietDays.length).toBeGreaterThan(20_000);
    expect(quietDays.filter((i) => i.technologies.includes('nps.nitazene') || (i.narrative?.text ?? '').includes('kryolix'))).toEqual([]);
  });

  it('drops trends that start after a short run ends', () => {
    const short = createScenario({ seed: 1, start: '2025-01-01', days: 10, trends: [
      { kind: 'method-surge', id: 'late', startDay: 20, rampDays: 1, country: 'NL', method: 'concealment.container', multiplier: 2, description: 'after the end' },
    ] });
    expect(short.groundTruth).toEqual([]);
  });
});
