// The pure core of ingest: one partner record in, one outcome per incident it holds out
// (a JSON record holds one, a CSV record one per data row). Synchronous and free of I/O,
// so it can be tested exhaustively and benchmarked alone; the bus plumbing is in app.ts.
import type { BusMessage, DeadLetter, Incident, IncidentEvent, PartnerConfig, Taxonomy, Validator } from '@tocsin/core';
import type { IngestConfig } from './config';
import { canonicalise, contentHashOfJson } from './content-hash';
import { buildDeadLetter } from './dead-letter';
import { decodeCsvRecord, describeFieldSource, fieldOfPointer, type FieldSources } from './decode/csv';
import { decodeJsonRecord } from './decode/json';
import { alreadyProduced, type DedupeView, type SourcePosition } from './dedupe';
import { normaliseIncident } from './normalise/incident';
import { partnerMissingTokens } from './normalise/missing';
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
  /** Most bytes an incident record may take on the incidents topic (Producer.maxRecordBytes); unset: no limit. */
  maxEventBytes?: number;
}

/**
 * Bytes of an incident record besides the incident's JSON, at most: the event envelope (its
 * ids, timestamps and source are bounded by incident-event.v1), the key and the source headers.
 */
export const EVENT_OVERHEAD_BYTES = 2048;

export type RecordOutcome =
  | {
      kind: 'accepted';
      partner: string;
      event: IncidentEvent;
      source: SourcePosition;
      /** JSON.stringify(event.incident), canonical: the text content_hash was computed from. */
      incidentJson: string;
    }
  | { kind: 'duplicate'; partner: string; incidentKey: string }
  | { kind: 'rejected'; partner: string | null; deadLetter: DeadLetter };

/** Key of an incident on incidents.v1 and in the de-duplication state. */
export const incidentKey = (partner: string, id: string): string => `${partner}:${id}`;

/**
 * Decodes, validates, normalises, de-duplicates and pseudonymises one partner record.
 * Never throws for any input bytes: every problem becomes a dead letter. Accepted events
 * are written to ctx.dedupe so later rows of the same batch see them.
 */
/**
 * Partner id of a topic name (group 1 of the pattern), or null. Cached per topic: the pattern
 * ran once per record before, for a handful of distinct topics. Bounded by the number of
 * topics the service is subscribed to (plus foreign topics seen, which the memo caps).
 */
const partnerIdMemo = new WeakMap<RegExp, Map<string, string | null>>();
const PARTNER_ID_MEMO_MAX = 10_000;
function partnerIdOf(pattern: RegExp, topic: string): string | null {
  let byTopic = partnerIdMemo.get(pattern);
  if (!byTopic) partnerIdMemo.set(pattern, (byTopic = new Map()));
  let id = byTopic.get(topic);
  if (id === undefined) {
    // A pattern with the g or y flag keeps lastIndex between calls; reset it so exec is pure.
    pattern.lastIndex = 0;
    id = pattern.exec(topic)?.[1] ?? null;
    if (byTopic.size < PARTNER_ID_MEMO_MAX) byTopic.set(topic, id);
  }
  return id;
}

/** ISO form of the batch's "now", made once per batch rather than once per record. */
let lastNow = Number.NaN;
let lastNowIso = '';
function isoOf(now: number): string {
  if (now !== lastNow) {
    lastNowIso = new Date(now).toISOString();
    lastNow = now;
  }
  return lastNowIso;
}

/** A dead-letter outcome (built only on the rejection path: it encrypts the original). */
function rejectedOutcome(raw: BusMessage, partnerId: string | null, ctx: ProcessContext, rejection: Rejection, row?: number, original?: Buffer): RecordOutcome {
  return {
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
  };
}

/**
 * Decodes, validates, normalises, de-duplicates and pseudonymises one partner record.
 * Never throws for any input bytes: every problem becomes a dead letter. Accepted events
 * are written to ctx.dedupe so later rows of the same batch see them.
 */
