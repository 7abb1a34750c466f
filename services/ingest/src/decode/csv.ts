// Decoder for partners that send CSV. A record holds an optional header line and one or
// more data rows; the partner's CsvMapping says which column feeds which incident field.
// Each row becomes an incident draft in the partner's own terms (country names, partner
// codes, local times); normaliseIncident turns it into a Tocsin incident.
import { isUtf8 } from 'node:buffer';
import type { CsvMapping, PartnerConfig } from '@tocsin/core';
import { parseWithFormats } from '../normalise/date-format';
import { isMissing } from '../normalise/missing';
import { parseTimestamp } from '../normalise/timestamp';
import { quoteValue, reject, type Rejection, type Step } from '../rejection';
import { compiledMapping, LIST_FIELDS, REQUIRED_FIELDS, ROUTE_FIELDS, type CompiledMapping, type Field, type FieldReader } from './csv-mapping';
import { parseCsvText } from './csv-text';

export type CsvRow =
  | { row: number; raw: string; ok: true; draft: Record<string, unknown>; via?: FieldSources }
  | { row: number; raw: string; ok: false; rejection: Rejection };

/** Where fields came from when not from their own column (constant, routes table, default): named in rejection messages. */
export type FieldSources = Partial<Record<Field, string>>;

export interface CsvRecord {
  /** Header line as sent, kept with each row's original bytes in dead letters. */
  headerRaw: string;
  rows: CsvRow[];
}

type Indexes = Map<Field, readonly number[]>;

/** Column indexes of every mapped field, from the header or from 1-based column numbers. */
function columnIndexes(compiled: CompiledMapping, header: string[] | null): Step<Indexes> {
  const indexes: Indexes = new Map();
  for (const reader of compiled.readers.values()) {
    const found: number[] = [];
    for (const column of reader.columns) {
      if (header === null) {
        found.push(Number(column) - 1);
        continue;
      }
      const index = header.findIndex((name) => name.trim() === column.trim());
      if (index < 0) return reject('malformed_csv', `the header has no column ${quoteValue(column)} (mapped to ${reader.field})`);
      found.push(index);
    }
    indexes.set(reader.field, found);
  }
  return { ok: true, value: indexes };
}

/**
 * Column indexes per mapping and header line. A partner sends the same header with every
 * record, and matching it against the mapping cost as much as parsing the row. Few headers
 * per mapping are expected; the cap keeps a partner that varies them from growing the memo.
 */
const indexMemo = new WeakMap<CompiledMapping, Map<string, Step<Indexes>>>();
const INDEX_MEMO_MAX_HEADERS = 64;
function memoisedColumnIndexes(compiled: CompiledMapping, header: string[] | null, headerRaw: string): Step<Indexes> {
  let byHeader = indexMemo.get(compiled);
  if (!byHeader) indexMemo.set(compiled, (byHeader = new Map()));
  let indexes = byHeader.get(headerRaw);
  if (indexes === undefined) {
    indexes = columnIndexes(compiled, header);
    if (byHeader.size < INDEX_MEMO_MAX_HEADERS) byHeader.set(headerRaw, indexes);
  }
  return indexes;
}

/**
 * Splits a CSV record into incident drafts. A draft has no reported_at when the mapping has
 * no such column: the caller fills in when Tocsin first received the incident.
 */
export function decodeCsvRecord(bytes: Buffer | null, partner: PartnerConfig): Step<CsvRecord> {
  const mapping = partner.csv;
  if (!mapping) return reject('unsupported_format', `partner ${partner.id} has format csv but no csv mapping`);
  if (bytes === null || bytes.length === 0) return reject('malformed_csv', 'the record is empty');
  if (!isUtf8(bytes)) return reject('bad_encoding', 'the record is not valid UTF-8');
  const parsed = parseCsvText(bytes.toString('utf8'), mapping.delimiter ?? ',');
  if (!parsed.ok) return reject('malformed_csv', `the CSV cannot be parsed: ${parsed.problem} (line ${parsed.line})`);
  const lines = parsed.lines;
  const hasHeader = mapping.header ?? true;
  const header = hasHeader ? (lines[0]?.cells ?? null) : null;
  if (hasHeader && header === null) return reject('malformed_csv', 'the record has no header line');
  const data = hasHeader ? lines.slice(1) : lines;
  if (data.length === 0) return reject('malformed_csv', 'the record has no data rows');
  const compiled = compiledMapping(partner, mapping);
  // Without a header the indexes depend on the mapping alone: the empty string keys them.
  const indexes = memoisedColumnIndexes(compiled, header, hasHeader ? (lines[0]?.raw ?? '') : '');
  if (!indexes.ok) return indexes;
  let highest = 0;
  for (const list of indexes.value.values()) for (const index of list) highest = Math.max(highest, index + 1);
  const expected = header?.length ?? highest;

  const rows = data.map((line, i): CsvRow => {
    const row = i + 1;
    const count = line.cells.length;
    if (header !== null ? count !== expected : count < expected) {
      return { row, raw: line.raw, ok: false, rejection: { reason: 'bad_csv_row', message: `data row ${row} has ${count} columns, expected ${header !== null ? expected : `at least ${expected}`}` } };
    }
    const draft = rowToDraft(line.cells, indexes.value, compiled, partner);
    return draft.ok ? { row, raw: line.raw, ok: true, draft: draft.value.draft, ...(draft.value.via ? { via: draft.value.via } : {}) } : { row, raw: line.raw, ok: false, rejection: draft.rejection };
  });
  return { ok: true, value: { headerRaw: hasHeader ? (lines[0]?.raw ?? '') : '', rows } };
}

