// Configuration of the ingest service: defaults, and the environment parser the
// composition root uses. Every value is checked at start-up so a bad deployment fails
// at once, naming the variable, instead of dead-lettering every record later.
import { hostname } from 'node:os';
import { kafkaConnectionFromEnv, PARTNER_TOPIC_PATTERN, TOPICS, type KafkaConnection } from '@tocsin/core';
import { IngestError } from './errors';

export interface IngestConfig {
  /** Consumer group of the partner topics. */
  groupId: string;
  /** `source` of every produced event, e.g. ingest/host-1. */
  source: string;
  incidentsTopic: string;
  deadLetterTopic: string;
  /** Partner topics to consume; capture group 1 is the partner id. */
  partnerTopicPattern: RegExp;
  /** Partitions used when ingest has to create its output topics. */
  incidentsPartitions: number;
  deadLetterPartitions: number;
  /** HMAC-SHA256 key of the pseudonyms (at least 32 bytes). */
  pseudonymKey: Buffer;
  /** AES-256-GCM key for the original bytes of dead letters (exactly 32 bytes). */
  deadLetterKey: Buffer;
  /** Larger records are dead-lettered as oversize_record. */
  maxRecordBytes: number;
  /** Larger originals are truncated before encryption in the dead letter. */
  maxDeadLetterOriginalBytes: number;
  /** How far in the future occurred_at may lie (clock skew between agencies). */
  futureSkewMs: number;
  /** How long an incident id is remembered for de-duplication. */
  retentionMs: number;
  /** Most records handed to one batch: one produce round trip and one commit per batch. */
  maxBatchSize: number;
  /** Most bytes of one partner partition per Kafka fetch (caps how big a batch can get). */
  fetchMaxBytesPerPartition: number;
  /**
   * Partner partitions whose batches may be in flight at once. Processing stays one batch at
   * a time; only the wait for the broker overlaps. 1 = strictly one batch after another.
   */
  partitionsConcurrently: number;
  /** Partner feed health limits (feed-health.ts): records waiting, stall and silence. */
  feedMaxLagRecords: number;
  feedStallAfterMs: number;
  feedMaxSilenceMs: number;
}

export const INGEST_DEFAULTS = {
  groupId: 'tocsin-ingest',
  incidentsTopic: TOPICS.incidents.name,
  deadLetterTopic: TOPICS.deadLetter.name,
  partnerTopicPattern: PARTNER_TOPIC_PATTERN,
  incidentsPartitions: 6,
  deadLetterPartitions: 3,
  maxRecordBytes: 256 * 1024,
  maxDeadLetterOriginalBytes: 64 * 1024,
  futureSkewMs: 15 * 60_000,
  retentionMs: 90 * 86_400_000,
  // Larger batches, fetches and partitions in flight measured no faster on a local broker
  // (docs/ingest.md, Performance): ingest is CPU-bound there. Raise them when the broker's
  // round trip is what limits throughput.
  maxBatchSize: 500,
  /** kafkajs' own default. */
  fetchMaxBytesPerPartition: 1024 * 1024,
  partitionsConcurrently: 1,
  feedMaxLagRecords: 10_000,
  feedStallAfterMs: 60_000,
  feedMaxSilenceMs: 15 * 60_000,
} as const;

/** A full config from defaults plus the two keys (and any overrides), for tests and benchmarks. */
export function ingestConfig(required: { pseudonymKey: Buffer; deadLetterKey: Buffer } & Partial<IngestConfig>): IngestConfig {
  return { ...INGEST_DEFAULTS, source: `ingest/${hostname()}`, ...required };
}

export interface IngestEnvironment {
  config: IngestConfig;
  /** Brokers, TLS, SASL and session timeout (KAFKA_BROKERS, KAFKA_SSL*, KAFKA_SASL_*, KAFKA_SESSION_TIMEOUT_MS), as core reads them. */
  kafka: KafkaConnection;
  partnersFile: string;
  /** Extra taxonomy files (TOCSIN_TAXONOMY_DIR), when set. */
  taxonomyDir: string | undefined;
  /** How often the Kafka bus looks for new partner topics. */
  topicRefreshMs: number;
}

type Env = Record<string, string | undefined>;

function fail(variable: string, problem: string): never {
  throw new IngestError('CONFIG_INVALID', `${variable} ${problem}`);
}

function required(env: Env, variable: string): string {
  const value = env[variable]?.trim();
  if (!value) fail(variable, 'is required but not set');
  return value;
}

function positiveInt(env: Env, variable: string, fallback: number): number {
  const raw = env[variable]?.trim();
  if (!raw) return fallback;
  if (!/^[0-9]+$/.test(raw) || Number(raw) <= 0 || !Number.isSafeInteger(Number(raw))) fail(variable, `must be a positive integer, got "${raw}"`);
  return Number(raw);
}

/**
 * Decodes a key given as 64+ hex digits or as base64/base64url. A key is a secret, so
 * errors name the variable and the problem but never echo the value.
 */
