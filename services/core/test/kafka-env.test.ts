import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kafkaConnectionFromEnv } from '../src/index';

describe('kafkaConnectionFromEnv', () => {
  it('reads brokers, TLS and SASL', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tocsin-ca-'));
    writeFileSync(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n');
    expect(kafkaConnectionFromEnv({ KAFKA_BROKERS: 'a:9092, b:9093' })).toEqual({ brokers: ['a:9092', 'b:9093'] });
    expect(kafkaConnectionFromEnv({ KAFKA_BROKERS: 'a:9092', KAFKA_SSL: 'true' }).ssl).toBe(true);
    expect(kafkaConnectionFromEnv({ KAFKA_BROKERS: 'a:9092', KAFKA_SSL_CA_FILE: join(dir, 'ca.pem') }).ssl).toEqual({ ca: [expect.stringContaining('BEGIN CERTIFICATE')] });
    expect(kafkaConnectionFromEnv({ KAFKA_BROKERS: 'a:9092', KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_SASL_USERNAME: 'ingest', KAFKA_SASL_PASSWORD: 'pw' }).sasl)
      .toEqual({ mechanism: 'scram-sha-512', username: 'ingest', password: 'pw' });
  });

  it('names the bad variable', () => {
    expect(() => kafkaConnectionFromEnv({})).toThrow(/KAFKA_BROKERS is not set/);
    expect(() => kafkaConnectionFromEnv({ KAFKA_BROKERS: 'nohost' })).toThrow(/not host:port/);
    expect(() => kafkaConnectionFromEnv({ KAFKA_BROKERS: 'a:1', KAFKA_SSL: 'yes' })).toThrow(/KAFKA_SSL must be/);
    expect(() => kafkaConnectionFromEnv({ KAFKA_BROKERS: 'a:1', KAFKA_SSL_CA_FILE: '/nonexistent/ca.pem' })).toThrow(/KAFKA_SSL_CA_FILE/);
    expect(() => kafkaConnectionFromEnv({ KAFKA_BROKERS: 'a:1', KAFKA_SASL_MECHANISM: 'gssapi' })).toThrow(/KAFKA_SASL_MECHANISM must be/);
    expect(() => kafkaConnectionFromEnv({ KAFKA_BROKERS: 'a:1', KAFKA_SASL_MECHANISM: 'plain' })).toThrow(/KAFKA_SASL_USERNAME/);
    expect(() => kafkaConnectionFromEnv({ KAFKA_BROKERS: 'a:1', KAFKA_SESSION_TIMEOUT_MS: '100' })).toThrow(/KAFKA_SESSION_TIMEOUT_MS/);
    expect(kafkaConnectionFromEnv({ KAFKA_BROKERS: 'a:1', KAFKA_SESSION_TIMEOUT_MS: '6000' }).sessionTimeoutMs).toBe(6000);
    expect(() => kafkaConnectionFromEnv({ KAFKA_BROKERS: 'a:1', KAFKA_MAX_REQUEST_BYTES: '1MB' })).toThrow(/KAFKA_MAX_REQUEST_BYTES must be whole bytes/);
    expect(() => kafkaConnectionFromEnv({ KAFKA_BROKERS: 'a:1', KAFKA_MAX_BATCH_BYTES: '100' })).toThrow(/KAFKA_MAX_BATCH_BYTES must be whole bytes from 1024/);
  });

  it('reads the produce size limits', () => {
    expect(kafkaConnectionFromEnv({ KAFKA_BROKERS: 'a:1', KAFKA_MAX_REQUEST_BYTES: '1048576', KAFKA_MAX_BATCH_BYTES: '65536' }).limits).toEqual({ maxRequestBytes: 1_048_576, maxBatchBytes: 65_536 });
    expect(kafkaConnectionFromEnv({ KAFKA_BROKERS: 'a:1' }).limits).toBeUndefined();
  });
});
