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
  /** The same names without spaces: "Viet Nam" and "Vietnam" meet here. */
  byCompactName: Map<string, string>;
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

/**
 * Other orders of one name, as UN and ISO lists write them: "Moldova, Republic of" is also
 * "Republic of Moldova"; "Iran (Islamic Republic of)" is "Islamic Republic of Iran" and
 * "Iran"; "Holy See (Vatican City State)" is also "Holy See". Works on the raw text (the
 * comma and brackets are gone once folded).
 */
export function nameForms(name: string): string[] {
  const forms: string[] = [];
  const bracket = /^(.+?)\s*\((.+)\)\s*$/.exec(name);
  if (bracket) forms.push(`${bracket[2]} ${bracket[1]}`, bracket[1]!);
  const comma = /^([^,]+),\s*([^,]+)$/.exec(name);
  if (comma) forms.push(`${comma[2]} ${comma[1]}`);
  return forms;
}

function buildIndex(): CountryIndex {
  const byName = new Map<string, string>();
  const byCompactName = new Map<string, string>();
  const ambiguous = new Set<string>();
  const ambiguousCompact = new Set<string>();
  const add = (map: Map<string, string>, refused: Set<string>, key: string, code: string) => {
    const known = map.get(key);
    // A name meaning two countries (in two languages, or "Congo") is refused rather than guessed.
    if (known !== undefined && known !== code) refused.add(key);
    else map.set(key, code);
  };
  for (const locale of COUNTRY_NAME_LOCALES) {
    countries.registerLocale(require(`i18n-iso-countries/langs/${locale}.json`) as countries.LocaleData);
    for (const [code, names] of Object.entries(countries.getNames(locale, { select: 'all' }))) {
      for (const name of names as string[]) {
        for (const form of [name, ...nameForms(name)]) {
          const key = foldName(form);
          add(byName, ambiguous, key, code);
          add(byCompactName, ambiguousCompact, key.replaceAll(' ', ''), code);
        }
      }
    }
  }
  for (const key of ambiguous) byName.delete(key);
  for (const key of ambiguousCompact) byCompactName.delete(key);
  return { alpha2: new Set(Object.keys(countries.getAlpha2Codes())), byName, byCompactName };
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
  const folded = foldName(trimmed);
  const direct = byName.get(folded);
  if (direct !== undefined) return direct;
  if (folded === '') return null;
  return byVariant(trimmed, folded, countryIndex());
}

/**
 * A name the data set holds in another form: reordered ("Republic of Moldova",
 * "Iran (Islamic Republic of)"), without its article ("the Gambia"), spaced differently
 * ("Viet Nam"), without a trailing "Islands", or a long form "<name> of …" of a known short name ("United Kingdom of Great
 * Britain and Northern Ireland", "United States of America"). Each answer is a name of the
 * data set; nothing is matched by similarity.
 */
function byVariant(trimmed: string, folded: string, { byName, byCompactName }: CountryIndex): string | null {
  for (const form of nameForms(trimmed)) {
    const code = byName.get(foldName(form));
    if (code !== undefined) return code;
  }
  const withoutArticle = folded.startsWith('the ') ? folded.slice(4) : folded;
  const code =
    byName.get(withoutArticle) ??
    byCompactName.get(withoutArticle.replaceAll(' ', '')) ??
    // "Wallis and Futuna Islands" is "Wallis and Futuna" in the data set.
    (withoutArticle.endsWith(' islands') ? byName.get(withoutArticle.slice(0, -' islands'.length)) : undefined);
  if (code !== undefined) return code;
  const of = withoutArticle.indexOf(' of ');
  return of > 0 ? (byName.get(withoutArticle.slice(0, of)) ?? null) : null;
}