/** How a column is named in messages: its header name, or its number without a header. */
function columnName(reader: FieldReader): string {
  return reader.columns.length === 1 ? `column ${quoteValue(reader.columns[0]!)}` : `columns ${reader.columns.map(quoteValue).join(' + ')}`;
}

/** Where a field's value came from, for rejection messages; undefined when the field is not mapped. */
export function describeFieldSource(partner: PartnerConfig, field: Field, via: FieldSources | undefined): string | undefined {
  const fromVia = via?.[field];
  if (fromVia !== undefined) return fromVia;
  const reader = partner.csv ? compiledMapping(partner, partner.csv).readers.get(field) : undefined;
  return reader ? columnName(reader) : undefined;
}

function lookUpValue(reader: FieldReader, value: string): readonly string[] | null | undefined {
  const table = reader.valueMap!;
  const exact = table.exact.get(value);
  return exact !== undefined ? exact : table.folded.get(value.toLowerCase());
}

/** The trimmed text of a field's column(s); several columns are joined, leaving out missing cells. */
function cellText(reader: FieldReader, indexes: Indexes, cells: string[]): string | undefined {
  const at = indexes.get(reader.field)!;
  if (at.length === 1) return cells[at[0]!]?.trim();
  const parts: string[] = [];
  for (const index of at) {
    const cell = cells[index]?.trim();
    if (cell !== undefined && cell !== '' && !isMissing(cell, reader.missing)) parts.push(cell);
  }
  return parts.join(reader.join);
}

/** A column's values after missing tokens, value_map and split; undefined when none is left. A new array each time: the normaliser writes into lists. */
function cellValues(reader: FieldReader, text: string | undefined): string[] | undefined {
  // An empty cell is never a value, whatever the column's tokens.
  if (text === undefined || text === '' || isMissing(text, reader.missing)) return undefined;
  if (reader.valueMap) {
    const whole = lookUpValue(reader, text);
    if (whole !== undefined) return whole === null || whole.length === 0 ? undefined : whole.slice();
  }
  if (reader.split === undefined) return [text];
  const out: string[] = [];
  for (const piece of text.split(reader.split)) {
    const part = piece.trim();
    if (part === '' || isMissing(part, reader.missing)) continue;
    const mapped = reader.valueMap ? lookUpValue(reader, part) : undefined;
    if (mapped === null) continue;
    if (mapped === undefined) out.push(part);
    else for (const value of mapped) out.push(value);
  }
  return out.length > 0 ? out : undefined;
}

/** Why a mapped column gave no value, quoting what the cell held. */
function whyMissing(text: string | undefined, reader: FieldReader): string {
  if (text === undefined || text === '') return 'the cell is empty ("")';
  if (isMissing(text, reader.missing)) return `${quoteValue(text)} is a missing-value token`;
  const several = cellValues(reader, text)?.length ?? 0;
  if (several > 1) return `${quoteValue(text)} holds ${several} values and its pick rule is "none"`;
  return `${quoteValue(text)} leaves no value after missing tokens and value_map`;
}

interface DraftResult {
  draft: Record<string, unknown>;
  via: FieldSources | undefined;
}

/** One row being read. Plain functions over this state, not closures: a closure per field per row showed in profiles. */
interface RowState {
  cells: string[];
  indexes: Indexes;
  compiled: CompiledMapping;
  via: FieldSources | undefined;
  routeName: string | undefined;
  failure: Rejection | undefined;
}

const REQUIRED: ReadonlySet<Field> = new Set(REQUIRED_FIELDS);

function fail(state: RowState, reason: Rejection['reason'], message: string, field: Field): undefined {
  state.failure ??= { reason, message, pointer: POINTERS[field] };
  return undefined;
}

function noteSource(state: RowState, field: Field, source: string): void {
  (state.via ??= {})[field] = source;
}

