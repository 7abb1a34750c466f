// The embedded pipeline behind `npm start`: simulator → ingest → detect (→ alert)
// and the desk server, in one process on the in-process bus. Simulated time runs
// at `speed` days per real second and is the pipeline's clock, so "now" for ingest
// (future-skew checks) and detect (bucket closing) agrees with the simulated feed.
// With `input` (`tocsin start --input`), a user's file replaces the simulated feed and the
// clock follows the file's event time the same way.
import { join } from 'node:path';
import { createLogger, createMemoryBus, installProcessGuard, loadTaxonomy, TOPICS, UNATTRIBUTED, type InfluxWriterStats, type Logger, type MemoryBus } from '@tocsin/core';
import { buildDetect, influxWriterFromEnv, loadPlan } from '@tocsin/detect';
import { alertApiRoutes, DEFAULT_LIFECYCLE, DetectorTuning, detectorConfigRoutes, startAlertDemo, type AlertDemo } from '@tocsin/alert';
import { pageRoutes, signalRoutes } from '@tocsin/desk';
import { buildApiServer, createApiKeyStore, healthRoutes, type ComponentStatus } from '@tocsin/http';
import { buildIngest, ingestConfig, type Ingest } from '@tocsin/ingest';
import { createScenario, runSimulation, type Scenario, type SimulationResult } from '@tocsin/simulator';
import { detectScoring } from './detector-scoring';
import { loadEmbeddedSecrets } from './embedded-secrets';
import type { InputFeed } from './input-feed';

const DAY_MS = 86_400_000;
/** Unread bytes per topic of the embedded in-process bus beyond which sends wait (see startEmbedded). */
export const EMBEDDED_MAX_UNREAD_BYTES = 256 * 1024;
/**
 * Bytes kept per partition of the embedded bus's delete topics once every group read them.
 * Every reader in the one process starts with the bus and reads records as they come, so
 * what was read is not needed again; at the bus default (1 MiB) the kept records were
 * 134 MB of a heap snapshot of `npm start` after 600 s, a sixth of its RSS.
 */
export const EMBEDDED_RETENTION_BYTES = 256 * 1024;

export interface EmbeddedOptions {
  port: number;
  host: string;
  seed: number;
  /** Simulated days per real second ('max': as fast as the pipeline takes them; with `input` only). */
  speed: number | 'max';
  /** Simulated days in all; the feed stops after them. */
  days: number;
  /** Mean incidents per simulated day; undefined keeps the simulator's default. */
  ratePerDay?: number;
  /** Folder for demo secrets (var/ by default). */
  varDir: string;
  detectorConfigPath?: string;
  version: string;
  logger?: Logger;
  env?: NodeJS.ProcessEnv;
  /** Loopback webhook endpoints ("127.0.0.1:port") allowed beside the demo receiver: the soak benchmark's receiver. */
  allowWebhookEndpoints?: string[];
  /** Notification pacing of the demo's alerting (wall-clock ms). Default: 2 simulated days before an
   * alert's first notification and 10 between changes, i.e. 2 s and 10 s at one day per second. */
  notificationPacing?: { groupWaitMs: number; groupIntervalMs: number };
  /** A user's file replayed instead of the simulated feed (seed, days and ratePerDay then unused). */
  input?: InputFeed;
}

