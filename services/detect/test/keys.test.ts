import { describe, expect, it } from 'vitest';
import { DIMENSION_TYPES, deriveDimensionKeys, dimensionTopicKey, parseDimensionTopicKey } from '../src/keys';
import { incident } from './fixtures';

const all = new Set(DIMENSION_TYPES);

describe('deriveDimensionKeys', () => {
  it('derives every documented key type in its documented format', () => {
    const keys = deriveDimensionKeys(incident(), all).map((k) => `${k.type}=${k.key}`);
    expect(keys).toEqual([
      'country=NL',
      'category=0601',
      'route=CO>PA>NL|sea',
      'route_destination=NL|sea',
      'route_edge=CO>PA|sea',
      'route_edge=PA>NL|sea',
      'method=concealment.container',
      'country_method=NL|method:concealment.container',
      'technology=messenger.encrypted',
      'country_technology=NL|technology:messenger.encrypted',
      'commodity=drug.cocaine',
      'country_commodity=NL|commodity:drug.cocaine',
      'route_commodity=CO>PA>NL|sea|commodity:drug.cocaine',
    ]);
  });

  it('names the parts of each key in attributes', () => {
    const keys = deriveDimensionKeys(incident(), all);
    expect(keys.find((k) => k.type === 'route')!.attributes).toEqual({ origin: 'CO', transit: ['PA'], destination: 'NL', modality: 'sea' });
    expect(keys.find((k) => k.type === 'country_method')!.attributes).toEqual({ country: 'NL', method: 'concealment.container' });
    expect(keys.find((k) => k.type === 'route_commodity')!.attributes).toMatchObject({ origin: 'CO', destination: 'NL', commodity: 'drug.cocaine' });
  });

  it('counts a repeated edge once and skips self-loops', () => {
    const inc = incident({ route: { origin: 'MA', transit: ['ES', 'MA', 'ES'], destination: 'ES' }, modality: 'land' });
    const edges = deriveDimensionKeys(inc, new Set(['route_edge'] as const)).map((k) => k.key);
    expect(edges).toEqual(['MA>ES|land', 'ES>MA|land']);
  });

  it('derives only the enabled types', () => {
    const keys = deriveDimensionKeys(incident({ methods: ['a', 'b'] }), new Set(['method', 'country'] as const));
    expect(keys.map((k) => k.key)).toEqual(['NL', 'a', 'b']);
  });
});

describe('topic keys', () => {
  it('round-trips type and key, splitting at the first bar', () => {
    const topicKey = dimensionTopicKey('country_method', 'NL|method:x');
    expect(topicKey).toBe('country_method|NL|method:x');
    expect(parseDimensionTopicKey(topicKey)).toEqual({ type: 'country_method', key: 'NL|method:x' });
    expect(parseDimensionTopicKey('nobar')).toBeNull();
  });
});
