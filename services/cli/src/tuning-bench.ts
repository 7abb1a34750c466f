// What a detector-config dry run costs: the simulator's feed for the dry-run window (60
// days by default) is kept by RecentIncidents as the alert service keeps it (record bytes),
// then the default configuration and a candidate (daily EARS C2 floor 3x → 2x) are compared
// as POST /api/detector-config/dry-run does. Prints the window's size and the time taken.
//   npx tsx services/cli/src/tuning-bench.ts [days] [incidents per day]
import { DEFAULT_LIFECYCLE, DEFAULT_RECENT_LIMITS, dryRun, loadRegions, RecentIncidents } from '@tocsin/alert';
import { createMemoryBus, encodeEvent, silentLogger } from '@tocsin/core';
import { asEvent, buildPlan, loadPlan } from '@tocsin/detect';
import { createScenario } from '@tocsin/simulator';
import { detectScoring } from './detector-scoring';

const days = Number(process.argv[2] ?? DEFAULT_RECENT_LIMITS.days);
const ratePerDay = process.argv[3] === undefined ? undefined : Number(process.argv[3]);
const scenario = createScenario({ seed: 42, start: '2025-01-01', days, ...(ratePerDay !== undefined ? { ratePerDay } : {}) });
const recent = new RecentIncidents({ bus: createMemoryBus(), topic: 'incidents.v1', logger: silentLogger(), limits: { days } });
for (const incident of scenario.incidents()) recent.add(Buffer.from(encodeEvent(asEvent(incident))));
const stats = recent.stats();
const window = recent.window();

const current = loadPlan();
const raw = structuredClone(current.config);
raw.version = `${raw.version}-candidate`;
const c2 = raw.count_detectors.find((d) => d.detector === 'ears-c2' && d.granularity === 'day');
if (c2) c2.min_ratio = 2;
const candidate = buildPlan(raw);

const started = performance.now();
const result = dryRun({
  events: window.events, window: { fromDay: window.fromDay, toDay: window.toDay, days }, current, candidate, scoring: detectScoring,
  lifecycle: DEFAULT_LIFECYCLE, subscriptions: [], regions: loadRegions(),
});
const seconds = (performance.now() - started) / 1000;
console.log(`window: ${days} days, ${stats.incidents} incidents, ${(stats.bytes / 1048576).toFixed(1)} MiB of records (${Math.round(stats.bytes / Math.max(1, stats.incidents))} B each; bound ${DEFAULT_RECENT_LIMITS.maxBytes / 1048576} MiB)`);
console.log(`dry run: ${seconds.toFixed(1)} s for both configurations (${Math.round((2 * stats.incidents) / seconds)} incidents/s scored), ${result.current.alerts} → ${result.candidate.alerts} alerts, ${result.counts.appear} appear, ${result.counts.disappear} disappear, ${result.counts.change} change`);
