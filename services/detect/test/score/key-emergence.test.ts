// Emergence state in the key snapshot: what is written is what comes back, for each
// of the three detectors, and the terms state is written compressed.
import type { Evidence } from '@tocsin/core';
import { describe, expect, it } from 'vitest';
import { emergenceFor, emergenceRecord, restoreEmergence } from '../../src/score/key-emergence';
import { emergenceSettings } from '../../src/score/emergence-settings';
import { narrativeTerms } from '../../src/explode/narrative-terms';
import { testPlan } from '../plan';

const settings = emergenceSettings(testPlan({ dimensions: ['technology', 'route_destination', 'narrative'] }));
const DAY0 = 20_100;

function evidence(n: number, country: string, transit: string[] = []): Evidence {
  return {
    incident_id: `p:${n}`, partner: `${country.toLowerCase()}-police`, country, occurred_at: new Date((DAY0 + (n % 20)) * 86_400_000).toISOString(),
    route: { origin: 'CO', transit: transit as [], destination: 'NL' }, modality: 'sea',
    handling: { tlp: 'GREEN', source_reliability: 'A', information_credibility: '1' },
  };
}

describe('emergence state in the key snapshot', () => {
  it('gives each emergence key type its detector and nothing to other keys', () => {
    expect(emergenceFor('technology', 'nps.x', settings)?.kind).toBe('spread');
    expect(emergenceFor('route_edge', 'CO>NL|sea', settings)?.kind).toBe('spread');
    expect(emergenceFor('route_destination', 'NL|sea', settings)?.kind).toBe('displacement');
    expect(emergenceFor('narrative', 'en', settings)?.kind).toBe('terms');
    expect(emergenceFor('country', 'NL', settings)).toBeNull();
    const off = emergenceSettings(testPlan({ emergence: { cross_border_spread: false, route_displacement: false, emerging_terms: false } }));
    expect(['technology', 'route_destination', 'narrative'].map((t) => emergenceFor(t, 'x', off))).toEqual([null, null, null]);
  });

  it('round-trips spread, displacement and terms state, open buckets included', () => {
    const spread = emergenceFor('technology', 'nps.x', settings)!;
    const displacement = emergenceFor('route_destination', 'NL|sea', settings)!;
    const terms = emergenceFor('narrative', 'en', settings)!;
    for (let n = 0; n < 60; n++) {
      const e = evidence(n, n % 3 ? 'NL' : 'BE', n % 2 ? ['PA'] : []);
      const day = DAY0 + (n % 20);
      if (spread.kind === 'spread') spread.detector.observe(day, e);
      if (displacement.kind === 'displacement') displacement.detector.observe(day, e);
      if (terms.kind === 'terms') terms.detector.observe({ dimType: 'narrative', dimKey: 'en', attributes: { lang: 'en' }, weight: 1, day, evidence: e, terms: narrativeTerms({ narrative: { text: `Pills sold as kryolix ${n % 4 ? 'near the harbour' : 'in a truck'}.`, lang: 'en' } })! }, -Infinity);
    }
    if (spread.kind === 'spread') spread.detector.closeWeek(Math.floor((DAY0 + 3) / 7), [], true);
    if (displacement.kind === 'displacement') displacement.detector.closeDay(DAY0 + 5, true);
    if (terms.kind === 'terms') terms.detector.closeDay(DAY0 + 5, true);
    for (const [type, key, e] of [['technology', 'nps.x', spread], ['route_destination', 'NL|sea', displacement], ['narrative', 'en', terms]] as const) {
      const record = JSON.parse(JSON.stringify(emergenceRecord(e)));
      const back = restoreEmergence(type, key, record, settings)!;
      expect(back.kind).toBe(e.kind);
      expect(JSON.stringify(back.detector.toJSON())).toBe(JSON.stringify(e.detector.toJSON()));
    }
    // The terms state travels gzipped: far smaller than its JSON.
    const packed = emergenceRecord(terms).terms as { gzip: string };
    expect(typeof packed.gzip).toBe('string');
    expect(packed.gzip.length).toBeLessThan(JSON.stringify(terms.detector.toJSON()).length / 2);
  });
});