export function processRecord(raw: BusMessage, ctx: ProcessContext): RecordOutcome[] {
  const partnerId = partnerIdOf(ctx.config.partnerTopicPattern, raw.topic);
  const partner = partnerId === null ? undefined : ctx.partners.get(partnerId);
  if (!partner) {
    return [rejectedOutcome(raw, partnerId, ctx, { reason: 'unknown_partner', message: `no partner config for topic ${raw.topic}` })];
  }
  const size = raw.value?.length ?? 0;
  if (size > ctx.config.maxRecordBytes) {
    return [rejectedOutcome(raw, partnerId, ctx, { reason: 'oversize_record', message: `the record has ${size} bytes, more than the limit of ${ctx.config.maxRecordBytes}` })];
  }
  const receivedMs = Number.isFinite(raw.timestamp) && raw.timestamp > 0 ? raw.timestamp : ctx.now;
  const receivedAt = new Date(receivedMs).toISOString();
  const offset = Number(raw.offset);

  if (partner.format === 'json') {
    const decoded = decodeJsonRecord(raw.value);
    if (!decoded.ok) return [rejectedOutcome(raw, partnerId, ctx, decoded.rejection)];
    const position: SourcePosition = { topic: raw.topic, partition: raw.partition, offset, row: 0 };
    const outcome = accept(decoded.value, partner, position, receivedMs, receivedAt, ctx, true);
    return [outcome.kind === 'rejection' ? rejectedOutcome(raw, partnerId, ctx, outcome.rejection) : outcome];
  }
  if (partner.format === 'csv') {
    const decoded = decodeCsvRecord(raw.value, partner);
    if (!decoded.ok) return [rejectedOutcome(raw, partnerId, ctx, decoded.rejection)];
    const { headerRaw, rows } = decoded.value;
    const outcomes: RecordOutcome[] = [];
    for (const row of rows) {
      if (!row.ok) {
        outcomes.push(rejectedOutcome(raw, partnerId, ctx, row.rejection, row.row, Buffer.from(headerRaw + row.raw, 'utf8')));
        continue;
      }
      const position: SourcePosition = { topic: raw.topic, partition: raw.partition, offset, row: row.row };
      // Without a reported_at column, the incident was reported when Tocsin first received it;
      // a re-send keeps that time so it is not mistaken for a changed incident.
      if (row.draft['reported_at'] === undefined && typeof row.draft['id'] === 'string') {
        row.draft['reported_at'] = ctx.dedupe.get(incidentKey(partner.id, row.draft['id']))?.reportedAt ?? receivedAt;
      }
      const outcome = accept(row.draft, partner, position, receivedMs, receivedAt, ctx, false);
      outcomes.push(outcome.kind === 'rejection' ? rejectedOutcome(raw, partnerId, ctx, namingColumn(outcome.rejection, partner, row.via), row.row, Buffer.from(headerRaw + row.raw, 'utf8')) : outcome);
    }
    return outcomes;
  }
  return [rejectedOutcome(raw, partnerId, ctx, { reason: 'unsupported_format', message: `partner ${partner.id} has format ${JSON.stringify(partner.format)}, which ingest cannot decode` })];
}

/** A normaliser's rejection of a CSV row, prefixed with the column (or constant, route, default) the field came from. */
function namingColumn(rejection: Rejection, partner: PartnerConfig, via: FieldSources | undefined): Rejection {
  const field = rejection.pointer === undefined ? undefined : fieldOfPointer(rejection.pointer);
  const source = field === undefined ? undefined : describeFieldSource(partner, field, via);
  return source === undefined ? rejection : { ...rejection, message: `${source}: ${rejection.message}` };
}

function accept(
  draft: unknown,
  partner: PartnerConfig,
  position: SourcePosition,
  receivedMs: number,
  receivedAt: string,
  ctx: ProcessContext,
  json: boolean,
): Exclude<RecordOutcome, { kind: 'rejected' }> | { kind: 'rejection'; rejection: Rejection } {
  const normalised = normaliseIncident(draft, partner, {
    taxonomy: ctx.taxonomy,
    validateIncident: ctx.validateIncident,
    now: ctx.now,
    futureSkewMs: ctx.config.futureSkewMs,
    quotePersonal: ctx.pseudonymiser.token,
    missingCountries: json ? partnerMissingTokens(partner) : undefined,
  });
  if (!normalised.ok) return { kind: 'rejection', rejection: normalised.rejection };
  const incident = canonicalise(ctx.pseudonymiser.incident(normalised.value));
  const key = incidentKey(partner.id, incident.id);
  const known = ctx.dedupe.get(key);
  if (alreadyProduced(known, position)) return { kind: 'duplicate', partner: partner.id, incidentKey: key };
  // Serialised once: this text is hashed and later spliced into the event's bytes.
  const incidentJson = JSON.stringify(incident);
  // Checked before the de-duplication state learns the incident: a record the topic cannot take is dead-lettered, never sent.
  if (ctx.maxEventBytes !== undefined) {
    const bytes = Buffer.byteLength(incidentJson) + EVENT_OVERHEAD_BYTES;
    if (bytes > ctx.maxEventBytes) {
      return { kind: 'rejection', rejection: { reason: 'oversize_record', message: `the incident event would take up to ${bytes} bytes, more than the incidents topic takes per record (${ctx.maxEventBytes} bytes, from its max.message.bytes and segment.bytes)` } };
    }
  }
  const hash = contentHashOfJson(incidentJson);
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
    produced_at: isoOf(ctx.now),
    source: ctx.config.source,
    revision,
    received_at: receivedAt,
    content_hash: hash,
    incident,
  };
  return { kind: 'accepted', partner: partner.id, event, source: position, incidentJson };
}

/**
 * The bytes of an accepted event, equal to encodeEvent(event) (JSON.stringify): `incident` is
 * the event's last member, so the envelope is serialised without it and the incident's
 * canonical text, already made for the content hash, is spliced in instead of serialising
 * the incident a second time.
 */
export function encodeIncidentEvent(event: IncidentEvent, incidentJson: string): Buffer {
  const { incident: _incident, ...envelope } = event;
  const head = JSON.stringify(envelope);
  return Buffer.from(`${head.slice(0, -1)},"incident":${incidentJson}}`);
}
