// In-process bus: the same contract as Kafka (partitions by key, consumer
// groups, committed offsets, at-least-once redelivery after a failed batch)
// inside one Node process, for `npm start` and unit tests.
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
  /** Most records kept per partition; older ones are dropped like Kafka retention. Default 1,000,000. */
  retainPerPartition?: number;
}

interface StoredPartition {
  /** Offset of messages[0]; grows when retention trims the head. */
  base: number;
  messages: BusMessage[];
}

interface Member {
  options: SubscribeOptions;
  assigned: PartitionRef[];
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
const toBuffer = (v: string | Buffer | null): Buffer | null => (v === null ? null : Buffer.isBuffer(v) ? v : Buffer.from(v));

export function createMemoryBus(options: MemoryBusOptions = {}): Bus {
  const defaultPartitions = options.defaultPartitions ?? 3;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 5_000;
  const retain = options.retainPerPartition ?? 1_000_000;
  const topics = new Map<string, StoredPartition[]>();
  const groups = new Map<string, Group>();
  let roundRobin = 0;
  let closed = false;

  const matches = (patterns: Array<string | RegExp>, topic: string): boolean =>
    patterns.some((p) => (typeof p === 'string' ? p === topic : p.test(topic)));

  function notifyAll(): void {
    for (const group of groups.values()) for (const member of group.members) member.wake();
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

  function nextBatch(group: Group, member: Member): MessageBatch | null {
    for (const ref of member.assigned) {
      const stored = topics.get(ref.topic)?.[ref.partition];
      if (!stored) continue;
      const end = stored.base + stored.messages.length;
      let from = group.committed.get(refKey(ref));
      if (from === undefined) {
        // A group with no committed offset starts where Kafka's auto.offset.reset says,
        // once: remember it, or "latest" would move with every poll and never deliver.
        from = member.options.fromBeginning === false ? end : stored.base;
        group.committed.set(refKey(ref), from);
      }
      from = Math.max(from, stored.base);
      if (from >= end) continue;
      const count = Math.min(member.options.maxBatchSize ?? 500, end - from);
      const start = from - stored.base;
      return { ...ref, messages: stored.messages.slice(start, start + count), highWatermark: String(end) };
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

  const bus: Bus = {
    kind: 'memory',
    async ensureTopics(specs: TopicSpec[]) {
      let created = false;
      for (const spec of specs) {
        if (topics.has(spec.topic)) continue;
        const count = spec.partitions > 0 ? spec.partitions : defaultPartitions;
        topics.set(spec.topic, Array.from({ length: count }, () => ({ base: 0, messages: [] })));
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
          for (const { topic, messages } of batches) {
            const partitions = topics.get(topic)!;
            for (const message of messages) {
              const key = toBuffer(message.key);
              const partition = key ? partitionForKey(key, partitions.length) : roundRobin++ % partitions.length;
              const stored = partitions[partition]!;
              stored.messages.push({
                topic, partition, offset: String(stored.base + stored.messages.length), key, value: toBuffer(message.value),
                timestamp: Date.now(), headers: { ...(message.headers ?? {}) },
              });
              if (stored.messages.length > retain) {
                const drop = stored.messages.length - retain;
                stored.messages.splice(0, drop);
                stored.base += drop;
              }
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
        options: subscribeOptions, assigned: [], stopping: false, paused: true, busy: null, wake: () => {}, loop: Promise.resolve(),
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
        const snapshot = stored[p]?.messages.slice() ?? [];
        for (const message of snapshot) await onMessage(message);
      }
    },
    async endOffsets(topic) {
      const stored = topics.get(topic);
      if (!stored) throw new Error(`unknown topic ${topic}`);
      return new Map(stored.map((p, i) => [i, String(p.base + p.messages.length)]));
    },
    health() {
      // In-process consumers cannot crash apart from the process: a member runs until stopped.
      const consumers = [...groups.values()].flatMap((g) => g.members.filter((m) => !m.stopping).map(() => ({ groupId: g.id, state: 'running' as const, restarts: 0 })));
      return { status: 'ok', consumers };
    },
    async close() {
      closed = true;
      notifyAll();
      for (const group of groups.values()) await Promise.all(group.members.map((m) => m.loop));
    },
  };
  return bus;
}
