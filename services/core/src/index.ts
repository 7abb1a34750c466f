// Public surface of @tocsin/core. Services import from here only.
export * from './generated/schemas';
export * from './bus/types';
export { createMemoryBus, type MemoryBusOptions } from './bus/memory';
export { createKafkaBus, type KafkaBusOptions } from './bus/kafka';
export { kafkaConnectionFromEnv, type KafkaConnection } from './bus/kafka-env';
export { murmur2, partitionForKey } from './bus/partitioner';
export * from './topics';
export { compileValidator, schemaNames, schemaDir, type Validator, type ValidationResult, type ValidationIssue } from './schemas';
export { loadTaxonomy, TAXONOMY_KINDS, type Taxonomy, type TaxonomyKind } from './taxonomy';
export { createLogger, silentLogger, REDACTED_PATHS, type Logger, type LoggerOptions } from './logger';
export { encodeEvent, decodeJson, nowIso, canonicalJson } from './json';
export { createInfluxWriter, type InfluxWriter, type InfluxWriterOptions, type InfluxWriterStats, type MetricPoint } from './metrics/influx-writer';
export { viewFor, type AlertView, type EvidenceView, type Finding, type ViewResult } from './sharing/view';
export { shareDecision, isLowGrade, incidentCountries, type ShareLevel, type Subscriber, type ShareRule, type ShareDecision } from './sharing/levels';
export { CodedError } from './errors';
export { installProcessGuard, UNATTRIBUTED, type ProcessGuard, type ProcessGuardOptions, type ComponentFailures } from './process-guard';
export { csvField, csvRow, neutraliseCsvText, type CsvValue } from './csv';
