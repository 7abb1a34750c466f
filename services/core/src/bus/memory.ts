// In-process bus: the same contract as Kafka (partitions by key, consumer
// groups, committed offsets, at-least-once redelivery after a failed batch)
// inside one Node process, for `npm start` and unit tests. Memory is bounded the
// way a broker bounds disk: `cleanup.policy=compact` keeps the latest record per
// key (compacting as the partition grows) and `retention.bytes` caps each
// partition (docs/architecture.md, "In-process bus limits").
import { setTimeout as sleep } from 'node:timers/promises';
import { partitionForKey } from './partitioner';
import type {
  BatchContext, Bus, BusMessage, MessageBatch, PartitionRef, Producer, SubscribeOptions, Subscription, TopicBatch, TopicSpec,
} from './types';

export interface MemoryBusOptions {
  /** Partitions of topics created implicitly by ensureTopics without a count. Default 3. */
  defaultPartitions?: number;
  /** Longest wait after a failed batch before it is retried. Default 5 s. */
  maxRetryDelayMs?: number;
  /**
   * Bytes kept per partition of a topic whose spec sets no `retention.bytes` (Kafka's
   * default is unlimited; a laptop's memory is not). Records a subscribed group has not read
   * are kept whatever the limit. Default 1 MiB.
   */
  retentionBytes?: number;
  /** A compacted partition is compacted once it holds this many bytes more than after its last compaction. Default 1 MiB. */
  compactAfterBytes?: number;
  /**
   * A send waits while a topic it writes to holds more bytes than this (over all its
   * partitions) that a subscribed group has not read yet: backpressure, like a full producer
   * buffer (Kafka's buffer.memory), so a producer faster than its consumers cannot fill
   * memory. Default 2 MiB.
   */
  maxUnreadBytes?: number;
}

/** Default bytes kept per partition (retention.bytes) when a topic's spec does not say. */
export const MEMORY_BUS_RETENTION_BYTES = 1024 * 1024;
/** Default unread bytes per topic beyond which sends wait. */
export const MEMORY_BUS_MAX_UNREAD_BYTES = 2 * 1024 * 1024;
/** Default growth of a compacted partition that triggers its next compaction. */
export const MEMORY_BUS_COMPACT_AFTER_BYTES = 1024 * 1024;
/** Bookkeeping per stored record on top of key, value and headers (object, offset string, timestamp). */
const RECORD_OVERHEAD_BYTES = 120;

interface TopicPolicy {
  compact: boolean;
  /** Bytes kept per partition (records older than that are dropped); Infinity: no limit. */
  retentionBytes: number;
}

interface StoredPartition {
  /** Records in offset order; offsets have gaps once compaction removed superseded records. */
  messages: BusMessage[];
  /** Bytes appended before each record (same index as messages): unread bytes without a walk. */
  before: number[];
  /** Bytes appended in all, the value `before` has for the next record. */
  appended: number;
  /** messages[head] is the first live record: trimming moves head, the array is cut in chunks. */
  head: number;
  /** Offset the next record gets (the partition's end, or high watermark). */
  next: number;
  /** Offset of the first record retention kept (log start offset). */
  start: number;
  /** Bytes of the live records (key, value, headers and RECORD_OVERHEAD_BYTES each). */
  bytes: number;
  /** Bytes right after the last compaction; the next one runs at this plus compactAfterBytes. */
  compactedBytes: number;
  /** End offset at the last compaction: tombstones below it have been seen by one compaction and go at the next. */
  compactedThrough: number;
  /** Block the partition's next small records are copied into (delete topics only; see copyRecordBytes). */
  slab: Buffer | null;
  slabUsed: number;
}

function recordBytes(m: BusMessage): number {
  let n = RECORD_OVERHEAD_BYTES + (m.key?.length ?? 0) + (m.value?.length ?? 0);
  for (const name in m.headers) n += name.length + m.headers[name]!.length;
  return n;
}

