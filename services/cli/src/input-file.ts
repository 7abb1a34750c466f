// A user's incident file as the records a partner would send, each checked on ingest's
// own path (processRecord: decode, normalise, validate) before anything is sent. Shared by
// `tocsin start --input` (which orders the records by event time) and `tocsin produce`
// (which sends the accepted ones to Kafka). Input: CSV or JSON through a partner mapping
// (schemas/partner-config.v1), or canonical incident JSON lines without one.
import { readFileSync, statSync } from 'node:fs';
import { partnerTopic, type BusMessage, type PartnerConfig } from '@tocsin/core';
import { offlineProcessContext, partnerFileRecords, processRecord, validatePartners } from '@tocsin/ingest';

/** Most bytes of an input file: it is read whole into memory (with its records and their checks). */
export const MAX_INPUT_BYTES = 512 * 1024 * 1024;

export interface InputRecord {
  /** 1-based line of the file where the row starts (JSON array: the record's position). */
  line: number;
  partner: string;
  topic: string;
  /** Record key as partners send it: the row's incident id (null when the row has none that ingest accepts). */
  key: string | null;
  /** The bytes a partner sends: a CSV header plus this row, or one JSON record. */
  value: Buffer;
  contentType: 'text/csv' | 'application/json';
  /** What ingest would make of it now: accepted (a new incident or a revision), duplicate of an earlier row, or rejected. */
  verdict: 'accepted' | 'duplicate' | 'rejected';
  /** Event time (occurred_at) of an accepted row, ms since the epoch. */
  occurredMs?: number;
  rejection?: { reason: string; message: string; pointer?: string };
}

export interface InputFile {
  partners: PartnerConfig[];
  records: InputRecord[];
  counts: { records: number; accepted: number; duplicates: number; rejected: number };
}

export interface ReadInputOptions {
  file: string;
  /** A partner config or a partners file (array); without it the file is canonical incident JSON. */
  mapping?: string;
  /** With a mapping file of several partners: which one. Without a mapping: the partner of every record. */
  partner?: string;
  /** "Now" for ingest's future check, ms since the epoch. */
  now: number;
  taxonomyDir?: string;
  /** Pseudonym key for person values quoted in rejection messages (the service's key gives the service's tokens); default random. */
  pseudonymKey?: Buffer;
}

/** A usage-level problem with the input (unreadable file or mapping, no partner): the commands exit 2. */
export class InputFileError extends Error {}

/** The partner config to use from a mapping file: its only entry, or the one `id` names. */
export function loadMappingPartner(path: string, id: string | undefined): PartnerConfig {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new InputFileError(`${path} cannot be read as JSON: ${(error as Error).message}`);
  }
  let partners: PartnerConfig[];
  try {
    partners = validatePartners(Array.isArray(data) ? data : [data], path);
  } catch (error) {
    throw new InputFileError((error as Error).message);
  }
  if (id !== undefined) {
    const found = partners.find((p) => p.id === id);
    if (!found) throw new InputFileError(`${path} has no partner ${JSON.stringify(id)} (it has ${partners.map((p) => p.id).join(', ')})`);
    return found;
  }
  if (partners.length !== 1) throw new InputFileError(`${path} holds ${partners.length} partners; name one with --partner`);
  return partners[0]!;
}

function readFile(path: string): Buffer {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (error) {
    throw new InputFileError(`${path} cannot be read: ${(error as Error).message}`);
  }
  if (size > MAX_INPUT_BYTES) throw new InputFileError(`${path} has ${size} bytes, more than the limit of ${MAX_INPUT_BYTES} (split it)`);
  return readFileSync(path);
}

/** The `partner` member of a JSON record, when it has a string one. */
function ownPartner(value: Buffer): { partner?: string; country?: string } {
  try {
    const record: unknown = JSON.parse(value.toString('utf8'));
    if (typeof record !== 'object' || record === null) return {};
    const { partner, country } = record as Record<string, unknown>;
    return { ...(typeof partner === 'string' ? { partner } : {}), ...(typeof country === 'string' ? { country } : {}) };
  } catch {
    return {};
  }
}

interface Piece {
  line: number;
  value: Buffer;
  partner: string;
}

