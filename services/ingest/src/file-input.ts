// An incident file read on ingest's own path (processRecord: decode, normalise, validate,
// pseudonymise, de-duplicate), without Kafka: cutting a file into the records a partner would
// send and the offline processing context are shared by `tocsin mapping check`, `tocsin
// backtest`, `tocsin start --input` and `tocsin produce`; the reader is the backtest's. A file is either a partner's file read through its mapping
// (partner-config.v1: CSV, or JSON lines / a JSON array), or, without a mapping, canonical
// incident JSON lines whose `partner` field says whose record each line is.
import { randomBytes } from 'node:crypto';
import { compileValidator, loadTaxonomy, partnerTopic, type BusMessage, type Incident, type IncidentEvent, type PartnerConfig } from '@tocsin/core';
import { ingestConfig } from './config';
import { parseCsvText } from './decode/csv-text';
import { DedupeStore } from './dedupe';
import type { DeadLetterReason } from './errors';
import { processRecord, type ProcessContext } from './process-record';
import { createPseudonymiser } from './pseudonymise';

/** One record a partner would send, with the 1-based file line it starts on (JSON array: its position). */
export interface FilePiece {
  line: number;
  value: Buffer;
}

/**
 * The records a partner would send for this file, in file order: a CSV file cut into the
 * header plus one data row each; a JSON file as JSON lines or one array of records. Throws
 * (with the line) when first iterated, only for a file that cannot be cut into records at all.
 */
export function* splitIncidentFile(format: PartnerConfig['format'], file: Buffer | string, csv?: PartnerConfig['csv']): Generator<FilePiece> {
  const text = typeof file === 'string' ? file : file.toString('utf8');
  if (format === 'csv') {
    const parsed = parseCsvText(text, csv?.delimiter ?? ',');
    // A file that cannot be cut into rows is the file's problem, not a row's.
    if (!parsed.ok) throw new Error(`the CSV cannot be parsed: ${parsed.problem} (line ${parsed.line})`);
    const hasHeader = csv?.header ?? true;
    const header = hasHeader ? (parsed.lines[0]?.raw ?? '') : '';
    const separator = header === '' || /[\r\n]$/.test(header) ? '' : '\n';
    const data = hasHeader ? parsed.lines.slice(1) : parsed.lines;
    for (const l of data) yield { line: l.line, value: Buffer.from(header + separator + l.raw, 'utf8') };
    return;
  }
  if (text.trimStart().startsWith('[')) {
    let records: unknown;
    try {
      records = JSON.parse(text);
    } catch (error) {
      throw new Error(`the file starts with [ but is not a JSON array: ${(error as Error).message}`);
    }
    if (!Array.isArray(records)) throw new Error('the file is not a JSON array');
    for (let i = 0; i < records.length; i++) yield { line: i + 1, value: Buffer.from(JSON.stringify(records[i]), 'utf8') };
    return;
  }
  // JSON lines, one piece at a time: a year of incidents is 100 MB; they are not all copied at once.
  let start = 0;
  let line = 1;
  while (start <= text.length) {
    const end = text.indexOf('\n', start);
    const raw = text.slice(start, end < 0 ? text.length : end);
    if (raw.trim() !== '') yield { line, value: Buffer.from(raw, 'utf8') };
    if (end < 0) break;
    start = end + 1;
    line++;
  }
}

export interface OfflineContextOptions {
  partners: readonly PartnerConfig[];
  /** HMAC key of pseudonyms; default a random key. */
  pseudonymKey?: Buffer;
  taxonomyDir?: string;
  /** Current time, ms since the epoch. */
  now: number;
  /** The `source` named in dead letters and events. */
  source: string;
}

/**
 * Ingest's processing context for reading a file without Kafka: the partners' mappings,
 * the taxonomy, a throwaway dead-letter key (originals are encrypted as in ingest, then
 * dropped) and a de-duplication state that keeps every row of a multi-year file.
 */
export function offlineProcessContext(options: OfflineContextOptions): ProcessContext {
  const pseudonymKey = options.pseudonymKey ?? randomBytes(32);
  return {
    partners: new Map(options.partners.map((p) => [p.id, p])),
    taxonomy: loadTaxonomy(options.taxonomyDir),
    validateIncident: compileValidator<Incident>('incident.v1'),
    pseudonymiser: createPseudonymiser(pseudonymKey),
    config: ingestConfig({ pseudonymKey, deadLetterKey: randomBytes(32), source: options.source }),
    dedupe: new DedupeStore(200 * 365 * 86_400_000).stage(),
    now: options.now,
  };
}

export interface IncidentFileOptions {
  /** The partner mapping; without it the file is canonical incident JSON lines naming their partners. */
  partner?: PartnerConfig;
  /** HMAC key of pseudonyms; the service's key makes them match production tokens. Default: a random key. */
  pseudonymKey?: Buffer;
  taxonomyDir?: string;
  /** "Now" for the future-date check (default Date.now()): the age of a record is never a reason to refuse it. */
  now?: number;
  /** `source` of the events made (default tocsin-file). */
  source?: string;
}

