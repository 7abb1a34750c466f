// The simulator against a real Kafka broker through core's kafkajs adapter.
// Partner topic names are fixed by the partner ids, so the test compares end
// offsets before and after its own run instead of assuming empty topics.
import { createKafkaBus, partnerTopic, silentLogger, type Bus } from '@tocsin/core';
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { createScenario, runSimulation } from '../src/index';

const brokers = inject('kafkaBrokers');

/**
 * Sum of a topic's end offsets. Right after creation a broker may still answer
 * NOT_LEADER for a partition (leadership metadata propagates asynchronously,
 * kafkajs marks the error retriable), so this retries a bounded number of times.
 */
async function totalEnd(bus: Bus, topic: string): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      const ends = await bus.endOffsets(topic);
      let sum = 0;
      for (const offset of ends.values()) sum += Number(offset);
      return sum;
    } catch (err) {
      if (attempt >= 10 || (err as { retriable?: boolean }).retriable !== true) throw err;
      await new Promise((resolve) => setTimeout(resolve, 300 * attempt));
    }
  }
}

describe('runSimulation on Kafka', () => {
  it('produces every record of a small scenario to its partner topic', async () => {
    const bus = createKafkaBus({ brokers: [brokers], clientId: `simulator-int-${Date.now()}`, logger: silentLogger() });
    onTestFinished(() => bus.close());
    const scenario = createScenario({ seed: 11, start: '2025-01-01', days: 2, partners: 4 });
    const expected = [...scenario.incidents()].map((i) => scenario.encode(i));

    const topics = scenario.partners.map((p) => partnerTopic(p.id));
    await bus.ensureTopics(topics.map((topic) => ({ topic, partitions: 3 })));
    const before = new Map<string, number>();
    for (const topic of topics) before.set(topic, await totalEnd(bus, topic));

    const result = await runSimulation({ bus, scenario, speed: 'max', batchSize: 200 });
    expect(result.produced).toBe(expected.length);

    for (const p of scenario.partners) {
      const topic = partnerTopic(p.id);
      const mine = expected.filter((r) => r.partner === p.id);
      expect((await totalEnd(bus, topic)) - (before.get(topic) ?? 0), topic).toBe(mine.length);
      const stored = new Set<string>();
      await bus.readToEnd(topic, (m) => {
        stored.add(`${m.key?.toString()}\u0000${m.value?.toString('base64')}`);
      });
      for (const r of mine) expect(stored.has(`${r.key}\u0000${r.value.toString('base64')}`), r.key).toBe(true);
    }
  });
});