/**
 * Canonical incident JSON without a mapping: one format-json partner config per partner. A
 * record's partner is --partner, else its own `partner`, else the file's first named partner
 * (ingest takes a record without `partner` as its topic's partner's, and rejects one that is
 * not JSON there with its reason).
 */
function canonicalPieces(file: Buffer, options: ReadInputOptions): { partners: PartnerConfig[]; pieces: Piece[] } {
  const probe: PartnerConfig = { id: options.partner ?? 'input', name: 'input', country: 'ZZ', format: 'json' };
  const split = partnerFileRecords(probe, file);
  if (!split.ok) throw new InputFileError(`${options.file}: ${split.message}`);
  const countries = new Map<string, string>();
  const named = split.pieces.map((p) => ownPartner(p.value));
  for (const { partner, country } of named) {
    const id = options.partner ?? partner;
    if (id !== undefined && !countries.has(id)) countries.set(id, country !== undefined && /^[A-Z]{2}$/.test(country) ? country : 'ZZ');
  }
  const first = countries.keys().next().value;
  if (first === undefined) throw new InputFileError(`${options.file}: no record names its partner; give one with --partner (or a mapping with --mapping)`);
  let partners: PartnerConfig[];
  try {
    // The partner's own country is only a label here: its first record's country, or ZZ (unknown).
    partners = validatePartners([...countries].map(([id, country]) => ({ id, name: id, country, format: 'json' })), '--partner');
  } catch (error) {
    throw new InputFileError(`${(error as Error).message} (a partner id is 2-63 lower-case letters, digits and dashes)`);
  }
  return { partners, pieces: split.pieces.map((p, i) => ({ ...p, partner: options.partner ?? named[i]!.partner ?? first })) };
}

/** Reads and checks a whole input file; throws InputFileError for a file or mapping that cannot be used at all. */
export function readInputFile(options: ReadInputOptions): InputFile {
  const file = readFile(options.file);
  let partners: PartnerConfig[];
  let pieces: Piece[];
  if (options.mapping !== undefined) {
    const partner = loadMappingPartner(options.mapping, options.partner);
    const split = partnerFileRecords(partner, file);
    if (!split.ok) throw new InputFileError(`${options.file}: ${split.message}`);
    partners = [partner];
    pieces = split.pieces.map((p) => ({ ...p, partner: partner.id }));
  } else {
    ({ partners, pieces } = canonicalPieces(file, options));
  }
  const formats = new Map(partners.map((p) => [p.id, p.format]));
  const context = offlineProcessContext({
    partners, now: options.now, source: 'tocsin-input',
    ...(options.taxonomyDir ? { taxonomyDir: options.taxonomyDir } : {}),
    ...(options.pseudonymKey ? { pseudonymKey: options.pseudonymKey } : {}),
  });
  const counts = { records: 0, accepted: 0, duplicates: 0, rejected: 0 };
  const records: InputRecord[] = pieces.map((piece, i) => {
    const { partner } = piece;
    const topic = partnerTopic(partner);
    const message: BusMessage = { topic, partition: 0, offset: String(i), key: null, value: piece.value, timestamp: options.now, headers: {} };
    // One outcome per record: a piece holds one CSV data row or one JSON record.
    const outcome = processRecord(message, context)[0]!;
    const base = { line: piece.line, partner, topic, value: piece.value, contentType: formats.get(partner) === 'csv' ? 'text/csv' as const : 'application/json' as const };
    counts.records++;
    if (outcome.kind === 'accepted') {
      counts.accepted++;
      return { ...base, key: outcome.event.incident.id, verdict: 'accepted', occurredMs: Date.parse(outcome.event.incident.occurred_at) };
    }
    if (outcome.kind === 'duplicate') {
      counts.duplicates++;
      return { ...base, key: outcome.incidentKey.slice(partner.length + 1), verdict: 'duplicate' };
    }
    counts.rejected++;
    const { reason, message: text, pointer } = outcome.deadLetter;
    return { ...base, key: null, verdict: 'rejected', rejection: { reason, message: text, ...(pointer === undefined ? {} : { pointer }) } };
  });
  return { partners, records, counts };
}
