import { cacheDir } from './cache';
import { ProvisionError } from './errors';
import { influxdbVersion } from './influxdb';
import { DEFAULT_KAFKA_VERSION } from './kafka-libs';
import { brokerAnswers, startKafka } from './kafka';
import type { StartedServer } from './started-server';
import { startInfluxdb } from './influxdb';
import { startVictoriaMetrics, victoriaMetricsHealthy } from './victoria-metrics';

/** Addresses handed to integration tests. */
export interface TestInfraAddresses {
  /** "127.0.0.1:PORT" */
  readonly kafkaBrokers: string;
  readonly kafkaVersion: string;
  /** InfluxDB 1.x, e.g. "http://127.0.0.1:PORT" */
  readonly influxUrl: string;
  readonly influxVersion: string;
  /** VictoriaMetrics, e.g. "http://127.0.0.1:PORT" */
  readonly victoriaUrl: string;
}

export interface TestInfra {
  readonly addresses: TestInfraAddresses;
  /** Stops the servers this call started; reused servers are left running. */
  stop(): Promise<void>;
}

/** Environment variables that point the tests at servers that already run. */
export const REUSE_ENV = {
  kafkaBrokers: 'TOCSIN_TEST_KAFKA_BROKERS',
  kafkaVersion: 'TOCSIN_TEST_KAFKA_VERSION',
  influxUrl: 'TOCSIN_TEST_INFLUX_URL',
  victoriaUrl: 'TOCSIN_TEST_VICTORIA_URL',
} as const;

interface Part {
  readonly address: string;
  readonly version: string;
  readonly started?: StartedServer;
}

function reused(env: NodeJS.ProcessEnv, variable: string): string | undefined {
  const value = env[variable];
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
}

async function checkReused(variable: string, address: string, probe: () => Promise<unknown>): Promise<void> {
  try {
    await probe();
  } catch (error) {
    throw new ProvisionError('REUSED_SERVER_UNREACHABLE', `${variable}=${address} is set but nothing answers there: ${(error as Error).message}`, { cause: error });
  }
}

async function kafkaPart(env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<Part> {
  const brokers = reused(env, REUSE_ENV.kafkaBrokers);
  if (brokers !== undefined) {
    await checkReused(REUSE_ENV.kafkaBrokers, brokers, () => brokerAnswers(brokers, 5_000));
    const version = reused(env, REUSE_ENV.kafkaVersion) ?? 'unknown (reused)';
    log(`kafka ${version} reused at ${brokers}`);
    return { address: brokers, version };
  }
  const version = reused(env, 'TOCSIN_KAFKA_VERSION') ?? DEFAULT_KAFKA_VERSION;
  const started = await startKafka({ cacheRoot: cacheDir(env), version, log, env });
  return { address: started.address, version: started.version, started };
}

async function influxPart(env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<Part> {
  const url = reused(env, REUSE_ENV.influxUrl);
  if (url !== undefined) {
    let version = 'unknown';
    await checkReused(REUSE_ENV.influxUrl, url, async () => {
      version = await influxdbVersion(url, 5_000);
    });
    log(`influxdb ${version} reused at ${url}`);
    return { address: url, version };
  }
  const started = await startInfluxdb({ log, env });
  return { address: started.address, version: started.version, started };
}

async function victoriaPart(env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<Part> {
  const url = reused(env, REUSE_ENV.victoriaUrl);
  if (url !== undefined) {
    await checkReused(REUSE_ENV.victoriaUrl, url, () => victoriaMetricsHealthy(url, 5_000));
    log(`victoria-metrics reused at ${url}`);
    return { address: url, version: 'unknown (reused)' };
  }
  const started = await startVictoriaMetrics({ log, env });
  return { address: started.address, version: started.version, started };
}

/**
 * Starts Kafka, InfluxDB and VictoriaMetrics in parallel on loopback, or reuses those named
 * by TOCSIN_TEST_* variables. If any part fails, the ones that did start are stopped again
 * before the first failure is rethrown, so a failed setup leaves no stray processes.
 */
export async function startTestInfra(options: { env?: NodeJS.ProcessEnv; log: (line: string) => void }): Promise<TestInfra> {
  const env = options.env ?? process.env;
  const outcomes = await Promise.allSettled([kafkaPart(env, options.log), influxPart(env, options.log), victoriaPart(env, options.log)]);
  const started = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' && outcome.value.started ? [outcome.value.started] : []));
  const stopStarted = async (): Promise<void> => {
    await Promise.allSettled(started.map((server) => server.stop()));
  };

  const [kafka, influx, victoria] = outcomes;
  if (kafka?.status !== 'fulfilled' || influx?.status !== 'fulfilled' || victoria?.status !== 'fulfilled') {
    await stopStarted();
    const failures = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
    if (failures.length === 1) throw failures[0];
    throw new AggregateError(failures, `test infrastructure failed to start: ${failures.map((failure) => (failure as Error).message).join(' | ')}`);
  }
  return {
    addresses: {
      kafkaBrokers: kafka.value.address,
      kafkaVersion: kafka.value.version,
      influxUrl: influx.value.address,
      influxVersion: influx.value.version,
      victoriaUrl: victoria.value.address,
    },
    stop: stopStarted,
  };
}