/** Values of a field: its constant, else its column, else (route fields) the routes table, else the column's default. */
function fieldValues(state: RowState, field: Field): string[] | undefined {
  const { compiled } = state;
  const constant = compiled.constants.get(field);
  if (constant !== undefined) {
    noteSource(state, field, 'a constant of the mapping');
    return constant.slice();
  }
  const reader = compiled.readers.get(field);
  let found = reader ? cellValues(reader, cellText(reader, state.indexes, state.cells)) : undefined;
  // Several values for one: "first" and "last" choose, "none" counts them as missing.
  if (found !== undefined && found.length > 1 && reader !== undefined && !LIST_FIELDS.has(field)) {
    if (reader.pick === 'first') found = [found[0]!];
    else if (reader.pick === 'last') found = [found[found.length - 1]!];
    else if (reader.pick === 'none') found = undefined;
  }
  if (found !== undefined) return found;
  if (compiled.routes && state.routeName !== undefined && ROUTE_FIELDS.has(field)) {
    const fromRoute = compiled.routes.get(state.routeName.toLowerCase())?.[field as 'origin' | 'transit' | 'destination'];
    if (fromRoute !== undefined) {
      noteSource(state, field, `the routes table entry ${quoteValue(state.routeName)}`);
      return typeof fromRoute === 'string' ? [fromRoute] : fromRoute.slice();
    }
  }
  if (reader?.fallback !== undefined) {
    noteSource(state, field, `the default of ${columnName(reader)}`);
    return reader.fallback.slice();
  }
  return undefined;
}

function listValues(state: RowState, field: Field): string[] {
  return state.compiled.readers.has(field) || state.compiled.constants.has(field) || ROUTE_FIELDS.has(field) ? (fieldValues(state, field) ?? []) : [];
}

/** The one value of a field, or undefined (then, for a required field, the row's failure says why). */
function oneValue(state: RowState, field: Field): string | undefined {
  const { compiled } = state;
  const reader = compiled.readers.get(field);
  if (reader === undefined && !compiled.constants.has(field) && !REQUIRED.has(field)) return undefined;
  const found = fieldValues(state, field);
  if (found === undefined) return REQUIRED.has(field) ? fail(state, 'missing_value', missingMessage(state, field), field) : undefined;
  if (found.length === 1) {
    const value = found[0]!;
    return reader?.dateFormats === undefined ? value : dated(state, reader, value);
  }
  // Several values from a column with pick "one", a constant, a route or a default.
  const fromVia = state.via?.[field];
  const text = fromVia === undefined && reader ? cellText(reader, state.indexes, state.cells) : found.join(', ');
  return fail(
    state,
    'multiple_values',
    `${fromVia ?? (reader ? columnName(reader) : field)} (${field}): ${quoteValue(text ?? '')} holds ${found.length} values (${found.slice(0, 4).map(quoteValue).join(', ')}${found.length > 4 ? ', …' : ''}) where ${field} takes one; set its pick rule (first, last, none)`,
    field,
  );
}

function missingMessage(state: RowState, field: Field): string {
  const { compiled, routeName } = state;
  const reader = compiled.readers.get(field);
  let message = reader ? `${columnName(reader)} (${field}) has no value: ${whyMissing(cellText(reader, state.indexes, state.cells), reader)}` : `${field} has no value`;
  if (ROUTE_FIELDS.has(field) && compiled.routes) {
    const routeReader = compiled.readers.get('route_name');
    const of = routeReader ? ` (${columnName(routeReader)})` : '';
    if (routeName === undefined) {
      message += routeReader ? `, and ${columnName(routeReader)} names no route: ${whyMissing(cellText(routeReader, state.indexes, state.cells), routeReader)}` : ', and the row names no route';
    } else if (!compiled.routes.has(routeName.toLowerCase())) message += `, and route ${quoteValue(routeName)}${of} is not in the routes table`;
    else message += `, and the routes table entry ${quoteValue(routeName)}${of} gives no ${field}`;
  }
  return message;
}

/** A date column's value as ISO 8601 text: as it is when ISO already, else through the declared formats. */
function dated(state: RowState, reader: FieldReader, value: string): string | undefined {
  const formats = reader.dateFormats!;
  if (parseTimestamp(value) !== null) return value;
  const iso = parseWithFormats(value, formats);
  if (iso !== null) return iso;
  return fail(state, 'schema_violation', `${columnName(reader)} (${reader.field}): ${quoteValue(value)} is not a date in ${formats.map((f) => JSON.stringify(f)).join(', ')} or ISO 8601`, reader.field);
}

