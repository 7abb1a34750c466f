// Public surface of @tocsin/ingest.
export { buildIngest, type Ingest, type IngestDeps, type IngestHealth } from './app';
export { FEED_HEALTH_DEFAULTS, FeedHealth, type FeedHealthLimits, type FeedProblem, type FeedState } from './feed-health';
export { ingestConfig, loadIngestEnvironment, parseKey, INGEST_DEFAULTS, type IngestConfig, type IngestEnvironment } from './config';
export { DEAD_LETTER_REASONS, DEAD_LETTER_REASON_CODES, INGEST_ERROR_CODES, IngestError, type DeadLetterReason, type IngestErrorCode } from './errors';
export { decryptDeadLetterOriginal, deadLetterKeyId } from './dead-letter';
export { createPseudonymiser, PSEUDONYM_PREFIX, type Pseudonymiser, type IdentifierKind } from './pseudonymise';
export { processRecord, incidentKey, type ProcessContext, type RecordOutcome } from './process-record';
export { loadPartnersFile, validatePartners } from './partners';
export { DedupeStore } from './dedupe';
export type { IngestStats, PartnerStats } from './stats';
export {
  checkMapping, formatMappingCheck, partnerFileRecords,
  type FileRecord, type MappingCheckOptions, type MappingCheckReport,
} from './mapping-check';
export {
  IncidentFileReader, splitIncidentFile, inEventTimeOrder, offlineProcessContext,
  type FilePiece, type FileRecordOutcome, type IncidentFileOptions, type OfflineContextOptions,
} from './file-input';
