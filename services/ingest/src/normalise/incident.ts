// Turns a decoded partner record into a valid Tocsin Incident: partner check, UTC
// timestamps, alpha-2 countries, Tocsin codes, schema validation, taxonomy and clock
// checks. Synchronous and allocation-light: it runs once per record on the hot path.
import { createHash } from 'node:crypto';
import type { Incident, PartnerConfig, Taxonomy, TaxonomyKind, Validator } from '@tocsin/core';
import type { IdentifierKind } from '../pseudonymise';
import { quoteValue, reject, type Rejected, type Step } from '../rejection';
import { mapCode, mapCodeList } from './codes';
import { toAlpha2 } from './country';
import { parseWithFormats } from './date-format';
import { isMissing, type MissingTokens } from './missing';
import { offsetMinutes, toUtcTimestamp } from './timestamp';

export interface NormaliseContext {
  taxonomy: Taxonomy;
  validateIncident: Validator<Incident>;
  /** Current time, ms since the epoch. */
  now: number;
  futureSkewMs: number;
  /** Quotes a person's value in a message as its pseudonym; without it such values are not quoted. */
  quotePersonal?: (kind: IdentifierKind, value: string) => string;
  /**
   * Missing-value tokens checked in country fields (JSON records: a CSV decoder has applied
   * its columns' tokens already, and a route table or constant may mean "NA" = Namibia).
   */
  missingCountries?: MissingTokens | undefined;
}

/** Ids up to this length are kept; longer ones are hashed into id and kept in original_id (up to ORIGINAL_ID_MAX). */
export const ID_MAX_CHARS = 128;
export const ORIGINAL_ID_MAX_CHARS = 2048;

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const CODE_LISTS = [
  ['methods', 'methods'],
  ['technologies', 'technologies'],
  ['commodities', 'commodities'],
] as const satisfies ReadonlyArray<readonly [keyof Incident, TaxonomyKind]>;

const offsetCache = new Map<string, number>();
function partnerOffset(partner: PartnerConfig): number {
  if (!partner.timezone_offset) return 0;
  let minutes = offsetCache.get(partner.timezone_offset);
  if (minutes === undefined) {
    minutes = offsetMinutes(partner.timezone_offset) ?? 0;
    offsetCache.set(partner.timezone_offset, minutes);
  }
  return minutes;
}

/** How a value at `pointer` is quoted: a person's values only as their pseudonym. */
export function quoteAt(pointer: string, value: unknown, ctx: Pick<NormaliseContext, 'quotePersonal'>): string {
  if (value === undefined) return 'nothing';
  const person = /^\/persons(?:\/\d+(?:\/([^/]*))?)?/.exec(pointer);
  if (person && person[1] !== 'role') {
    if (typeof value !== 'string' || !ctx.quotePersonal) return '(a person\'s value, not quoted)';
    const kind: IdentifierKind = person[1] === 'document_number' ? 'document' : person[1] === 'phone' ? 'phone' : 'name';
    return `${ctx.quotePersonal(kind, value)} (pseudonymised)`;
  }
  if (typeof value !== 'string') return quoteValue(JSON.stringify(value) ?? String(value));
  if (pointer === '/narrative/text') return `(a narrative of ${value.length} characters, not quoted)`;
  return quoteValue(value);
}

/** A hint for a value that looks like several countries written in one field. */
function listHint(value: string): string {
  return /[,;/|&+]|\s(?:and|et|und|y)\s/i.test(value) ? '; it looks like a list: split the column and choose a pick rule, or add a value_map entry' : '';
}

/**
 * Replaces obj[field] by its alpha-2 code; a rejection when it names no country. A missing
 * token (JSON records) removes an optional field and rejects a required one. Non-strings are left to the schema.
 */
function countryField(obj: Obj, field: string | number, pointer: string, ctx: NormaliseContext, required: boolean): Rejected | null {
  const value = obj[field];
  if (typeof value !== 'string') return null;
  if (ctx.missingCountries && isMissing(value, ctx.missingCountries)) {
    if (required) return reject('missing_value', `${pointer} has no value: ${quoteAt(pointer, value, ctx)} is a missing-value token (write Namibia as NAM or Namibia, or drop NA from the partner's missing tokens)`, pointer);
    delete obj[field];
    return null;
  }
  const code = toAlpha2(value);
  if (code === null) return reject('unknown_country', `${pointer}: ${quoteAt(pointer, value, ctx)} is not an ISO 3166-1 code or a known country name${listHint(value)}`, pointer);
  obj[field] = code;
  return null;
}

function countryList(obj: Obj, field: string, pointer: string, ctx: NormaliseContext): Rejected | null {
  let list = obj[field];
  if (!Array.isArray(list)) return null;
  for (let i = 0; i < list.length; i++) {
    const failed = countryField(list as unknown as Obj, i, `${pointer}/${i}`, ctx, false);
    if (failed) return failed;
  }
  // A missing token left a hole in the list.
  if (list.length > 0 && list.includes(undefined)) obj[field] = list = list.filter((v) => v !== undefined);
  // Two spellings of one country would break uniqueItems of share_with.
  if (field === 'share_with') obj[field] = [...new Set(list as unknown[])];
  return null;
}

function timestampField(obj: Obj, field: string, offset: number, partner: PartnerConfig): Rejected | null {
  const value = obj[field];
  if (typeof value !== 'string') return null;
  let utc = toUtcTimestamp(value, offset);
  if (utc === null && partner.date_formats) {
    const iso = parseWithFormats(value, partner.date_formats);
    if (iso !== null) utc = toUtcTimestamp(iso, offset);
  }
  if (utc === null) {
    const formats = partner.date_formats ? ` nor in ${partner.date_formats.map((f) => JSON.stringify(f)).join(', ')}` : '';
    return reject('schema_violation', `/${field}: ${quoteValue(value)} is not an ISO 8601 date-time${formats}`, `/${field}`);
  }
  obj[field] = utc;
  return null;
}

