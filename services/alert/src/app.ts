// Composition of the alert service (no I/O on import): signal consumer →
// AlertEngine → DeliveryService, plus the SubscriptionStore the API uses.
// `start()` restores state from the topics before the first signal is read.
import type { Bus, BusMessage, DeadLetter, InfluxWriter, Logger, Signal, Subscription, TopicSpec } from '@tocsin/core';
import { compileValidator, decodeJson, encodeEvent } from '@tocsin/core';
import type { Dispatcher } from 'undici';
import type { AlertConfig } from './config';
import { encrypt, operatorKeyFromBase64 } from './crypto/cipher';
import { createWebhookSender } from './delivery/sender';
import { DeliveryService, type DeliveryStats } from './delivery/service';
import { SsrfGuard, type LookupFn } from './delivery/ssrf';
import { AlertEngine, type EngineStats, type IncomingSignal } from './engine/engine';
import { loadRegions, type Regions } from './regions';
import { SubscriptionStore } from './subscriptions/store';

export interface AlertDeps {
  bus: Bus;
  config: AlertConfig;
  logger: Logger;
  clock?: () => number;
  /** Replaces the SSRF-guarded undici agent (benchmarks); URL checks still apply. */
  dispatcher?: Dispatcher;
  /** DNS for the SSRF guard (tests). */
  lookup?: LookupFn;
  influx?: Pick<InfluxWriter, 'write'>;
  random?: () => number;
}

export interface AlertStats {
  running: boolean;
  signals_received: number;
  signals_rejected: number;
  subscriptions: number;
  engine: EngineStats;
  deliveries: DeliveryStats;
}

export interface AlertApp {
  start(): Promise<void>;
  stop(): Promise<void>;
  stats(): AlertStats;
  engine: AlertEngine;
  subscriptions: SubscriptionStore;
  deliveries: DeliveryService;
  /** For the API: checks endpoint URLs at registration. */
  guard: SsrfGuard;
  regions: Regions;
}

const validateSignal = compileValidator<Signal>('signal.v1');

/** Retries `fn` while it fails with an error the bus marks retriable (kafkajs sets `retriable`). */
async function retryTransient<T>(fn: () => Promise<T>, logger: Logger, attempts = 10): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      const retriable = (err as { retriable?: boolean }).retriable === true || /leader|does not host|coordinator/i.test(String((err as Error).message));
      if (!retriable || i >= attempts) throw err;
      logger.warn({ err: (err as Error).message, attempt: i }, 'transient bus error during restore; retrying');
      await new Promise((r) => setTimeout(r, 200 * i));
    }
  }
}

/** Topics the alert service reads and writes, with their cleanup policies (see TOPICS in @tocsin/core). */
export function alertTopicSpecs(config: Pick<AlertConfig, 'topics' | 'partitions'>): TopicSpec[] {
  const { topics, partitions } = config;
  return [
    { topic: topics.signals, partitions },
    { topic: topics.alerts, partitions, config: { 'cleanup.policy': 'compact,delete', 'retention.ms': String(365 * 86_400_000) } },
    // One partition: the store reads it whole anyway, and one log keeps one order.
    { topic: topics.subscriptions, partitions: 1, config: { 'cleanup.policy': 'compact' } },
    { topic: topics.deliveries, partitions, config: { 'cleanup.policy': 'compact,delete', 'retention.ms': String(400 * 86_400_000) } },
    { topic: topics.deadLetter, partitions },
  ];
}

