// Keeps the most recent signals from signals.v1 in memory for the desk when it
// runs as its own process. Every desk instance needs every signal, so each
// instance reads in a consumer group of its own.
import { compileValidator, decodeJson, TOPICS, type Bus, type Logger, type Signal, type Subscription } from '@tocsin/core';

export interface SignalFeed {
  start(): Promise<void>;
  stop(): Promise<void>;
  recentSignals(limit: number): Signal[];
  stats(): { received: number; invalid: number; kept: number };
}

export function createSignalFeed(deps: { bus: Bus; groupId: string; logger: Logger; keep?: number; topic?: string }): SignalFeed {
  const keep = deps.keep ?? 1000;
  const topic = deps.topic ?? TOPICS.signals.name;
  const validate = compileValidator<Signal>('signal.v1');
  const byId = new Map<string, Signal>();
  let received = 0;
  let invalid = 0;
  let subscription: Subscription | null = null;
  return {
    async start() {
      await deps.bus.ensureTopics([{ topic, partitions: 6 }]);
      subscription = await deps.bus.subscribe({
        groupId: deps.groupId,
        topics: [topic],
        fromBeginning: true,
        async eachBatch(batch) {
          for (const message of batch.messages) {
            received++;
            let result;
            try {
              result = validate(decodeJson(message.value));
            } catch {
              result = null;
            }
            if (!result?.ok) {
              invalid++;
              continue;
            }
            // Re-emitted signals carry the same id: the latest copy wins.
            byId.delete(result.value.id);
            byId.set(result.value.id, result.value);
            if (byId.size > keep) byId.delete(byId.keys().next().value as string);
          }
        },
      });
      deps.logger.info({ groupId: deps.groupId }, 'signal feed started');
    },
    async stop() {
      await subscription?.stop();
      subscription = null;
    },
    recentSignals(limit) {
      return [...byId.values()].reverse().slice(0, limit);
    },
    stats: () => ({ received, invalid, kept: byId.size }),
  };
}
