// Decoder for partners that send CSV. A record holds an optional header line and one or
// more data rows; the partner's CsvMapping says which column feeds which incident field.
// Each row becomes an incident draft in the partner's own terms (country names, partner
// codes, local times); normaliseIncident turns it into a Tocsin incident.
import { isUtf8 } from 'node:buffer';
import type { CsvMapping, PartnerConfig } from '@tocsin/core';
import { reject, type Rejection, type Step } from '../rejection';
import { parseCsvText } from './csv-text';

type Field = keyof CsvMapping['columns'];

export type CsvRow =
  | { row: number; raw: string; ok: true; draft: Record<string, unknown> }
  | { row: number; raw: string; ok: false; rejection: Rejection };

export interface CsvRecord {
  /** Header line as sent, kept with each row's original bytes in dead letters. */
  headerRaw: string;
  rows: CsvRow[];
}

/** Column index of every mapped field, from the header or from 1-based column numbers. */
function columnIndexes(mapping: CsvMapping, header: string[] | null): Step<Map<Field, number>> {
  const indexes = new Map<Field, number>();
  for (const [field, column] of Object.entries(mapping.columns) as Array<[Field, string | undefined]>) {
    if (column === undefined) continue;
    if (header === null) {
      indexes.set(field, Number(column) - 1);
      continue;
    }
    const index = header.findIndex((name) => name.trim() === column.trim());
    if (index < 0) return reject('malformed_csv', `the header has no column ${JSON.stringify(column)} (mapped to ${field})`);
    indexes.set(field, index);
  }
  return { ok: true, value: indexes };
}

/**
 * Column indexes per mapping and header line. A partner sends the same header with every
 * record, and matching it against the mapping cost as much as parsing the row. Few headers
 * per mapping are expected; the cap keeps a partner that varies them from growing the memo.
 */
const indexMemo = new WeakMap<CsvMapping, Map<string, Step<Map<Field, number>>>>();
const INDEX_MEMO_MAX_HEADERS = 64;
function memoisedColumnIndexes(mapping: CsvMapping, header: string[] | null, headerRaw: string): Step<Map<Field, number>> {
  let byHeader = indexMemo.get(mapping);
  if (!byHeader) indexMemo.set(mapping, (byHeader = new Map()));
  let indexes = byHeader.get(headerRaw);
  if (indexes === undefined) {
    indexes = columnIndexes(mapping, header);
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
  const lines = parsed.lines.map((l) => ({ record: l.cells, raw: l.raw }));
  const hasHeader = mapping.header ?? true;
  const header = hasHeader ? (lines[0]?.record ?? null) : null;
  if (hasHeader && header === null) return reject('malformed_csv', 'the record has no header line');
  const data = hasHeader ? lines.slice(1) : lines;
  if (data.length === 0) return reject('malformed_csv', 'the record has no data rows');
  // Without a header the indexes depend on the mapping alone: the empty string keys them.
  const indexes = memoisedColumnIndexes(mapping, header, hasHeader ? (lines[0]?.raw ?? '') : '');
  if (!indexes.ok) return indexes;
  const expected = header?.length ?? Math.max(...indexes.value.values()) + 1;

  const rows = data.map((line, i): CsvRow => {
    const row = i + 1;
    const count = line.record.length;
    if (header !== null ? count !== expected : count < expected) {
      return { row, raw: line.raw, ok: false, rejection: { reason: 'bad_csv_row', message: `data row ${row} has ${count} columns, expected ${header !== null ? expected : `at least ${expected}`}` } };
    }
    return { row, raw: line.raw, ok: true, draft: rowToDraft(line.record, indexes.value, partner, mapping.list_separator ?? ';') };
  });
  return { ok: true, value: { headerRaw: hasHeader ? (lines[0]?.raw ?? '') : '', rows } };
}

function rowToDraft(cells: string[], indexes: Map<Field, number>, partner: PartnerConfig, separator: string): Record<string, unknown> {
  const cell = (field: Field): string | undefined => {
    const index = indexes.get(field);
    if (index === undefined) return undefined;
    const value = cells[index]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const list = (field: Field): string[] => {
    const value = cell(field);
    return value === undefined ? [] : value.split(separator).map((v) => v.trim()).filter((v) => v !== '');
  };

  const draft: Record<string, unknown> = {
    id: cell('id'),
    partner: partner.id,
    occurred_at: cell('occurred_at'),
    reported_at: cell('reported_at'),
    country: cell('country'),
    category: cell('category'),
    route: { origin: cell('origin'), transit: list('transit'), destination: cell('destination') },
    modality: cell('modality') ?? 'unknown',
    methods: list('methods'),
    technologies: list('technologies'),
    commodities: list('commodities'),
  };
  const routeName = cell('route_name');
  if (routeName !== undefined) (draft['route'] as Record<string, unknown>)['name'] = routeName;

  const quantity = cell('quantity_value');
  if (quantity !== undefined) {
    // "12,5" is a decimal comma, common in European exports.
    const normalised = /^\d+,\d+$/.test(quantity) ? quantity.replace(',', '.') : quantity;
    const value = /^\d+(?:\.\d+)?$/.test(normalised) ? Number(normalised) : normalised;
    draft['quantity'] = { value, unit: cell('quantity_unit') };
  }
  const narrative = cell('narrative');
  if (narrative !== undefined) draft['narrative'] = { text: narrative, lang: cell('narrative_lang') ?? 'und' };

  const names = list('person_name');
  const documents = list('person_document');
  const phones = list('person_phone');
  const personCount = Math.max(names.length, documents.length, phones.length);
  if (personCount > 0) {
    draft['persons'] = Array.from({ length: personCount }, (_, i) => {
      const person: Record<string, string> = {};
      if (names[i] !== undefined) person['name'] = names[i]!;
      if (documents[i] !== undefined) person['document_number'] = documents[i]!;
      if (phones[i] !== undefined) person['phone'] = phones[i]!;
      return person;
    });
  }

  const handling: Record<string, unknown> = { ...(partner.default_handling ?? {}) };
  const tlp = cell('tlp');
  if (tlp !== undefined) handling['tlp'] = tlp.toUpperCase().replace(/^TLP:/, '');
  const reliability = cell('source_reliability');
  if (reliability !== undefined) handling['source_reliability'] = reliability.toUpperCase();
  const credibility = cell('information_credibility');
  if (credibility !== undefined) handling['information_credibility'] = credibility;
  const shareWith = list('share_with');
  if (shareWith.length > 0) handling['share_with'] = shareWith;
  draft['handling'] = handling;
  // undefined members would pass through JSON but fail "required" with a clear pointer; drop them.
  for (const key of Object.keys(draft)) if (draft[key] === undefined) delete draft[key];
  const route = draft['route'] as Record<string, unknown>;
  for (const key of Object.keys(route)) if (route[key] === undefined) delete route[key];
  return draft;
}
