// Composition root of the desk in one-process-per-service mode: the watch-desk
// page, /api/health and /api/signals, fed from signals.v1.
//   KAFKA_BROKERS=... TOCSIN_API_KEYS_FILE=keys.json [DESK_PORT=8080 DESK_HOST=0.0.0.0] tsx services/desk/src/main.ts
// The keys file is a JSON array of key records (`tocsin keys create` prints them).
import { hostname } from 'node:os';
import { createKafkaBus, createLogger, exitOnConsumerFailure, kafkaConnectionFromEnv } from '@tocsin/core';
import { buildApiServer, busComponent, createApiKeyStore, healthRoutes, loadApiKeyRecords } from '@tocsin/http';
import { pageRoutes } from './page/routes';
import { signalRoutes } from './routes/signals';
import { createSignalFeed } from './signal-feed';

const EXIT_CONFIG = 78;
const VERSION = '0.1.0';
const logger = createLogger('desk');

let settings;
try {
  const port = Number(process.env['DESK_PORT'] ?? '8080');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('DESK_PORT must be a port number');
  settings = { kafka: kafkaConnectionFromEnv(process.env), keys: loadApiKeyRecords(process.env['TOCSIN_API_KEYS_FILE']), port, host: process.env['DESK_HOST'] ?? '127.0.0.1' };
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
const feed = createSignalFeed({ bus, groupId: `tocsin-desk-${hostname()}-${process.pid}`, logger });
const app = await buildApiServer({
  logger, version: VERSION, keys: createApiKeyStore(settings.keys),
  routes: [
    healthRoutes({ version: VERSION, bus: 'kafka', startedAt, components: () => ({ signals: { status: 'ok', stats: feed.stats() }, kafka: busComponent(bus.health()) }) }),
    signalRoutes(feed),
    pageRoutes(),
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