export interface EmbeddedPipeline {
  url: string;
  /** The local webhook receiver of the demo subscription (its page lists what it received). */
  demoReceiverUrl: string;
  /** The demo API keys (label and key), for the person running the demo. */
  apiKeys: Array<{ label: string; key: string }>;
  secretsFile: string;
  /** The parts, for the soak benchmark that runs this same pipeline and watches it. */
  internals: {
    bus: MemoryBus;
    /** The simulated feed's scenario; null when a file is replayed (`input`). */
    scenario: Scenario | null;
    ingest: Ingest;
    alerts: AlertDemo;
    /** Live detector tuning (PUT /api/detector-config), applied through detector-config.v1. */
    tuning: DetectorTuning;
    /** Resolves when the simulated feed has sent everything (or failed: null). */
    feed: Promise<SimulationResult | null>;
    simulatedNow(): number;
    components(): Record<string, ComponentStatus>;
  };
  stop(): Promise<void>;
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export async function startEmbedded(options: EmbeddedOptions): Promise<EmbeddedPipeline> {
  const logger = options.logger ?? createLogger('tocsin');
  const env = options.env ?? process.env;
  const secretsFile = join(options.varDir, 'demo-secrets.json');
  const secrets = loadEmbeddedSecrets(secretsFile, env);
  const startedAt = Date.now();
  // One component's uncaught error degrades that component (health) instead of ending the process.
  const guard = installProcessGuard({ logger });

  // The simulated feed starts a year back so detectors have history by the time it reaches today;
  // a file starts on the day of its earliest incident.
  const { input } = options;
  const scenarioStartMs = input ? input.startMs : Math.floor((startedAt - 365 * DAY_MS) / DAY_MS) * DAY_MS;
  const scenario = input ? null : createScenario({
    seed: options.seed, start: isoDay(scenarioStartMs), days: options.days,
    ...(options.ratePerDay !== undefined ? { ratePerDay: options.ratePerDay } : {}),
  });
  const feedName = input ? 'input' : 'simulator';
  const partners = input?.partners ?? scenario?.partners ?? [];
  const pace = options.speed === 'max' ? Number.POSITIVE_INFINITY : options.speed;
  // The pipeline's clock is the pace's, held back to the feed's progress when the feed falls
  // behind it (the bus slows a simulator that runs ahead of ingest): "now" never runs ahead of
  // the records, so a slow machine or a high speed does not age the state by the wall clock.
  let fedUntilMs = scenarioStartMs;
  const simulatedNow = () => Math.min(scenarioStartMs + ((Date.now() - startedAt) / 1000) * pace * DAY_MS, fedUntilMs + DAY_MS);

  // Backpressure at 256 KiB of unread records per topic (the bus default is 2 MiB): the
  // simulator sends in time order, so a partner topic's backlog is simulated days behind the
  // feed, the more the busier the partner is, and detect can only close a day once the
  // slowest partner partition passed it. With 2 MiB the busiest feeds lagged ~80 days and
  // every key held that many open day buckets with their evidence (docs/operations.md).
  const bus = createMemoryBus({ defaultPartitions: 6, maxUnreadBytes: EMBEDDED_MAX_UNREAD_BYTES, retentionBytes: EMBEDDED_RETENTION_BYTES });
  const taxonomy = loadTaxonomy(env['TOCSIN_TAXONOMY_DIR']);
  const ingest = buildIngest({
    bus, partners, taxonomy,
    config: ingestConfig({ pseudonymKey: secrets.pseudonymKey, deadLetterKey: secrets.deadLetterKey }),
    // Idleness of partner partitions is processing time (30 s real), not the simulated clock.
    logger, clock: simulatedNow, idleClock: Date.now,
  });
  // With INFLUX_URL, the same metrics `tocsin service detect` writes (and alert's delivery
  // attempts), so the Grafana dashboards show the demo (docs/dashboards-quickstart.md).
  const influx = influxWriterFromEnv(env, logger);
  const plan = loadPlan(options.detectorConfigPath);
  // No per-key state changelog: the in-process bus ends with the process, so nothing could
  // restore from it, and it was the largest thing the bus held (docs/operations.md, memory).
  const detect = buildDetect({ bus, config: plan, logger, clock: simulatedNow, instance: 'detect/embedded', stateChangelog: false, ...(influx ? { influx } : {}) });

  const simulation = new AbortController();
  let simulationState: ComponentStatus['status'] = 'ok';
  let produced = 0;
  let simulatedTime = isoDay(scenarioStartMs);
  // Partner feeds: lag and last record per partner; a stalled, lagging or silent feed makes
  // ingest (and so /api/health) degraded and is named there.
  const ingestPart = (): { status: ComponentStatus['status']; stats: object } => {
    const health = ingest.health();
    return { status: health.status, stats: { ...ingest.stats(), feeds: health.feeds, degraded_feeds: health.degraded, feed_limits: health.limits } };
  };
  // The InfluxDB writer: degraded while no write has ever succeeded (a wrong INFLUX_* setting);
  // later failures are retried, then dropped and counted in its stats.
  const metricsPart = (stats: InfluxWriterStats): ComponentStatus => ({ status: stats.written === 0 && stats.failedAttempts > 0 ? 'degraded' : 'ok', stats });
  const components = (): Record<string, ComponentStatus> => {
    const failures = guard.failures();
    const feeds = ingestPart();
    const part = (name: string, status: ComponentStatus['status'], stats: object): ComponentStatus =>
      ({ status: guard.statusOf(name, status), stats: failures[name] ? { ...stats, uncaught_errors: failures[name] } : stats });
    return {
      [feedName]: part(feedName, simulationState, { produced, simulatedTime, speedDaysPerSecond: options.speed, partners: partners.length }),
      ingest: part('ingest', feeds.status, feeds.stats),
      detect: part('detect', 'ok', detect.stats()),
      alert: part('alert', 'ok', { ...alerts.app.stats(), tuning: tuning.stats(), demoReceiver: alerts.receiver.url, demoWebhooksReceived: alerts.receiver.received().length }),
      desk: part('desk', 'ok', {}),
      ...(influx ? { metrics: metricsPart(influx.stats()) } : {}),
      ...(failures[UNATTRIBUTED] ? { [UNATTRIBUTED]: part(UNATTRIBUTED, 'ok', {}) } : {}),
    };
  };

  // Alerting with a demo subscription of the demo agency, delivering to a local
  // receiver that verifies each webhook's signature.
  const demoAgency = secrets.apiKeys[1]?.record;
  const alerts = await guard.run('alert', () => startAlertDemo({
    bus, logger, onReceiverError: (err) => guard.report('alert', err), agency: demoAgency?.agency ?? 'fr-ocrtis', country: demoAgency?.country ?? 'FR',
    // Webhook secrets are encrypted at rest with the demo's own operator key.
    overrides: {
      operatorKeyBase64: secrets.secretsKey.toString('base64'),
      ...(options.allowWebhookEndpoints ? { delivery: { ssrf: { allowEndpoints: options.allowWebhookEndpoints } } } : {}),
      lifecycle: options.notificationPacing ?? notificationPacingFor(options.speed),
    },
    ...(influx ? { influx } : {}),
  }));

  // Live tuning: the API writes detector-config.v1, which detect follows; dry runs replay the recent incidents.
  const tuning = new DetectorTuning({
    bus, topics: { config: TOPICS.detectorConfig.name, incidents: TOPICS.incidents.name }, baseline: plan, scoring: detectScoring,
    lifecycle: DEFAULT_LIFECYCLE, subscriptions: alerts.app.subscriptions, regions: alerts.app.regions, logger,
  });
  await guard.run('alert', () => tuning.start());

  // The server is up before the feed starts, so health answers from the first second.
  const app = await buildApiServer({
    logger, version: options.version, keys: createApiKeyStore(secrets.apiKeys.map((k) => k.record)),
    routes: [
      healthRoutes({ version: options.version, bus: 'memory', startedAt, components }),
      signalRoutes(detect),
      ...alertApiRoutes({ engine: alerts.app.engine, subscriptions: alerts.app.subscriptions, deliveries: alerts.app.deliveries, taxonomy }),
      detectorConfigRoutes(tuning),
      pageRoutes(),
    ],
  });
  await guard.run('desk', () => app.listen({ port: options.port, host: options.host }));

  await guard.run('ingest', () => ingest.start());
  await guard.run('detect', () => detect.start());
  const feed = guard.run(feedName, () => input
    ? input.replay({
      bus, speed: options.speed, signal: simulation.signal, logger, ingestStats: () => ingest.stats(), allowedLatenessDays: plan.allowedLatenessDays,
      onDue: (eventMs) => (fedUntilMs = Math.max(fedUntilMs, eventMs)),
      onProgress: (p) => {
        produced = p.sent;
        simulatedTime = p.eventTime;
      },
    })
    : runSimulation({
      bus, scenario: scenario!, speed: options.speed, signal: simulation.signal,
      onProgress: (p) => {
        produced = p.produced;
        simulatedTime = p.simulatedTime;
        fedUntilMs = Math.max(fedUntilMs, Date.parse(p.simulatedTime));
      },
    })).then(
    (result): SimulationResult => {
      // The input feed logs its own end, with what ingest made of the file.
      if (!input) logger.info({ produced: result.produced }, 'simulated feed finished');
      // Every partner has sent all it will: health says `ended` rather than, 15 minutes on, `silent`.
      ingest.endFeeds(partners.map((p) => p.id));
      return result;
    },
    (err: unknown) => {
      simulationState = 'degraded';
      logger.error({ err }, `${input ? 'input' : 'simulated'} feed failed`);
      return null;
    },
  );

  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;

  let stopped = false;
  return {
    url: `http://${options.host}:${port}`,
    demoReceiverUrl: alerts.receiver.url,
    apiKeys: secrets.apiKeys.map(({ label, key }) => ({ label, key })),
    secretsFile,
    internals: { bus, scenario, ingest, alerts, tuning, feed, simulatedNow, components },
    async stop() {
      if (stopped) return;
      stopped = true;
      simulation.abort();
      await feed;
      await app.close();
      await ingest.stop();
      await detect.stop();
      await tuning.stop();
      await alerts.stop();
      await influx?.close();
      await bus.close();
      guard.uninstall();
    },
  };
}

/**
 * The demo's notification pacing in simulated time: at a high speed a wall-clock wait
 * would outlast whole alerts (at 20 days/s, 2 s is 40 days) and nothing would be sent.
 * As fast as possible, the simulated day has no fixed length: the one-day-per-second pacing.
 */
export function notificationPacingFor(speed: number | 'max'): { groupWaitMs: number; groupIntervalMs: number } {
  const daysPerSecond = speed === 'max' || !(speed > 0) ? 1 : speed;
  return { groupWaitMs: 2_000 / daysPerSecond, groupIntervalMs: 10_000 / daysPerSecond };
}
