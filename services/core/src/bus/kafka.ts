// Kafka adapter (kafkajs). Delivery contract:
// - producer: idempotent, acks=all, one in-flight request, so retries never
//   duplicate or reorder records;
// - consumer: autoCommit off; the offset after a batch is committed only once
//   the handler resolved (at-least-once), in chunks of maxBatchSize;
// - pattern subscriptions are re-evaluated every topicRefreshMs, because kafkajs
//   resolves patterns only when it subscribes;
// - every send is split under the broker's size limits (produce-limits.ts), read
//   from the topic and broker configs (kafka-limits.ts);
// - a consumer kafkajs gives up on (crash without restart) is reported through
//   onConsumerFailure and health(): it never sits silently stopped.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type SASLOptions, type Consumer, type EachBatchPayload, type LogEntry } from 'kafkajs';
import type { Logger } from '../logger';
import { TOPIC_CONFIG_DEFAULTS } from '../topics';
import { BusError } from './errors';
import { createLimitReader, type ProduceLimitOptions } from './kafka-limits';
import { RECORD_BATCH_OVERHEAD, REQUEST_OVERHEAD, splitUnderLimits } from './produce-limits';
import type { Bus, BusHealth, BusMessage, ConsumerHealth, PartitionRef, Producer, SubscribeOptions, Subscription, TopicBatch, TopicSpec } from './types';

/** Attempts at reading offsets before giving up (about 4.5 s in all). */
const OFFSET_ATTEMPTS = 10;

export interface KafkaBusOptions {
  brokers: string[];
  /** TLS to the brokers: true for the system CAs, or tls.connect options (e.g. { ca }). */
  ssl?: boolean | { ca: string[] };
  /** SASL authentication; each service gets its own principal so ACLs can be per service. */
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
  clientId: string;
  logger: Logger;
  /** Replication factor for topics created by ensureTopics; -1 uses the broker default. */
  replicationFactor?: number;
  /** How often pattern subscriptions look for new topics. Default 30 s. */
  topicRefreshMs?: number;
  sessionTimeoutMs?: number;
  /** Size limits of produce requests beyond what is read from the broker (see kafka-limits.ts). */
  limits?: ProduceLimitOptions;
  /**
   * Called once when a consumer stopped for good (kafkajs crashed it without a restart, e.g. on
   * a non-retriable error). A service exits non-zero here so its supervisor restarts it
   * (exitOnConsumerFailure); health() reports the consumer as failed meanwhile.
   */
  onConsumerFailure?: (failure: ConsumerFailure) => void;
}

export interface ConsumerFailure {
  groupId: string;
  /** BusError CONSUMER_FAILED; its cause is kafkajs's error. */
  error: BusError;
}

/** The kafkajs error types of a request the broker refused as too large. */
const TOO_LARGE_TYPES = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);

/** True when the error, or one it wraps, is the broker refusing a request as too large. */
function refusedAsTooLarge(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const e = error as { type?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.type === 'string' && TOO_LARGE_TYPES.has(e.type)) return true;
  if (Array.isArray(e.errors) && e.errors.some((inner) => refusedAsTooLarge(inner, depth + 1))) return true;
  return refusedAsTooLarge(e.cause, depth + 1);
}

function kafkaLogger(logger: Logger) {
  return () => (entry: LogEntry) => {
    const { message, ...extra } = entry.log;
    const fields = { namespace: entry.namespace, ...extra };
    if (entry.level === logLevel.ERROR) logger.error(fields, message);
    else if (entry.level === logLevel.WARN) logger.warn(fields, message);
    else if (entry.level === logLevel.INFO) logger.debug(fields, message);
  };
}

function toKafkaMessages(batch: TopicBatch) {
  return { topic: batch.topic, messages: batch.messages.map((m) => ({ key: m.key, value: m.value, ...(m.headers ? { headers: m.headers } : {}) })) };
}

function toBusMessage(topic: string, partition: number, m: EachBatchPayload['batch']['messages'][number]): BusMessage {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.headers ?? {})) if (v !== undefined) headers[k] = Array.isArray(v) ? String(v[0]) : String(v);
  return { topic, partition, offset: m.offset, key: m.key ?? null, value: m.value ?? null, timestamp: Number(m.timestamp), headers };
}

