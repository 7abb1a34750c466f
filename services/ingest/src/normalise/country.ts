// Country names and codes to ISO 3166-1 alpha-2. Partners write "FRA", "France",
// "Allemagne", "Deutschland" or "España"; Tocsin keys everything by alpha-2.
import { createRequire } from 'node:module';
import countries from 'i18n-iso-countries';

const require = createRequire(import.meta.url);

/** Locales whose country names are recognised. English, French, German and Spanish are required; the others are cheap. */
export const COUNTRY_NAME_LOCALES = ['en', 'fr', 'de', 'es', 'it', 'nl', 'pt'] as const;

/** Codes in common use that ISO does not assign as such. */
const CODE_ALIASES: Record<string, string> = { UK: 'GB', EL: 'GR' };

interface CountryIndex {
  alpha2: Set<string>;
  byName: Map<string, string>;
}

let index: CountryIndex | undefined;

/** Lower case, no accents, punctuation as single spaces: "Côte d’Ivoire" → "cote d ivoire". */
export function foldName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function buildIndex(): CountryIndex {
  const byName = new Map<string, string>();
  const ambiguous = new Set<string>();
  for (const locale of COUNTRY_NAME_LOCALES) {
    countries.registerLocale(require(`i18n-iso-countries/langs/${locale}.json`) as countries.LocaleData);
    for (const [code, names] of Object.entries(countries.getNames(locale, { select: 'all' }))) {
      for (const name of names as string[]) {
        const key = foldName(name);
        const known = byName.get(key);
        // A name meaning two countries in two languages is refused rather than guessed.
        if (known !== undefined && known !== code) ambiguous.add(key);
        else byName.set(key, code);
      }
    }
  }
  for (const key of ambiguous) byName.delete(key);
  return { alpha2: new Set(Object.keys(countries.getAlpha2Codes())), byName };
}

/** Builds the name index now (it is built lazily otherwise), e.g. before a benchmark. */
export function countryIndex(): CountryIndex {
  return (index ??= buildIndex());
}

/**
 * Answers for spellings already seen: a feed repeats a few dozen country spellings, and a
 * name costs a Unicode fold. Capped so a feed of random strings cannot grow it without end.
 */
const answers = new Map<string, string | null>();
const ANSWERS_MAX = 10_000;

/** Alpha-2 code for a code or name, or null when unknown. */
export function toAlpha2(value: string): string | null {
  let code = answers.get(value);
  if (code === undefined) {
    code = lookUp(value);
    if (answers.size < ANSWERS_MAX) answers.set(value, code);
  }
  return code;
}

function lookUp(value: string): string | null {
  const { alpha2, byName } = countryIndex();
  if (value.length === 2 && alpha2.has(value)) return value;
  const trimmed = value.trim();
  if (trimmed.length === 2) {
    const upper = trimmed.toUpperCase();
    const code = CODE_ALIASES[upper] ?? upper;
    return alpha2.has(code) ? code : null;
  }
  if (trimmed.length === 3 && /^[A-Za-z]{3}$/.test(trimmed)) {
    const code = countries.alpha3ToAlpha2(trimmed.toUpperCase());
    if (code) return code;
  }
  return byName.get(foldName(trimmed)) ?? null;
}
