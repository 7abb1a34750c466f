// Dry run of a whole partner file through a partner mapping, on ingest's own path
// (processRecord: decode, normalise, validate, pseudonymise, de-duplicate), without Kafka.
// The file is cut into the records a partner would send by file-input.ts. Used by
// `tocsin mapping check`.
import { partnerTopic, type BusMessage, type Incident, type PartnerConfig } from '@tocsin/core';
import type { DeadLetterReason } from './errors';
import { offlineProcessContext, splitIncidentFile, type FilePiece } from './file-input';
import { processRecord } from './process-record';

export interface MappingCheckOptions {
  partner: PartnerConfig;
  file: Buffer;
  /** HMAC key of pseudonyms in messages; the service's key makes them match production tokens. Default: a random key. */
  pseudonymKey?: Buffer;
  /** Examples kept per rejection reason (default 3). */
  examples?: number;
  /** Accepted incidents kept as a sample (default 0). */
  sample?: number;
  taxonomyDir?: string;
  /** Current time, ms since the epoch (default Date.now()). */
  now?: number;
}

export interface RejectionExample {
  /** 1-based line of the file where the row starts (JSON array: the record's 1-based position). */
  line: number;
  pointer?: string;
  message: string;
}

export interface MappingCheckReport {
  /** Data rows (CSV) or records (JSON) read. */
  rows: number;
  accepted: number;
  /** Accepted rows whose id an earlier row of the file had, with other content: ingest would publish them as revisions. */
  revisions: number;
  /** Rows identical to an earlier row with the same id: ingest would skip them. */
  duplicates: number;
  rejected: number;
  byReason: Array<{ reason: DeadLetterReason; count: number; examples: RejectionExample[] }>;
  sample: Incident[];
}

/** One record a partner would send for a row of a file: a CSV header plus one data row, or one JSON record. */
export type FileRecord = FilePiece;

/**
 * The records a partner would send for this file, with the file line each starts on. Also
 * used by `tocsin start --input` and `tocsin produce`, which send exactly these records.
 */
export function partnerFileRecords(partner: PartnerConfig, file: Buffer): { ok: true; pieces: FileRecord[] } | { ok: false; message: string } {
  try {
    return { ok: true, pieces: [...splitIncidentFile(partner.format, file, partner.csv)] };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

/** Runs every row of `file` through `partner`'s mapping; throws only for a file that cannot be cut into rows or records. */
export function checkMapping(options: MappingCheckOptions): MappingCheckReport {
  const { partner } = options;
  const split = partnerFileRecords(partner, options.file);
  if (!split.ok) throw new Error(split.message);
  const now = options.now ?? Date.now();
  const context = offlineProcessContext({
    partners: [partner], now, source: 'tocsin-mapping-check',
    ...(options.pseudonymKey ? { pseudonymKey: options.pseudonymKey } : {}),
    ...(options.taxonomyDir ? { taxonomyDir: options.taxonomyDir } : {}),
  });
  const topic = partnerTopic(partner.id);
  const maxExamples = options.examples ?? 3;
  const maxSample = options.sample ?? 0;
  const report: MappingCheckReport = { rows: 0, accepted: 0, revisions: 0, duplicates: 0, rejected: 0, byReason: [], sample: [] };
  const reasons = new Map<DeadLetterReason, { reason: DeadLetterReason; count: number; examples: RejectionExample[] }>();
  split.pieces.forEach((piece, i) => {
    const message: BusMessage = { topic, partition: 0, offset: String(i), key: null, value: piece.value, timestamp: now, headers: {} };
    for (const outcome of processRecord(message, context)) {
      report.rows++;
      if (outcome.kind === 'accepted') {
        report.accepted++;
        if (outcome.event.revision > 1) report.revisions++;
        if (report.sample.length < maxSample) report.sample.push(outcome.event.incident);
      } else if (outcome.kind === 'duplicate') {
        report.duplicates++;
      } else {
        report.rejected++;
        const letter = outcome.deadLetter;
        let entry = reasons.get(letter.reason as DeadLetterReason);
        if (!entry) reasons.set(letter.reason as DeadLetterReason, (entry = { reason: letter.reason as DeadLetterReason, count: 0, examples: [] }));
        entry.count++;
        if (entry.examples.length < maxExamples) {
          entry.examples.push({ line: piece.line, message: letter.message, ...(letter.pointer === undefined ? {} : { pointer: letter.pointer }) });
        }
      }
    }
  });
  report.byReason = [...reasons.values()].sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  return report;
}

/** The report as text for a terminal. */
export function formatMappingCheck(report: MappingCheckReport, fileName: string, partner: PartnerConfig): string {
  const lines = [`${fileName}: ${report.rows} ${partner.format === 'csv' ? 'rows' : 'records'} through the mapping of partner ${partner.id}`];
  const extra: string[] = [];
  if (report.revisions > 0) extra.push(`${report.revisions} repeat an earlier row's id with other content: ingest would publish them as revisions`);
  lines.push(`accepted ${report.accepted}${extra.length ? ` (${extra.join('; ')})` : ''}`);
  if (report.duplicates > 0) lines.push(`duplicates ${report.duplicates} (identical to an earlier row with the same id: ingest would skip them)`);
  lines.push(`rejected ${report.rejected}`);
  for (const { reason, count, examples } of report.byReason) {
    lines.push(`  ${reason} ${count}`);
    for (const example of examples) lines.push(`    line ${example.line}: ${example.message}`);
  }
  for (const incident of report.sample) lines.push(`accepted incident: ${JSON.stringify(incident)}`);
  return `${lines.join('\n')}\n`;
}
