// Live detector configuration: the latest record keyed by our config id on the
// compacted detector-config.v1 topic replaces the plan. Every instance reads every
// update (a group of its own), and an invalid update is logged and ignored: the
// running plan stays in force rather than detection stopping.
import { randomUUID } from 'node:crypto';
import { decodeJson, type Bus, type BusMessage, type Logger, type Subscription } from '@tocsin/core';
import { buildPlan, type DetectorPlan } from './config';

export interface ConfigSource {
  current(): DetectorPlan;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Updates rejected as invalid since start. */
  rejected(): number;
}

export function createConfigSource(bus: Bus, initial: DetectorPlan, logger: Logger, topic: string): ConfigSource {
  const log = logger.child({ component: 'detector-config' });
  let plan = initial;
  let rejected = 0;
  let subscription: Subscription | null = null;
  const configId = initial.config.id;

  function apply(message: BusMessage): void {
    if (message.key?.toString('utf8') !== configId || message.value === null) return;
    try {
      const next = buildPlan(decodeJson(message.value));
      if (next.version === plan.version) return;
      log.info({ from: plan.version, to: next.version, offset: message.offset }, 'detector config updated');
      plan = next;
    } catch (error) {
      rejected++;
      log.error({ err: error, offset: message.offset }, 'CONFIG_INVALID: detector config update ignored; the current config stays in force');
    }
  }

  return {
    current: () => plan,
    rejected: () => rejected,
    async start() {
      // The latest valid record wins before anything is scored; the subscription then
      // skips what readToEnd already applied (a fresh group starts at the beginning).
      const seen = await bus.endOffsets(topic);
      await bus.readToEnd(topic, apply);
      subscription = await bus.subscribe({
        groupId: `tocsin-detect-config-${randomUUID()}`,
        topics: [topic],
        fromBeginning: true,
        eachBatch: async (batch) => {
          const from = BigInt(seen.get(batch.partition) ?? '0');
          for (const message of batch.messages) if (BigInt(message.offset) >= from) apply(message);
        },
      });
    },
    async stop() {
      await subscription?.stop();
      subscription = null;
    },
  };
}
