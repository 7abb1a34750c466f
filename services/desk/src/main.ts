// Composition root of the desk in one-process-per-service mode: the watch-desk
// page, /api/health and /api/signals, fed from signals.v1, and every other route
// the page uses forwarded to the alert service at TOCSIN_ALERT_URL.
//   KAFKA_BROKERS=... TOCSIN_API_KEYS_FILE=keys.json TOCSIN_ALERT_URL=http://127.0.0.1:8081 [DESK_PORT=8080 DESK_HOST=0.0.0.0] tsx services/desk/src/main.ts
// The keys file is a JSON array of key records (`tocsin keys create` prints them).
import { hostname } from 'node:os';
import { createKafkaBus, createLogger, exitOnConsumerFailure, kafkaConnectionFromEnv, TOPICS } from '@tocsin/core';
import { buildApiServer, busComponent, createApiKeyStore, healthRoutes, loadApiKeyRecords, type ComponentStatus } from '@tocsin/http';
import { pageRoutes } from './page/routes';
import { apiProxyRoutes } from './proxy/api-proxy';
import { createUpstreamCatalog } from './proxy/upstream-catalog';
import { upstreamUrlFromEnv } from './proxy/upstream-url';
import { signalRoutes } from './routes/signals';
import { createSignalFeed } from './signal-feed';

const EXIT_CONFIG = 78;
const VERSION = '0.1.0';
const logger = createLogger('desk');

let settings;
try {
  const port = Number(process.env['DESK_PORT'] ?? '8080');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('DESK_PORT must be a port number');
  settings = {
    kafka: kafkaConnectionFromEnv(process.env), keys: loadApiKeyRecords(process.env['TOCSIN_API_KEYS_FILE']), port, host: process.env['DESK_HOST'] ?? '127.0.0.1',
    alertUrl: upstreamUrlFromEnv('TOCSIN_ALERT_URL', process.env['TOCSIN_ALERT_URL']),
    topicPrefix: process.env['TOCSIN_TOPIC_PREFIX'] ?? '',
  };
} catch (error) {
  logger.fatal(`desk cannot start: ${(error as Error).message}`);
  process.exit(EXIT_CONFIG);
}

const startedAt = Date.now();
// A consumer kafkajs gave up on: exit non-zero so the supervisor restarts the desk.
const bus = createKafkaBus({
  ...settings.kafka, clientId: `tocsin-desk-${hostname()}`, logger: logger.child({ component: 'kafka' }),
  onConsumerFailure: (failure) => onConsumerFailure(failure),
});
const feed = createSignalFeed({ bus, groupId: `tocsin-desk-${hostname()}-${process.pid}`, logger, topic: settings.topicPrefix + TOPICS.signals.name });
if (!settings.alertUrl) logger.warn('TOCSIN_ALERT_URL is not set: the page\'s alerts, silences and other alert-service views will answer 404 here');
const alertApi = settings.alertUrl
  ? createUpstreamCatalog({ baseUrl: settings.alertUrl, logger: logger.child({ component: 'alert-api' }), fetchTimeoutMs: 5_000, retryMs: 2_000, refreshMs: 15_000 })
  : null;
const alertComponent = (): Record<string, ComponentStatus> => (alertApi ? { alert_api: alertApi.component() } : {});
const app = await buildApiServer({
  logger, version: VERSION, keys: createApiKeyStore(settings.keys),
  routes: [
    healthRoutes({ version: VERSION, bus: 'kafka', startedAt, components: () => ({ signals: { status: 'ok', stats: feed.stats() }, kafka: busComponent(bus.health()), ...alertComponent() }) }),
    signalRoutes(feed),
    pageRoutes(),
    // Last: it reads the document the routes above make.
    ...(alertApi && settings.alertUrl ? [apiProxyRoutes({ name: 'alert', baseUrl: settings.alertUrl, catalog: alertApi })] : []),
  ],
});
const onConsumerFailure = exitOnConsumerFailure(logger, async () => {
  await app.close();
  await feed.stop();
  await bus.close();
});
await feed.start();
await app.listen({ port: settings.port, host: settings.host });
logger.info({ port: settings.port }, 'desk listening');

async function shutdown(signal: string): Promise<void> {
  logger.info({ signal }, 'stopping');
  await app.close();
  await feed.stop();
  await bus.close();
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
