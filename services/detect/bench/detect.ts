// `npm run bench -- detect`: in-process throughput of the detect logic (explode every
// incident into all dimension keys, count in event-time buckets, close buckets, run
// every configured detector, rank and build signals) against a bare loop that only
// derives and counts the same keys; and memory per active key after a year of history.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Incident } from '@tocsin/core';
import { createScenario } from '@tocsin/simulator';
import { loadPlan, type DetectorPlan } from '../src/config';
import { asEvent, backtest } from '../src/evaluation/backtest';
import { deriveDimensionKeys, dimensionTopicKey } from '../src/keys';

export interface DetectBenchOptions {
  days?: number;
  seed?: number;
  plan?: DetectorPlan;
  /** Timed runs of each loop; the fastest counts. Default 3. */
  rounds?: number;
  print?: (line: string) => void;
}

export interface DetectBenchResult {
  incidents: number;
  observations: number;
  keys: number;
  fullSeconds: number;
  bareSeconds: number;
  incidentsPerSecond: number;
  bareIncidentsPerSecond: number;
  ratio: number;
  /** Heap per key, everything included. */
  bytesPerKey: number;
  /** Heap per key without emergence state: counts, rings, open buckets, detector history. */
  countBytesPerKey: number;
  /** Heap of all emergence state, and how many keys of each dimension type carry it. */
  emergenceBytes: number;
  emergenceKeys: Record<string, number>;
  detectorRuns: number;
  signals: number;
}

function collectGarbage(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  return () => {
    gc();
    gc();
  };
}

/** The baseline: derive the same keys and count them per key and day, nothing else. */
function bareCount(incidents: readonly Incident[], plan: DetectorPlan): number {
  const counts = new Map<string, number>();
  for (const incident of incidents) {
    const day = Math.floor(Date.parse(incident.occurred_at) / 86_400_000);
    for (const dim of deriveDimensionKeys(incident, plan.dimensions)) {
      const id = dimensionTopicKey(dim.type, dim.key);
      counts.set(id, (counts.get(id) ?? 0) + day);
    }
  }
  return counts.size;
}

export function runDetectBench(options: DetectBenchOptions = {}): DetectBenchResult {
  const print = options.print ?? ((line: string) => console.log(line));
  const plan = options.plan ?? loadPlan();
  const days = options.days ?? 366;
  const scenario = createScenario({ seed: options.seed ?? 11, start: '2025-01-01', days, extraSurges: 20 });
  const incidents = [...scenario.incidents()];
  // The service reads IncidentEvents from incidents.v1: wrap once, outside the timed loop
  // (the wrapper is the backtest's stand-in for ingest, not detect work).
  const events = incidents.map((incident) => asEvent(incident));
  const gc = collectGarbage();

  // Warm-up so both loops run JIT-compiled code.
  bareCount(incidents.slice(0, 20_000), plan);
  backtest(events.slice(0, 20_000), plan, { clock: () => 0 });

  // Best of `rounds` alternating runs: the machine may be shared, the minimum is the least disturbed.
  const rounds = options.rounds ?? 3;
  let bareSeconds = Number.POSITIVE_INFINITY;
  let fullSeconds = Number.POSITIVE_INFINITY;
  let run = null as ReturnType<typeof backtest> | null;
  for (let round = 0; round < rounds; round++) {
    gc();
    let t = performance.now();
    bareCount(incidents, plan);
    bareSeconds = Math.min(bareSeconds, (performance.now() - t) / 1000);
    run = null;
    gc();
    t = performance.now();
    run = backtest(events, plan, { clock: () => 0 });
    fullSeconds = Math.min(fullSeconds, (performance.now() - t) / 1000);
  }
  if (!run) throw new Error('rounds must be at least 1');
  // Memory of the scoring state that stays: every key with a year of history, buckets closed.
  let scorer: typeof run.scorer | null = run.scorer;
  const signals = run.signals.length;
  run.signals.length = 0;
  run.scoredKeys.clear();
  scorer.takeDirty();
  gc();
  const heapWithKeys = process.memoryUsage().heapUsed;
  const keys = scorer.keys.size;
  const detectorRuns = scorer.stats.detectorRuns;
  // Emergence state (spread, displacement, terms) sits on a few keys and is much larger
  // than a count key's rings: measure it apart so each figure means something.
  const emergenceKeys = new Map<string, number>();
  for (const [id, key] of scorer.keys) {
    if (!key.emergence) continue;
    const type = id.slice(0, id.indexOf('|'));
    emergenceKeys.set(type, (emergenceKeys.get(type) ?? 0) + 1);
    key.emergence = null;
  }
  gc();
  const heapWithoutEmergence = process.memoryUsage().heapUsed;
  scorer.keys.clear();
  scorer = null;
  gc();
  const heapWithout = process.memoryUsage().heapUsed;

  const result: DetectBenchResult = {
    incidents: incidents.length,
    observations: run.observations,
    keys,
    fullSeconds,
    bareSeconds,
    incidentsPerSecond: incidents.length / fullSeconds,
    bareIncidentsPerSecond: incidents.length / bareSeconds,
    ratio: fullSeconds / bareSeconds,
    bytesPerKey: (heapWithKeys - heapWithout) / Math.max(1, keys),
    countBytesPerKey: (heapWithoutEmergence - heapWithout) / Math.max(1, keys),
    emergenceBytes: heapWithKeys - heapWithoutEmergence,
    emergenceKeys: Object.fromEntries(emergenceKeys),
    detectorRuns,
    signals,
  };
  print(`detect: ${result.incidents} incidents (${days} simulated days), ${result.observations} observations (${(result.observations / result.incidents).toFixed(1)} keys per incident), ${keys} keys, ${detectorRuns} detector runs, ${signals} signals, config ${plan.version}`);
  print('loop                                   | seconds | incidents/s (1 core)');
  print('---------------------------------------|---------|---------------------');
  print(`bare: derive and count keys            | ${bareSeconds.toFixed(2).padStart(7)} | ${Math.round(result.bareIncidentsPerSecond).toLocaleString('en').padStart(20)}`);
  print(`full: buckets, all detectors, signals  | ${fullSeconds.toFixed(2).padStart(7)} | ${Math.round(result.incidentsPerSecond).toLocaleString('en').padStart(20)}`);
  print(`ratio full/bare: ${result.ratio.toFixed(2)}x (best of ${options.rounds ?? 3} runs each); goal >= 200,000 incidents/s: ${result.incidentsPerSecond >= 200_000 ? 'met' : 'NOT met'}`);
  const emergenceKeyCount = Object.values(result.emergenceKeys).reduce((a, b) => a + b, 0);
  print(`memory per dimension key with a year of daily history (count state): ${Math.round(result.countBytesPerKey)} bytes (goal <= 2048: ${result.countBytesPerKey <= 2048 ? 'met' : 'NOT met'})`);
  print(`emergence state: ${Math.round(result.emergenceBytes / 1024)} KiB on ${emergenceKeyCount} keys (${Object.entries(result.emergenceKeys).map(([t, n]) => `${t} ${n}`).join(', ')}), ${Math.round(result.emergenceBytes / Math.max(1, emergenceKeyCount))} bytes each on average`);
  print(`memory per key, everything included: ${Math.round(result.bytesPerKey)} bytes`);
  return result;
}

if (process.argv[1] !== undefined && import.meta.filename === process.argv[1]) {
  runDetectBench();
}
