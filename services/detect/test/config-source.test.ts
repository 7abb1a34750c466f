import { createMemoryBus, encodeEvent, silentLogger, TOPICS } from '@tocsin/core';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createConfigSource } from '../src/config-source';
import { testConfig, testPlan } from './plan';

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

describe('live detector configuration', () => {
  it('starts from the latest record of its id, follows updates and ignores invalid ones', async () => {
    const bus = createMemoryBus();
    onTestFinished(() => bus.close());
    const topic = TOPICS.detectorConfig.name;
    await bus.ensureTopics([{ topic, partitions: 1 }]);
    const producer = await bus.producer();
    await producer.send([{ topic, messages: [
      { key: 'default', value: encodeEvent(testConfig({ version: 'v2' })) },
      { key: 'other', value: encodeEvent(testConfig({ id: 'other', version: 'other-9' })) },
    ] }]);
    const source = createConfigSource(bus, testPlan(), silentLogger(), topic);
    onTestFinished(() => source.stop());
    await source.start();
    expect(source.current().version).toBe('v2');

    await producer.send([{ topic, messages: [{ key: 'default', value: encodeEvent({ ...testConfig({ version: 'v3' }), buckets: { granularities: [], allowed_lateness_days: 1 } }) }] }]);
    await until(() => source.rejected() === 1);
    expect(source.current().version).toBe('v2');

    await producer.send([{ topic, messages: [{ key: 'default', value: encodeEvent(testConfig({ version: 'v4', evidence_limit: 7 })) }] }]);
    await until(() => source.current().version === 'v4');
    expect(source.current().evidenceLimit).toBe(7);
  });
});