/** Index of the first live record at or after `offset` (binary search; offsets ascend). */
function indexAtOrAfter(stored: StoredPartition, offset: number): number {
  let lo = stored.head;
  let hi = stored.messages.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (Number(stored.messages[mid]!.offset) < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Policy of a topic from its Kafka configs (cleanup.policy, retention.bytes). */
function policyOf(spec: TopicSpec, defaultRetentionBytes: number): TopicPolicy {
  const cleanup = (spec.config?.['cleanup.policy'] ?? 'delete').split(',').map((s) => s.trim());
  const compact = cleanup.includes('compact');
  const configured = spec.config?.['retention.bytes'];
  const parsed = configured === undefined ? Number.NaN : Number(configured);
  // Kafka: -1 means unlimited. A compact-only topic is bounded by its number of keys, not by retention.
  let retentionBytes: number;
  if (Number.isFinite(parsed)) retentionBytes = parsed < 0 ? Number.POSITIVE_INFINITY : parsed;
  else retentionBytes = compact && !cleanup.includes('delete') ? Number.POSITIVE_INFINITY : defaultRetentionBytes;
  return { compact, retentionBytes };
}

interface Member {
  options: SubscribeOptions;
  assigned: PartitionRef[];
  /** Where the next poll starts in `assigned`: polls go round the partitions, like a Kafka fetch. */
  cursor: number;
  stopping: boolean;
  paused: boolean;
  busy: Promise<void> | null;
  wake: () => void;
  loop: Promise<void>;
}

interface Group {
  id: string;
  members: Member[];
  committed: Map<string, number>;
  /** Rebalances of one group run one after another. */
  lock: Promise<void>;
}

const refKey = (r: PartitionRef): string => `${r.topic}\u0000${r.partition}`;
/** Block size of a delete topic partition's record copies, and the largest record copied into one (beyond it: a buffer of its own). */
const SLAB_BYTES = 64 * 1024;
const SLAB_RECORD_MAX = 8 * 1024;

/**
 * The bytes a record keeps, never a slice of a block someone else fills: a small
 * Buffer.from() (or a caller's pooled Buffer) is a slice of Node's shared 8 KiB pool, and
 * one kept slice keeps the whole block alive for as long as the record is retained. With
 * retention counted in record bytes, pooled slices let a 300-byte record pin 8 KiB: on
 * `npm start` the retained records of delete topics held 100-200 MB of pool blocks outside
 * the heap. A partition of a delete topic copies its small records into 64 KiB blocks of
 * its own instead: its records go oldest first, so a block is freed once its last record
 * goes, and at most the oldest block is part-dead (≤ 2 blocks per partition beyond the
 * retained bytes). One allocation per block instead of per record: per-record buffers were
 * 6 % of the CPU of `npm start` and fragment the malloc heap (RSS well above heap + buffers).
 * Compacted topics drop records out of order, so theirs get buffers of their own.
 */
function copyRecordBytes(v: string | Buffer | null, stored: StoredPartition | null): Buffer | null {
  if (v === null) return null;
  const length = Buffer.isBuffer(v) ? v.length : Buffer.byteLength(v);
  if (stored === null || length > SLAB_RECORD_MAX) {
    const copy = Buffer.allocUnsafeSlow(length);
    if (Buffer.isBuffer(v)) v.copy(copy);
    else copy.write(v);
    return copy;
  }
  if (stored.slab === null || stored.slabUsed + length > SLAB_BYTES) {
    stored.slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
    stored.slabUsed = 0;
  }
  const at = stored.slabUsed;
  if (Buffer.isBuffer(v)) v.copy(stored.slab, at);
  else stored.slab.write(v, at);
  stored.slabUsed += length;
  return stored.slab.subarray(at, at + length);
}
/** Share of a compacted partition's bytes that must be new since its last compaction before the next one (Kafka's min.cleanable.dirty.ratio). */
const DIRTY_RATIO = 0.5;

/** The in-process bus, with what it holds per topic (for health and the soak benchmark). */
export interface MemoryBus extends Bus {
  usage(): Record<string, { records: number; bytes: number }>;
}

export function createMemoryBus(options: MemoryBusOptions = {}): MemoryBus {
  const defaultPartitions = options.defaultPartitions ?? 3;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 5_000;
  const defaultRetentionBytes = options.retentionBytes ?? MEMORY_BUS_RETENTION_BYTES;
  const compactAfterBytes = options.compactAfterBytes ?? MEMORY_BUS_COMPACT_AFTER_BYTES;
  const maxUnreadBytes = options.maxUnreadBytes ?? MEMORY_BUS_MAX_UNREAD_BYTES;
  /** Sends waiting for consumers to read; woken after every commit. */
  let readers: Array<() => void> = [];
  const topics = new Map<string, StoredPartition[]>();
  const policies = new Map<string, TopicPolicy>();
  const groups = new Map<string, Group>();
  let roundRobin = 0;
  let closed = false;

  const matches = (patterns: Array<string | RegExp>, topic: string): boolean =>
    patterns.some((p) => (typeof p === 'string' ? p === topic : p.test(topic)));

  function notifyAll(): void {
    for (const group of groups.values()) for (const member of group.members) member.wake();
  }

  /**
   * Lowest offset some consumer group subscribed to the topic has not committed yet. Unlike a
   * broker, the in-process bus never drops a record a live group still has to read: there is
   * no disk to fall back on, and a lagging stage shows as lag in health rather than as loss.
   */
  function unreadFrom(topic: string, partition: number): number {
    let lowest = Number.POSITIVE_INFINITY;
    for (const group of groups.values()) {
      if (!group.members.some((m) => !m.stopping && matches(m.options.topics, topic))) continue;
      const committed = group.committed.get(refKey({ topic, partition }));
      if (committed === undefined) return Number.NEGATIVE_INFINITY;
      lowest = Math.min(lowest, committed);
    }
    return lowest;
  }

  function unreadBeyondLimit(topic: string): boolean {
    const partitions = topics.get(topic)!;
    let unreadBytes = 0;
    for (let p = 0; p < partitions.length; p++) {
      const stored = partitions[p]!;
      if (stored.bytes === 0) continue;
      const first = indexAtOrAfter(stored, unreadFrom(topic, p));
      if (first < stored.messages.length) unreadBytes += stored.appended - stored.before[first]!;
      if (unreadBytes > maxUnreadBytes) return true;
    }
    return false;
  }

  /** Drops the oldest records beyond retention.bytes (read by every subscribed group). */
  function applyRetention(topic: string, partition: number, stored: StoredPartition, limit: number): void {
    if (stored.bytes <= limit) return;
    const unread = unreadFrom(topic, partition);
    while (stored.bytes > limit && stored.head < stored.messages.length) {
      const oldest = stored.messages[stored.head]!;
      if (Number(oldest.offset) >= unread) break;
      stored.bytes -= recordBytes(oldest);
      stored.head++;
    }
    stored.start = stored.head < stored.messages.length ? Number(stored.messages[stored.head]!.offset) : stored.next;
    // Cut the dropped head off in chunks, not per record (splice at the front is O(n)).
    if (stored.head > 1024 && stored.head * 2 > stored.messages.length) {
      stored.messages = stored.messages.slice(stored.head);
      stored.before = stored.before.slice(stored.head);
      stored.head = 0;
    }
  }

  /** Keeps the newest record of each key; a tombstone goes once a previous compaction has seen it. */
  function compact(stored: StoredPartition): void {
    const seen = new Set<string>();
    const kept: BusMessage[] = [];
    const keptBefore: number[] = [];
    let bytes = 0;
    for (let i = stored.messages.length - 1; i >= stored.head; i--) {
      const m = stored.messages[i]!;
      if (m.key !== null) {
        const id = m.key.toString('latin1');
        if (seen.has(id)) continue;
        seen.add(id);
        if (m.value === null && Number(m.offset) < stored.compactedThrough) continue;
      }
      kept.push(m);
      keptBefore.push(stored.before[i]!);
      bytes += recordBytes(m);
    }
    stored.messages = kept.reverse();
    stored.before = keptBefore.reverse();
    stored.head = 0;
    stored.bytes = bytes;
    stored.compactedBytes = bytes;
    stored.compactedThrough = stored.next;
  }

  function append(topic: string, partition: number, stored: StoredPartition, message: BusMessage): void {
    const size = recordBytes(message);
    stored.messages.push(message);
    stored.before.push(stored.appended);
    stored.appended += size;
    stored.bytes += size;
    stored.next++;
    const policy = policies.get(topic)!;
    if (policy.compact && stored.bytes - stored.compactedBytes >= Math.max(compactAfterBytes, stored.compactedBytes * DIRTY_RATIO)) compact(stored);
    applyRetention(topic, partition, stored, policy.retentionBytes);
  }

  function rebalance(group: Group): Promise<void> {
    const run = group.lock.then(() => rebalanceNow(group));
    group.lock = run.catch(() => {});
    return run;
  }

  async function rebalanceNow(group: Group): Promise<void> {
    // Let every member finish its in-flight batch before partitions move.
    for (const m of group.members) m.paused = true;
    await Promise.all(group.members.map((m) => m.busy ?? Promise.resolve()));
    const active = group.members.filter((m) => !m.stopping);
    const wanted: PartitionRef[] = [];
    const subscribed = new Set<string>();
    for (const m of active) for (const [name] of topics) if (matches(m.options.topics, name)) subscribed.add(name);
    for (const name of [...subscribed].sort()) topics.get(name)!.forEach((_, partition) => wanted.push({ topic: name, partition }));
    const next = new Map<Member, PartitionRef[]>(active.map((m) => [m, []]));
    wanted.forEach((ref, i) => {
      const candidates = active.filter((m) => matches(m.options.topics, ref.topic));
      if (candidates.length > 0) next.get(candidates[i % candidates.length]!)!.push(ref);
    });
    for (const m of group.members) {
      const after = next.get(m) ?? [];
      const lost = m.assigned.filter((a) => !after.some((b) => refKey(a) === refKey(b)));
      if (lost.length > 0 && m.options.onRevoked) await m.options.onRevoked(lost);
    }
    for (const m of active) {
      const after = next.get(m)!;
      const gained = after.filter((b) => !m.assigned.some((a) => refKey(a) === refKey(b)));
      m.assigned = after;
      if (gained.length > 0 && m.options.onAssigned) await m.options.onAssigned(gained);
    }
    for (const m of group.members) {
      if (m.stopping) m.assigned = [];
      m.paused = false;
      m.wake();
    }
  }

  /**
   * The next batch for a member, from the first partition with unread records after the
   * one it polled last. Always starting from the first assigned partition would starve
   * the others whenever that one never runs dry (a busy feed before a quiet one).
   */
  function nextBatch(group: Group, member: Member): MessageBatch | null {
    const n = member.assigned.length;
    for (let step = 0; step < n; step++) {
      const at = (member.cursor + step) % n;
      const ref = member.assigned[at]!;
      const stored = topics.get(ref.topic)?.[ref.partition];
      if (!stored) continue;
      let from = group.committed.get(refKey(ref));
      if (from === undefined) {
        // A group with no committed offset starts where Kafka's auto.offset.reset says,
        // once: remember it, or "latest" would move with every poll and never deliver.
        from = member.options.fromBeginning === false ? stored.next : stored.start;
        group.committed.set(refKey(ref), from);
      }
      if (from >= stored.next) continue;
      const first = indexAtOrAfter(stored, from);
      if (first >= stored.messages.length) continue;
      member.cursor = (at + 1) % n;
      const count = member.options.maxBatchSize ?? 500;
      return { ...ref, messages: stored.messages.slice(first, first + count), highWatermark: String(stored.next) };
    }
    return null;
  }

  async function runMember(group: Group, member: Member): Promise<void> {
    let failures = 0;
    const context: BatchContext = { isStopping: () => member.stopping || closed, heartbeat: async () => {} };
    while (!member.stopping && !closed) {
      const batch = member.paused ? null : nextBatch(group, member);
      if (!batch) {
        await new Promise<void>((resolve) => {
          member.wake = resolve;
          setTimeout(resolve, 1_000).unref();
        });
        continue;
      }
      let done!: () => void;
      member.busy = new Promise((r) => (done = r));
      try {
        await member.options.eachBatch(batch, context);
        const last = batch.messages[batch.messages.length - 1]!;
        group.committed.set(refKey(batch), Number(last.offset) + 1);
        failures = 0;
        if (readers.length > 0) {
          const wake = readers;
          readers = [];
          for (const resolve of wake) resolve();
        }
      } catch {
        // At-least-once: nothing committed, the same batch comes again after a pause.
        failures++;
        await sleep(Math.min(maxRetryDelayMs, 50 * 2 ** Math.min(failures, 10)));
      } finally {
        member.busy = null;
        done();
      }
      // Handlers that never wait on I/O would otherwise chain batches on the
      // microtask queue forever and starve timers and sockets (the desk's HTTP).
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  const bus: MemoryBus = {
    kind: 'memory',
    usage() {
      const out: Record<string, { records: number; bytes: number }> = {};
      for (const [name, partitions] of topics) {
        out[name] = { records: partitions.reduce((n, p) => n + p.messages.length - p.head, 0), bytes: partitions.reduce((n, p) => n + p.bytes, 0) };
      }
      return out;
    },
    async ensureTopics(specs: TopicSpec[]) {
      let created = false;
      for (const spec of specs) {
        if (topics.has(spec.topic)) continue;
        const count = spec.partitions > 0 ? spec.partitions : defaultPartitions;
        topics.set(spec.topic, Array.from({ length: count }, () => ({ messages: [], before: [], appended: 0, head: 0, next: 0, start: 0, bytes: 0, compactedBytes: 0, compactedThrough: 0, slab: null, slabUsed: 0 })));
        policies.set(spec.topic, policyOf(spec, defaultRetentionBytes));
        created = true;
      }
      if (created) for (const group of groups.values()) if (group.members.length > 0) await rebalance(group);
    },
    async listTopics() {
      return [...topics.keys()];
    },
    async producer(): Promise<Producer> {
      return {
        async send(batches: TopicBatch[]) {
          if (closed) throw new Error('bus is closed');
          for (const { topic } of batches) if (!topics.has(topic)) throw new Error(`unknown topic ${topic}: create it with ensureTopics first`);
          // Backpressure: wait until the consumers of every target topic have caught up enough.
          while (!closed && batches.some(({ topic }) => unreadBeyondLimit(topic))) {
            await new Promise<void>((resolve) => {
              readers.push(resolve);
              setTimeout(resolve, 100).unref();
            });
          }
          if (closed) throw new Error('bus is closed');
          for (const { topic, messages } of batches) {
            const partitions = topics.get(topic)!;
            const compacted = policies.get(topic)!.compact;
            for (const message of messages) {
              const rawKey = message.key === null || message.key === undefined ? null : Buffer.isBuffer(message.key) ? message.key : Buffer.from(message.key);
              const partition = message.partition ?? (rawKey ? partitionForKey(rawKey, partitions.length) : roundRobin++ % partitions.length);
              if (!Number.isInteger(partition) || partition < 0 || partition >= partitions.length) throw new Error(`topic ${topic} has no partition ${partition}`);
              const stored = partitions[partition]!;
              const slabs = compacted ? null : stored;
              append(topic, partition, stored, {
                topic, partition, offset: String(stored.next), key: copyRecordBytes(rawKey, slabs), value: copyRecordBytes(message.value, slabs),
                timestamp: Date.now(), headers: { ...(message.headers ?? {}) },
              });
            }
          }
          notifyAll();
        },
        // The in-process bus has no size limits.
        async maxRecordBytes() {
          return Number.MAX_SAFE_INTEGER;
        },
        async close() {},
      };
    },
    async subscribe(subscribeOptions: SubscribeOptions): Promise<Subscription> {
      let group = groups.get(subscribeOptions.groupId);
      if (!group) {
        group = { id: subscribeOptions.groupId, members: [], committed: new Map(), lock: Promise.resolve() };
        groups.set(group.id, group);
      }
      const g = group;
      const member: Member = {
        options: subscribeOptions, assigned: [], cursor: 0, stopping: false, paused: true, busy: null, wake: () => {}, loop: Promise.resolve(),
      };
      g.members.push(member);
      await rebalance(g);
      member.loop = runMember(g, member);
      return {
        assignment: () => [...member.assigned],
        async stop() {
          if (member.stopping) return;
          member.stopping = true;
          member.wake();
          await member.loop;
          await rebalance(g);
          g.members = g.members.filter((m) => m !== member);
        },
      };
    },
    async readToEnd(topic, onMessage, partitions) {
      const stored = topics.get(topic);
      if (!stored) throw new Error(`unknown topic ${topic}`);
      const wanted = partitions ?? stored.map((_, i) => i);
      for (const p of wanted) {
        const partition = stored[p];
        const snapshot = partition ? partition.messages.slice(partition.head) : [];
        for (const message of snapshot) await onMessage(message);
      }
    },
    async endOffsets(topic) {
      const stored = topics.get(topic);
      if (!stored) throw new Error(`unknown topic ${topic}`);
      return new Map(stored.map((p, i) => [i, String(p.next)]));
    },
    health() {
      // In-process consumers cannot crash apart from the process: a member runs until stopped.
      const consumers = [...groups.values()].flatMap((g) => g.members.filter((m) => !m.stopping).map(() => ({ groupId: g.id, state: 'running' as const, restarts: 0 })));
      return { status: 'ok', consumers };
    },
    async close() {
      closed = true;
      notifyAll();
      for (const resolve of readers.splice(0)) resolve();
      for (const group of groups.values()) await Promise.all(group.members.map((m) => m.loop));
    },
  };
  return bus;
}