export function buildAlert(deps: AlertDeps): AlertApp {
  const { bus, config, logger } = deps;
  const clock = deps.clock ?? Date.now;
  const operatorKey = operatorKeyFromBase64(config.operatorKeyBase64);
  const regions = loadRegions();
  const guard = new SsrfGuard(config.delivery.ssrf, deps.lookup);
  const subscriptions = new SubscriptionStore({
    bus,
    topic: config.topics.subscriptions,
    source: config.source,
    operatorKey,
    guard,
    regions,
    clock,
    logger: logger.child({ component: 'subscriptions' }),
    secretOverlapMs: config.delivery.secretOverlapMs,
  });
  const sender = createWebhookSender({
    guard,
    timeoutMs: config.delivery.requestTimeoutMs,
    maxRetryAfterMs: config.delivery.maxRetryAfterMs,
    // The global cap, not the per-agency one: a pool shared by all agencies at one origin
    // must not make one agency's slow requests queue another agency's.
    connectionsPerOrigin: config.delivery.concurrency,
    ...(deps.dispatcher ? { dispatcher: deps.dispatcher } : {}),
  });
  const deliveries = new DeliveryService({
    bus,
    topics: { deliveries: config.topics.deliveries, deadLetter: config.topics.deadLetter },
    source: config.source,
    config: config.delivery,
    clock,
    logger: logger.child({ component: 'delivery' }),
    subscriptions,
    regions,
    operatorKey,
    sender,
    ...(deps.influx ? { influx: deps.influx } : {}),
    ...(deps.random ? { random: deps.random } : {}),
  });
  const engine = new AlertEngine({
    bus,
    topic: config.topics.alerts,
    source: config.source,
    lifecycle: config.lifecycle,
    clock,
    logger: logger.child({ component: 'engine' }),
    notifier: deliveries,
  });

  let consumer: Subscription | null = null;
  let ticker: NodeJS.Timeout | null = null;
  let ticking = false;
  let running = false;
  let received = 0;
  let rejected = 0;
  let stopping: Promise<void> | null = null;

  async function stopOnce(): Promise<void> {
    running = false;
    if (ticker) clearInterval(ticker);
    ticker = null;
    await consumer?.stop();
    consumer = null;
    await deliveries.stop();
    await engine.close();
    await subscriptions.close();
    await sender.close();
    await dlProducer?.close();
    dlProducer = null;
    logger.info('alert service stopped');
  }

  async function deadLetterSignal(m: BusMessage, reason: 'malformed_json' | 'schema_violation', message: string, pointer?: string): Promise<void> {
    const raw = m.value ?? Buffer.alloc(0);
    const dead: DeadLetter = {
      id: `${m.topic}:${m.partition}:${m.offset}`,
      type: 'dead-letter',
      schema_version: 1,
      produced_at: new Date(clock()).toISOString(),
      source: config.source,
      stage: 'alert',
      reason,
      message: message.slice(0, 2000),
      ...(pointer ? { pointer: pointer.slice(0, 500) } : {}),
      origin: { topic: m.topic, partition: m.partition, offset: m.offset, timestamp: new Date(m.timestamp).toISOString() },
      original: { ...encrypt(operatorKey, raw), size: raw.length, truncated: false },
    };
    const producer = await deadLetterProducer();
    await producer.send([{ topic: config.topics.deadLetter, messages: [{ key: 'alert:signals', value: encodeEvent(dead) }] }]);
  }
  let dlProducer: Awaited<ReturnType<Bus['producer']>> | null = null;
  const deadLetterProducer = async () => (dlProducer ??= await bus.producer());

  async function onSignals(messages: BusMessage[]): Promise<void> {
    const valid: IncomingSignal[] = [];
    for (const m of messages) {
      received++;
      let decoded: unknown;
      try {
        decoded = decodeJson(m.value);
      } catch (err) {
        rejected++;
        await deadLetterSignal(m, 'malformed_json', `signal is not JSON: ${(err as Error).message}`);
        continue;
      }
      const checked = validateSignal(decoded);
      if (!checked.ok) {
        rejected++;
        const first = checked.errors[0]!;
        await deadLetterSignal(m, 'schema_violation', `signal ${first.pointer || '/'} ${first.message}`, first.pointer);
        continue;
      }
      valid.push({ signal: checked.value, origin: { topic: m.topic, partition: m.partition, offset: m.offset } });
    }
    // Resolves once alerts and due deliveries are written; only then does the bus commit the offsets.
    await engine.ingest(valid);
  }

  return {
    engine,
    subscriptions,
    deliveries,
    guard,
    regions,
    async start() {
      await bus.ensureTopics(alertTopicSpecs(config));
      // Freshly created topics can answer "not leader" for a moment; such errors are retriable.
      await retryTransient(() => subscriptions.restore(), logger);
      await retryTransient(() => engine.restore(), logger);
      await retryTransient(() => deliveries.restore(), logger);
      deliveries.start();
      ticker = setInterval(() => {
        if (ticking) return;
        ticking = true;
        engine
          .tick()
          .catch((err: unknown) => logger.error({ err }, 'alert tick failed; retrying next tick'))
          .finally(() => {
            ticking = false;
          });
      }, config.tickMs);
      consumer = await bus.subscribe({
        groupId: config.groupId,
        topics: [config.topics.signals],
        fromBeginning: true,
        eachBatch: async (batch) => onSignals(batch.messages),
      });
      running = true;
      logger.info({ topics: config.topics, bus: bus.kind }, 'alert service started');
    },
    stop() {
      // Idempotent: a second call waits for the first.
      stopping ??= stopOnce();
      return stopping;
    },
    stats() {
      return { running, signals_received: received, signals_rejected: rejected, subscriptions: subscriptions.size(), engine: engine.stats(), deliveries: deliveries.stats() };
    },
  };
}
