// Configuration of the alert service: one typed object with defaults, built from
// an injectable environment (tests never touch process.env) and checked at
// start-up so a bad value fails fast with its variable name.
import { TOPICS } from '@tocsin/core';
import { AlertError } from './errors';
import type { SsrfPolicy } from './delivery/ssrf';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface AlertTopics {
  signals: string;
  alerts: string;
  subscriptions: string;
  deliveries: string;
  deadLetter: string;
}

export interface LifecycleConfig {
  /** Wait before the first notification of a new alert, so quick follow-up signals join it (Alertmanager group_wait). */
  groupWaitMs: number;
  /** Least time between two notifications of one alert when it changes (group_interval). */
  groupIntervalMs: number;
  /** Re-send an unchanged open alert after this long (repeat_interval). */
  repeatIntervalMs: number;
  /** Resolve once no signal came for this many buckets of the alert's granularity, in event (bucket) time. */
  resolveAfterBuckets: number;
  /** The longest quiet span after quick reopenings doubled it (see lifecycle quietBucketsOf). */
  maxResolveAfterBuckets: number;
  /** A resolved alert does not reopen for this many buckets after its quiet span ended (signals then are recorded on it). */
  cooldownBuckets: number;
  /** An alert is flapping when it changed state this many times within flapWindowBuckets of event time. */
  flapThreshold: number;
  flapWindowBuckets: number;
}

export interface DeliveryConfig {
  retryBaseMs: number;
  retryMaxDelayMs: number;
  retryMinDelayMs: number;
  /** No attempt starts later than this after the delivery was scheduled. */
  retryHorizonMs: number;
  requestTimeoutMs: number;
  maxRetryAfterMs: number;
  breakerFailureThreshold: number;
  breakerOpenMs: number;
  breakerMaxOpenMs: number;
  /** Attempts in flight at once, all endpoints together. */
  concurrency: number;
  /** Attempts in flight at once towards one endpoint (host:port). */
  perEndpointConcurrency: number;
  /** How long the old secret keeps signing after a rotation, unless the call says otherwise. */
  secretOverlapMs: number;
  /** Finished deliveries stay queryable in memory this long (the topic keeps them longer). */
  retainFinishedMs: number;
  ssrf: SsrfPolicy;
}

export interface AlertConfig {
  source: string;
  groupId: string;
  topics: AlertTopics;
  partitions: number;
  lifecycle: LifecycleConfig;
  delivery: DeliveryConfig;
  /** Base64 of the 32-byte operator key that encrypts signing secrets and dead-lettered payloads. */
  operatorKeyBase64: string;
  /** Timer resolution of grouping and retries, ms. */
  tickMs: number;
}

export function topicsWithPrefix(prefix = ''): AlertTopics {
  return {
    signals: prefix + TOPICS.signals.name,
    alerts: prefix + TOPICS.alerts.name,
    subscriptions: prefix + TOPICS.subscriptions.name,
    deliveries: prefix + TOPICS.deliveries.name,
    deadLetter: prefix + TOPICS.deadLetter.name,
  };
}

export const DEFAULT_LIFECYCLE: LifecycleConfig = {
  groupWaitMs: 30_000,
  groupIntervalMs: 5 * MINUTE,
  repeatIntervalMs: 24 * HOUR,
  // Chosen with the soak and the backtest of seeds 7, 11, 23 and 42 (docs/alerts.md, "Choosing the
  // defaults"): 3 quiet buckets, 3 of cool-down and damping to 8 are the shortest that left
  // no alert flapping (4 changes within 12 buckets) on any of them.
  resolveAfterBuckets: 3,
  maxResolveAfterBuckets: 8,
  cooldownBuckets: 3,
  flapThreshold: 4,
  flapWindowBuckets: 12,
};

