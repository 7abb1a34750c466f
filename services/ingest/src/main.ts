// Composition root of the ingest service in one-process-per-service mode:
//   KAFKA_BROKERS=127.0.0.1:9092 TOCSIN_PARTNERS_FILE=partners.json \
//   TOCSIN_PSEUDONYM_KEY=<hex|base64> TOCSIN_DLQ_KEY=<hex|base64> tsx services/ingest/src/main.ts
// Configuration is checked before anything connects; SIGTERM/SIGINT stop gracefully
// (finish the in-flight batch, commit it, leave the group). See docs/ingest.md.
import { hostname } from 'node:os';
import { createKafkaBus, createLogger, exitOnConsumerFailure, loadTaxonomy } from '@tocsin/core';
import { buildIngest } from './app';
import { loadIngestEnvironment } from './config';
import { IngestError } from './errors';
import { loadPartnersFile } from './partners';

/** Exit code for a configuration error (EX_CONFIG of sysexits.h). */
const EXIT_CONFIG = 78;
const STATS_LOG_INTERVAL_MS = 60_000;

const logger = createLogger('ingest');

function setUp() {
  const environment = loadIngestEnvironment(process.env);
  const partners = loadPartnersFile(environment.partnersFile);
  const taxonomy = loadTaxonomy(environment.taxonomyDir);
  return { environment, partners, taxonomy };
}

let setup: ReturnType<typeof setUp>;
try {
  setup = setUp();
} catch (error) {
  const code = error instanceof IngestError ? error.code : 'CONFIG_INVALID';
  logger.fatal({ code }, `ingest cannot start: ${(error as Error).message}`);
  process.exit(EXIT_CONFIG);
}

const { environment, partners, taxonomy } = setup;
const bus = createKafkaBus({
  ...environment.kafka,
  clientId: `tocsin-ingest-${hostname()}-${process.pid}`,
  logger: logger.child({ component: 'kafka' }),
  topicRefreshMs: environment.topicRefreshMs,
  // A consumer kafkajs gave up on: exit non-zero so the supervisor restarts ingest.
  onConsumerFailure: (failure) => onConsumerFailure(failure),
});
const ingest = buildIngest({ bus, partners, taxonomy, config: environment.config, logger, clock: Date.now });

const onConsumerFailure = exitOnConsumerFailure(logger, async () => {
  stopping = true;
  clearInterval(statsTimer);
  await ingest.stop();
  await bus.close();
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) {
    logger.warn({ signal }, 'second signal: exiting without waiting');
    process.exit(1);
  }
  stopping = true;
  logger.info({ signal }, 'stopping');
  clearInterval(statsTimer);
  try {
    await ingest.stop();
    await bus.close();
    process.exit(0);
  } catch (error) {
    logger.error({ err: error }, 'graceful stop failed');
    process.exit(1);
  }
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

const statsTimer = setInterval(() => logger.info({ stats: ingest.stats() }, 'ingest stats'), STATS_LOG_INTERVAL_MS);
statsTimer.unref();

try {
  await ingest.start();
} catch (error) {
  logger.fatal({ err: error }, 'ingest failed to start');
  await bus.close().catch(() => {});
  process.exit(1);
}
