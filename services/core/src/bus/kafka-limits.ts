// Reads the size limits a produce request must respect from the broker (describeConfigs):
// per topic max.message.bytes and segment.bytes, per broker socket.request.max.bytes. Cached
// for a while, read again on demand (after the broker refused a request as too large).
// Explicit limits from the configuration cap what is read; when the configs cannot be read
// (no DescribeConfigs permission, an old broker), the explicit limits or Kafka's defaults apply.
import type { Admin, ConfigResourceTypes } from 'kafkajs';
import type { Logger } from '../logger';
import type { SendLimits } from './produce-limits';

/** Kafka's default message.max.bytes: the limit assumed when a topic's config cannot be read. */
export const KAFKA_DEFAULT_BATCH_BYTES = 1_048_588;
/** Default cap of one produce request (like the Java producer's max.request.size, but larger: one request in flight). */
export const DEFAULT_MAX_REQUEST_BYTES = 4 * 1024 * 1024;
const REFRESH_MS = 5 * 60_000;
// kafkajs' ConfigResourceTypes values: its enum is not a named export Node's ESM loader sees in the CommonJS build.
const TOPIC_RESOURCE = 2 as ConfigResourceTypes;
const BROKER_RESOURCE = 4 as ConfigResourceTypes;

export interface ProduceLimitOptions {
  /** Most bytes of one produce request; the broker's socket.request.max.bytes caps it. Default 4 MiB. */
  maxRequestBytes?: number;
  /** Most bytes of one record batch, whatever the topics allow (they cap it too). Unset: what the topics allow. */
  maxBatchBytes?: number;
  /** How long limits read from the broker are trusted. Default 5 min. */
  refreshMs?: number;
}

interface TopicLimit {
  bytes: number;
  source: string;
  readAt: number;
}

export interface LimitReader {
  /** Limits for a send to `topics`, read from the broker when not cached. */
  limits(topics: readonly string[]): Promise<SendLimits>;
  /** Forgets what was read, so the next limits() asks the broker again. */
  invalidate(): void;
}

export function createLimitReader(admin: () => Promise<Admin>, options: ProduceLimitOptions, log: Logger, clock: () => number = Date.now): LimitReader {
  const refreshMs = options.refreshMs ?? REFRESH_MS;
  const topics = new Map<string, TopicLimit>();
  let request: { bytes: number; readAt: number } | null = null;
  const warned = new Set<string>();

  function warnOnce(key: string, err: unknown, message: string): void {
    if (warned.has(key)) return;
    warned.add(key);
    log.warn({ err }, message);
  }

  function capped(bytes: number, source: string): { bytes: number; source: string } {
    if (options.maxBatchBytes !== undefined && options.maxBatchBytes < bytes) return { bytes: options.maxBatchBytes, source: 'KAFKA_MAX_BATCH_BYTES' };
    return { bytes, source };
  }

  async function readTopics(names: string[]): Promise<void> {
    const now = clock();
    let described: Map<string, Record<string, string>>;
    try {
      const client = await admin();
      const answer = await client.describeConfigs({
        includeSynonyms: false,
        resources: names.map((name) => ({ type: TOPIC_RESOURCE, name, configNames: ['max.message.bytes', 'segment.bytes'] })),
      });
      described = new Map(answer.resources.filter((r) => r.errorCode === 0).map((r) => [r.resourceName, Object.fromEntries(r.configEntries.map((e) => [e.configName, e.configValue]))]));
    } catch (err) {
      warnOnce(`topics:${names.join(',')}`, err, `topic configs of ${names.join(', ')} cannot be read (DescribeConfigs); assuming max.message.bytes ${options.maxBatchBytes ?? KAFKA_DEFAULT_BATCH_BYTES}`);
      described = new Map();
    }
    for (const name of names) {
      const config = described.get(name);
      const maxMessage = Number(config?.['max.message.bytes']);
      const segment = Number(config?.['segment.bytes']);
      let limit: { bytes: number; source: string };
      if (Number.isFinite(maxMessage) && maxMessage > 0) {
        limit = Number.isFinite(segment) && segment > 0 && segment < maxMessage
          ? { bytes: segment, source: `segment.bytes of ${name}` }
          : { bytes: maxMessage, source: `max.message.bytes of ${name}` };
      } else {
        limit = { bytes: KAFKA_DEFAULT_BATCH_BYTES, source: `Kafka's default max.message.bytes (the config of ${name} was not readable)` };
      }
      topics.set(name, { ...capped(limit.bytes, limit.source), readAt: now });
    }
  }

  async function readRequestLimit(): Promise<number> {
    const wanted = options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
    try {
      const client = await admin();
      const { brokers } = await client.describeCluster();
      const answer = await client.describeConfigs({
        includeSynonyms: false,
        resources: brokers.map((b) => ({ type: BROKER_RESOURCE, name: String(b.nodeId), configNames: ['socket.request.max.bytes'] })),
      });
      const values = answer.resources.flatMap((r) => r.configEntries.filter((e) => e.configName === 'socket.request.max.bytes').map((e) => Number(e.configValue)));
      const broker = Math.min(...values.filter((v) => Number.isFinite(v) && v > 0));
      return Number.isFinite(broker) ? Math.min(wanted, broker) : wanted;
    } catch (err) {
      warnOnce('broker', err, 'broker configs cannot be read (DescribeConfigs); produce requests are capped by KAFKA_MAX_REQUEST_BYTES only');
      return wanted;
    }
  }

  return {
    async limits(names) {
      const now = clock();
      const stale = [...new Set(names)].filter((name) => {
        const known = topics.get(name);
        return !known || now - known.readAt > refreshMs;
      });
      if (stale.length > 0) await readTopics(stale);
      if (!request || now - request.readAt > refreshMs) request = { bytes: await readRequestLimit(), readAt: now };
      const requestBytes = request.bytes;
      return {
        requestBytes,
        batchBytes: (topic) => topics.get(topic)?.bytes ?? options.maxBatchBytes ?? KAFKA_DEFAULT_BATCH_BYTES,
        describe: (topic) => topics.get(topic)?.source ?? `the record-batch limit of ${topic}`,
      };
    },
    invalidate() {
      topics.clear();
      request = null;
    },
  };
}
