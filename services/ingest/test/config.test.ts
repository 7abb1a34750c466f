import { describe, expect, it } from 'vitest';
import { INGEST_DEFAULTS, loadIngestEnvironment, parseKey } from '../src/config';
import { IngestError } from '../src/errors';

const KEY_A = 'a'.repeat(64);
const KEY_B = Buffer.alloc(32, 2).toString('base64');
const base = { KAFKA_BROKERS: '127.0.0.1:9092', TOCSIN_PARTNERS_FILE: '/etc/tocsin/partners.json', TOCSIN_PSEUDONYM_KEY: KEY_A, TOCSIN_DLQ_KEY: KEY_B };

function errorOf(env: Record<string, string | undefined>): IngestError {
  try {
    loadIngestEnvironment(env);
  } catch (error) {
    if (error instanceof IngestError) return error;
    throw error;
  }
  throw new Error('expected loadIngestEnvironment to throw');
}

describe('loadIngestEnvironment', () => {
  it('reads a minimal environment with defaults', () => {
    const { config, kafka, partnersFile } = loadIngestEnvironment(base);
    expect(kafka).toEqual({ brokers: ['127.0.0.1:9092'] });
    expect(partnersFile).toBe('/etc/tocsin/partners.json');
    expect(config.groupId).toBe('tocsin-ingest');
    expect(config.incidentsTopic).toBe('incidents.v1');
    expect(config.deadLetterTopic).toBe('dead-letter.v1');
    expect(config.maxRecordBytes).toBe(256 * 1024);
    expect(config.futureSkewMs).toBe(15 * 60_000);
    expect(config.retentionMs).toBe(90 * 86_400_000);
    expect(config.pseudonymKey).toEqual(Buffer.from(KEY_A, 'hex'));
    expect(config.deadLetterKey).toEqual(Buffer.alloc(32, 2));
    expect(config.partnerTopicPattern).toBe(INGEST_DEFAULTS.partnerTopicPattern);
  });

  it('reads the throughput settings: batch size, fetch size, partitions in flight', () => {
    const defaults = loadIngestEnvironment(base).config;
    expect([defaults.maxBatchSize, defaults.fetchMaxBytesPerPartition, defaults.partitionsConcurrently]).toEqual([500, 1024 * 1024, 1]);
    const { config } = loadIngestEnvironment({
      ...base,
      TOCSIN_INGEST_MAX_BATCH: '5000',
      TOCSIN_INGEST_FETCH_PARTITION_BYTES: '8388608',
      TOCSIN_INGEST_PARTITIONS_CONCURRENTLY: '2',
    });
    expect([config.maxBatchSize, config.fetchMaxBytesPerPartition, config.partitionsConcurrently]).toEqual([5000, 8 * 1024 * 1024, 2]);
    expect(errorOf({ ...base, TOCSIN_INGEST_PARTITIONS_CONCURRENTLY: '0' }).message).toBe('TOCSIN_INGEST_PARTITIONS_CONCURRENTLY must be a positive integer, got "0"');
  });

  it('applies overrides', () => {
    const { config, kafka } = loadIngestEnvironment({
      ...base,
      KAFKA_BROKERS: 'k1:9092, k2:9093',
      KAFKA_SSL: 'true',
      TOCSIN_INCIDENTS_TOPIC: 'itest.incidents',
      TOCSIN_PARTNER_TOPIC_PATTERN: '^partner\\.(t1-[a-z]+)\\.incidents$',
      TOCSIN_INGEST_FUTURE_SKEW_MS: '1000',
      TOCSIN_INGEST_RETENTION_DAYS: '7',
    });
    expect(kafka).toEqual({ brokers: ['k1:9092', 'k2:9093'], ssl: true });
    expect(config.incidentsTopic).toBe('itest.incidents');
    expect(config.partnerTopicPattern.exec('partner.t1-abc.incidents')?.[1]).toBe('t1-abc');
    expect(config.futureSkewMs).toBe(1000);
    expect(config.retentionMs).toBe(7 * 86_400_000);
  });

  it.each([
    [{ KAFKA_BROKERS: undefined }, /^KAFKA_BROKERS is not set/],
    [{ KAFKA_SASL_MECHANISM: 'plain' }, /^KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required/],
    [{ KAFKA_BROKERS: 'localhost' }, /^KAFKA_BROKERS has an entry "localhost"/],
    [{ TOCSIN_PSEUDONYM_KEY: '' }, /^TOCSIN_PSEUDONYM_KEY is required/],
    [{ TOCSIN_PSEUDONYM_KEY: 'c2hvcnQ=' }, /^TOCSIN_PSEUDONYM_KEY must decode to at least 32 bytes, got 5/],
    [{ TOCSIN_DLQ_KEY: 'ab'.repeat(40) }, /^TOCSIN_DLQ_KEY must decode to exactly 32 bytes, got 40/],
    [{ TOCSIN_DLQ_KEY: 'not a key!' }, /^TOCSIN_DLQ_KEY must be hex or base64/],
    [{ TOCSIN_DLQ_KEY: KEY_A }, /^TOCSIN_DLQ_KEY must differ from TOCSIN_PSEUDONYM_KEY/],
    [{ TOCSIN_PARTNERS_FILE: ' ' }, /^TOCSIN_PARTNERS_FILE is required/],
    [{ TOCSIN_INGEST_MAX_RECORD_BYTES: '-5' }, /^TOCSIN_INGEST_MAX_RECORD_BYTES must be a positive integer, got "-5"/],
    [{ TOCSIN_PARTNER_TOPIC_PATTERN: '^partner\\.[a-z]+$' }, /^TOCSIN_PARTNER_TOPIC_PATTERN needs a capture group/],
    [{ TOCSIN_PARTNER_TOPIC_PATTERN: '^(partner' }, /^TOCSIN_PARTNER_TOPIC_PATTERN is not a valid regular expression/],
  ])('fails fast naming the bad variable: %o', (overrides, message) => {
    const error = errorOf({ ...base, ...overrides });
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toMatch(message);
  });

  it('never echoes a key in its error', () => {
    const secret = 'x'.repeat(10) + '!';
    expect(errorOf({ ...base, TOCSIN_PSEUDONYM_KEY: secret }).message).not.toContain(secret);
  });
});

describe('parseKey', () => {
  it('reads hex and base64url', () => {
    expect(parseKey('K', 'ff'.repeat(32), { min: 32 })).toEqual(Buffer.alloc(32, 0xff));
    expect(parseKey('K', Buffer.alloc(32, 0xfb).toString('base64url'), { min: 32 })).toEqual(Buffer.alloc(32, 0xfb));
  });
});
