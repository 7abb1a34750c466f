// Kafka connection settings shared by every service's main: brokers plus TLS and
// SASL, read from the environment and checked before anything connects.
import { readFileSync } from 'node:fs';
import type { KafkaBusOptions } from './kafka';

export type KafkaConnection = Pick<KafkaBusOptions, 'brokers' | 'ssl' | 'sasl' | 'sessionTimeoutMs' | 'limits'>;

const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

/**
 * Reads KAFKA_BROKERS (comma-separated host:port), KAFKA_SSL (true/false),
 * KAFKA_SSL_CA_FILE (PEM, implies TLS), KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME,
 * KAFKA_SASL_PASSWORD, KAFKA_SESSION_TIMEOUT_MS (consumer-group session: how soon a
 * crashed member's partitions move), KAFKA_MAX_REQUEST_BYTES (most bytes of one produce
 * request) and KAFKA_MAX_BATCH_BYTES (most bytes of one record batch, whatever the topics
 * allow). Throws an Error naming the bad variable.
 */
export function kafkaConnectionFromEnv(env: Record<string, string | undefined>): KafkaConnection {
  const raw = env['KAFKA_BROKERS']?.trim();
  if (!raw) throw new Error('KAFKA_BROKERS is not set (comma-separated host:port list)');
  const brokers = raw.split(',').map((b) => b.trim()).filter(Boolean);
  for (const broker of brokers) {
    if (!/^[^\s:]+:[0-9]{1,5}$/.test(broker)) throw new Error(`KAFKA_BROKERS has an entry "${broker}" that is not host:port`);
  }
  const sslFlag = env['KAFKA_SSL']?.trim().toLowerCase();
  if (sslFlag !== undefined && sslFlag !== '' && sslFlag !== 'true' && sslFlag !== 'false') throw new Error('KAFKA_SSL must be true or false');
  const caFile = env['KAFKA_SSL_CA_FILE']?.trim();
  let ssl: KafkaBusOptions['ssl'];
  if (caFile) {
    try {
      ssl = { ca: [readFileSync(caFile, 'utf8')] };
    } catch (error) {
      throw new Error(`KAFKA_SSL_CA_FILE ${caFile} cannot be read: ${(error as Error).message}`);
    }
  } else if (sslFlag === 'true') {
    ssl = true;
  }
  const mechanism = env['KAFKA_SASL_MECHANISM']?.trim().toLowerCase();
  let sasl: KafkaBusOptions['sasl'];
  if (mechanism) {
    if (!SASL_MECHANISMS.includes(mechanism as (typeof SASL_MECHANISMS)[number])) {
      throw new Error(`KAFKA_SASL_MECHANISM must be one of ${SASL_MECHANISMS.join(', ')}`);
    }
    const username = env['KAFKA_SASL_USERNAME'];
    const password = env['KAFKA_SASL_PASSWORD'];
    if (!username || !password) throw new Error('KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required with KAFKA_SASL_MECHANISM');
    sasl = { mechanism: mechanism as (typeof SASL_MECHANISMS)[number], username, password };
  }
  const session = env['KAFKA_SESSION_TIMEOUT_MS']?.trim();
  let sessionTimeoutMs: number | undefined;
  if (session) {
    sessionTimeoutMs = Number(session);
    // Kafka brokers accept 6 s to 30 min by default (group.min/max.session.timeout.ms).
    if (!Number.isInteger(sessionTimeoutMs) || sessionTimeoutMs < 6_000 || sessionTimeoutMs > 1_800_000) {
      throw new Error(`KAFKA_SESSION_TIMEOUT_MS must be whole milliseconds from 6000 to 1800000, got "${session}"`);
    }
  }
  const maxRequestBytes = byteSize(env, 'KAFKA_MAX_REQUEST_BYTES');
  const maxBatchBytes = byteSize(env, 'KAFKA_MAX_BATCH_BYTES');
  const limits = { ...(maxRequestBytes !== undefined ? { maxRequestBytes } : {}), ...(maxBatchBytes !== undefined ? { maxBatchBytes } : {}) };
  return {
    brokers,
    ...(Object.keys(limits).length > 0 ? { limits } : {}),
    ...(ssl !== undefined ? { ssl } : {}),
    ...(sasl !== undefined ? { sasl } : {}),
    ...(sessionTimeoutMs !== undefined ? { sessionTimeoutMs } : {}),
  };
}

/** A byte count from 1 KiB to 1 GiB, or undefined when the variable is unset. */
function byteSize(env: Record<string, string | undefined>, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1024 || value > 1024 ** 3) throw new Error(`${name} must be whole bytes from 1024 to 1073741824, got "${raw}"`);
  return value;
}
