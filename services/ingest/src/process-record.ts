// The pure core of ingest: one partner record in, one outcome per incident it holds out
// (a JSON record holds one, a CSV record one per data row). Synchronous and free of I/O,
// so it can be tested exhaustively and benchmarked alone; the bus plumbing is in app.ts.
import type { BusMessage, DeadLetter, Incident, IncidentEvent, PartnerConfig, Taxonomy, Validator } from '@tocsin/core';
import type { IngestConfig } from './config';
import { canonicalise, contentHashOfCanonical } from './content-hash';
import { buildDeadLetter } from './dead-letter';
import { decodeCsvRecord } from './decode/csv';
import { decodeJsonRecord } from './decode/json';
import { alreadyProduced, type DedupeView, type SourcePosition } from './dedupe';
import { normaliseIncident } from './normalise/incident';
import type { Pseudonymiser } from './pseudonymise';
import type { Rejection } from './rejection';

export interface ProcessContext {
  partners: ReadonlyMap<string, PartnerConfig>;
  taxonomy: Taxonomy;
  validateIncident: Validator<Incident>;
  pseudonymiser: Pseudonymiser;
  config: IngestConfig;
  dedupe: DedupeView;
  /** Current time, ms since the epoch. */
  now: number;
}

export type RecordOutcome =
  | { kind: 'accepted'; partner: string; event: IncidentEvent; source: SourcePosition }
  | { kind: 'duplicate'; partner: string; incidentKey: string }
  | { kind: 'rejected'; partner: string | null; deadLetter: DeadLetter };

/** Key of an incident on incidents.v1 and in the de-duplication state. */
export const incidentKey = (partner: string, id: string): string => `${partner}:${id}`;

/**
 * Decodes, validates, normalises, de-duplicates and pseudonymises one partner record.
 * Never throws for any input bytes: every problem becomes a dead letter. Accepted events
 * are written to ctx.dedupe so later rows of the same batch see them.
 */
export function processRecord(raw: BusMessage, ctx: ProcessContext): RecordOutcome[] {
  const partnerId = ctx.config.partnerTopicPattern.exec(raw.topic)?.[1] ?? null;
  const rejected = (rejection: Rejection, row?: number, original?: Buffer): RecordOutcome => ({
    kind: 'rejected',
    partner: partnerId,
    deadLetter: buildDeadLetter({
      record: raw,
      partner: partnerId,
      rejection,
      ...(row === undefined ? {} : { row }),
      ...(original === undefined ? {} : { original }),
      key: ctx.config.deadLetterKey,
      maxOriginalBytes: ctx.config.maxDeadLetterOriginalBytes,
      source: ctx.config.source,
      now: ctx.now,
    }),
  });

  const partner = partnerId === null ? undefined : ctx.partners.get(partnerId);
  if (!partner) {
    return [rejected({ reason: 'unknown_partner', message: `no partner config for topic ${raw.topic}` })];
  }
  const size = raw.value?.length ?? 0;
  if (size > ctx.config.maxRecordBytes) {
    return [rejected({ reason: 'oversize_record', message: `the record has ${size} bytes, more than the limit of ${ctx.config.maxRecordBytes}` })];
  }
  const receivedMs = Number.isFinite(raw.timestamp) && raw.timestamp > 0 ? raw.timestamp : ctx.now;
  const receivedAt = new Date(receivedMs).toISOString();
  const offset = Number(raw.offset);

  if (partner.format === 'json') {
    const decoded = decodeJsonRecord(raw.value);
    if (!decoded.ok) return [rejected(decoded.rejection)];
    const position: SourcePosition = { topic: raw.topic, partition: raw.partition, offset, row: 0 };
    const outcome = accept(decoded.value, partner, position, receivedMs, receivedAt, ctx);
    return [outcome.kind === 'rejection' ? rejected(outcome.rejection) : outcome];
  }
  if (partner.format === 'csv') {
    const decoded = decodeCsvRecord(raw.value, partner);
    if (!decoded.ok) return [rejected(decoded.rejection)];
    const { headerRaw, rows } = decoded.value;
    return rows.map((row) => {
      const original = (): Buffer => Buffer.from(headerRaw + row.raw, 'utf8');
      if (!row.ok) return rejected(row.rejection, row.row, original());
      const position: SourcePosition = { topic: raw.topic, partition: raw.partition, offset, row: row.row };
      // Without a reported_at column, the incident was reported when Tocsin first received it;
      // a re-send keeps that time so it is not mistaken for a changed incident.
      if (row.draft['reported_at'] === undefined && typeof row.draft['id'] === 'string') {
        row.draft['reported_at'] = ctx.dedupe.get(incidentKey(partner.id, row.draft['id']))?.reportedAt ?? receivedAt;
      }
      const outcome = accept(row.draft, partner, position, receivedMs, receivedAt, ctx);
      return outcome.kind === 'rejection' ? rejected(outcome.rejection, row.row, original()) : outcome;
    });
  }
  return [rejected({ reason: 'unsupported_format', message: `partner ${partner.id} has format ${JSON.stringify(partner.format)}, which ingest cannot decode` })];
}

function accept(
  draft: unknown,
  partner: PartnerConfig,
  position: SourcePosition,
  receivedMs: number,
  receivedAt: string,
  ctx: ProcessContext,
): Exclude<RecordOutcome, { kind: 'rejected' }> | { kind: 'rejection'; rejection: Rejection } {
  const normalised = normaliseIncident(draft, partner, {
    taxonomy: ctx.taxonomy,
    validateIncident: ctx.validateIncident,
    now: ctx.now,
    futureSkewMs: ctx.config.futureSkewMs,
  });
  if (!normalised.ok) return { kind: 'rejection', rejection: normalised.rejection };
  const incident = canonicalise(ctx.pseudonymiser.incident(normalised.value));
  const key = incidentKey(partner.id, incident.id);
  const known = ctx.dedupe.get(key);
  if (alreadyProduced(known, position)) return { kind: 'duplicate', partner: partner.id, incidentKey: key };
  const hash = contentHashOfCanonical(incident);
  if (known && known.contentHash === hash) return { kind: 'duplicate', partner: partner.id, incidentKey: key };
  const revision = (known?.revision ?? 0) + 1;
  ctx.dedupe.set(key, {
    contentHash: hash,
    revision,
    lastSeen: Math.max(Date.parse(incident.occurred_at), receivedMs),
    reportedAt: incident.reported_at,
    source: position,
  });
  const event: IncidentEvent = {
    id: `${key}:r${revision}`,
    type: 'incident',
    schema_version: 1,
    produced_at: new Date(ctx.now).toISOString(),
    source: ctx.config.source,
    revision,
    received_at: receivedAt,
    content_hash: hash,
    incident,
  };
  return { kind: 'accepted', partner: partner.id, event, source: position };
}
