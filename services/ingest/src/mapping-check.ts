// Dry run of a whole partner file through a partner mapping, on ingest's own path
// (processRecord: decode, normalise, validate, pseudonymise, de-duplicate), without Kafka,
// through the file reader (file-input.ts). Used by `tocsin mapping check`.
import type { Incident, PartnerConfig } from '@tocsin/core';
import type { DeadLetterReason } from './errors';
import { IncidentFileReader } from './file-input';

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

/** Runs every row of `file` through `partner`'s mapping; throws only for a file that cannot be cut into rows or records. */
export function checkMapping(options: MappingCheckOptions): MappingCheckReport {
  const reader = new IncidentFileReader({
    partner: options.partner,
    ...(options.pseudonymKey ? { pseudonymKey: options.pseudonymKey } : {}),
    ...(options.taxonomyDir ? { taxonomyDir: options.taxonomyDir } : {}),
    ...(options.now !== undefined ? { now: options.now } : {}),
    source: 'tocsin-mapping-check',
  });
  const maxExamples = options.examples ?? 3;
  const maxSample = options.sample ?? 0;
  const report: MappingCheckReport = { rows: 0, accepted: 0, revisions: 0, duplicates: 0, rejected: 0, byReason: [], sample: [] };
  const reasons = new Map<DeadLetterReason, { reason: DeadLetterReason; count: number; examples: RejectionExample[] }>();
  for (const outcome of reader.readAll(options.file)) {
    report.rows++;
    if (outcome.kind === 'accepted') {
      report.accepted++;
      if (outcome.event.revision > 1) report.revisions++;
      if (report.sample.length < maxSample) report.sample.push(outcome.event.incident);
    } else if (outcome.kind === 'duplicate') {
      report.duplicates++;
    } else {
      report.rejected++;
      let entry = reasons.get(outcome.reason);
      if (!entry) reasons.set(outcome.reason, (entry = { reason: outcome.reason, count: 0, examples: [] }));
      entry.count++;
      if (entry.examples.length < maxExamples) {
        entry.examples.push({ line: outcome.line, message: outcome.message, ...(outcome.pointer === undefined ? {} : { pointer: outcome.pointer }) });
      }
    }
  }
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
