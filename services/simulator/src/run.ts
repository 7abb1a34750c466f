// Streams a scenario: to a bus (partner topics, one record per incident) or to any
// other sink such as the CLI's JSONL output. Records are sent as fast as possible
// or paced so that `speed` simulated days pass per real second (the live demo).
// By default they go out in arrival order, so a report filed three weeks late
// reaches the pipeline three simulated weeks late.
import { readFile, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { partnerTopic, type Bus, type Incident, type TopicBatch } from '@tocsin/core';
import { SimulatorError } from './errors';
import type { Scenario } from './scenario';
import { TREND_KINDS } from './trends';
import { DAY_MS } from './streams';
import type { GroundTruthTrend } from './trends';
import type { EncodedRecord } from './wire';

export interface SimulationProgress {
  produced: number;
  /** Simulated time of the last record sent (its reported_at, or occurred_at in event order). */
  simulatedTime: string;
  /** Whole simulated days elapsed since the scenario start. */
  day: number;
}

export interface StreamOptions {
  /** Simulated days per real second, or 'max' to send as fast as the sink accepts. */
  speed: number | 'max';
  signal?: AbortSignal;
  onProgress?: (progress: SimulationProgress) => void;
  /** 'arrival' (default): reported_at order, as partners send; 'event': occurred_at order. */
  order?: 'arrival' | 'event';
  /** Records per sink call. Default 500. */
  batchSize?: number;
  /** Clock, injectable for tests. */
  now?: () => number;
}

export interface SimulationResult {
  produced: number;
  byPartner: Record<string, number>;
  aborted: boolean;
  elapsedMs: number;
}

export function assertSpeed(speed: unknown): asserts speed is number | 'max' {
  if (speed !== 'max' && !(typeof speed === 'number' && Number.isFinite(speed) && speed > 0)) {
    throw new RangeError(`speed must be a positive number of simulated days per second or 'max', got ${String(speed)}`);
  }
}

/**
 * Encodes the scenario's incidents and hands them to `send` in batches, paced by
 * `speed`. On abort, records not yet handed over are dropped: a run stops between
 * batches, never inside one.
 */
export async function streamScenario(scenario: Scenario, options: StreamOptions, send: (records: EncodedRecord[]) => Promise<void>): Promise<SimulationResult> {
  const { speed, signal, onProgress } = options;
  assertSpeed(speed);
  const now = options.now ?? Date.now;
  const batchSize = options.batchSize ?? 500;
  const order = options.order ?? 'arrival';
  const startMs = scenario.dayStartMs(0);
  const endMs = scenario.dayStartMs(scenario.options.days);
  const timeOf = (incident: Incident): number => Date.parse(order === 'arrival' ? incident.reported_at : incident.occurred_at);
  const began = now();
  // Simulated ms → real ms at which a record is due. Records reported after the
  // simulated period are flushed at its end rather than stretching the demo.
  const dueAt = (simMs: number): number => (speed === 'max' ? 0 : began + ((Math.min(simMs, endMs) - startMs) / DAY_MS / speed) * 1000);

  const byPartner: Record<string, number> = {};
  let produced = 0;
  let aborted = false;
  let pending: EncodedRecord[] = [];
  let lastSimMs = startMs;

  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    await send(batch);
    produced += batch.length;
    for (const r of batch) byPartner[r.partner] = (byPartner[r.partner] ?? 0) + 1;
    onProgress?.({ produced, simulatedTime: new Date(lastSimMs).toISOString(), day: Math.floor((lastSimMs - startMs) / DAY_MS) });
  };

  const source = order === 'arrival' ? scenario.arrivals() : scenario.incidents();
  for (const incident of source) {
    if (signal?.aborted) {
      aborted = true;
      break;
    }
    const simMs = timeOf(incident);
    const wait = dueAt(simMs) - now();
    if (wait > 0) {
      // Send what is due before waiting for the next record's moment.
      await flush();
      try {
        await sleep(wait, undefined, signal ? { signal } : undefined);
      } catch (err) {
        if (!signal?.aborted) throw err;
        aborted = true;
        break;
      }
    }
    pending.push(scenario.encode(incident));
    lastSimMs = simMs;
    if (pending.length >= batchSize) await flush();
  }
  if (!aborted) await flush();
  return { produced, byPartner, aborted, elapsedMs: now() - began };
}

export interface RunSimulationOptions extends StreamOptions {
  bus: Bus;
  scenario: Scenario;
  /** Partitions of partner topics created here. Default 3. */
  partitions?: number;
}

/** Creates every partner topic of the scenario; existing topics are left alone. */
export async function ensurePartnerTopics(bus: Bus, scenario: Scenario, partitions = 3): Promise<void> {
  await bus.ensureTopics(scenario.partners.map((p) => ({ topic: partnerTopic(p.id), partitions })));
}

/** Produces the scenario onto partner.<id>.incidents topics, keyed by incident id. */
export async function runSimulation(options: RunSimulationOptions): Promise<SimulationResult> {
  const { bus, scenario } = options;
  assertSpeed(options.speed);
  await ensurePartnerTopics(bus, scenario, options.partitions);
  const producer = await bus.producer();
  try {
    return await streamScenario(scenario, options, async (records) => {
      const batches = new Map<string, TopicBatch>();
      for (const r of records) {
        const topic = partnerTopic(r.partner);
        let batch = batches.get(topic);
        if (!batch) {
          batch = { topic, messages: [] };
          batches.set(topic, batch);
        }
        batch.messages.push({ key: r.key, value: r.value, headers: { 'content-type': r.contentType } });
      }
      await producer.send([...batches.values()]);
    });
  } finally {
    await producer.close();
  }
}

/** The ground-truth file: which scenario it belongs to and the trends injected into it. */
export interface GroundTruthFile {
  generated_by: '@tocsin/simulator';
  scenario: Scenario['options'];
  partners: string[];
  trends: GroundTruthTrend[];
}

export function groundTruthFileOf(scenario: Scenario): GroundTruthFile {
  return { generated_by: '@tocsin/simulator', scenario: { ...scenario.options }, partners: scenario.partners.map((p) => p.id), trends: scenario.groundTruth };
}

/** Writes the scenario's ground truth as pretty JSON (benchmarks read it back with JSON.parse). */
export async function writeGroundTruth(path: string, scenario: Scenario): Promise<void> {
  await writeFile(path, JSON.stringify(groundTruthFileOf(scenario), null, 2) + '\n', 'utf8');
}

/** Reads a ground-truth file written by writeGroundTruth; throws bad_ground_truth when it is not one. */
export async function readGroundTruth(path: string): Promise<GroundTruthFile> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new SimulatorError('bad_ground_truth', `cannot read ground truth ${path}: ${(err as Error).message}`, { cause: err });
  }
  const file = parsed as Partial<GroundTruthFile> | null;
  if (!file || file.generated_by !== '@tocsin/simulator' || !Array.isArray(file.trends)) {
    throw new SimulatorError('bad_ground_truth', `${path} is not a simulator ground-truth file (no generated_by "@tocsin/simulator" and trends list)`);
  }
  file.trends.forEach((t, i) => {
    if (!t || typeof t.id !== 'string' || !(TREND_KINDS as readonly string[]).includes(t.kind) || typeof t.start !== 'string' || !Array.isArray(t.countries)) {
      throw new SimulatorError('bad_ground_truth', `${path}: trends[${i}] lacks an id, a known kind, a start date or countries`);
    }
  });
  return file as GroundTruthFile;
}