export const DEFAULT_DELIVERY: DeliveryConfig = {
  retryBaseMs: 5_000,
  retryMaxDelayMs: 6 * HOUR,
  retryMinDelayMs: 250,
  retryHorizonMs: 3 * DAY,
  requestTimeoutMs: 10_000,
  maxRetryAfterMs: 6 * HOUR,
  breakerFailureThreshold: 5,
  breakerOpenMs: 30_000,
  breakerMaxOpenMs: 30 * MINUTE,
  concurrency: 64,
  perEndpointConcurrency: 8,
  secretOverlapMs: DAY,
  retainFinishedMs: 7 * DAY,
  ssrf: { allowCidrs: [], allowHosts: [], allowHttp: false, allowEndpoints: [] },
};

export interface ConfigOverrides {
  source?: string;
  groupId?: string;
  topics?: Partial<AlertTopics>;
  partitions?: number;
  lifecycle?: Partial<LifecycleConfig>;
  delivery?: Partial<Omit<DeliveryConfig, 'ssrf'>> & { ssrf?: Partial<SsrfPolicy> };
  operatorKeyBase64: string;
  tickMs?: number;
}

/** A complete, checked config from partial overrides. */
export function alertConfig(o: ConfigOverrides): AlertConfig {
  const config: AlertConfig = {
    source: o.source ?? 'alert',
    groupId: o.groupId ?? 'tocsin-alert',
    topics: { ...topicsWithPrefix(), ...o.topics },
    partitions: o.partitions ?? 3,
    lifecycle: { ...DEFAULT_LIFECYCLE, ...o.lifecycle },
    delivery: { ...DEFAULT_DELIVERY, ...o.delivery, ssrf: { ...DEFAULT_DELIVERY.ssrf, ...o.delivery?.ssrf } },
    operatorKeyBase64: o.operatorKeyBase64,
    tickMs: o.tickMs ?? 250,
  };
  checkConfig(config);
  return config;
}

function checkConfig(c: AlertConfig): void {
  const nonNegative: Array<[string, number]> = [
    ['lifecycle.groupWaitMs', c.lifecycle.groupWaitMs], ['lifecycle.groupIntervalMs', c.lifecycle.groupIntervalMs],
    ['lifecycle.cooldownBuckets', c.lifecycle.cooldownBuckets], ['delivery.retryMinDelayMs', c.delivery.retryMinDelayMs],
    ['delivery.secretOverlapMs', c.delivery.secretOverlapMs],
  ];
  const positive: Array<[string, number]> = [
    ['lifecycle.repeatIntervalMs', c.lifecycle.repeatIntervalMs], ['lifecycle.resolveAfterBuckets', c.lifecycle.resolveAfterBuckets],
    ['lifecycle.flapThreshold', c.lifecycle.flapThreshold], ['lifecycle.flapWindowBuckets', c.lifecycle.flapWindowBuckets], ['delivery.retryBaseMs', c.delivery.retryBaseMs],
    ['delivery.retryMaxDelayMs', c.delivery.retryMaxDelayMs], ['delivery.retryHorizonMs', c.delivery.retryHorizonMs],
    ['delivery.requestTimeoutMs', c.delivery.requestTimeoutMs], ['delivery.breakerFailureThreshold', c.delivery.breakerFailureThreshold],
    ['delivery.breakerOpenMs', c.delivery.breakerOpenMs], ['delivery.retainFinishedMs', c.delivery.retainFinishedMs], ['delivery.breakerMaxOpenMs', c.delivery.breakerMaxOpenMs],
    ['delivery.concurrency', c.delivery.concurrency], ['delivery.perEndpointConcurrency', c.delivery.perEndpointConcurrency],
    ['partitions', c.partitions], ['tickMs', c.tickMs],
  ];
  for (const [path, v] of nonNegative) if (!Number.isFinite(v) || v < 0) throw new AlertError('CONFIG_INVALID', `${path} must be a number >= 0, got ${v}`);
  for (const [path, v] of positive) if (!Number.isFinite(v) || v <= 0) throw new AlertError('CONFIG_INVALID', `${path} must be a number > 0, got ${v}`);
  const wholeBuckets: Array<[string, number]> = [
    ['lifecycle.resolveAfterBuckets', c.lifecycle.resolveAfterBuckets], ['lifecycle.maxResolveAfterBuckets', c.lifecycle.maxResolveAfterBuckets],
    ['lifecycle.cooldownBuckets', c.lifecycle.cooldownBuckets], ['lifecycle.flapWindowBuckets', c.lifecycle.flapWindowBuckets],
  ];
  for (const [path, v] of wholeBuckets) if (!Number.isInteger(v)) throw new AlertError('CONFIG_INVALID', `${path} must be a whole number of buckets, got ${v}`);
  if (c.lifecycle.maxResolveAfterBuckets < c.lifecycle.resolveAfterBuckets) {
    throw new AlertError('CONFIG_INVALID', `lifecycle.maxResolveAfterBuckets (${c.lifecycle.maxResolveAfterBuckets}) must be >= lifecycle.resolveAfterBuckets (${c.lifecycle.resolveAfterBuckets})`);
  }
  if (!c.operatorKeyBase64) throw new AlertError('CONFIG_INVALID', 'operatorKeyBase64 (ALERT_OPERATOR_KEY) is required');
}

