// `npm run bench -- soak`: the embedded pipeline of `npm start` (same code, startEmbedded)
// run over the simulator's whole horizon at high speed, watched from outside: memory,
// records per partner through ingest, alerts delivered to a webhook receiver subscribed to
// everything, alert counts and flapping per simulated week, log lines per simulated day.
// A real run, not a model: it takes minutes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { DEFAULT_LIFECYCLE, generateSecret, startDemoReceiver } from '@tocsin/alert';
import { createLogger, decodeJson, TOPICS, type Alert } from '@tocsin/core';
import { overlaps } from '@tocsin/detect';
import { startEmbedded } from './embedded';
import { VERSION } from './version';

const DAY_MS = 86_400_000;

export interface SoakOptions {
  days?: number;
  /** Simulated days per real second. Default 10. */
  speed?: number;
  seed?: number;
  /** A trend counts as caught when an alert on it arrives within this many simulated days of its start. Default 28. */
  boundDays?: number;
  /**
   * An alert opened again within this many of its buckets after resolving (its new episode's
   * first bucket is one of them) is flapping. Default: the lifecycle's resolveAfterBuckets.
   */
  flapBuckets?: number;
  /** Longest wait for the pipeline to drain after the feed ended, seconds. Default 180. */
  drainSeconds?: number;
  print?: (line: string) => void;
  /** Progress lines while the run goes on. Default: stderr. */
  progress?: (line: string) => void;
}

interface DeliveredAlert {
  dimension: { type: string; key: string; attributes: Record<string, unknown> };
  bucket: { start: string };
}

/** One alert as its revisions on alerts.v1 showed it, in event (bucket) time. */
interface AlertSeen {
  granularity: 'day' | 'week';
  /** Per episode: event time it opened and, once resolved, the end of its quiet span. */
  episodes: Map<number, { openedMs: number; resolvedMs: number | null }>;
  /** The engine marked it flapping (its own rule: lifecycle flapThreshold transitions within flapWindowBuckets). */
  markedFlapping: boolean;
}

const pct = (values: number[], q: number): number => {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * (s.length - 1) + 0.5))]!;
};
const mb = (bytes: number): string => `${(bytes / 1048576).toFixed(0)} MB`;

