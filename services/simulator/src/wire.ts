// A partner's wire format: what one incident looks like as a Kafka record on
// partner.<id>.incidents. JSON partners send canonical JSON (sorted keys); CSV
// partners send a header line and one data row, with their own column names,
// codes, list separator and local time.
import type { CsvMapping, Incident, PartnerConfig } from '@tocsin/core';

export interface EncodedRecord {
  partner: string;
  key: string;
  value: Buffer;
  contentType: 'application/json' | 'text/csv';
}

type CodeField = 'category' | 'methods' | 'technologies' | 'commodities' | 'modality';
type Columns = CsvMapping['columns'];

/**
 * Same bytes as core's canonicalJson (sorted object keys), written directly
 * instead of rebuilding every object through a replacer: encoding is the hot
 * path of `tocsin simulate`. A test checks both agree on every record.
 */
export function fastCanonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      const item: unknown = value[i];
      out += item === undefined || typeof item === 'function' ? 'null' : fastCanonicalJson(item);
    }
    return out + ']';
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const v = record[key];
    if (v === undefined || typeof v === 'function') continue;
    out += (first ? '' : ',') + JSON.stringify(key) + ':' + fastCanonicalJson(v);
    first = false;
  }
  return out + '}';
}

/** Quotes a CSV field when it holds the delimiter, a quote or a line break (RFC 4180). */
export function csvField(value: string, delimiter: string): string {
  if (value.includes(delimiter) || value.includes('"') || value.includes('\n') || value.includes('\r')) {
    return '"' + value.replaceAll('"', '""') + '"';
  }
  return value;
}

/** Parses "+01:00" into minutes. */
export function offsetMinutes(offset: string | undefined): number {
  if (!offset) return 0;
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(offset);
  if (!m) throw new RangeError(`bad timezone offset "${offset}"`);
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -minutes : minutes;
}

/** Writes one partner's records; built once per partner because reverse code maps are not free. */
export class PartnerEncoder {
  private readonly reverse: Record<CodeField, Map<string, string>>;
  private readonly header: string | null;
  private readonly columnOrder: Array<keyof Columns>;
  private readonly offsetMs: number;

  constructor(readonly config: PartnerConfig) {
    this.reverse = { category: new Map(), methods: new Map(), technologies: new Map(), commodities: new Map(), modality: new Map() };
    for (const field of Object.keys(this.reverse) as CodeField[]) {
      for (const [partnerCode, tocsinCode] of Object.entries(config.code_map?.[field] ?? {})) {
        // The first partner code listed for a Tocsin code is the one the agency writes.
        if (!this.reverse[field].has(tocsinCode)) this.reverse[field].set(tocsinCode, partnerCode);
      }
    }
    const columns = config.csv?.columns;
    this.columnOrder = columns ? (Object.keys(columns) as Array<keyof Columns>) : [];
    this.header = columns ? this.columnOrder.map((k) => csvField(columns[k] as string, this.delimiter)).join(this.delimiter) : null;
    this.offsetMs = offsetMinutes(config.timezone_offset) * 60_000;
  }

  private get delimiter(): string {
    return this.config.csv?.delimiter ?? ',';
  }

  private get listSeparator(): string {
    return this.config.csv?.list_separator ?? ';';
  }

  encode(incident: Incident): EncodedRecord {
    if (this.config.format === 'json') {
      return { partner: this.config.id, key: incident.id, value: Buffer.from(fastCanonicalJson(incident)), contentType: 'application/json' };
    }
    const row = this.columnOrder.map((column) => csvField(this.cell(column, incident), this.delimiter)).join(this.delimiter);
    const text = this.config.csv?.header === false ? row + '\n' : `${this.header}\n${row}\n`;
    return { partner: this.config.id, key: incident.id, value: Buffer.from(text), contentType: 'text/csv' };
  }

  private code(field: CodeField, code: string): string {
    return this.reverse[field].get(code) ?? code;
  }

  private list(field: 'methods' | 'technologies' | 'commodities', codes: readonly string[]): string {
    return codes.map((c) => this.code(field, c)).join(this.listSeparator);
  }

  /** Timestamps carry no zone when the partner declares a local offset. */
  private time(iso: string): string {
    if (!this.config.timezone_offset) return iso;
    return new Date(Date.parse(iso) + this.offsetMs).toISOString().slice(0, 19).replace('T', ' ');
  }

  private cell(column: keyof Columns, incident: Incident): string {
    const person = incident.persons?.[0];
    switch (column) {
      case 'id': return incident.id;
      case 'occurred_at': return this.time(incident.occurred_at);
      case 'reported_at': return this.time(incident.reported_at);
      case 'country': return incident.country;
      case 'category': return this.code('category', incident.category);
      case 'origin': return incident.route.origin;
      case 'transit': return incident.route.transit.join(this.listSeparator);
      case 'destination': return incident.route.destination;
      case 'route_name': return incident.route.name ?? '';
      case 'modality': return this.code('modality', incident.modality);
      case 'methods': return this.list('methods', incident.methods);
      case 'technologies': return this.list('technologies', incident.technologies);
      case 'commodities': return this.list('commodities', incident.commodities);
      case 'quantity_value': return incident.quantity ? String(incident.quantity.value) : '';
      case 'quantity_unit': return incident.quantity?.unit ?? '';
      case 'narrative': return incident.narrative?.text ?? '';
      case 'narrative_lang': return incident.narrative?.lang ?? '';
      case 'person_name': return person?.name ?? '';
      case 'person_document': return person?.document_number ?? '';
      case 'person_phone': return person?.phone ?? '';
      case 'tlp': return incident.handling.tlp;
      case 'share_with': return (incident.handling.share_with ?? []).join(this.listSeparator);
      case 'source_reliability': return incident.handling.source_reliability;
      case 'information_credibility': return incident.handling.information_credibility;
    }
  }
}