/** Config from environment variables (see docs/alerts.md#configuration). */
export function alertConfigFromEnv(env: Record<string, string | undefined>): AlertConfig {
  const num = (name: string): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    const v = Number(raw);
    if (!Number.isFinite(v)) throw new AlertError('CONFIG_INVALID', `${name} must be a number, got ${JSON.stringify(raw)}`);
    return v;
  };
  const list = (name: string): string[] | undefined => env[name]?.split(',').map((s) => s.trim()).filter(Boolean);
  const defined = <T extends object>(o: T): Partial<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
  return alertConfig({
    operatorKeyBase64: env['ALERT_OPERATOR_KEY'] ?? '',
    source: env['ALERT_SOURCE'] ?? `alert/${env['HOSTNAME'] ?? 'local'}`,
    ...(env['ALERT_GROUP_ID'] ? { groupId: env['ALERT_GROUP_ID'] } : {}),
    topics: topicsWithPrefix(env['TOCSIN_TOPIC_PREFIX'] ?? ''),
    lifecycle: defined({
      groupWaitMs: num('ALERT_GROUP_WAIT_MS'),
      groupIntervalMs: num('ALERT_GROUP_INTERVAL_MS'),
      repeatIntervalMs: num('ALERT_REPEAT_INTERVAL_MS'),
      resolveAfterBuckets: num('ALERT_RESOLVE_AFTER_BUCKETS'),
      maxResolveAfterBuckets: num('ALERT_MAX_RESOLVE_AFTER_BUCKETS'),
      cooldownBuckets: num('ALERT_COOLDOWN_BUCKETS'),
    }),
    delivery: {
      ...defined({
        retryBaseMs: num('ALERT_RETRY_BASE_MS'),
        retryMaxDelayMs: num('ALERT_RETRY_MAX_DELAY_MS'),
        retryMinDelayMs: num('ALERT_RETRY_MIN_DELAY_MS'),
        retryHorizonMs: num('ALERT_RETRY_HORIZON_MS'),
        requestTimeoutMs: num('ALERT_REQUEST_TIMEOUT_MS'),
        breakerOpenMs: num('ALERT_BREAKER_OPEN_MS'),
        breakerFailureThreshold: num('ALERT_BREAKER_FAILURES'),
      }),
      ssrf: defined({
        allowCidrs: list('ALERT_SSRF_ALLOW_CIDRS'),
        allowHosts: list('ALERT_SSRF_ALLOW_HOSTS'),
        allowEndpoints: list('ALERT_SSRF_ALLOW_ENDPOINTS'),
        allowHttp: env['ALERT_ALLOW_HTTP'] === undefined ? undefined : env['ALERT_ALLOW_HTTP'] === 'true',
      }),
    },
    ...(num('ALERT_TICK_MS') !== undefined ? { tickMs: num('ALERT_TICK_MS')! } : {}),
  });
}
