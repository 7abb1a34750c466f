import { createMemoryBus, partnerTopic, type Bus, type BusMessage } from '@tocsin/core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { writeFileSync } from 'node:fs';
import { createScenario, readGroundTruth, runSimulation, SimulatorError, streamScenario, writeGroundTruth, type GroundTruthFile } from '../src/index';

function memoryBus(): Bus {
  const bus = createMemoryBus({ defaultPartitions: 3 });
  onTestFinished(() => bus.close());
  return bus;
}

async function readAll(bus: Bus, topic: string): Promise<BusMessage[]> {
  const out: BusMessage[] = [];
  await bus.readToEnd(topic, (m) => {
    out.push(m);
  });
  return out;
}

describe('runSimulation', () => {
  it('creates every partner topic and produces one keyed record per incident', async () => {
    const bus = memoryBus();
    const scenario = createScenario({ seed: 3, start: '2025-01-01', days: 7 });
    const progress: number[] = [];
    const result = await runSimulation({ bus, scenario, speed: 'max', onProgress: (p) => progress.push(p.produced) });
    const expected = [...scenario.incidents()];
    expect(result.produced).toBe(expected.length);
    expect(result.aborted).toBe(false);
    expect(progress.at(-1)).toBe(expected.length);
    const topics = await bus.listTopics();
    for (const p of scenario.partners) expect(topics).toContain(partnerTopic(p.id));

    const byId = new Map(expected.map((i) => [`${i.partner}:${i.id}`, i]));
    let total = 0;
    for (const p of scenario.partners) {
      const messages = await readAll(bus, partnerTopic(p.id));
      total += messages.length;
      expect(result.byPartner[p.id] ?? 0).toBe(messages.length);
      for (const m of messages) {
        const incident = byId.get(`${p.id}:${m.key?.toString()}`);
        expect(incident, m.key?.toString()).toBeDefined();
        expect(m.value?.equals(scenario.encode(incident!).value)).toBe(true);
        expect(m.headers['content-type']).toBe(p.format === 'csv' ? 'text/csv' : 'application/json');
      }
    }
    expect(total).toBe(expected.length);
  });

  it('sends in arrival order by default, so late reports come late', async () => {
    const scenario = createScenario({ seed: 3, start: '2025-01-01', days: 30 });
    const reported: string[] = [];
    const occurred: string[] = [];
    await streamScenario(scenario, { speed: 'max' }, async (records) => {
      for (const r of records) {
        const text = r.value.toString('utf8');
        if (r.contentType === 'application/json') {
          const i = JSON.parse(text) as { reported_at: string; occurred_at: string };
          reported.push(i.reported_at);
          occurred.push(i.occurred_at);
        }
      }
    });
    expect(reported).toEqual([...reported].sort());
    expect(occurred).not.toEqual([...occurred].sort());
  });

  it('paces records by speed: 2 simulated days at 20 days/s take about 100 ms', async () => {
    const scenario = createScenario({ seed: 4, start: '2025-01-01', days: 2 });
    const began = Date.now();
    const result = await streamScenario(scenario, { speed: 20, order: 'event' }, async () => {});
    const elapsed = Date.now() - began;
    expect(result.produced).toBeGreaterThan(300);
    expect(elapsed).toBeGreaterThanOrEqual(80);
    expect(elapsed).toBeLessThan(2_000);
  });

  it('stops between batches when aborted', async () => {
    const bus = memoryBus();
    const scenario = createScenario({ seed: 4, start: '2025-01-01', days: 365 });
    const controller = new AbortController();
    const result = await runSimulation({
      bus, scenario, speed: 10, signal: controller.signal,
      onProgress: (p) => {
        if (p.day >= 3) controller.abort();
      },
    });
    expect(result.aborted).toBe(true);
    let stored = 0;
    for (const p of scenario.partners) stored += (await readAll(bus, partnerTopic(p.id))).length;
    expect(stored).toBe(result.produced);
    expect(result.produced).toBeLessThan(10 * 400);
  });

  it('rejects a speed that is not positive', async () => {
    const scenario = createScenario({ seed: 4, start: '2025-01-01', days: 1 });
    await expect(runSimulation({ bus: memoryBus(), scenario, speed: 0 })).rejects.toThrow(/speed must be a positive number/);
  });
});

describe('writeGroundTruth', () => {
  it('writes the scenario and its trends as JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tocsin-sim-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const scenario = createScenario({ seed: 42, start: '2025-01-01', days: 365 });
    const path = join(dir, 'truth.json');
    await writeGroundTruth(path, scenario);
    const file = JSON.parse(readFileSync(path, 'utf8')) as GroundTruthFile;
    expect(file.generated_by).toBe('@tocsin/simulator');
    expect(file.scenario).toMatchObject({ seed: 42, start: '2025-01-01', days: 365 });
    expect(file.partners).toHaveLength(scenario.partners.length);
    expect(file.trends).toEqual(scenario.groundTruth);
    expect(await readGroundTruth(path)).toEqual(file);
  });

  it('refuses files that are not simulator ground truth', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tocsin-sim-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const cases: Array<[string, RegExp]> = [
      ['{"trends": []}', /not a simulator ground-truth file/],
      ['{"generated_by": "@tocsin/simulator", "trends": [{"id": "x", "kind": "meteor"}]}', /trends\[0\] lacks/],
      ['not json', /cannot read ground truth/],
    ];
    for (const [n, [text, message]] of cases.entries()) {
      const path = join(dir, `bad-${n}.json`);
      writeFileSync(path, text);
      const err = await readGroundTruth(path).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SimulatorError);
      expect((err as SimulatorError).code).toBe('bad_ground_truth');
      expect((err as Error).message).toMatch(message);
    }
  });
});
