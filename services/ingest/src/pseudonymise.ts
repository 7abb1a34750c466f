// Pseudonyms for personal identifiers: HMAC-SHA256 under a secret key, so the same
// person yields the same token in every record (analysts can link incidents) while the
// raw value never leaves this service. Values are normalised first so that "J. Smith "
// and "j. smith", or "+44 20 7946 0958" and "0044-20-79460958", give one token.
import { createHmac, createSecretKey } from 'node:crypto';
import type { Incident, Person } from '@tocsin/core';
import { findPersonalData, normaliseText } from './personal-data';

export const PSEUDONYM_PREFIX = 'ps1:';

export type IdentifierKind = 'name' | 'document' | 'phone' | 'email' | 'account';

/** Schema limit of narrative.text; redaction lengthens text (tokens are 47 characters). */
const NARRATIVE_MAX = 8000;

export function normaliseName(value: string): string {
  // Plain ASCII has no accents to strip; skipping NFKD halves the cost of the common case.
  if (/^[\x20-\x7e]*$/.test(value)) return value.toLowerCase().replace(/\s+/g, ' ').trim();
  return value.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

export function normaliseDocument(value: string): string {
  return value.normalize('NFKC').toUpperCase().replace(/[\s./-]+/g, '');
}

/** Digits only; an international prefix "+" or "00" is dropped so both spellings agree. */
export function normalisePhone(value: string): string {
  const trimmed = value.trim();
  const digits = trimmed.replace(/\D+/g, '');
  return !trimmed.startsWith('+') && digits.startsWith('00') ? digits.slice(2) : digits;
}

/** E-mail addresses compare case-insensitively (in practice; the local part rarely differs by case). */
export function normaliseEmail(value: string): string {
  return normaliseText(value).trim().toLowerCase();
}

/** Account numbers (IBANs): upper case, no spaces. */
export function normaliseAccount(value: string): string {
  return normaliseText(value).toUpperCase().replace(/\s+/g, '');
}

const NORMALISERS: Record<IdentifierKind, (value: string) => string> = {
  name: normaliseName,
  document: normaliseDocument,
  phone: (value) => normalisePhone(normaliseText(value)),
  email: normaliseEmail,
  account: normaliseAccount,
};

const isWordChar = (ch: string | undefined): boolean =>
  ch !== undefined && (ch.charCodeAt(0) < 128 ? /[A-Za-z0-9]/.test(ch) : /[\p{L}\p{N}]/u.test(ch));

interface Found {
  start: number;
  end: number;
  kind: IdentifierKind;
}

/**
 * Where the record's own identifiers occur in the text, case-insensitively and as whole
 * words, longest first, without overlaps. A plain search: building a regular expression
 * per record cost 150 µs, most of the budget of a record.
 */
function findKnown(text: string, known: Array<[string, IdentifierKind]>): Found[] {
  if (known.length === 0) return [];
  const lower = text.toLowerCase();
  // Lower-casing that changes the length (rare: "İ") would shift positions; compare as is then.
  const haystack = lower.length === text.length ? lower : text;
  const found: Found[] = [];
  known.sort((x, y) => y[0].length - x[0].length);
  for (const [value, kind] of known) {
    const needle = haystack === lower && value.toLowerCase().length === value.length ? value.toLowerCase() : value;
    for (let i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
      const end = i + needle.length;
      if (isWordChar(text[i - 1]) || isWordChar(text[end])) continue;
      if (found.some((f) => i < f.end && end > f.start)) continue;
      found.push({ start: i, end, kind });
    }
  }
  return found.sort((x, y) => x.start - y.start);
}

export interface Pseudonymiser {
  /** Token of one identifier: ps1: + base64url(HMAC-SHA256(key, kind + normalised value)). */
  token(kind: IdentifierKind, value: string): string;
  /** The incident with persons' identifiers replaced by tokens and identifiers redacted from the narrative. */
  incident(incident: Incident): Incident;
  /**
   * Narrative text, Unicode-normalised, with the record's known identifiers and any
   * e-mail address, IBAN, phone or identity-document number replaced by tokens.
   * `country`: the incident's country, for phone numbers written in national form.
   */
  redact(text: string, persons: readonly Person[], country?: string): string;
}

export function createPseudonymiser(key: Buffer): Pseudonymiser {
  if (key.length < 32) throw new RangeError('the pseudonym key must be at least 32 bytes');
  // One KeyObject for every token: createHmac with a Buffer imports the key on each call.
  const hmacKey = createSecretKey(key);

  // Tokens of the record being pseudonymised: its persons usually reappear in its narrative,
  // and an HMAC is the dearest step. Cleared per record so raw values do not pile up.
  const recent = new Map<string, string>();

  function token(kind: IdentifierKind, value: string): string {
    // The kind is part of the input, so a name and a phone with equal text get different tokens.
    const input = `${kind}\u0000${NORMALISERS[kind](value)}`;
    let out = recent.get(input);
    if (out === undefined) {
      out = PSEUDONYM_PREFIX + createHmac('sha256', hmacKey).update(input).digest('base64url');
      recent.set(input, out);
    }
    return out;
  }

  /** Personal data of anyone in a stretch of text that holds no token yet. */
  function redactGeneric(text: string, country: string | undefined): string {
    const spans = findPersonalData(text, country);
    if (spans.length === 0) return text;
    let out = '';
    let at = 0;
    for (const { start, end, kind } of spans) {
      out += text.slice(at, start) + token(kind, text.slice(start, end));
      at = end;
    }
    return out + text.slice(at);
  }

  function redact(raw: string, persons: readonly Person[], country?: string): string {
    // Matching runs on the normalised text, which is also what is kept: hidden
    // characters would only serve to split an identifier.
    const text = normaliseText(raw);
    const known: Array<[string, IdentifierKind]> = [];
    for (const person of persons) {
      // Identifiers shorter than 3 characters would match inside ordinary words.
      const name = person.name === undefined ? '' : normaliseText(person.name).trim();
      if (name.length >= 3) {
        known.push([name, 'name']);
        // A narrative often names a person by surname or first name alone ("Vries said").
        const parts = name.split(/\s+/);
        if (parts.length > 1) for (const part of parts) if (part.length >= 3) known.push([part, 'name']);
      }
      const document = person.document_number === undefined ? '' : normaliseText(person.document_number).trim();
      if (document.length >= 3) known.push([document, 'document']);
      const phone = person.phone === undefined ? '' : normaliseText(person.phone).trim();
      if (phone.length >= 3) known.push([phone, 'phone']);
    }
    // Known identifiers first, then the generic patterns only on the text between them:
    // a pattern run over a written token could re-tokenise a piece of it.
    const found = findKnown(text, known);
    let out = '';
    let at = 0;
    for (const { start, end, kind } of found) {
      out += redactGeneric(text.slice(at, start), country) + token(kind, text.slice(start, end));
      at = end;
    }
    out += redactGeneric(text.slice(at), country);
    return out.length > NARRATIVE_MAX ? out.slice(0, NARRATIVE_MAX) : out;
  }

  function incident(input: Incident): Incident {
    const persons = input.persons;
    if ((!persons || persons.length === 0) && !input.narrative) return input;
    recent.clear();
    const out: Incident = { ...input };
    if (input.narrative) out.narrative = { ...input.narrative, text: redact(input.narrative.text, persons ?? [], input.country) };
    if (persons && persons.length > 0) {
      out.persons = persons.map((person) => {
        const p: Person = { ...person };
        if (person.name !== undefined) p.name = token('name', person.name);
        if (person.document_number !== undefined) p.document_number = token('document', person.document_number);
        if (person.phone !== undefined) p.phone = token('phone', person.phone);
        return p;
      });
    }
    recent.clear();
    return out;
  }

  return {
    token: (kind, value) => {
      recent.clear();
      return token(kind, value);
    },
    incident,
    redact: (text, persons, country) => {
      recent.clear();
      const out = redact(text, persons, country);
      recent.clear();
      return out;
    },
  };
}
