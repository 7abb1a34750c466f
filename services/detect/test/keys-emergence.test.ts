// The dimension types that carry the emergence detectors: route_destination (all
// routes to one destination on one key) and narrative (all narratives of one
// language, with their terms extracted in the explode stage).
import { describe, expect, it } from 'vitest';
import { Exploder } from '../src/explode/exploder';
import { deriveDimensionKeys, narrativeLanguage } from '../src/keys';
import { event, incident } from './fixtures';

describe('emergence key types', () => {
  it('puts every route to one destination and modality on one route_destination key', () => {
    const direct = incident({ route: { origin: 'CO', transit: [], destination: 'NL' }, modality: 'sea' });
    const viaPanama = incident({ route: { origin: 'EC', transit: ['PA'], destination: 'NL' }, modality: 'sea' });
    const byAir = incident({ route: { origin: 'CO', transit: [], destination: 'NL' }, modality: 'air' });
    const keyOf = (i: ReturnType<typeof incident>) => deriveDimensionKeys(i, new Set(['route_destination'] as const));
    expect(keyOf(direct)).toEqual([{ type: 'route_destination', key: 'NL|sea', attributes: { destination: 'NL', modality: 'sea' } }]);
    expect(keyOf(viaPanama).map((k) => k.key)).toEqual(['NL|sea']);
    expect(keyOf(byAir).map((k) => k.key)).toEqual(['NL|air']);
  });

  it('keys a narrative by its base language, and derives none without one', () => {
    const narrative = (lang: string) => incident({ narrative: { text: 'Pills sold as kryolix.', lang } });
    const enabled = new Set(['narrative'] as const);
    expect(deriveDimensionKeys(narrative('pt-BR'), enabled)).toEqual([{ type: 'narrative', key: 'pt', attributes: { lang: 'pt' } }]);
    expect(deriveDimensionKeys(narrative('NL'), enabled).map((k) => k.key)).toEqual(['nl']);
    expect(deriveDimensionKeys(incident(), enabled)).toEqual([]);
    expect(narrativeLanguage('de-AT')).toBe('de');
  });

  it('explodes a narrative into terms without the text or pseudonyms, and never into a retraction', () => {
    const exploder = new Exploder(() => new Set(['narrative', 'country'] as const), () => 30);
    const inc = incident({ id: 'n1', narrative: { text: 'Courier ps1:AbC123xyz carried kryolix pills from the harbour.', lang: 'en' } });
    const first = exploder.explode(event(inc, 1)).observations;
    const obs = first.find((o) => o.observation.dim_type === 'narrative')!;
    expect(obs.topicKey).toBe('narrative|en');
    expect(obs.observation.terms!.lang).toBe('en');
    expect(obs.observation.terms!.keys).toContain('*:kryolix');
    expect(obs.observation.terms!.keys.some((k) => k.includes('ps1') || k.toLowerCase().includes('abc123'))).toBe(false);
    // The text stays in the explode stage: not in the terms' surface forms as a whole, not in the evidence.
    expect(JSON.stringify(first)).not.toContain('Courier ps1');
    expect(JSON.stringify(first)).not.toContain('AbC123xyz');
    // A revision retracts the country contribution; a narrative cannot be retracted (evidence has no text).
    const revised = exploder.explode(event({ ...inc, country: 'BE' }, 2)).observations;
    expect(revised.filter((o) => o.observation.weight === -1).map((o) => o.topicKey)).toEqual(['country|NL']);
  });
});
