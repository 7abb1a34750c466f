import { createMemoryBus } from '@tocsin/core';
import { it } from 'vitest';
import { arrivalOrder, namesFor, runPipeline, scenario, scenarioConfig } from './pipeline';
it('dbg', async () => {
  const bus = createMemoryBus({ maxRetryDelayMs: 50 });
  const names = namesFor('tab12cd34');
  const r = await runPipeline(bus, { partnerPartitions: 1, pipelinePartitions: 1, ingestInstances: 1, detectInstances: 1, batchSize: 500 }, arrivalOrder(scenario(), 0), scenarioConfig({ method: 'none', fdr: 1, max_signals_per_bucket: 1000 }), names);
  console.log(r.signals.length, r.lateDropped, r.observations);
  const dl: string[] = [];
  await bus.readToEnd(names.deadLetter, (m) => void dl.push(m.value!.toString().slice(0, 300)));
  console.log(dl.length, dl[0]);
}, 60000);
