// Runs the alert service against Kafka with configuration from the environment,
// with its HTTP API (subscriptions, alerts, watch-desk actions; OpenAPI at /docs)
// on ALERT_HTTP_HOST:ALERT_HTTP_PORT; returns its stop function. main.ts is the
// process entry point around it.
import { hostname } from 'node:os';
import { createKafkaBus, createLogger, exitOnConsumerFailure, kafkaConnectionFromEnv, loadTaxonomy } from '@tocsin/core';
import { buildApiServer, busComponent, createApiKeyStore, healthRoutes, loadApiKeyRecords } from '@tocsin/http';
import { alertApiRoutes } from './api';
import { buildAlert } from './app';
import { alertConfigFromEnv } from './config';

const VERSION = '0.1.0';

function httpPort(raw: string | undefined): number {
  const port = Number(raw ?? '8081');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`ALERT_HTTP_PORT must be a port number, got "${raw}"`);
  return port;
}

export async function runAlertService(env: Record<string, string | undefined> = process.env): Promise<() => Promise<void>> {
  const logger = createLogger('alert');
  // Every setting is checked before anything connects.
  const kafka = kafkaConnectionFromEnv(env);
  const config = alertConfigFromEnv(env);
  const keys = createApiKeyStore(loadApiKeyRecords(env['TOCSIN_API_KEYS_FILE']));
  const port = httpPort(env['ALERT_HTTP_PORT']);
  const host = env['ALERT_HTTP_HOST'] ?? '127.0.0.1';
  const taxonomy = loadTaxonomy(env['TOCSIN_TAXONOMY_DIR']);
  // A consumer kafkajs gave up on: exit non-zero so the supervisor restarts alert. It may
  // fail while app.start() still runs, so stop() handles a half-started service.
  const bus = createKafkaBus({ ...kafka, clientId: env['KAFKA_CLIENT_ID'] ?? `tocsin-alert-${hostname()}`, logger, onConsumerFailure: (failure) => onConsumerFailure(failure) });
  const app = buildAlert({ bus, config, logger });
  let http: Awaited<ReturnType<typeof buildApiServer>> | undefined;
  let statsTimer: NodeJS.Timeout | undefined;
  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      clearInterval(statsTimer);
      await http?.close();
      await app.stop();
      await bus.close();
    })());
  const onConsumerFailure = exitOnConsumerFailure(logger, stop);
  await app.start();
  const startedAt = Date.now();
  http = await buildApiServer({
    logger, version: VERSION, keys,
    routes: [
      healthRoutes({ version: VERSION, bus: 'kafka', startedAt, components: () => ({ alert: { status: 'ok', stats: app.stats() }, kafka: busComponent(bus.health()) }) }),
      ...alertApiRoutes({ engine: app.engine, subscriptions: app.subscriptions, deliveries: app.deliveries, taxonomy }),
    ],
  });
  await http.listen({ port, host });
  logger.info({ host, port }, 'alert API listening');
  statsTimer = setInterval(() => logger.info({ stats: app.stats() }, 'alert stats'), 60_000);
  statsTimer.unref();
  return stop;
}
