// `npm run bench -- detect`: in-process throughput of the detect logic (explode every
// incident into all dimension keys, count in event-time buckets, close buckets, run
// every configured detector, rank and build signals) against a bare loop that only
// derives and counts the same keys; and memory per active key after a year of history.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { encodeEvent, type Incident, type IncidentEvent } from '@tocsin/core';
import { createScenario } from '@tocsin/simulator';
import { loadPlan, type DetectorPlan } from '../src/config';
import { asEvent, backtest } from '../src/evaluation/backtest';
import { deriveDimensionKeys, dimensionTopicKey } from '../src/keys';
import type { PartitionScorer } from '../src/score/partition-scorer';
import { changelogMessages } from '../src/score/state-changelog';

export interface DetectBenchOptions {
  days?: number;
  seed?: number;
  plan?: DetectorPlan;
  /** Timed runs of each loop; the fastest counts. Default 3. */
  rounds?: number;
  /** Simulated days replayed to measure the state changelog. Default 120. */
  stateDays?: number;
  /** Incidents per score batch in that measure (each batch writes its changed keys). Default 20. */
  stateBatch?: number;
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
  /** detect.state.v1 bytes written per incident: full snapshots with evidence (before) and the changelog (after). */
  stateBytesPerIncidentBefore: number;
  stateBytesPerIncidentAfter: number;
}

/**
 * Bytes the score stage writes to detect.state.v1 per incident, replaying `events` in batches:
 * after, the changelog of state-changelog.ts; before, what the stage wrote until it existed:
 * each changed key's full snapshot with every open bucket's evidence inline. The "before" size
 * is computed from the evidence-free record plus the evidence's JSON (checked exact on the
 * first batches against a real encoding) so the measure takes seconds, not minutes.
 */
export function measureStateWrites(events: readonly IncidentEvent[], plan: DetectorPlan, batch: number): { before: number; after: number; writes: number } {
  const evidenceBytes = new WeakMap<object, number>();
  const sizeOf = (e: object): number => {
    let n = evidenceBytes.get(e);
    if (n === undefined) evidenceBytes.set(e, (n = Buffer.byteLength(JSON.stringify(e))));
    return n;
  };
  let before = 0;
  let after = 0;
  let writes = 0;
  let checked = 0;
  const topicKeyOf = (k: { dimType: string; dimKey: string }) => dimensionTopicKey(k.dimType, k.dimKey);
  backtest(events, plan, {
    clock: () => 0, advanceEvery: batch, changelog: true,
    afterAdvance(scorer: PartitionScorer) {
      const dirty = scorer.takeDirty();
      for (const key of dirty) {
        let full = encodeEvent(scorer.snapshot(key, false)).length;
        for (const b of key.open) {
          for (const e of b.evidence) full += sizeOf(e);
          full += Math.max(0, b.evidence.length - 1);
        }
        if (checked < 200 && key.open.some((b) => b.evidence.length > 1)) {
          checked++;
          const real = encodeEvent(scorer.snapshot(key, true)).length;
          if (real !== full) throw new Error(`state size model is off: ${full} vs ${real} bytes`);
        }
        before += full + Buffer.byteLength(topicKeyOf(key));
        writes++;
      }
      for (const m of changelogMessages(scorer, dirty, topicKeyOf, 0)) after += Buffer.byteLength(String(m.key)) + (m.value === null ? 0 : (m.value as Buffer).length);
    },
  });
  return { before, after, writes };
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

  const stateDays = options.stateDays ?? 120;
  const stateBatch = options.stateBatch ?? 20;
  const stateEvents = events.filter((e) => Date.parse(e.incident.reported_at) < Date.parse('2025-01-01') + stateDays * 86_400_000);
  const state = measureStateWrites(stateEvents, plan, stateBatch);

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
    stateBytesPerIncidentBefore: state.before / Math.max(1, stateEvents.length),
    stateBytesPerIncidentAfter: state.after / Math.max(1, stateEvents.length),
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
  print(`detect.state.v1 bytes written per incident (${stateEvents.length} incidents of the first ${stateDays} days, batches of ${stateBatch} incidents, ${state.writes} key writes):`);
  print(`  before (full snapshot with inline evidence per changed key, as on main): ${Math.round(result.stateBytesPerIncidentBefore).toLocaleString('en')}`);
  print(`  after  (key record without evidence + one record per evidence item):    ${Math.round(result.stateBytesPerIncidentAfter).toLocaleString('en')}  (${(result.stateBytesPerIncidentBefore / Math.max(1, result.stateBytesPerIncidentAfter)).toFixed(1)}x less)`);
  return result;
}

if (process.argv[1] !== undefined && import.meta.filename === process.argv[1]) {
  runDetectBench();
}
