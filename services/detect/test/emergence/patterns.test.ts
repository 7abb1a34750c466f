import { describe, expect, it } from 'vitest';
import { patternsOf, routeHops } from '../../src/emergence';

const incident = {
  country: 'NL',
  route: { origin: 'CO', transit: ['PA', 'ES'], destination: 'NL' },
  modality: 'sea' as const,
  methods: ['concealment.container'],
  technologies: ['encrypted-phone'],
  commodities: ['drug.cocaine'],
};

describe('patternsOf', () => {
  it('gives one edge per hop, the full route, commodity on route, method and technology in the country', () => {
    const byType = (t: string) => patternsOf(incident).filter((p) => p.type === t).map((p) => p.key);
    expect(byType('route_edge')).toEqual(['CO>PA|sea', 'PA>ES|sea', 'ES>NL|sea']);
    expect(byType('route')).toEqual(['CO>PA>ES>NL|sea']);
    expect(byType('route_commodity')).toEqual(['CO>PA>ES>NL|sea|commodity:drug.cocaine']);
    expect(byType('country_method')).toEqual(['NL|method:concealment.container']);
    expect(byType('country_technology')).toEqual(['NL|technology:encrypted-phone']);
  });

  it('names the parts of each key as signal attributes', () => {
    const route = patternsOf(incident).find((p) => p.type === 'route_commodity')!;
    expect(route.attributes).toEqual({ origin: 'CO', transit: ['PA', 'ES'], destination: 'NL', modality: 'sea', commodity: 'drug.cocaine' });
  });

  it('skips a country repeated in place (no self-loop edges) and an edge passed twice', () => {
    expect(routeHops({ origin: 'MA', transit: ['MA', 'ES'], destination: 'ES' })).toEqual([['MA', 'ES']]);
    expect(routeHops({ origin: 'A', transit: ['B', 'A', 'B'], destination: 'C' })).toEqual([['A', 'B'], ['B', 'A'], ['B', 'C']]);
  });
});
