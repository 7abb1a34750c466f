import { createMemoryBus, loadTaxonomy, silentLogger, type UpstreamWatermarkRecord } from '@tocsin/core';
import { afterEach, describe, expect, it } from 'vitest';
import { buildIngest, type Ingest } from '../src/app';
import { CSV_PARTNER, CSV_TOPIC, JSON_PARTNER, JSON_TOPIC, NOW, partnerIncident, testConfig } from './fixtures';

const running: Ingest[] = [];
afterEach(async () => {
  for (const ingest of running.splice(0)) await ingest.stop();
});

/** The idle flags of the partner partitions in the newest watermark record on incidents.v1. */
async function latestIdle(bus: ReturnType<typeof createMemoryBus>): Promise<Map<string, boolean>> {
  let latest: UpstreamWatermarkRecord | null = null;
  await bus.readToEnd('incidents.v1', (m) => {
    if (m.headers['tocsin-record']) latest = JSON.parse(m.value!.toString()) as UpstreamWatermarkRecord;
  });
  return new Map((latest as UpstreamWatermarkRecord | null)?.marks.map((k) => [`${k.topic}:${k.partition}`, k.idle]) ?? []);
}

describe('idleness of partner partitions in processing time', () => {
  // The embedded demo's clock runs a day per real second: 30 s of it are 30 ms of real time.
  const simulated = (): number => NOW + (Date.now() % 1_000_000) * 86_400;

  it('with a simulated clock, a partition that just delivered is not idle: the idle period runs on idleClock', async () => {
    const bus = createMemoryBus({ defaultPartitions: 3, maxRetryDelayMs: 50 });
    await bus.ensureTopics([{ topic: JSON_TOPIC, partitions: 1 }, { topic: CSV_TOPIC, partitions: 1 }]);
    const ingest = buildIngest({
      bus, partners: [JSON_PARTNER, CSV_PARTNER], taxonomy: loadTaxonomy(), config: testConfig(), logger: silentLogger(),
      clock: simulated, idleClock: Date.now, idleMs: 30_000, markTickMs: 20,
    });
    running.push(ingest);
    await ingest.start();
    const producer = await bus.producer();
    for (let round = 0; round < 3; round++) {
      await producer.send([{ topic: JSON_TOPIC, messages: [{ key: `NL-${round}`, value: JSON.stringify(partnerIncident({ id: `NL-${round}` })) }] }]);
      await new Promise((r) => setTimeout(r, 150));
    }
    const idle = await latestIdle(bus);
    // Read to its end 150 ms ago: 150 ms of real time is 3.6 simulated hours, far past 30 simulated s.
    expect(idle.get(`${JSON_TOPIC}:0`)).toBe(false);
    // The CSV partition was empty when assigned and delivered nothing: idle, as before.
    expect(idle.get(`${CSV_TOPIC}:0`)).toBe(true);
  });
});