export function createKafkaBus(options: KafkaBusOptions): Bus {
  const log = options.logger;
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    ...(options.ssl !== undefined ? { ssl: options.ssl } : {}),
    // kafkajs types SASL per mechanism; ours is the same shape with the union widened.
    ...(options.sasl !== undefined ? { sasl: options.sasl as SASLOptions } : {}),
    logLevel: logLevel.WARN,
    logCreator: kafkaLogger(log),
    retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 10_000 },
  });
  const admin = kafka.admin();
  let adminConnected: Promise<void> | null = null;
  const connectAdmin = () => (adminConnected ??= admin.connect());
  const closers = new Set<() => Promise<void>>();
  const topicRefreshMs = options.topicRefreshMs ?? 30_000;
  const limitReader = createLimitReader(async () => {
    await connectAdmin();
    return admin;
  }, options.limits ?? {}, log);
  const consumerHealth = new Set<ConsumerHealth>();

  async function listTopics(): Promise<string[]> {
    await connectAdmin();
    return admin.listTopics();
  }

  async function resolveTopics(patterns: Array<string | RegExp>): Promise<string[]> {
    const all = await listTopics();
    return all.filter((t) => patterns.some((p) => (typeof p === 'string' ? p === t : p.test(t)))).sort();
  }

  /** Offsets of a topic; retried because metadata lags a just-created topic ("not the leader"). */
  async function topicOffsets(topic: string) {
    await connectAdmin();
    for (let attempt = 1; ; attempt++) {
      try {
        return await admin.fetchTopicOffsets(topic);
      } catch (error) {
        if (attempt >= OFFSET_ATTEMPTS) throw error;
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
  }

  async function endOffsets(topic: string): Promise<Map<number, string>> {
    const offsets = await topicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, o.high]));
  }

  async function subscribe(sub: SubscribeOptions): Promise<Subscription> {
    const maxBatch = sub.maxBatchSize ?? 500;
    let consumer: Consumer | null = null;
    let subscribedTopics: string[] = [];
    let assigned: PartitionRef[] = [];
    let pendingAssigned: PartitionRef[] = [];
    let assigning: Promise<void> = Promise.resolve();
    let stopping = false;
    let refreshTimer: NodeJS.Timeout | undefined;
    const health: ConsumerHealth = { groupId: sub.groupId, state: 'starting', restarts: 0 };
    consumerHealth.add(health);

    async function start(): Promise<void> {
      health.state = 'starting';
      subscribedTopics = await resolveTopics(sub.topics);
      const c = kafka.consumer({
        groupId: sub.groupId,
        allowAutoTopicCreation: false,
        sessionTimeout: options.sessionTimeoutMs ?? 30_000,
        heartbeatInterval: 3_000,
        maxWaitTimeInMs: sub.fetch?.maxWaitTimeInMs ?? 500,
        ...(sub.fetch?.maxBytesPerPartition !== undefined ? { maxBytesPerPartition: sub.fetch.maxBytesPerPartition } : {}),
        ...(sub.fetch?.maxBytes !== undefined ? { maxBytes: sub.fetch.maxBytes } : {}),
        ...(sub.fetch?.minBytes !== undefined ? { minBytes: sub.fetch.minBytes } : {}),
        retry: { retries: 10 },
      });
      consumer = c;
      c.on(c.events.GROUP_JOIN, (event) => {
        const now: PartitionRef[] = [];
        for (const [topic, partitions] of Object.entries(event.payload.memberAssignment)) {
          for (const partition of partitions) now.push({ topic, partition });
        }
        const key = (r: PartitionRef) => `${r.topic}:${r.partition}`;
        health.state = 'running';
        const lost = assigned.filter((a) => !now.some((b) => key(a) === key(b)));
        pendingAssigned = now.filter((b) => !assigned.some((a) => key(a) === key(b)));
        assigned = now;
        if (lost.length > 0 && sub.onRevoked) {
          sub.onRevoked(lost).catch((err: unknown) => log.error({ err }, 'onRevoked failed'));
        }
      });
      c.on(c.events.CRASH, (event) => {
        // A crash of a consumer this subscription already let go of (stop, topic refresh) is no news.
        if (stopping || consumer !== c) return;
        const { error, restart } = event.payload;
        health.lastError = error.message;
        if (restart) {
          health.state = 'restarting';
          health.restarts++;
          log.error({ err: error, groupId: sub.groupId, restarts: health.restarts }, 'consumer crashed; kafkajs restarts it');
          return;
        }
        health.state = 'failed';
        const failure = new BusError('CONSUMER_FAILED', `consumer of group ${sub.groupId} stopped for good: ${error.name}: ${error.message}`, { cause: error });
        log.fatal({ err: error, groupId: sub.groupId, code: failure.code }, 'consumer crashed and kafkajs does not restart it');
        options.onConsumerFailure?.({ groupId: sub.groupId, error: failure });
      });
      await c.connect();
      if (subscribedTopics.length > 0) await c.subscribe({ topics: subscribedTopics, fromBeginning: sub.fromBeginning ?? true });
      else log.warn({ groupId: sub.groupId }, 'no topic matches the subscription yet; waiting for one to appear');
      if (subscribedTopics.length === 0) {
        health.state = 'running';
        return;
      }
      await c.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        // kafkajs never runs two batches of one partition at once: order per partition holds.
        partitionsConsumedConcurrently: sub.partitionsConsumedConcurrently ?? 1,
        eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
          if (pendingAssigned.length > 0 && sub.onAssigned) {
            const gained = pendingAssigned;
            pendingAssigned = [];
            const run = sub.onAssigned(gained);
            assigning = run.catch(() => {});
            await run;
          }
          // With partitions consumed concurrently, a batch of another partition may start
          // while onAssigned still runs: it waits too ("before the first batch" holds).
          await assigning;
          const all = batch.messages;
          for (let i = 0; i < all.length; i += maxBatch) {
            if (!isRunning() || isStale()) return;
            const chunk = all.slice(i, i + maxBatch).map((m) => toBusMessage(batch.topic, batch.partition, m));
            await sub.eachBatch(
              { topic: batch.topic, partition: batch.partition, messages: chunk, highWatermark: batch.highWatermark },
              { isStopping: () => stopping || !isRunning() || isStale(), heartbeat },
            );
            const last = chunk[chunk.length - 1]!;
            resolveOffset(last.offset);
            await c.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }]);
            await heartbeat();
          }
        },
      });
    }

    async function halt(): Promise<void> {
      const c = consumer;
      consumer = null;
      if (c) {
        await c.stop();
        await c.disconnect();
      }
    }

    const refresh = async () => {
      if (stopping) return;
      try {
        const now = await resolveTopics(sub.topics);
        if (now.join('\n') !== subscribedTopics.join('\n')) {
          log.info({ groupId: sub.groupId, topics: now.length }, 'subscribed topic set changed; re-joining the group');
          await halt();
          if (!stopping) await start();
        }
      } catch (err) {
        log.warn({ err }, 'topic refresh failed; will retry');
      } finally {
        if (!stopping) refreshTimer = setTimeout(refresh, topicRefreshMs).unref();
      }
    };

    await start();
    if (sub.topics.some((t) => t instanceof RegExp)) refreshTimer = setTimeout(refresh, topicRefreshMs).unref();
    const stop = async () => {
      if (stopping) return;
      stopping = true;
      clearTimeout(refreshTimer);
      await halt();
      if (sub.onRevoked && assigned.length > 0) await sub.onRevoked(assigned);
      assigned = [];
      health.state = 'stopped';
      consumerHealth.delete(health);
      closers.delete(stop);
    };
    closers.add(stop);
    return { stop, assignment: () => [...assigned] };
  }

  async function readToEnd(topic: string, onMessage: (m: BusMessage) => void | Promise<void>, partitions?: number[]): Promise<void> {
    const offsets = await topicOffsets(topic);
    const ends = new Map(offsets.map((o) => [o.partition, o.high]));
    const starts = new Map(offsets.map((o) => [o.partition, o.low]));
    const remaining = new Set([...ends.entries()].filter(([p, high]) => (!partitions || partitions.includes(p)) && BigInt(high) > BigInt(starts.get(p) ?? '0')).map(([p]) => p));
    if (remaining.size === 0) return;
    // kafkajs has no group-less assign(); a throw-away group that never commits does the same.
    const groupId = `tocsin-reader-${randomUUID()}`;
    const c = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 200 });
    await c.connect();
    try {
      await c.subscribe({ topics: [topic], fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        // A crash kafkajs does not restart from would otherwise leave this read waiting forever.
        c.on(c.events.CRASH, (event) => {
          if (!event.payload.restart) reject(new BusError('CONSUMER_FAILED', `reading ${topic} to its end failed for good: ${event.payload.error.message}`, { cause: event.payload.error }));
        });
        c.run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            if (!remaining.has(batch.partition)) return;
            const high = BigInt(ends.get(batch.partition)!);
            for (const m of batch.messages) {
              if (BigInt(m.offset) >= high) break;
              await onMessage(toBusMessage(topic, batch.partition, m));
            }
            const last = batch.messages[batch.messages.length - 1];
            if (!last || BigInt(last.offset) + 1n >= high) remaining.delete(batch.partition);
            if (remaining.size === 0) resolve();
          },
        }).catch(reject);
      });
    } finally {
      await c.stop();
      await c.disconnect();
      await admin.deleteGroups([groupId]).catch(() => {});
    }
  }

  return {
    kind: 'kafka',
    async ensureTopics(specs: TopicSpec[]) {
      await connectAdmin();
      const existing = new Set(await admin.listTopics());
      const missing = specs.filter((s) => !existing.has(s.topic));
      if (missing.length === 0) return;
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((s) => ({
          topic: s.topic,
          numPartitions: s.partitions,
          replicationFactor: options.replicationFactor ?? -1,
          // Limits that fit what Tocsin writes, unless the spec sets its own (topics.ts).
          configEntries: Object.entries({ ...TOPIC_CONFIG_DEFAULTS, ...s.config }).map(([name, value]) => ({ name, value })),
        })),
      });
    },
    listTopics,
    async producer(): Promise<Producer> {
      const p = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      await p.connect();
      const close = async () => {
        closers.delete(close);
        await p.disconnect();
      };
      closers.add(close);
      /** Sends the requests one after another; after a refusal as too large, reads the limits again and re-splits what is left, once. */
      async function sendRequests(batches: TopicBatch[]): Promise<void> {
        const topics = batches.map((b) => b.topic);
        let requests = splitUnderLimits(batches, await limitReader.limits(topics));
        let reread = false;
        for (let i = 0; i < requests.length; i++) {
          try {
            await p.sendBatch({ topicMessages: requests[i]!.map(toKafkaMessages), acks: -1 });
          } catch (error) {
            if (!refusedAsTooLarge(error)) throw error;
            if (reread) {
              throw new BusError('REQUEST_REFUSED_AS_TOO_LARGE', `the broker refused a produce request to ${topics.join(', ')} as too large, even split under the limits read from it`, { cause: error });
            }
            reread = true;
            log.warn({ err: error, topics }, 'broker refused a request as too large; reading its limits again');
            limitReader.invalidate();
            requests = splitUnderLimits(requests.slice(i).flat(), await limitReader.limits(topics));
            i = -1;
          }
        }
      }
      return {
        async send(batches: TopicBatch[]) {
          const nonEmpty = batches.filter((b) => b.messages.length > 0);
          if (nonEmpty.length > 0) await sendRequests(nonEmpty);
        },
        async maxRecordBytes(topic: string) {
          const limits = await limitReader.limits([topic]);
          return Math.min(limits.batchBytes(topic) - RECORD_BATCH_OVERHEAD, limits.requestBytes - REQUEST_OVERHEAD);
        },
        close,
      };
    },
    subscribe,
    readToEnd,
    endOffsets,
    health(): BusHealth {
      const consumers = [...consumerHealth].map((c) => ({ ...c }));
      const status = consumers.some((c) => c.state === 'failed') ? 'failed' : consumers.some((c) => c.state !== 'running') ? 'degraded' : 'ok';
      return { status, consumers };
    },
    async close() {
      for (const close of [...closers]) await close().catch((err: unknown) => log.warn({ err }, 'close failed'));
      if (adminConnected) await admin.disconnect();
    },
  };
}
