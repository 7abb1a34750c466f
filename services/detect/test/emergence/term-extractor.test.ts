import { loadTaxonomy } from '@tocsin/core';
import { describe, expect, it } from 'vitest';
import { TermExtractor, fold, taxonomyVocabulary } from '../../src/emergence';

const extractor = new TermExtractor({ knownVocabulary: taxonomyVocabulary(loadTaxonomy()) });
const keysOf = (text: string, lang: string): string[] => extractor.extract(text, lang).keys;

describe('TermExtractor', () => {
  it('stems per language and drops stop-words, numbers and pseudonyms', () => {
    const { lang, keys } = extractor.extract('The smugglers carried 12 boxes for ps1:Zx9_kK-2 and ps1:q8 near the harbour', 'en');
    expect(lang).toBe('en');
    expect(keys).toEqual(expect.arrayContaining(['en:smuggler', 'en:carri', 'en:harbour', 'en:smuggler carri']));
    expect(keys.some((t) => /\d/.test(t))).toBe(false);
    expect(keys.some((t) => t.includes('ps1') || t.includes('zx9'))).toBe(false);
    expect(keys).not.toContain('en:the');
    expect(keys).not.toContain('en:for');
  });

  it('adds the cross-language view: each kept word unstemmed, without diacritics', () => {
    const { keys, surface } = extractor.extract('Les acheteurs l’appellent kryolix ou tusí.', 'fr');
    expect(keys).toEqual(expect.arrayContaining(['fr:acheteur', '*:acheteurs', '*:kryolix', '*:tusi']));
    expect(surface[keys.indexOf('*:tusi')]).toBe('tusi');
    expect(new TermExtractor({ crossLanguage: false }).extract('kryolix', 'fr').keys).toEqual(['fr:kryolix']);
  });

  it('drops words of taxonomy labels and country names: those are dimensions already', () => {
    const keys = keysOf('Cocaine concealed in a shipping container from Colombia to the Netherlands, sold as tusi.', 'en');
    for (const dropped of ['en:cocain', 'en:container', 'en:colombia', 'en:netherland', '*:colombia']) expect(keys).not.toContain(dropped);
    expect(keys).toContain('en:tusi');
  });

  it('forms bigrams of adjacent kept words, never across a sentence end or a dropped word', () => {
    const { keys, surface } = extractor.extract('Pink powder seized. Powder called blue tusi by buyers.', 'en');
    expect(keys).toContain('en:pink powder');
    expect(keys).toContain('en:blue tusi');
    expect(keys).not.toContain('en:powder powder');
    expect(keys).not.toContain('en:seiz powder'); // sentence end
    expect(keys).not.toContain('en:tusi buyer'); // "by" is a stop-word
    expect(surface[keys.indexOf('en:blue tusi')]).toBe('blue tusi');
  });

  it('keeps letters of every script (natural’s aggressive tokenizers split "Straße" and "ação")', () => {
    const de = keysOf('Abnehmer nennen es Straßenglück.', 'de');
    expect(de).toContain('de:strassengluck'); // natural's German stemmer folds ß and umlauts
    expect(de).toContain('*:straßengluck');
    const pt = extractor.extract('A operação apreendeu comprimidos', 'pt-BR');
    expect(pt.lang).toBe('pt');
    expect(pt.keys).toContain('*:operacao');
  });

  it('tokenises languages without a stemmer without stemming them', () => {
    expect(keysOf('kuriren fraktade paketen', 'fi')).toEqual(expect.arrayContaining(['fi:kuriren', 'fi:fraktade', 'fi:paketen']));
  });

  it('folds diacritics for the cross-language view', () => {
    expect(fold('cocaïne')).toBe('cocaine');
    expect(fold('tusi')).toBe('tusi');
  });

  it('reads at most maxTokens tokens of a document', () => {
    const short = new TermExtractor({ maxTokens: 3, bigrams: false, crossLanguage: false, dropCountryNames: false });
    expect(short.extract('alpha bravo charlie delta echo', 'en').keys).toHaveLength(3);
  });
});
