// Runs the alert service against Kafka with configuration from the environment;
// returns its stop function. main.ts is the process entry point around it.
import { createKafkaBus, createLogger } from '@tocsin/core';
import { buildAlert } from './app';
import { alertConfigFromEnv } from './config';

export async function runAlertService(env: Record<string, string | undefined> = process.env): Promise<() => Promise<void>> {
  const logger = createLogger('alert');
  const brokers = env['KAFKA_BROKERS'];
  if (!brokers) throw new Error('KAFKA_BROKERS is required (comma-separated host:port list)');
  const config = alertConfigFromEnv(env);
  const sessionTimeoutMs = env['KAFKA_SESSION_TIMEOUT_MS'] ? Number(env['KAFKA_SESSION_TIMEOUT_MS']) : undefined;
  if (sessionTimeoutMs !== undefined && !(sessionTimeoutMs > 0)) throw new Error(`KAFKA_SESSION_TIMEOUT_MS must be a positive number, got ${env['KAFKA_SESSION_TIMEOUT_MS']}`);
  const bus = createKafkaBus({
    brokers: brokers.split(','),
    clientId: env['KAFKA_CLIENT_ID'] ?? 'tocsin-alert',
    logger,
    ...(sessionTimeoutMs !== undefined ? { sessionTimeoutMs } : {}),
  });
  const app = buildAlert({ bus, config, logger });
  await app.start();
  const statsTimer = setInterval(() => logger.info({ stats: app.stats() }, 'alert stats'), 60_000);
  statsTimer.unref();
  let stopping: Promise<void> | null = null;
  return () =>
    (stopping ??= (async () => {
      clearInterval(statsTimer);
      await app.stop();
      await bus.close();
    })());
}