function rowToDraft(cells: string[], indexes: Indexes, compiled: CompiledMapping, partner: PartnerConfig): Step<DraftResult> {
  const state: RowState = { cells, indexes, compiled, via: undefined, routeName: undefined, failure: undefined };
  state.routeName = oneValue(state, 'route_name');
  const route: Record<string, unknown> = { origin: oneValue(state, 'origin'), transit: listValues(state, 'transit'), destination: oneValue(state, 'destination') };
  const draft: Record<string, unknown> = {
    id: oneValue(state, 'id'),
    partner: partner.id,
    occurred_at: oneValue(state, 'occurred_at'),
    reported_at: oneValue(state, 'reported_at'),
    country: oneValue(state, 'country'),
    category: oneValue(state, 'category'),
    route,
    modality: oneValue(state, 'modality') ?? 'unknown',
    methods: listValues(state, 'methods'),
    technologies: listValues(state, 'technologies'),
    commodities: listValues(state, 'commodities'),
  };
  if (state.failure) return { ok: false, rejection: state.failure };
  if (state.routeName !== undefined) route['name'] = state.routeName;

  const quantity = oneValue(state, 'quantity_value');
  if (quantity !== undefined) {
    // "12,5" is a decimal comma, common in European exports.
    const normalised = /^\d+,\d+$/.test(quantity) ? quantity.replace(',', '.') : quantity;
    const value = /^\d+(?:\.\d+)?$/.test(normalised) ? Number(normalised) : normalised;
    draft['quantity'] = { value, unit: oneValue(state, 'quantity_unit') };
  }
  const narrative = oneValue(state, 'narrative');
  if (narrative !== undefined) draft['narrative'] = { text: narrative, lang: oneValue(state, 'narrative_lang') ?? 'und' };

  const names = listValues(state, 'person_name');
  const documents = listValues(state, 'person_document');
  const phones = listValues(state, 'person_phone');
  const personCount = Math.max(names.length, documents.length, phones.length);
  if (personCount > 0) {
    const persons: Array<Record<string, string>> = [];
    for (let i = 0; i < personCount; i++) {
      const person: Record<string, string> = {};
      if (names[i] !== undefined) person['name'] = names[i]!;
      if (documents[i] !== undefined) person['document_number'] = documents[i]!;
      if (phones[i] !== undefined) person['phone'] = phones[i]!;
      persons.push(person);
    }
    draft['persons'] = persons;
  }

  const handling: Record<string, unknown> = { ...(partner.default_handling ?? {}) };
  const tlp = oneValue(state, 'tlp');
  if (tlp !== undefined) handling['tlp'] = tlp.toUpperCase().replace(/^TLP:/, '');
  const reliability = oneValue(state, 'source_reliability');
  if (reliability !== undefined) handling['source_reliability'] = reliability.toUpperCase();
  const credibility = oneValue(state, 'information_credibility');
  if (credibility !== undefined) handling['information_credibility'] = credibility;
  const shareWith = listValues(state, 'share_with');
  if (shareWith.length > 0) handling['share_with'] = shareWith;
  draft['handling'] = handling;
  if (state.failure) return { ok: false, rejection: state.failure };
  // undefined members would pass through JSON but fail "required" with a clear pointer; drop them.
  for (const key of Object.keys(draft)) if (draft[key] === undefined) delete draft[key];
  for (const key of Object.keys(route)) if (route[key] === undefined) delete route[key];
  return { ok: true, value: { draft, via: state.via } };
}

/** JSON pointer of each field in the incident. */
export const POINTERS: Record<Field, string> = {
  id: '/id', occurred_at: '/occurred_at', reported_at: '/reported_at', country: '/country', category: '/category',
  origin: '/route/origin', transit: '/route/transit', destination: '/route/destination', route_name: '/route/name',
  modality: '/modality', methods: '/methods', technologies: '/technologies', commodities: '/commodities',
  quantity_value: '/quantity/value', quantity_unit: '/quantity/unit', narrative: '/narrative/text', narrative_lang: '/narrative/lang',
  person_name: '/persons', person_document: '/persons', person_phone: '/persons',
  tlp: '/handling/tlp', share_with: '/handling/share_with', source_reliability: '/handling/source_reliability', information_credibility: '/handling/information_credibility',
};

const PERSON_MEMBERS: Record<string, Field> = { name: 'person_name', document_number: 'person_document', phone: 'person_phone' };

/** The mapped field a JSON pointer into the incident falls under, if any. */
export function fieldOfPointer(pointer: string): Field | undefined {
  const person = /^\/persons\/\d+\/([^/]+)/.exec(pointer);
  if (person) return PERSON_MEMBERS[person[1]!];
  let best: Field | undefined;
  for (const [field, prefix] of Object.entries(POINTERS) as Array<[Field, string]>) {
    if (prefix === '/persons') continue;
    if ((pointer === prefix || pointer.startsWith(`${prefix}/`)) && (best === undefined || prefix.length > POINTERS[best].length)) best = field;
  }
  return best;
}