export type FileRecordOutcome =
  | { kind: 'accepted'; line: number; event: IncidentEvent }
  /** Identical to an earlier record with the same id: ingest would skip it. */
  | { kind: 'duplicate'; line: number; partner: string }
  /** Rejected with a dead-letter reason code; the message quotes person values only as pseudonyms. */
  | { kind: 'rejected'; line: number; partner: string | null; reason: DeadLetterReason; message: string; pointer?: string };

const PARTNER_FIELD = /"partner"\s*:\s*"([A-Za-z0-9_.-]{1,64})"/;

/** Reads incident files on ingest's path; keeps de-duplication state across the records read. */
export class IncidentFileReader {
  private readonly context: ProcessContext;
  private readonly partners = new Map<string, PartnerConfig>();
  private offset = 0;

  constructor(private readonly options: IncidentFileOptions = {}) {
    if (options.partner) this.partners.set(options.partner.id, options.partner);
    const context = offlineProcessContext({
      partners: [], now: options.now ?? Date.now(), source: options.source ?? 'tocsin-file',
      ...(options.pseudonymKey ? { pseudonymKey: options.pseudonymKey } : {}),
      ...(options.taxonomyDir ? { taxonomyDir: options.taxonomyDir } : {}),
    });
    // Canonical lines add a partner config per partner as they name them.
    this.context = { ...context, partners: this.partners };
  }

  /** The file's records, cut as its format says (see splitIncidentFile). */
  split(file: Buffer | string): Generator<FilePiece> {
    const partner = this.options.partner;
    return splitIncidentFile(partner?.format ?? 'json', file, partner?.csv);
  }

  /** Every outcome of one record (a CSV row, a JSON line) in file order. */
  read(piece: FilePiece): FileRecordOutcome[] {
    const partnerId = this.options.partner?.id ?? this.partnerOfCanonical(piece);
    if (typeof partnerId === 'object') return [partnerId];
    const message: BusMessage = { topic: partnerTopic(partnerId), partition: 0, offset: String(this.offset++), key: null, value: piece.value, timestamp: this.context.now, headers: {} };
    return processRecord(message, this.context).map((outcome): FileRecordOutcome => {
      if (outcome.kind === 'accepted') return { kind: 'accepted', line: piece.line, event: outcome.event };
      if (outcome.kind === 'duplicate') return { kind: 'duplicate', line: piece.line, partner: outcome.partner };
      const letter = outcome.deadLetter;
      return {
        kind: 'rejected', line: piece.line, partner: outcome.partner, reason: letter.reason as DeadLetterReason, message: letter.message,
        ...(letter.pointer === undefined ? {} : { pointer: letter.pointer }),
      };
    });
  }

  /** Every outcome of a whole file, in file order. */
  *readAll(file: Buffer | string): Generator<FileRecordOutcome> {
    for (const piece of this.split(file)) yield* this.read(piece);
  }

  /**
   * A canonical line's partner (a JSON partner config made for it on first sight), or its
   * rejection. A line that is not JSON goes to the decoder under a placeholder partner, so
   * its reason is the decoder's (malformed_json, bad_encoding).
   */
  private partnerOfCanonical(piece: FilePiece): string | FileRecordOutcome {
    // The field read off the text (incidents have no other "partner" key; a quote inside a string is escaped, so
    // narrative text cannot match); a full parse only when it is not there plainly. A wrong pick is caught by
    // normalisation's partner check (partner_mismatch).
    let partner: unknown = PARTNER_FIELD.exec(piece.value.toString('utf8'))?.[1];
    if (partner === undefined) {
      try {
        partner = (JSON.parse(piece.value.toString('utf8')) as { partner?: unknown } | null)?.partner;
      } catch {
        partner = 'file';
      }
    }
    if (typeof partner !== 'string' || partner === '') {
      const message = 'a canonical incident names its partner in "partner" (for a partner\'s own file, give its mapping)';
      return { kind: 'rejected', line: piece.line, partner: null, reason: 'schema_violation', message, pointer: '/partner' };
    }
    if (!this.partners.has(partner)) this.partners.set(partner, { id: partner, name: partner, country: 'XX', format: 'json' } as PartnerConfig);
    return partner;
  }
}

/**
 * Accepted events in event-time order (occurred_at, file order between equals), so buckets
 * close as time passes and nothing is late merely because the file lists it late. A revision
 * never goes before the revision it replaces.
 */
export function inEventTimeOrder(events: readonly IncidentEvent[]): IncidentEvent[] {
  const latest = new Map<string, number>();
  const keyed = events.map((event, i) => {
    const key = `${event.incident.partner}:${event.incident.id}`;
    const at = Math.max(Date.parse(event.incident.occurred_at), latest.get(key) ?? -Infinity);
    latest.set(key, at);
    return { event, at, i };
  });
  keyed.sort((a, b) => a.at - b.at || a.i - b.i);
  return keyed.map((k) => k.event);
}
