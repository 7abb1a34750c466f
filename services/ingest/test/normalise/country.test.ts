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

describe('toAlpha2 with UN and ISO official names', () => {
  it.each([
    ['Iran (Islamic Republic of)', 'IR'],
    ['United Kingdom of Great Britain and Northern Ireland', 'GB'],
    ['Republic of Moldova', 'MD'],
    ["Côte d'Ivoire", 'CI'],
    ['Ivory Coast', 'CI'],
    ['Türkiye', 'TR'],
    ['Turkey', 'TR'],
    ['Bolivia (Plurinational State of)', 'BO'],
    ['Venezuela (Bolivarian Republic of)', 'VE'],
    ['Micronesia (Federated States of)', 'FM'],
    ['Netherlands (Kingdom of the)', 'NL'],
    ['Republic of Korea', 'KR'],
    ['United Republic of Tanzania', 'TZ'],
    ['United States of America', 'US'],
    ['Viet Nam', 'VN'],
    ["Lao People's Democratic Republic", 'LA'],
    ['Syrian Arab Republic', 'SY'],
    ['Russian Federation', 'RU'],
    ['Democratic Republic of the Congo', 'CD'],
    ['Czechia', 'CZ'],
    ['Cabo Verde', 'CV'],
    ['State of Palestine', 'PS'],
    ['the Gambia', 'GM'],
    ['Wallis and Futuna Islands', 'WF'],
    ['Sint Maarten (Dutch part)', 'SX'],
  ])('%j → %s', (input, expected) => {
    expect(toAlpha2(input)).toBe(expected);
  });

  // Unknown, several, or ambiguous: never guessed.
  it.each(['Unknown', 'Mixed', 'Guinea, Mali', 'Congo', 'Mediterranean Sea', 'Sahara', 'Republic', 'Kingdom of Nowhere'])('%j is not a country', (input) => {
    expect(toAlpha2(input)).toBeNull();
  });
});
