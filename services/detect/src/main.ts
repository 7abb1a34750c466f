// Composition root for running detect as its own process (`tocsin service detect`, or directly):
//   KAFKA_BROKERS=127.0.0.1:9092 [DETECTOR_CONFIG=path] [INFLUX_URL INFLUX_TOKEN INFLUX_ORG INFLUX_BUCKET INFLUX_API=v1|v2] npx tsx services/detect/src/main.ts
// Stops gracefully on SIGTERM/SIGINT: in-flight batches finish and are committed.
import { createKafkaBus, createLogger, exitOnConsumerFailure, kafkaConnectionFromEnv, type KafkaConnection } from '@tocsin/core';
import { buildDetect } from './app';
import { loadPlan } from './config';
import { DetectError } from './errors';
import { influxWriterFromEnv, type InfluxEnv } from './influx-env';

export interface DetectEnv extends InfluxEnv {
  /** With the other KAFKA_* settings of kafkaConnectionFromEnv (TLS, SASL, size limits). */
  KAFKA_BROKERS?: string;
  [setting: string]: string | undefined;
  DETECTOR_CONFIG?: string;
  DETECT_PARTITIONS?: string;
}

export async function main(env: DetectEnv = process.env as DetectEnv): Promise<void> {
  const logger = createLogger('detect');
  let kafka: KafkaConnection;
  try {
    kafka = kafkaConnectionFromEnv(env);
  } catch (error) {
    throw new DetectError('ENV_INVALID', (error as Error).message);
  }
  const partitions = env.DETECT_PARTITIONS ? Number(env.DETECT_PARTITIONS) : 6;
  if (!Number.isInteger(partitions) || partitions < 1) throw new DetectError('ENV_INVALID', `DETECT_PARTITIONS must be a positive integer, not "${env.DETECT_PARTITIONS}"`);
  const plan = loadPlan(env.DETECTOR_CONFIG);
  const influx = influxWriterFromEnv(env, logger);
  // A consumer kafkajs gave up on: exit non-zero so the supervisor restarts detect.
  const bus = createKafkaBus({ ...kafka, clientId: 'tocsin-detect', logger, onConsumerFailure: (failure) => onConsumerFailure(failure) });
  const detect = buildDetect({ bus, config: plan, logger, influx, partitions });
  let stopping: Promise<void> | null = null;
  const shutdown = (signal: string): Promise<void> =>
    (stopping ??= (async () => {
      logger.info({ signal }, 'stopping');
      await detect.stop();
      await influx?.close();
      await bus.close();
    })());
  const onConsumerFailure = exitOnConsumerFailure(logger, () => shutdown('consumer failure'));
  process.once('SIGTERM', () => void shutdown('SIGTERM').then(() => process.exit(0)));
  process.once('SIGINT', () => void shutdown('SIGINT').then(() => process.exit(0)));
  await detect.start();
  // Counters for operators without a metrics pipeline; the same numbers are in stats().
  setInterval(() => logger.info({ stats: detect.stats() }, 'detect stats'), 60_000).unref();
}

// The composition root runs on import: `tocsin service detect` imports this module.
main().catch((error: unknown) => {
  createLogger('detect').fatal({ err: error }, 'detect failed to start');
  process.exit(1);
});