/** An id longer than ID_MAX_CHARS becomes "sha256:" + its hex SHA-256, the original kept in original_id. */
function longId(draft: Obj): Rejected | null {
  const id = draft['id'];
  if (typeof id !== 'string' || id.length <= ID_MAX_CHARS) return null;
  if (id.length > ORIGINAL_ID_MAX_CHARS) {
    return reject('schema_violation', `/id: ${quoteValue(id)} has ${id.length} characters; ids up to ${ORIGINAL_ID_MAX_CHARS} are kept (hashed above ${ID_MAX_CHARS})`, '/id');
  }
  draft['original_id'] = id;
  draft['id'] = `sha256:${createHash('sha256').update(id).digest('hex')}`;
  return null;
}

/**
 * Normalises `draft` in place (the caller owns it: it was just decoded) and validates it.
 * Returns the incident or the first reason to reject it.
 */
export function normaliseIncident(draft: unknown, partner: PartnerConfig, ctx: NormaliseContext): Step<Incident> {
  if (!isObject(draft)) return reject('schema_violation', 'the record must be a JSON object', '');
  if (draft['partner'] === undefined) draft['partner'] = partner.id;
  else if (typeof draft['partner'] === 'string' && draft['partner'] !== partner.id) {
    return reject('partner_mismatch', `the record names partner ${quoteValue(draft['partner'])} but arrived on the topic of ${partner.id}`, '/partner');
  }

  const offset = partnerOffset(partner);
  const failed =
    longId(draft) ??
    timestampField(draft, 'occurred_at', offset, partner) ??
    timestampField(draft, 'reported_at', offset, partner) ??
    countryField(draft, 'country', '/country', ctx, true) ??
    (isObject(draft['route'])
      ? countryField(draft['route'], 'origin', '/route/origin', ctx, true) ??
        countryField(draft['route'], 'destination', '/route/destination', ctx, true) ??
        countryList(draft['route'], 'transit', '/route/transit', ctx)
      : null) ??
    (isObject(draft['handling']) ? countryList(draft['handling'], 'share_with', '/handling/share_with', ctx) : null) ??
    personsNationality(draft['persons'], ctx);
  if (failed) return failed;

  const codeMap = partner.code_map;
  if (typeof draft['category'] === 'string') draft['category'] = mapCode(draft['category'], codeMap?.category);
  if (typeof draft['modality'] === 'string') draft['modality'] = mapCode(draft['modality'], codeMap?.modality);
  for (const [field] of CODE_LISTS) {
    const list = draft[field];
    if (Array.isArray(list)) draft[field] = mapCodeList(list, codeMap?.[field]);
  }

  const valid = ctx.validateIncident(draft);
  if (!valid.ok) {
    const first = valid.errors[0];
    const pointer = safePointer(first?.pointer ?? '');
    const message = first?.message ?? 'is invalid';
    // "must have required property" is about the object, whose value says nothing more.
    const quoted = /required|additional propert/.test(message) ? '' : ` (got ${quoteAt(pointer, valueAt(draft, pointer), ctx)})`;
    return reject('schema_violation', `${pointer || '/'} ${message}${quoted}`, pointer);
  }
  const incident = valid.value;

  if (!ctx.taxonomy.has('iccs', incident.category)) {
    return reject('unknown_code', `category ${quoteValue(incident.category)} is not an ICCS code of the taxonomy and has no code_map entry`, '/category');
  }
  for (const [field, kind] of CODE_LISTS) {
    const list = incident[field] as string[];
    for (let i = 0; i < list.length; i++) {
      const code = list[i]!;
      if (!ctx.taxonomy.has(kind, code)) {
        return reject('unknown_code', `${field} code ${quoteValue(code)} is not in the ${kind} taxonomy and has no code_map entry`, `/${field}/${i}`);
      }
    }
  }

  if (Date.parse(incident.occurred_at) > ctx.now + ctx.futureSkewMs) {
    return reject('future_occurred_at', `occurred_at ${incident.occurred_at} is more than ${Math.round(ctx.futureSkewMs / 1000)} s in the future`, '/occurred_at');
  }
  return { ok: true, value: incident };
}

function personsNationality(persons: unknown, ctx: NormaliseContext): Rejected | null {
  if (!Array.isArray(persons)) return null;
  for (let i = 0; i < persons.length; i++) {
    const person: unknown = persons[i];
    if (isObject(person)) {
      const failed = countryField(person, 'nationality', `/persons/${i}/nationality`, ctx, false);
      if (failed) return failed;
    }
  }
  return null;
}

/** The value a JSON pointer (RFC 6901) names in `root`, or undefined. */
function valueAt(root: unknown, pointer: string): unknown {
  let at: unknown = root;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(at)) at = at[Number(key)];
    else if (isObject(at)) at = at[key];
    else return undefined;
  }
  return at;
}

const PERSON_FIELDS = new Set(['role', 'name', 'document_number', 'phone', 'nationality']);

/**
 * A pointer at an unexpected property of a person ends in that property's name, which a
 * careless export may have made a person's name: such segments are replaced by "*".
 */
function safePointer(pointer: string): string {
  const m = /^(\/persons\/\d+)\/([^/]*)(.*)$/.exec(pointer);
  if (!m || PERSON_FIELDS.has(m[2]!)) return pointer;
  return `${m[1]}/*`;
}
