// The same determinism on a real Kafka broker: partner topics and pipeline topics with
// three partitions, two instances of ingest and of detect, arrival shuffled within the
// allowed lateness, give exactly the signals of one partition read in event-time order.
import { randomUUID } from 'node:crypto';
import { createKafkaBus, createLogger, silentLogger } from '@tocsin/core';
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { arrivalOrder, canonicalSignals, differences, namesFor, runPipeline, scenario, scenarioConfig, type Layout } from './pipeline';

const brokers = inject('kafkaBrokers');
const config = scenarioConfig({ method: 'benjamini-hochberg', fdr: 0.01, max_signals_per_bucket: 50 });

async function onKafka(layout: Layout, seed: number) {
  const prefix = `t${randomUUID().slice(0, 8)}`;
  const bus = createKafkaBus({ brokers: [brokers], clientId: `determinism-${prefix}`, logger: process.env['PIPELINE_LOG'] ? createLogger('bus', { level: process.env['PIPELINE_LOG'] }) : silentLogger() });
  onTestFinished(() => bus.close());
  return runPipeline(bus, layout, arrivalOrder(scenario(), seed), config, namesFor(prefix), 150_000);
}

describe('determinism on Kafka', () => {
  it('three partitions, two instances each, shuffled arrival: the signals of one partition in event-time order', async () => {
    const one = await onKafka({ partnerPartitions: 1, pipelinePartitions: 1, ingestInstances: 1, detectInstances: 1, batchSize: 500 }, 0);
    const three = await onKafka({ partnerPartitions: 3, pipelinePartitions: 3, ingestInstances: 2, detectInstances: 2, batchSize: 100 }, 20_261_206);
    expect(one.lateDropped).toBe(0);
    expect(three.lateDropped).toBe(0);
    expect(one.signals.filter((s) => s.detector.id === 'first-seen').length).toBeGreaterThan(0);
    expect(differences(canonicalSignals(three.signals), canonicalSignals(one.signals))).toEqual([]);
  }, 360_000);
});
