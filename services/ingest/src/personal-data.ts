// Personal data written into free text: where e-mail addresses, IBANs, phone numbers
// and identity-document numbers occur in a narrative. The text is normalised first
// (NFKC, format characters removed), because a non-breaking space, full-width digits
// or a zero-width space inside a number read the same to a person but slip past a
// pattern. A phone-shaped run of digits is a phone number when it is written like
// one (leading + or 0, or 9+ digits) or when libphonenumber-js (full metadata, the
// incident's country for national numbers) finds it a valid number there, which
// catches short national numbers without misreading quantities like "1 200 000".
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

export type PersonalDataKind = 'email' | 'account' | 'phone' | 'document';

export interface PersonalDataSpan {
  start: number;
  end: number;
  kind: PersonalDataKind;
}

const PLAIN_ASCII = /^[\x20-\x7e\t\n\r]*$/;

/**
 * NFKC (full-width digits and letters to ASCII, non-breaking and other spaces to a
 * space) and every format character (Unicode Cf: zero-width space and joiners, soft
 * hyphen, word joiner, byte-order mark, bidirectional controls) removed.
 */
export function normaliseText(text: string): string {
  if (PLAIN_ASCII.test(text)) return text;
  return text.normalize('NFKC').replace(/\p{Cf}+/gu, '');
}

// ASCII word boundaries: Unicode property classes (\p{L}) made redaction 20 times slower.
// The cost is over-redaction next to a non-ASCII letter ("é0612345678"), never a leak.
const BEFORE = '(?<![A-Za-z0-9])';
const AFTER = '(?![A-Za-z0-9])';
const EMAIL = "[A-Za-z0-9][A-Za-z0-9._%+'-]*@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,24}";
// Two letters, two check digits, then 11-30 letters or digits, optionally in groups of four.
const IBAN = '[A-Za-z]{2}\\d{2}(?: ?[A-Za-z0-9]{4}){2,7}(?: ?[A-Za-z0-9]{1,4})?';
// Phone-like: 7+ digits with the usual separators (space, dot, dash, slash, brackets).
const PHONE = '\\+?\\(?\\d[\\d ()./-]{5,24}\\d';
// Passport/ID-like: one or two letters then 6-9 digits (most passports, "NX 1234567"),
// or a letter, 7 digits and a letter (Spanish NIE). Container numbers (4 letters +
// 7 digits) and dates are not matched: analysts need them.
const DOCUMENT = '[A-Z]{1,2}[ -]?\\d{6,9}|[A-Z]\\d{7}[A-Z]';
const NUMBERS = `${BEFORE}(?:(${IBAN})|(${PHONE})|(${DOCUMENT}))${AFTER}`;
// The e-mail alternative is tried at every word; only worth it when there is an "@".
const WITH_EMAIL = new RegExp(`(${EMAIL})|${NUMBERS}`, 'g');
const WITHOUT_EMAIL = new RegExp(`()${NUMBERS}`, 'g');
const DATE_LIKE = /^(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})$/;

/** IBAN check digits (ISO 13616, mod 97 = 1). */
function ibanChecks(value: string): boolean {
  const s = value.replace(/ /g, '').toUpperCase();
  const rearranged = s.slice(4) + s.slice(0, 4);
  let rest = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const digits = code >= 65 ? String(code - 55) : ch;
    for (const d of digits) rest = (rest * 10 + (d.charCodeAt(0) - 48)) % 97;
  }
  return rest === 1;
}

function looksLikePhone(match: string): boolean {
  const digits = match.replace(/\D+/g, '');
  if (digits.length < 7 || digits.length > 15 || DATE_LIKE.test(match)) return false;
  // A bare number like "1 200 000" is a quantity; phones start with + or 0, or are long.
  return match.startsWith('+') || digits.startsWith('0') || digits.length >= 9;
}

function isPhone(candidate: string, country: CountryCode | undefined): boolean {
  if (looksLikePhone(candidate)) return true;
  if (country === undefined || DATE_LIKE.test(candidate)) return false;
  return parsePhoneNumberFromString(candidate, country)?.isValid() === true;
}

/** Cheap test: no run of 6 digits (separators ignored) and no "@" means nothing to find. */
export function mayHoldPersonalData(text: string): boolean {
  return text.includes('@') || /\d{6}/.test(text.replace(/[ ()./-]/g, ''));
}

/**
 * Spans of personal data in `text` (already normalised with normaliseText), in order,
 * without overlaps. `country`: ISO alpha-2 of the incident, for national phone numbers.
 */
export function findPersonalData(text: string, country?: string): PersonalDataSpan[] {
  if (!mayHoldPersonalData(text)) return [];
  const region = country !== undefined && isSupportedCountry(country) ? (country as CountryCode) : undefined;
  const out: PersonalDataSpan[] = [];
  for (const m of text.matchAll(text.includes('@') ? WITH_EMAIL : WITHOUT_EMAIL)) {
    const [whole, email, iban, phone] = m;
    const start = m.index;
    const end = start + whole.length;
    let kind: PersonalDataKind | null;
    if (email) kind = 'email';
    // Upper case is the written form; a lower-case lookalike must pass the check digits.
    else if (iban !== undefined) kind = iban === iban.toUpperCase() || ibanChecks(iban) ? 'account' : null;
    else if (phone !== undefined) kind = isPhone(phone, region) ? 'phone' : null;
    else kind = 'document';
    if (kind !== null) out.push({ start, end, kind });
  }
  return out;
}
