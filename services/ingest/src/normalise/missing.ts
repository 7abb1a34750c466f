// Missing-value tokens: cell or field values that mean "no value" ("NA", "Unknown", "-").
// They are checked before any value_map or country lookup, so "NA" (not available) is
// never read as Namibia where they apply; a column where NA means Namibia opts out.
import type { PartnerConfig } from '@tocsin/core';

/**
 * Built in, compared trimmed and case-insensitively. "Mixed", "Multiple" and "Various" say
 * that several values were not named: for one value they are as good as none.
 */
export const DEFAULT_MISSING_TOKENS: readonly string[] = [
  '', 'NA', 'N/A', 'N.A.', 'n.a', '#N/A', 'NaN', 'null', 'none', 'nil', '-', '--', '—', '?',
  'unknown', 'unk', 'not known', 'not available', 'not applicable', 'not stated', 'mixed', 'multiple', 'various',
];

/**
 * A set of tokens, lower case. Checked for every cell, so most values are turned away
 * without lower-casing: by length, and by a first character no token starts with.
 */
export interface MissingTokens {
  tokens: ReadonlySet<string>;
  maxLength: number;
  /** firstChars[c] for the char code c (< 128, lower case) that some token starts with; non-ASCII always looked up. */
  firstChars: Uint8Array;
}

export function missingTokens(lists: ReadonlyArray<readonly string[]>): MissingTokens {
  const tokens = new Set<string>();
  for (const list of lists) for (const token of list) tokens.add(token.trim().toLowerCase());
  let maxLength = 0;
  const firstChars = new Uint8Array(128);
  for (const token of tokens) {
    maxLength = Math.max(maxLength, token.length);
    const c = token.charCodeAt(0);
    if (c < 128) {
      firstChars[c] = 1;
      firstChars[String.fromCharCode(c).toUpperCase().charCodeAt(0)] = 1;
    }
  }
  return { tokens, maxLength, firstChars };
}

const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13 || c === 160 || c === 0xfeff;

/** True when the value (trimmed or not) is one of the tokens. */
export function isMissing(value: string, missing: MissingTokens): boolean {
  if (value.length > missing.maxLength + 8) return false;
  const c = value.charCodeAt(0);
  if (value.length > 0 && c < 128 && !isSpace(c) && missing.firstChars[c] === 0) return false;
  return missing.tokens.has(value.trim().toLowerCase());
}

const byPartner = new WeakMap<PartnerConfig, MissingTokens>();

/** The partner-wide tokens: the built-in ones (unless default_missing_tokens is false) and missing_tokens. */
export function partnerMissingTokens(partner: PartnerConfig): MissingTokens {
  let missing = byPartner.get(partner);
  if (!missing) {
    missing = missingTokens([partner.default_missing_tokens === false ? [] : DEFAULT_MISSING_TOKENS, partner.missing_tokens ?? []]);
    byPartner.set(partner, missing);
  }
  return missing;
}
