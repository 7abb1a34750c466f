// Narrative text → the set of candidate terms one document contains: stems,
// stem bigrams and language-independent words. What is dropped: stop-words,
// numbers, pseudonyms (ps1:…), words of taxonomy labels and country names —
// those are already counted as dimensions, so a term signal is about words
// Tocsin does not know yet.
// The reference makes the natural sub-path types visible to every workspace
// that typechecks this file through @tocsin/detect, not only to this one.
/// <reference path="./natural.d.ts" />
import { RegexpTokenizer } from 'natural/lib/natural/tokenizers/regexp_tokenizer';
import porterEn from 'natural/lib/natural/stemmers/porter_stemmer';
import porterFr from 'natural/lib/natural/stemmers/porter_stemmer_fr';
import porterDe from 'natural/lib/natural/stemmers/porter_stemmer_de';
import porterEs from 'natural/lib/natural/stemmers/porter_stemmer_es';
import porterIt from 'natural/lib/natural/stemmers/porter_stemmer_it';
import porterNl from 'natural/lib/natural/stemmers/porter_stemmer_nl';
import porterPt from 'natural/lib/natural/stemmers/porter_stemmer_pt';
import porterRu from 'natural/lib/natural/stemmers/porter_stemmer_ru';
import porterSv from 'natural/lib/natural/stemmers/porter_stemmer_sv';
import porterNo from 'natural/lib/natural/stemmers/porter_stemmer_no';
import porterUk from 'natural/lib/natural/stemmers/porter_stemmer_uk';
import stopEn from 'natural/lib/natural/util/stopwords';
import stopFr from 'natural/lib/natural/util/stopwords_fr';
import stopEs from 'natural/lib/natural/util/stopwords_es';
import stopIt from 'natural/lib/natural/util/stopwords_it';
import stopNl from 'natural/lib/natural/util/stopwords_nl';
import stopPt from 'natural/lib/natural/util/stopwords_pt';
import stopRu from 'natural/lib/natural/util/stopwords_ru';
import stopSv from 'natural/lib/natural/util/stopwords_sv';
import stopNo from 'natural/lib/natural/util/stopwords_no';
import stopPl from 'natural/lib/natural/util/stopwords_pl';
import stopUk from 'natural/lib/natural/util/stopwords_uk';
import type { Taxonomy } from '@tocsin/core';
import { TAXONOMY_KINDS } from '@tocsin/core';
import { requireOption } from './errors';

type Stemmer = { stem(token: string): string };

const STEMMERS: Record<string, Stemmer> = {
  en: porterEn, fr: porterFr, de: porterDe, es: porterEs, it: porterIt, nl: porterNl,
  pt: porterPt, ru: porterRu, sv: porterSv, no: porterNo, nb: porterNo, uk: porterUk,
};

// natural ships no German list (its German stemmer borrows stopwords-iso); these
// are the function words that dominate German police prose.
const GERMAN_STOP_WORDS = (
  'aber als am an auch auf aus bei bis bisher da dann das dass dem den der des die dies diese dieser doch durch ein eine einem einen einer eines er es für hat hatte im in ist ja kein keine mit nach nicht noch nur oder per sein seit sich sie sind so über um und unter vom von vor war wird wurde wurden zu zum zur zwischen es ihr ihre man mehr'
).split(' ');

const STOP_WORDS: Record<string, readonly string[]> = {
  en: stopEn.words, fr: stopFr.words, es: stopEs.words, it: stopIt.words, nl: stopNl.words,
  pt: stopPt.words, ru: stopRu.words, sv: stopSv.words, no: stopNo.words, nb: stopNo.words,
  pl: stopPl.words, uk: stopUk.words, de: GERMAN_STOP_WORDS,
};

/** Units and record boilerplate that every narrative may carry. */
const BOILERPLATE = ['kg', 'eur', 'usd', 'units', 'items', 'persons', 'person'];

