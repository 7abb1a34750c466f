// The message bus every Tocsin service talks to. Two adapters implement it:
// Kafka (kafkajs) for production and the in-process bus for `npm start` and unit
// tests. Services depend on this interface only, so they run unchanged on either.

/** A record read from a topic. Offsets are strings because Kafka offsets are 64-bit. */
export interface BusMessage {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  /** Broker/producer timestamp, milliseconds since the epoch. */
  timestamp: number;
  headers: Record<string, string>;
}

/** A record to write. The key decides the partition (same key, same partition, same order). */
export interface OutgoingMessage {
  key: string | Buffer | null;
  value: string | Buffer | null;
  headers?: Record<string, string>;
}

export interface TopicBatch {
  topic: string;
  messages: OutgoingMessage[];
}

export interface TopicSpec {
  topic: string;
  partitions: number;
  /** Kafka topic configs, e.g. { 'cleanup.policy': 'compact' }. The in-process bus ignores them. */
  config?: Record<string, string>;
}

/** Idempotent producer: a retried send never duplicates a record on the broker. */
export interface Producer {
  /**
   * Resolves once every record is acknowledged by the broker (all in-sync replicas). The Kafka
   * bus splits the records into as many requests as the broker's size limits need, sent one
   * after another (order per topic and key holds); a record that can never fit throws BusError
   * RECORD_TOO_LARGE before anything is sent.
   */
  send(batches: TopicBatch[]): Promise<void>;
  /**
   * Most bytes one record for `topic` may take (as recordBytes counts key, value and headers)
   * to fit the topic's limits: a stage with a dead-letter path checks it before producing.
   */
  maxRecordBytes(topic: string): Promise<number>;
  close(): Promise<void>;
}

export interface PartitionRef {
  topic: string;
  partition: number;
}

/** Messages from one partition, in offset order. */
export interface MessageBatch extends PartitionRef {
  messages: BusMessage[];
  /** Offset of the next record the broker will write (end of the partition when read). */
  highWatermark: string;
}

export interface BatchContext {
  /** True once stop() was called or the partition was revoked: finish quickly, the batch will be re-read. */
  isStopping(): boolean;
  /** Extends the session while a long batch is processed. */
  heartbeat(): Promise<void>;
}

export interface SubscribeOptions {
  groupId: string;
  /** Topic names or patterns. Patterns are re-evaluated periodically, so a new partner topic is picked up without a restart. */
  topics: Array<string | RegExp>;
  /** Where a group with no committed offset starts. Default: earliest. */
  fromBeginning?: boolean;
  /**
   * Handles one batch. Offsets up to the batch's last message are committed only
   * after this resolves (at-least-once): do the side effect first. A throw means
   * "retry later": nothing is committed and the batch is delivered again.
   */
  eachBatch(batch: MessageBatch, context: BatchContext): Promise<void>;
  /** Called before the first batch of newly assigned partitions, e.g. to restore state. */
  onAssigned?(partitions: PartitionRef[]): Promise<void>;
  /** Called when partitions are taken away (rebalance or stop), after in-flight batches finish. */
  onRevoked?(partitions: PartitionRef[]): Promise<void>;
  /** Upper bound on messages per batch. Default 500. */
  maxBatchSize?: number;
  /**
   * How many partitions' batches may be handled at the same time, at most. Default 1. A
   * partition's next batch always waits for its previous one, so order within a partition
   * holds; a handler whose state spans partitions must serialise what depends on it. The
   * in-process bus hands out one batch at a time whatever the value.
   */
  partitionsConsumedConcurrently?: number;
  /** Fetch sizing of the Kafka consumer; the in-process bus ignores it. Unset: the defaults below. */
  fetch?: FetchOptions;
}

/** Kafka fetch request sizing (kafkajs consumer options of the same names). */
export interface FetchOptions {
  /** Most bytes returned per partition in one fetch. Default 1 MiB. */
  maxBytesPerPartition?: number;
  /** Most bytes returned by one fetch. Default 10 MiB. */
  maxBytes?: number;
  /** The broker answers once this many bytes are ready, or after maxWaitTimeInMs. Default 1. */
  minBytes?: number;
  /** Longest the broker holds a fetch waiting for minBytes. Default 500. */
  maxWaitTimeInMs?: number;
}

export interface Subscription {
  /** Finishes the in-flight batch, commits it, leaves the group. */
  stop(): Promise<void>;
  /** Partitions currently assigned to this member. */
  assignment(): PartitionRef[];
}

/** How one consumer of this process is doing. */
export interface ConsumerHealth {
  groupId: string;
  /** restarting: crashed, kafkajs restarts it; failed: crashed for good (the service should be exiting). */
  state: 'starting' | 'running' | 'restarting' | 'failed' | 'stopped';
  /** Crashes kafkajs restarted it from. */
  restarts: number;
  /** Message of the last crash. */
  lastError?: string;
}

export interface BusHealth {
  /** ok: every consumer runs; degraded: one is starting or restarting; failed: one stopped for good. */
  status: 'ok' | 'degraded' | 'failed';
  consumers: ConsumerHealth[];
}

export interface ReadOptions {
  /** Stop at the end offsets observed when the read started (default true). */
  untilEnd?: boolean;
}

export interface Bus {
  /** 'kafka' or 'memory', for logs and health. */
  readonly kind: 'kafka' | 'memory';
  /** Creates missing topics; existing ones are left as they are. */
  ensureTopics(specs: TopicSpec[]): Promise<void>;
  /** Names of existing topics. */
  listTopics(): Promise<string[]>;
  producer(): Promise<Producer>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /**
   * Reads a topic (selected partitions, default all) from the beginning up to its
   * current end, outside any consumer group: used to restore state from a
   * compacted or changelog topic before processing.
   */
  readToEnd(topic: string, onMessage: (message: BusMessage) => void | Promise<void>, partitions?: number[]): Promise<void>;
  /** Current end offset of each partition. */
  endOffsets(topic: string): Promise<Map<number, string>>;
  /** State of this bus's consumers, for health endpoints. */
  health(): BusHealth;
  close(): Promise<void>;
}
