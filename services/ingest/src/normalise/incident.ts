// Turns a decoded partner record into a valid Tocsin Incident: partner check, UTC
// timestamps, alpha-2 countries, Tocsin codes, schema validation, taxonomy and clock
// checks. Synchronous and allocation-light: it runs once per record on the hot path.
import type { Incident, PartnerConfig, Taxonomy, TaxonomyKind, Validator } from '@tocsin/core';
import { quoteCode, reject, type Rejected, type Step } from '../rejection';
import { mapCode, mapCodeList } from './codes';
import { toAlpha2 } from './country';
import { offsetMinutes, toUtcTimestamp } from './timestamp';

export interface NormaliseContext {
  taxonomy: Taxonomy;
  validateIncident: Validator<Incident>;
  /** Current time, ms since the epoch. */
  now: number;
  futureSkewMs: number;
}

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

/** Replaces obj[field] by its alpha-2 code; a rejection when it names no country. Non-strings are left to the schema. */
function countryField(obj: Obj, field: string | number, pointer: string): Rejected | null {
  const value = obj[field];
  if (typeof value !== 'string') return null;
  const code = toAlpha2(value);
  // The value is not quoted: a nationality belongs to a person.
  if (code === null) return reject('unknown_country', `${pointer} is not an ISO 3166-1 code or a known country name`, pointer);
  obj[field] = code;
  return null;
}

function countryList(obj: Obj, field: string, pointer: string): Rejected | null {
  const list = obj[field];
  if (!Array.isArray(list)) return null;
  for (let i = 0; i < list.length; i++) {
    const failed = countryField(list as unknown as Obj, i, `${pointer}/${i}`);
    if (failed) return failed;
  }
  // Two spellings of one country would break uniqueItems of share_with.
  if (field === 'share_with') obj[field] = [...new Set(list)];
  return null;
}

function timestampField(obj: Obj, field: string, offset: number): Rejected | null {
  const value = obj[field];
  if (typeof value !== 'string') return null;
  const utc = toUtcTimestamp(value, offset);
  if (utc === null) return reject('schema_violation', `/${field} is not a valid ISO 8601 date-time`, `/${field}`);
  obj[field] = utc;
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
    return reject('partner_mismatch', `the record names partner ${quoteCode(draft['partner'])} but arrived on the topic of ${partner.id}`, '/partner');
  }

  const offset = partnerOffset(partner);
  const failed =
    timestampField(draft, 'occurred_at', offset) ??
    timestampField(draft, 'reported_at', offset) ??
    countryField(draft, 'country', '/country') ??
    (isObject(draft['route'])
      ? countryField(draft['route'], 'origin', '/route/origin') ??
        countryField(draft['route'], 'destination', '/route/destination') ??
        countryList(draft['route'], 'transit', '/route/transit')
      : null) ??
    (isObject(draft['handling']) ? countryList(draft['handling'], 'share_with', '/handling/share_with') : null) ??
    personsNationality(draft['persons']);
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
    return reject('schema_violation', `${pointer || '/'} ${first?.message ?? 'is invalid'}`, pointer);
  }
  const incident = valid.value;

  if (!ctx.taxonomy.has('iccs', incident.category)) {
    return reject('unknown_code', `category ${quoteCode(incident.category)} is not an ICCS code of the taxonomy and has no code_map entry`, '/category');
  }
  for (const [field, kind] of CODE_LISTS) {
    const list = incident[field] as string[];
    for (let i = 0; i < list.length; i++) {
      const code = list[i]!;
      if (!ctx.taxonomy.has(kind, code)) {
        return reject('unknown_code', `${field} code ${quoteCode(code)} is not in the ${kind} taxonomy and has no code_map entry`, `/${field}/${i}`);
      }
    }
  }

  if (Date.parse(incident.occurred_at) > ctx.now + ctx.futureSkewMs) {
    return reject('future_occurred_at', `occurred_at ${incident.occurred_at} is more than ${Math.round(ctx.futureSkewMs / 1000)} s in the future`, '/occurred_at');
  }
  return { ok: true, value: incident };
}

function personsNationality(persons: unknown): Rejected | null {
  if (!Array.isArray(persons)) return null;
  for (let i = 0; i < persons.length; i++) {
    const person: unknown = persons[i];
    if (isObject(person)) {
      const failed = countryField(person, 'nationality', `/persons/${i}/nationality`);
      if (failed) return failed;
    }
  }
  return null;
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