// Gaps are anything but letters and digits in any script. natural's aggressive
// tokenizers are ASCII-only for several languages (they split "Straße" and "ação").
const tokenizer = new RegexpTokenizer({ pattern: /[^\p{L}\p{N}]+/u });
const PSEUDONYM = /ps1:[^\s,;.()"'«»“”]+/giu;
const HAS_LETTER = /\p{L}/u;
const SENTENCE_END = /[.!?;:\n]+(?:\s|$)/u;

export interface TermExtractorOptions {
  /** Phrases whose words are known vocabulary (taxonomy labels, codes); see taxonomyVocabulary(). */
  knownVocabulary: Iterable<string>;
  /** Drop words of country names in the narrative's language (they are route dimensions already). Default true. */
  dropCountryNames: boolean;
  /** Tokens shorter than this are dropped (default 3). */
  minTokenLength: number;
  /** Tokens read per document at most, bounding the work per incident (default 300). */
  maxTokens: number;
  /** Also emit bigrams of adjacent kept tokens (default true). */
  bigrams: boolean;
  /**
   * Also emit each kept word unstemmed and without diacritics under `*:<word>`
   * (default true): a street name quoted verbatim in French, Dutch and English
   * reports is one term there, while per-language stems split it.
   */
  crossLanguage: boolean;
}

/** Language part of cross-language term keys. */
export const ALL_LANGUAGES = '*';

export interface ExtractedTerms {
  /** Language used (base subtag: `pt-BR` → `pt`). */
  lang: string;
  /**
   * Distinct term keys in this document: `<lang>:<stem>`, `<lang>:<stem> <stem>`
   * (bigrams) and, with crossLanguage, `*:<folded word>`.
   */
  keys: string[];
  /** Surface form (lower-cased words as written) of each key, same index, for display. */
  surface: string[];
}

/** What one word of one language becomes; cached, so a word is analysed once. */
interface WordTerm {
  stem: string;
  /** `<lang>:<stem>` */
  key: string;
  /** `*:<folded word>` */
  crossKey: string;
  /** Bigram keys with the words that followed it, so repeated phrases reuse one string. */
  next?: Map<WordTerm, string>;
}

/** Followers cached per word; the rest build their bigram key each time. */
const BIGRAM_CACHE_LIMIT = 64;

function bigramKey(prev: WordTerm, term: WordTerm): string {
  let key = prev.next?.get(term);
  if (key === undefined) {
    key = `${prev.key} ${term.stem}`;
    prev.next ??= new Map();
    if (prev.next.size < BIGRAM_CACHE_LIMIT) prev.next.set(term, key);
  }
  return key;
}

/** Every phrase a taxonomy knows: labels and the words of codes. */
export function taxonomyVocabulary(taxonomy: Taxonomy): string[] {
  const out: string[] = [];
  for (const kind of TAXONOMY_KINDS) {
    for (const code of taxonomy.codes(kind)) {
      out.push(code.replace(/[._-]+/g, ' '));
      const label = taxonomy.label(kind, code);
      if (label) out.push(label);
    }
  }
  return out;
}

// ISO 3166 alpha-2 codes Intl knows a name for (skips the unassigned ones).
function regionCodes(): string[] {
  const codes: string[] = [];
  const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      if (names.of(code) !== undefined) codes.push(code);
    }
  }
  return codes;
}

const WORD_CACHE_LIMIT = 50_000;
const ASCII = /^[\x00-\x7f]*$/;
const MARKS = /\p{M}+/gu;

/** Lower-case word without diacritics (cocaïne → cocaine); ASCII passes untouched. */
export function fold(word: string): string {
  return ASCII.test(word) ? word : word.normalize('NFKD').replace(MARKS, '');
}

interface LanguageContext {
  lang: string;
  stop: Set<string>;
  known: Set<string>;
  /** word → its term, or null when the word is dropped. */
  words: Map<string, WordTerm | null>;
}

export class TermExtractor {
  readonly options: TermExtractorOptions;
  private readonly perLang = new Map<string, LanguageContext>();
  private readonly vocabulary: string[];
  private regions: string[] | undefined;
  private readonly seen = new Set<string>();

  constructor(options: Partial<TermExtractorOptions> = {}) {
    this.options = {
      knownVocabulary: options.knownVocabulary ?? [],
      dropCountryNames: options.dropCountryNames ?? true,
      minTokenLength: options.minTokenLength ?? 3,
      maxTokens: options.maxTokens ?? 300,
      bigrams: options.bigrams ?? true,
      crossLanguage: options.crossLanguage ?? true,
    };
    requireOption(this.options.minTokenLength >= 1, 'minTokenLength must be ≥ 1', this.options.minTokenLength);
    requireOption(this.options.maxTokens >= 1, 'maxTokens must be ≥ 1', this.options.maxTokens);
    this.vocabulary = [...this.options.knownVocabulary];
  }