export function parseKey(variable: string, raw: string, bytes: { min: number; exact?: boolean }): Buffer {
  const key = /^(?:[0-9a-fA-F]{2}){32,}$/.test(raw)
    ? Buffer.from(raw, 'hex')
    : /^[A-Za-z0-9+/_-]+={0,2}$/.test(raw)
      ? Buffer.from(raw, 'base64')
      : fail(variable, 'must be hex or base64');
  if (bytes.exact && key.length !== bytes.min) fail(variable, `must decode to exactly ${bytes.min} bytes, got ${key.length}`);
  if (key.length < bytes.min) fail(variable, `must decode to at least ${bytes.min} bytes, got ${key.length}`);
  return key;
}

function topicPattern(env: Env, variable: string): RegExp {
  const raw = env[variable]?.trim();
  if (!raw) return INGEST_DEFAULTS.partnerTopicPattern;
  let pattern: RegExp;
  try {
    pattern = new RegExp(raw);
  } catch (error) {
    fail(variable, `is not a valid regular expression: ${(error as Error).message}`);
  }
  if (!/\((?!\?)/.test(raw)) fail(variable, 'needs a capture group for the partner id');
  return pattern;
}

/**
 * Reads the ingest configuration from environment variables (see docs/ingest.md).
 * Throws IngestError CONFIG_INVALID naming the first bad variable.
 */
export function loadIngestEnvironment(env: Env): IngestEnvironment {
  let kafka: KafkaConnection;
  try {
    kafka = kafkaConnectionFromEnv(env);
  } catch (error) {
    throw new IngestError('CONFIG_INVALID', (error as Error).message, { cause: error });
  }
  const config: IngestConfig = {
    groupId: env['TOCSIN_INGEST_GROUP']?.trim() || INGEST_DEFAULTS.groupId,
    source: env['TOCSIN_INGEST_SOURCE']?.trim() || `ingest/${hostname()}`,
    incidentsTopic: env['TOCSIN_INCIDENTS_TOPIC']?.trim() || INGEST_DEFAULTS.incidentsTopic,
    deadLetterTopic: env['TOCSIN_DEAD_LETTER_TOPIC']?.trim() || INGEST_DEFAULTS.deadLetterTopic,
    partnerTopicPattern: topicPattern(env, 'TOCSIN_PARTNER_TOPIC_PATTERN'),
    incidentsPartitions: positiveInt(env, 'TOCSIN_INCIDENTS_PARTITIONS', INGEST_DEFAULTS.incidentsPartitions),
    deadLetterPartitions: positiveInt(env, 'TOCSIN_DEAD_LETTER_PARTITIONS', INGEST_DEFAULTS.deadLetterPartitions),
    pseudonymKey: parseKey('TOCSIN_PSEUDONYM_KEY', required(env, 'TOCSIN_PSEUDONYM_KEY'), { min: 32 }),
    deadLetterKey: parseKey('TOCSIN_DLQ_KEY', required(env, 'TOCSIN_DLQ_KEY'), { min: 32, exact: true }),
    maxRecordBytes: positiveInt(env, 'TOCSIN_INGEST_MAX_RECORD_BYTES', INGEST_DEFAULTS.maxRecordBytes),
    maxDeadLetterOriginalBytes: positiveInt(env, 'TOCSIN_DLQ_MAX_ORIGINAL_BYTES', INGEST_DEFAULTS.maxDeadLetterOriginalBytes),
    futureSkewMs: positiveInt(env, 'TOCSIN_INGEST_FUTURE_SKEW_MS', INGEST_DEFAULTS.futureSkewMs),
    retentionMs: positiveInt(env, 'TOCSIN_INGEST_RETENTION_DAYS', INGEST_DEFAULTS.retentionMs / 86_400_000) * 86_400_000,
    maxBatchSize: positiveInt(env, 'TOCSIN_INGEST_MAX_BATCH', INGEST_DEFAULTS.maxBatchSize),
    fetchMaxBytesPerPartition: positiveInt(env, 'TOCSIN_INGEST_FETCH_PARTITION_BYTES', INGEST_DEFAULTS.fetchMaxBytesPerPartition),
    partitionsConcurrently: positiveInt(env, 'TOCSIN_INGEST_PARTITIONS_CONCURRENTLY', INGEST_DEFAULTS.partitionsConcurrently),
    feedMaxLagRecords: positiveInt(env, 'TOCSIN_INGEST_MAX_LAG', INGEST_DEFAULTS.feedMaxLagRecords),
    feedStallAfterMs: positiveInt(env, 'TOCSIN_INGEST_STALL_AFTER_S', INGEST_DEFAULTS.feedStallAfterMs / 1000) * 1000,
    feedMaxSilenceMs: positiveInt(env, 'TOCSIN_INGEST_MAX_SILENCE_S', INGEST_DEFAULTS.feedMaxSilenceMs / 1000) * 1000,
  };
  if (config.pseudonymKey.equals(config.deadLetterKey)) fail('TOCSIN_DLQ_KEY', 'must differ from TOCSIN_PSEUDONYM_KEY');
  return {
    config,
    kafka,
    partnersFile: required(env, 'TOCSIN_PARTNERS_FILE'),
    taxonomyDir: env['TOCSIN_TAXONOMY_DIR']?.trim() || undefined,
    topicRefreshMs: positiveInt(env, 'TOCSIN_TOPIC_REFRESH_MS', 30_000),
  };
}
