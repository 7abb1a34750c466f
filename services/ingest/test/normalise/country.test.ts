import { describe, expect, it } from 'vitest';
import { foldName, toAlpha2 } from '../../src/normalise/country';

describe('toAlpha2', () => {
  it.each([
    ['FR', 'FR'],
    ['fr', 'FR'],
    [' nl ', 'NL'],
    ['UK', 'GB'],
    ['EL', 'GR'],
    ['XK', 'XK'],
    ['DEU', 'DE'],
    ['col', 'CO'],
    ['Germany', 'DE'],
    ['Allemagne', 'DE'],
    ['Deutschland', 'DE'],
    ['Alemania', 'DE'],
    ['españa', 'ES'],
    ['ESPAGNE', 'ES'],
    ['Côte d’Ivoire', 'CI'],
    ['Cote d Ivoire', 'CI'],
    ['United Kingdom', 'GB'],
    ['Great Britain', 'GB'],
    ['Pays-Bas', 'NL'],
    ['Niederlande', 'NL'],
    ['Marruecos', 'MA'],
  ])('%j → %s', (input, expected) => {
    expect(toAlpha2(input)).toBe(expected);
  });

  it.each(['', 'ZZ', 'XYZ', 'Atlantis', 'Europe', '12'])('%j is unknown', (input) => {
    expect(toAlpha2(input)).toBeNull();
  });

  it('folds names', () => {
    expect(foldName('  Côte d’Ivoire ')).toBe('cote d ivoire');
  });
});