  /** `pt-BR` → `pt`; languages without a stemmer are still tokenised, just not stemmed. */
  static baseLanguage(lang: string): string {
    const dash = lang.indexOf('-');
    return (dash < 0 ? lang : lang.slice(0, dash)).toLowerCase();
  }

  extract(text: string, langTag: string): ExtractedTerms {
    const lang = TermExtractor.baseLanguage(langTag);
    const ctx = this.context(lang);
    const { bigrams, crossLanguage } = this.options;
    const keys: string[] = [];
    const surface: string[] = [];
    // One set reused across documents: extraction is per incident, garbage is not free.
    const seen = this.seen;
    seen.clear();
    const add = (key: string, form: string): void => {
      if (seen.has(key)) return;
      seen.add(key);
      keys.push(key);
      surface.push(form);
    };
    let budget = this.options.maxTokens;
    // Bigrams never cross a sentence end.
    const cleaned = text.includes('ps1:') ? text.replace(PSEUDONYM, ' ') : text;
    for (const sentence of cleaned.toLowerCase().split(SENTENCE_END)) {
      const tokens = tokenizer.tokenize(sentence);
      let prev: WordTerm | null = null;
      let prevWord = '';
      for (let i = 0; i < tokens.length && budget > 0; i++, budget--) {
        const word = tokens[i]!;
        const term = this.analyse(word, ctx);
        // A dropped word breaks adjacency: bigrams are runs of unknown words.
        if (term === null) {
          prev = null;
          continue;
        }
        add(term.key, word);
        if (crossLanguage) add(term.crossKey, term.crossKey.slice(ALL_LANGUAGES.length + 1));
        if (bigrams && prev !== null && prev.stem !== term.stem) {
          const key = bigramKey(prev, term);
          if (!seen.has(key)) add(key, `${prevWord} ${word}`);
        }
        prev = term;
        prevWord = word;
      }
      if (budget === 0) break;
    }
    return { lang, keys, surface };
  }

  private analyse(word: string, ctx: LanguageContext): WordTerm | null {
    const cached = ctx.words.get(word);
    if (cached !== undefined) return cached;
    let term: WordTerm | null = null;
    if (this.keep(word, ctx)) {
      const stem = this.stem(word, ctx.lang);
      if (!ctx.known.has(stem)) term = { stem, key: `${ctx.lang}:${stem}`, crossKey: `${ALL_LANGUAGES}:${fold(word)}` };
    }
    // A full cache is cleared rather than managed: refilling is cheap, an LRU is not.
    if (ctx.words.size >= WORD_CACHE_LIMIT) ctx.words.clear();
    ctx.words.set(word, term);
    return term;
  }

  private keep(word: string, ctx: { stop: Set<string> }): boolean {
    return word.length >= this.options.minTokenLength && HAS_LETTER.test(word) && !ctx.stop.has(word);
  }

  private stem(word: string, lang: string): string {
    const stemmer = STEMMERS[lang];
    return stemmer ? stemmer.stem(word) || word : word;
  }

  private context(lang: string): LanguageContext {
    let ctx = this.perLang.get(lang);
    if (ctx) return ctx;
    const stop = new Set([...(STOP_WORDS[lang] ?? []), ...BOILERPLATE]);
    const known = new Set<string>();
    const phrases = [...this.vocabulary];
    if (this.options.dropCountryNames) {
      this.regions ??= regionCodes();
      const names = new Intl.DisplayNames([lang], { type: 'region', fallback: 'none' });
      for (const code of this.regions) {
        const name = names.of(code);
        if (name) phrases.push(name);
      }
    }
    ctx = { lang, stop, known, words: new Map() };
    for (const phrase of phrases) {
      for (const token of tokenizer.tokenize(phrase)) {
        const word = token.toLowerCase();
        if (this.keep(word, ctx)) known.add(this.stem(word, lang));
      }
    }
    this.perLang.set(lang, ctx);
    return ctx;
  }
}