export async function runSoakBench(options: SoakOptions = {}): Promise<void> {
  const print = options.print ?? ((line: string) => console.log(line));
  // Progress goes to stderr, written at once: `> file 2>&1` shows it while the run goes on.
  const note = options.progress ?? ((line: string) => process.stderr.write(`${line}\n`));
  const days = options.days ?? 730;
  const speed = options.speed ?? 10;
  const boundDays = options.boundDays ?? 28;
  const flapBuckets = options.flapBuckets ?? DEFAULT_LIFECYCLE.resolveAfterBuckets;
  const varDir = mkdtempSync(join(tmpdir(), 'tocsin-soak-'));

  // Every log line of the pipeline is counted (and dropped), per simulated day.
  let logLines = 0;
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const byte of chunk) if (byte === 10) logLines++;
      done();
    },
  });
  const logger = createLogger('tocsin', { destination: sink });

  // A second receiver subscribed to every alert, beside the demo's own subscription (the
  // pipeline allows webhooks to its loopback endpoint, as it does the demo's receiver).
  const secret = generateSecret();
  // It keeps its last deliveries only: what the soak needs of each (dimension, bucket start) is
  // taken every second, so the measuring does not hold every webhook body in memory.
  const everything = await startDemoReceiver({ secrets: () => [secret], keep: 2_000 });

  const started = Date.now();
  note(`soak: starting the embedded pipeline (${days} simulated days at ${speed} days/s)`);
  const pipeline = await startEmbedded({
    port: 0, host: '127.0.0.1', seed: options.seed ?? 42, speed, days, varDir, version: VERSION, logger, env: { ...process.env },
    allowWebhookEndpoints: [new URL(everything.url).host],
    // Notification pacing follows the speed (2 and 10 simulated days, see notificationPacingFor).
  });
  const { bus, scenario, ingest, alerts, feed, simulatedNow } = pipeline.internals;
  if (!scenario) throw new Error('the soak runs the simulated feed, not an input file');
  const simStart = scenario.dayStartMs(0);
  const delivered = new Map<string, DeliveredAlert>();
  const collect = () => {
    for (const w of everything.received()) {
      if (delivered.has(w.id) || !w.verified) continue;
      try {
        const body = JSON.parse(w.body) as { data?: { alert?: DeliveredAlert } };
        const a = body.data?.alert;
        if (a) delivered.set(w.id, { dimension: a.dimension, bucket: { start: a.bucket.start } });
      } catch {
        // not an alert notification (e.g. a test message)
      }
    }
  };
  const collector = setInterval(collect, 1_000);
  try {
    await alerts.app.subscriptions.create(
      { kind: 'admin' },
      { agency: 'soak-all', agency_country: 'NL', endpoint_url: everything.url, description: 'soak: every alert', filters: {}, secret },
    );
  } catch (err) {
    // The pipeline's timers would keep the process alive, silently, after the error.
    clearInterval(collector);
    await pipeline.stop();
    await everything.close();
    throw err;
  }

  // Every revision of every alert: when each episode opened and resolved in event time (the
  // buckets), which does not depend on how fast this machine ran the pipeline.
  const seen = new Map<string, AlertSeen>();
  const audit = await bus.subscribe({
    groupId: 'tocsin-soak-audit', topics: [TOPICS.alerts.name], fromBeginning: true,
    async eachBatch(batch) {
      for (const m of batch.messages) {
        if (m.value === null) continue;
        const a = decodeJson(m.value) as Partial<Alert>;
        if (a.type !== 'alert' || !a.id || !a.event_time || !a.bucket || a.episode === undefined) continue;
        let entry = seen.get(a.id);
        if (!entry) seen.set(a.id, (entry = { granularity: a.bucket.granularity, episodes: new Map(), markedFlapping: false }));
        const episode = entry.episodes.get(a.episode) ?? { openedMs: Date.parse(a.event_time.opened), resolvedMs: null };
        // A late signal may move an episode's start back.
        episode.openedMs = Math.min(episode.openedMs, Date.parse(a.event_time.opened));
        if (a.status === 'resolved' && a.event_time.resolved) episode.resolvedMs = Date.parse(a.event_time.resolved);
        entry.episodes.set(a.episode, episode);
        if (a.flapping?.active) entry.markedFlapping = true;
      }
    },
  });

  // Memory, sampled every second.
  let maxRss = 0;
  let maxHeap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    maxRss = Math.max(maxRss, m.rss);
    maxHeap = Math.max(maxHeap, m.heapUsed);
  };
  const sampler = setInterval(sample, 1_000);
  const progress = setInterval(() => {
    const m = process.memoryUsage();
    note(`  … ${Math.round((Date.now() - started) / 1000)} s: simulated day ${Math.floor((simulatedNow() - simStart) / DAY_MS)}, rss ${mb(m.rss)}, heap ${mb(m.heapUsed)} of ${mb(m.heapTotal)}, buffers ${mb(m.arrayBuffers)}, bus ${mb(busBytes())}, ${heldInMemory()}, accepted ${handled().total}, log lines ${logLines}`);
  }, 30_000);

  // What the stateful parts hold: detect's keys, the alert engine's alerts (as JSON bytes).
  const heldInMemory = (): string => {
    const score = (pipeline.internals.components()['detect']?.stats as { score?: { activeKeys: number } } | undefined)?.score;
    const held = alerts.app.engine.select();
    const alertBytes = held.reduce((n, a) => n + JSON.stringify(a).length, 0);
    return `detect keys ${score?.activeKeys ?? '?'}, alerts ${held.length} (${mb(alertBytes)} as JSON)`;
  };
  const busBytes = () => Object.values(bus.usage()).reduce((n, t) => n + t.bytes, 0);
  const handled = () => {
    const partners = ingest.stats().partners;
    let total = 0;
    const by: Record<string, { accepted: number; dead: number }> = {};
    for (const [id, p] of Object.entries(partners)) {
      const dead = Object.values(p.rejected).reduce((a, b) => a + (b ?? 0), 0);
      by[id] = { accepted: p.accepted + p.updated + p.duplicate, dead };
      total += p.accepted + p.updated + p.duplicate + dead;
    }
    return { by, total };
  };

  // Ctrl-C ends the run at once (the figures so far are not a result).
  process.once('SIGINT', () => {
    print(`soak interrupted after ${Math.round((Date.now() - started) / 1000)} s, accepted ${handled().total}`);
    process.exit(130);
  });
  print(`soak: ${days} simulated days at ${speed} days/s, seed ${options.seed ?? 42}, ${scenario.partners.length} partners, ${scenario.groundTruth.length} injected trends`);
  const result = await feed;
  const feedSeconds = (Date.now() - started) / 1000;
  const produced = result?.produced ?? 0;
  // Drain: everything produced handled by ingest, then a little time for detect and alert.
  const drainUntil = Date.now() + (options.drainSeconds ?? 180) * 1000;
  while (handled().total < produced && Date.now() < drainUntil) await new Promise((r) => setTimeout(r, 500));
  await new Promise((r) => setTimeout(r, 5_000));
  sample();
  const final = process.memoryUsage();
  const seconds = (Date.now() - started) / 1000;
  clearInterval(sampler);
  clearInterval(progress);

  // Records per partner.
  const { by } = handled();
  print('');
  // CPU time says how much of the wall time was this process's on a shared machine.
  const cpu = process.cpuUsage();
  print(`finished in ${seconds.toFixed(0)} s (feed sent in ${feedSeconds.toFixed(0)} s), CPU time ${((cpu.user + cpu.system) / 1e6).toFixed(0)} s`);
  print(`memory      | max       | final`);
  print(`RSS         | ${mb(maxRss).padStart(9)} | ${mb(final.rss)}   (target max <= 1024 MB: ${maxRss <= 1024 * 1048576 ? 'met' : 'NOT met'})`);
  print(`heap used   | ${mb(maxHeap).padStart(9)} | ${mb(final.heapUsed)}`);
  const usage = Object.entries(bus.usage()).sort((a, b) => b[1].bytes - a[1].bytes);
  print(`in-process bus at the end: ${mb(busBytes())} in all; largest topics: ${usage.slice(0, 4).map(([t, u]) => `${t} ${mb(u.bytes)} (${u.records} records)`).join(', ')}`);
  print(`held in memory at the end: ${heldInMemory()}`);
  print('');
  print('partner                  | produced | accepted | dead-lettered | missing');
  let stalled = 0;
  for (const partner of scenario.partners.map((p) => p.id).sort()) {
    const p = result?.byPartner[partner] ?? 0;
    const h = by[partner] ?? { accepted: 0, dead: 0 };
    const missing = p - h.accepted - h.dead;
    if (missing !== 0) stalled++;
    print(`${partner.padEnd(24)} | ${String(p).padStart(8)} | ${String(h.accepted).padStart(8)} | ${String(h.dead).padStart(13)} | ${missing}`);
  }
  print(`partners with accepted + dead-lettered != produced: ${stalled}`);

  // Trends: the first alert delivered to the everything-receiver that overlaps the trend.
  collect();
  clearInterval(collector);
  print('');
  print(`trend (kind)                                   | start      | alert delivered | delay (sim. days) | bound ${boundDays}`);
  let caught = 0;
  for (const trend of scenario.groundTruth) {
    const startMs = Date.parse(trend.start);
    let best: number | null = null;
    for (const alert of delivered.values()) {
      const at = Date.parse(alert.bucket.start);
      if (at < startMs - 7 * DAY_MS || at > Date.parse(trend.end) + DAY_MS) continue;
      if (!overlaps({ dimension: alert.dimension } as never, trend)) continue;
      const delay = Math.max(0, (at - startMs) / DAY_MS);
      if (best === null || delay < best) best = delay;
    }
    const inTime = best !== null && best <= boundDays;
    if (inTime) caught++;
    print(`${`${trend.id} (${trend.kind})`.slice(0, 46).padEnd(46)} | ${trend.start} | ${best === null ? 'no ' : 'yes'}             | ${best === null ? '–' : best.toFixed(0).padStart(3)}               | ${inTime ? 'within' : 'NOT within'}`);
  }
  print(`trends alerted within ${boundDays} simulated days: ${caught}/${scenario.groundTruth.length}; alert webhooks received (verified) by the everything-subscription: ${delivered.size}`);

  // Alerts (episodes) opened per simulated week of event time, and flapping.
  const weeks = Math.ceil(days / 7);
  const counts: number[] = Array.from({ length: weeks }, () => 0);
  let opened = 0;
  let reopened = 0;
  let flapping = 0;
  let reopenedQuickly = 0;
  let markedFlapping = 0;
  const flapExamples: string[] = [];
  const isoDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
  /** Reopenings by the gap between the previous episode's resolution and the reopening, in the alert's buckets. */
  const gaps = new Map<string, number>();
  for (const [id, a] of seen) {
    const episodes = [...a.episodes.entries()].sort((x, y) => x[0] - y[0]).map(([, e]) => e);
    opened += episodes.length;
    for (const e of episodes) {
      const week = Math.floor((e.openedMs - simStart) / (7 * DAY_MS));
      if (week >= 0 && week < weeks) counts[week]!++;
    }
    // Flapping: an episode that opened within flapBuckets of the alert's own buckets after the previous
    // one resolved, or an alert the engine's own rule marked (state changes within its flap window).
    const window = flapBuckets * (a.granularity === 'week' ? 7 : 1) * DAY_MS;
    let flapped = false;
    for (let i = 1; i < episodes.length; i++) {
      reopened++;
      const before = episodes[i - 1]!.resolvedMs;
      // Within N buckets: the episode's first bucket is one of the N after the resolution (as alertLoad counts).
      if (before !== null && episodes[i]!.openedMs - before < window) flapped = true;
      if (before !== null) {
        const buckets = Math.round((episodes[i]!.openedMs - before) / (window / flapBuckets));
        const label = buckets <= 4 ? String(buckets) : buckets <= 12 ? '5-12' : '>12';
        gaps.set(label, (gaps.get(label) ?? 0) + 1);
      }
    }
    if (flapped) reopenedQuickly++;
    if (a.markedFlapping) markedFlapping++;
    if (flapped || a.markedFlapping) {
      flapping++;
      // The first few, with their episodes in event time, so a flap can be looked into.
      if (flapping <= 10) flapExamples.push(`  ${id} (${a.granularity}): ${episodes.map((e) => `${isoDate(e.openedMs)}..${e.resolvedMs === null ? 'open' : isoDate(e.resolvedMs)}`).join(', ')}`);
    }
  }
  print('');
  print(`alerts: ${seen.size}, episodes opened: ${opened} (${reopened} of them reopenings) over ${weeks} simulated weeks of event time`);
  print(`opened per simulated week: median ${pct(counts, 0.5)}, p95 ${pct(counts, 0.95)}, max ${Math.max(0, ...counts)} (target median <= 15: ${pct(counts, 0.5) <= 15 ? 'met' : 'NOT met'})`);
  print(`flapping alerts: ${flapping} (target 0: ${flapping === 0 ? 'met' : 'NOT met'}): opened again within ${flapBuckets} of its buckets after resolving: ${reopenedQuickly}; marked flapping by the engine (${DEFAULT_LIFECYCLE.flapThreshold} changes within ${DEFAULT_LIFECYCLE.flapWindowBuckets} buckets): ${markedFlapping}`);
  for (const line of flapExamples) print(line);
  print(`reopenings by buckets between resolving and reopening: ${['0', '1', '2', '3', '4', '5-12', '>12'].map((g) => `${g}: ${gaps.get(g) ?? 0}`).join(', ')}`);
  const score = (pipeline.internals.components()['detect']?.stats as { score?: { observations: number; lateDropped: number } } | undefined)?.score;
  if (score) print(`observations scored: ${score.observations}, of which counted late (not in any bucket): ${score.lateDropped} (${((100 * score.lateDropped) / Math.max(1, score.observations)).toFixed(1)} %)`);
  print(`log lines: ${logLines} in all, ${(logLines / days).toFixed(2)} per simulated day`);

  await audit.stop();
  await everything.close();
  await pipeline.stop();
  rmSync(varDir, { recursive: true, force: true });
}
