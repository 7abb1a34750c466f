// Signals are a function of the input, not of the layout or the arrival order: partner
// records shuffled within the allowed lateness, partner topics and pipeline topics with
// 1, 3 or 6 partitions, one or two instances of ingest and of detect, any batch size —
// the in-process bus (Kafka's partitioner, consumer groups) gives the same signals as
// one partition read in event-time order. See docs/detect.md, "Watermarks".
import { createMemoryBus } from '@tocsin/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arrivalOrder, canonicalSignals, differences, namesFor, runPipeline, scenario, scenarioConfig, type Layout } from './pipeline';

const records = scenario();
const names = namesFor('');
const REFERENCE: Layout = { partnerPartitions: 1, pipelinePartitions: 1, ingestInstances: 1, detectInstances: 1, batchSize: 500 };

async function run(layout: Layout, seed: number, config: ReturnType<typeof scenarioConfig>) {
  const bus = createMemoryBus({ maxRetryDelayMs: 50 });
  try {
    return await runPipeline(bus, layout, arrivalOrder(records, seed), config, names);
  } finally {
    await bus.close();
  }
}

const layouts = fc.record({
  partnerPartitions: fc.constantFrom(1, 3, 6),
  pipelinePartitions: fc.constantFrom(1, 3, 6),
  ingestInstances: fc.constantFrom(1, 2),
  detectInstances: fc.constantFrom(1, 2),
  batchSize: fc.constantFrom(7, 60, 500),
});

describe('signals do not depend on partitions, instances or arrival order within the lateness', () => {
  // As the default configuration: BH at 1 % FDR per bucket, at most 50 signals per bucket.
  const config = scenarioConfig({ method: 'benjamini-hochberg', fdr: 0.01, max_signals_per_bucket: 50 });
  let reference: string[] = [];

  it('the reference run (one partition, event-time order) flags the scenario\'s trends', async () => {
    const result = await run(REFERENCE, 0, config);
    expect(result.lateDropped).toBe(0);
    reference = canonicalSignals(result.signals);
    const ids = result.signals.map((s) => s.id);
    // The new route and the new method in a country, first seen after the learning period, each once.
    expect(ids).toContain('first-seen|route|EC>PT>BE|sea|2026-04-01T00:00:00.000Z');
    expect(ids).toContain('first-seen|country_method|DE|method:body-packing|2026-04-16T00:00:00.000Z');
    expect(ids.filter((id) => id.startsWith('first-seen|route|'))).toHaveLength(2);
    // The container surge in NL, on days and weeks; the new street name.
    expect(ids).toContain('ears-c1|country|NL|2026-04-11T00:00:00.000Z');
    expect(ids).toContain('ears-c2|country|NL|2026-04-06T00:00:00.000Z/P1W');
    expect(ids).toContain('emerging-terms|term|*:kryolix|2026-04-22T00:00:00.000Z');
    expect(result.signals.filter((s) => s.detector.kind === 'count').every((s) => typeof s.q_value === 'number' && s.q_value <= 0.01)).toBe(true);
    expect(reference.length).toBeGreaterThan(30);
  }, 60_000);

  it('partner and pipeline partitions 1, 3, 6, one or two instances, shuffled arrival: identical signals', async () => {
    await fc.assert(
      fc.asyncProperty(layouts, fc.integer({ min: 1, max: 1_000_000 }), async (layout, seed) => {
        const result = await run(layout, seed, config);
        expect(result.lateDropped).toBe(0);
        expect(differences(canonicalSignals(result.signals), reference)).toEqual([]);
      }),
      { numRuns: 10, endOnFailure: true },
    );
  }, 300_000);
});
