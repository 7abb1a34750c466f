// Runs the alert service against Kafka with configuration from the environment,
// with its HTTP API (subscriptions, alerts, watch-desk actions; OpenAPI at /docs)
// on ALERT_HTTP_HOST:ALERT_HTTP_PORT; returns its stop function. main.ts is the
// process entry point around it.
import { hostname } from 'node:os';
import { createKafkaBus, createLogger, exitOnConsumerFailure, influxWriterFromSettings, kafkaConnectionFromEnv, loadTaxonomy, TOPICS } from '@tocsin/core';
import { buildApiServer, busComponent, createApiKeyStore, healthRoutes, loadApiKeyRecords } from '@tocsin/http';
import { alertApiRoutes } from './api';
import { detectorConfigRoutes } from './api/detector-config';
import { buildAlert } from './app';
import { alertConfigFromEnv } from './config';
import type { DetectorScoring } from './tuning/scoring';
import { DetectorTuning } from './tuning/tuning';

const VERSION = '0.1.0';

function httpPort(raw: string | undefined): number {
  const port = Number(raw ?? '8081');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`ALERT_HTTP_PORT must be a port number, got "${raw}"`);
  return port;
}

/** ALERT_TUNING_DAYS and ALERT_TUNING_MAX_BYTES: the dry-run window (docs/api.md#detector-tuning). */
function recentLimitsFromEnv(env: Record<string, string | undefined>): { days?: number; maxBytes?: number } {
  const positive = (name: string): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    const v = Number(raw);
    if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
    return v;
  };
  const days = positive('ALERT_TUNING_DAYS');
  const maxBytes = positive('ALERT_TUNING_MAX_BYTES');
  return { ...(days !== undefined ? { days } : {}), ...(maxBytes !== undefined ? { maxBytes } : {}) };
}

export interface AlertServiceOptions {
  /**
   * detect's validation and scoring: given, the detector tuning routes are served
   * (`tocsin service alert` passes them; this service does not import detect).
   */
  detectorScoring?: DetectorScoring;
}

export async function runAlertService(env: Record<string, string | undefined> = process.env, options: AlertServiceOptions = {}): Promise<() => Promise<void>> {
  const logger = createLogger('alert');
  // Every setting is checked before anything connects.
  const kafka = kafkaConnectionFromEnv(env);
  const config = alertConfigFromEnv(env);
  const keys = createApiKeyStore(loadApiKeyRecords(env['TOCSIN_API_KEYS_FILE']));
  const port = httpPort(env['ALERT_HTTP_PORT']);
  const host = env['ALERT_HTTP_HOST'] ?? '127.0.0.1';
  const taxonomy = loadTaxonomy(env['TOCSIN_TAXONOMY_DIR']);
  // Webhook attempts as metrics (alert_delivery_attempt, the pipeline-health dashboard).
  const influx = influxWriterFromSettings({ url: env['INFLUX_URL'], token: env['INFLUX_TOKEN'], org: env['INFLUX_ORG'], bucket: env['INFLUX_BUCKET'], api: env['INFLUX_API'] }, logger);
  // Live tuning starts from the file detect starts from (same DETECTOR_CONFIG), until the topic holds a version.
  const scoring = options.detectorScoring;
  const baseline = scoring?.load(env['DETECTOR_CONFIG']);
  const recentLimits = recentLimitsFromEnv(env);
  // A consumer kafkajs gave up on: exit non-zero so the supervisor restarts alert. It may
  // fail while app.start() still runs, so stop() handles a half-started service.
  const bus = createKafkaBus({ ...kafka, clientId: env['KAFKA_CLIENT_ID'] ?? `tocsin-alert-${hostname()}`, logger, onConsumerFailure: (failure) => onConsumerFailure(failure) });
  const app = buildAlert({ bus, config, logger, ...(influx ? { influx } : {}) });
  const prefix = env['TOCSIN_TOPIC_PREFIX'] ?? '';
  const tuning = scoring && baseline ? new DetectorTuning({
    bus, topics: { config: prefix + TOPICS.detectorConfig.name, incidents: prefix + TOPICS.incidents.name }, baseline, scoring,
    lifecycle: config.lifecycle, subscriptions: app.subscriptions, regions: app.regions, logger, recentLimits,
  }) : null;
  let http: Awaited<ReturnType<typeof buildApiServer>> | undefined;
  let statsTimer: NodeJS.Timeout | undefined;
  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      clearInterval(statsTimer);
      await http?.close();
      await tuning?.stop();
      await app.stop();
      await influx?.close();
      await bus.close();
    })());
  const onConsumerFailure = exitOnConsumerFailure(logger, stop);
  await app.start();
  await tuning?.start();
  if (!tuning) logger.info('detector tuning routes not served: run alert through `tocsin service alert` for them');
  const startedAt = Date.now();
  http = await buildApiServer({
    logger, version: VERSION, keys,
    routes: [
      healthRoutes({ version: VERSION, bus: 'kafka', startedAt, components: () => ({ alert: { status: 'ok', stats: { ...app.stats(), ...(tuning ? { tuning: tuning.stats() } : {}) } }, kafka: busComponent(bus.health()) }) }),
      ...alertApiRoutes({ engine: app.engine, subscriptions: app.subscriptions, deliveries: app.deliveries, taxonomy }),
      ...(tuning ? [detectorConfigRoutes(tuning)] : []),
    ],
  });
  await http.listen({ port, host });
  logger.info({ host, port }, 'alert API listening');
  statsTimer = setInterval(() => logger.info({ stats: app.stats() }, 'alert stats'), 60_000);
  statsTimer.unref();
  return stop;
}
