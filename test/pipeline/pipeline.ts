// The ingest → detect pipeline on any bus, for the determinism tests: a fixed
// scenario of partner records, an arrival order within the allowed lateness, the
// partition counts and instance counts to run with, and the signals it produced in a
// canonical form. Both the in-process property test and the Kafka test use it.
import { setTimeout as sleep } from 'node:timers/promises';
import { canonicalJson, createLogger, loadTaxonomy, partnerTopic, silentLogger, type Bus, type DetectorConfig, type PartnerConfig, type Signal } from '@tocsin/core';
import { buildDetect, type Detect, type DetectTopics } from '@tocsin/detect';
import { buildIngest, ingestConfig, type Ingest } from '@tocsin/ingest';
import { Rng } from '@tocsin/simulator';

/** 2026-11-28T12:00:00Z: "now" for every run (ingest refuses incidents in the future). */
export const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);
const DAY_MS = 86_400_000;
/** Day 0 of the scenario: 2026-03-02 (a Monday). */
const DAY0 = Date.UTC(2026, 2, 2);
export const LATENESS_DAYS = 3;
export const SCENARIO_DAYS = 63;

export const PARTNERS: PartnerConfig[] = [
  { id: 'nl-police', name: 'Netherlands police', country: 'NL', format: 'json' },
  { id: 'be-police', name: 'Belgian police', country: 'BE', format: 'json' },
];

/** Count detectors on days and weeks, first-seen and the other emergence detectors, a short learning period. */
export function scenarioConfig(multipleTesting: DetectorConfig['multiple_testing']): DetectorConfig {
  return {
    id: 'default',
    version: 'determinism-1',
    buckets: { granularities: ['day', 'week'], allowed_lateness_days: LATENESS_DAYS, min_history_days: 7 },
    dimensions: ['country', 'method', 'route', 'route_edge', 'country_method', 'route_commodity', 'route_destination', 'narrative'],
    count_detectors: [
      { detector: 'ears-c1', granularity: 'day', history: 10, min_observed: 4, min_ratio: 2, params: { baseline: 7, alpha: 0.01, minSigma: 1 } },
      { detector: 'ears-c2', granularity: 'week', history: 6, min_observed: 4, min_ratio: 2, params: { baseline: 3, alpha: 0.01, minSigma: 1 } },
    ],
    multiple_testing: multipleTesting,
    evidence_limit: 3,
    overrides: [],
    emergence: { first_seen_learning_days: 14, emergence_learning_days: 14, terms_min_documents: 3, terms_window_days: 7 },
  };
}

export interface PartnerRecord {
  partner: string;
  key: string;
  day: number;
  value: string;
}

const ROUTES = [
  { origin: 'CO', transit: ['PA'], destination: 'NL', modality: 'sea' },
  { origin: 'MA', transit: ['ES'], destination: 'BE', modality: 'land' },
  { origin: 'EC', transit: [], destination: 'NL', modality: 'sea' },
];
const METHODS = ['concealment.container', 'postal.parcel', 'concealment.vehicle'];
const WORDS = ['haven', 'container', 'controle', 'lading', 'douane', 'schip', 'vracht', 'inbeslagname'];

/**
 * 63 days of reports from two partners: a steady baseline, a surge of containers in NL
 * (days 40–44), a new route (EC>PT>BE from day 30), a new method in a country (DE
 * body-packing from day 45), and a new street name both partners use (days 50–56).
 * Several incidents share a timestamp, so ties are resolved by id, not arrival.
 */
export function scenario(): PartnerRecord[] {
  const out: PartnerRecord[] = [];
  let n = 0;
  const add = (partner: string, day: number, hour: number, fields: Record<string, unknown>): void => {
    const id = `${partner === 'nl-police' ? 'NL' : 'BE'}-${n++}`;
    const occurred = new Date(DAY0 + day * DAY_MS + (hour % 24) * 3_600_000).toISOString();
    const incident = {
      id, partner, occurred_at: occurred, reported_at: new Date(DAY0 + (day + 1) * DAY_MS).toISOString(), category: '06', commodities: ['drug.cocaine'], technologies: [],
      handling: { tlp: 'AMBER', source_reliability: 'B', information_credibility: '2' }, ...fields,
    };
    out.push({ partner, key: id, day, value: JSON.stringify(incident) });
  };
  for (let day = 0; day < SCENARIO_DAYS; day++) {
    for (let i = 0; i < 6; i++) {
      const partner = i % 2 === 0 ? 'nl-police' : 'be-police';
      const route = ROUTES[(day + i) % ROUTES.length]!;
      const country = ['NL', 'BE', 'DE'][(day * 3 + i) % 3]!;
      const text = `${WORDS[(day + i) % WORDS.length]} ${WORDS[(day * 5 + i) % WORDS.length]} ${WORDS[(i * 3) % WORDS.length]} gevonden`;
      add(partner, day, i * 4, { country, route: { origin: route.origin, transit: route.transit, destination: route.destination }, modality: route.modality, methods: [METHODS[(day + i) % METHODS.length]!], narrative: { text, lang: 'nl' } });
    }
    if (day >= 40 && day <= 44) for (let i = 0; i < 9; i++) add(i % 3 === 0 ? 'be-police' : 'nl-police', day, 10, { country: 'NL', route: { origin: 'CO', transit: ['PA'], destination: 'NL' }, modality: 'sea', methods: ['concealment.container'] });
    if (day >= 30 && day % 3 === 0) add('be-police', day, 7, { country: 'BE', route: { origin: 'EC', transit: ['PT'], destination: 'BE' }, modality: 'sea', methods: ['concealment.container'] });
    if (day >= 45) add(day % 2 === 0 ? 'nl-police' : 'be-police', day, 13, { country: 'DE', route: { origin: 'NL', transit: [], destination: 'DE' }, modality: 'land', methods: ['body-packing'] });
    if (day >= 50 && day <= 56) {
      for (let i = 0; i < 3; i++) add(i === 0 ? 'be-police' : 'nl-police', day, 15 + i, { country: 'NL', route: { origin: 'CO', transit: ['PA'], destination: 'NL' }, modality: 'sea', methods: ['postal.parcel'], narrative: { text: `kryolix pakket ${WORDS[i]} gevonden`, lang: 'nl' } });
    }
  }
  return out;
}

/**
 * Arrival order within the allowed lateness: each record arrives at its day plus a random
 * delay of at most `LATENESS_DAYS` days, so no record comes after one more than the lateness
 * newer than itself. Seed 0 keeps event-time order (the reference).
 */
export function arrivalOrder(records: readonly PartnerRecord[], seed: number): PartnerRecord[] {
  if (seed === 0) return [...records];
  // The simulator's seeded generator: an arrival order is a function of its seed.
  const rng = new Rng(seed, 'arrival');
  return records
    .map((r, i) => ({ r, i, at: r.day + rng.float() * LATENESS_DAYS }))
    .sort((a, b) => a.at - b.at || a.i - b.i)
    .map((x) => x.r);
}

export interface Layout {
  /** Partitions of each partner topic. */
  partnerPartitions: number;
  /** Partitions of incidents.v1 and of detect's observation/state topics. */
  pipelinePartitions: number;
  ingestInstances: number;
  detectInstances: number;
  /** Ingest's batch size (where batches end). */
  batchSize: number;
}

export interface Names {
  prefix: string;
  partners: PartnerConfig[];
  ingestGroup: string;
  detectGroups: { explode: string; score: string };
  incidents: string;
  deadLetter: string;
  topics: DetectTopics;
  partnerPattern: RegExp;
}

/** Topic and group names of one run (unique on a shared broker). */
export function namesFor(prefix: string): Names {
  const partners = PARTNERS.map((p) => ({ ...p, id: prefix ? `${prefix}-${p.id}` : p.id }));
  const t = (name: string): string => (prefix ? `${prefix}.${name}` : name);
  return {
    prefix,
    partners,
    ingestGroup: `${prefix || 'tocsin'}-ingest`,
    detectGroups: { explode: `${prefix || 'tocsin'}-explode`, score: `${prefix || 'tocsin'}-score` },
    incidents: t('incidents.v1'),
    deadLetter: t('dead-letter.v1'),
    topics: { incidents: t('incidents.v1'), observations: t('detect.observations.v1'), state: t('detect.state.v1'), config: t('detector-config.v1'), signals: t('signals.v1') },
    partnerPattern: prefix ? new RegExp(`^partner\\.(${prefix}-[a-z-]+)\\.incidents$`) : /^partner\.([a-z0-9-]+)\.incidents$/,
  };
}

export interface RunResult {
  signals: Signal[];
  /** Observations the score stage dropped as later than the allowed lateness. */
  lateDropped: number;
  observations: number;
}

// PIPELINE_LOG=warn (or info, debug) shows the services' logs when a run misbehaves.
const logger = process.env['PIPELINE_LOG'] ? createLogger('pipeline', { level: process.env['PIPELINE_LOG'] }) : silentLogger();

const sum = (values: Iterable<string>): number => [...values].reduce((a, b) => a + Number(b), 0);

/**
 * Produces the records in the given order to the partner topics (keyed by id, so they
 * spread over the partitions), runs ingest and detect with the layout until everything
 * is consumed, lets every partner partition go idle (the end of a replay), and returns
 * the signals.
 */
export async function runPipeline(bus: Bus, layout: Layout, records: readonly PartnerRecord[], config: DetectorConfig, names: Names, timeoutMs = 60_000): Promise<RunResult> {
  let now = NOW;
  const clock = (): number => now;
  const partnerIds = new Map(PARTNERS.map((p, i) => [p.id, names.partners[i]!.id]));
  await bus.ensureTopics([
    ...names.partners.map((p) => ({ topic: partnerTopic(p.id), partitions: layout.partnerPartitions })),
    { topic: names.incidents, partitions: layout.pipelinePartitions },
    { topic: names.topics.observations, partitions: layout.pipelinePartitions },
    { topic: names.topics.state, partitions: layout.pipelinePartitions, config: { 'cleanup.policy': 'compact' } },
  ]);
  const producer = await bus.producer();
  for (let i = 0; i < records.length; i += 200) {
    // In arrival order: within a topic (hence within each of its partitions) a send keeps the order of its messages.
    const byTopic = new Map<string, Array<{ key: string; value: string }>>();
    for (const r of records.slice(i, i + 200)) {
      const partner = partnerIds.get(r.partner)!;
      const topic = partnerTopic(partner);
      if (!byTopic.has(topic)) byTopic.set(topic, []);
      byTopic.get(topic)!.push({ key: r.key, value: r.value.replace(`"partner":"${r.partner}"`, `"partner":"${partner}"`) });
    }
    await producer.send([...byTopic].map(([topic, messages]) => ({ topic, messages })));
  }
  await producer.close();

  const ingests: Ingest[] = [];
  const detects: Detect[] = [];
  try {
    const config0 = ingestConfig({
      pseudonymKey: Buffer.alloc(32, 7), deadLetterKey: Buffer.alloc(32, 9), source: 'ingest/test', groupId: names.ingestGroup,
      incidentsTopic: names.incidents, deadLetterTopic: names.deadLetter, partnerTopicPattern: names.partnerPattern,
      incidentsPartitions: layout.pipelinePartitions, maxBatchSize: layout.batchSize,
    });
    for (let i = 0; i < layout.detectInstances; i++) {
      const detect = buildDetect({ bus, config, logger, partitions: layout.pipelinePartitions, clock, instance: `detect/${i}`, groups: names.detectGroups, topics: names.topics });
      detects.push(detect);
      await detect.start();
    }
    for (let i = 0; i < layout.ingestInstances; i++) {
      const ingest = buildIngest({ bus, partners: names.partners, taxonomy: loadTaxonomy(), config: config0, logger, clock, idleMs: 1_000, markTickMs: 25 });
      ingests.push(ingest);
      await ingest.start();
    }
    const deadline = Date.now() + timeoutMs;
    let progress = '';
    const drained = async (): Promise<boolean> => {
      const accepted = ingests.reduce((a, g) => a + Object.values(g.stats().partners).reduce((b, p) => b + p.accepted + p.updated + p.duplicate + Object.values(p.rejected).reduce((c, x) => c + x, 0), 0), 0);
      const incidents = sum((await bus.endOffsets(names.incidents)).values());
      const observations = sum((await bus.endOffsets(names.topics.observations)).values());
      const stats = detects.map((d) => d.stats());
      const exploded = stats.reduce((a, s) => a + s.explode.incidents + (s.explode.upstreamMarks ?? 0), 0);
      const scored = stats.reduce((a, s) => a + s.score.observations + s.score.watermarks, 0);
      progress = `partner records handled ${accepted}/${records.length}, incidents.v1 read ${exploded}/${incidents}, observations read ${scored}/${observations}`;
      return accepted >= records.length && exploded >= incidents && scored >= observations;
    };
    const settle = async (): Promise<void> => {
      let quiet = 0;
      while (quiet < 5) {
        if (Date.now() > deadline) throw new Error(`the pipeline did not consume its input in time: ${progress}`);
        quiet = (await drained()) ? quiet + 1 : 0;
        await sleep(60);
      }
    };
    await settle();
    // The end of the replay: every partner partition goes idle, so the last buckets close.
    now += 2_000;
    await sleep(200);
    await settle();
    const signals: Signal[] = [];
    // Partner ids carry the run's prefix on a shared broker: without it, runs compare.
    const strip = (text: string): string => (names.prefix ? text.replaceAll(`${names.prefix}-`, '') : text);
    await bus.readToEnd(names.topics.signals, (m) => void signals.push(JSON.parse(strip(m.value!.toString('utf8'))) as Signal));
    const stats = detects.map((d) => d.stats());
    return { signals, lateDropped: stats.reduce((a, s) => a + s.score.lateDropped, 0), observations: stats.reduce((a, s) => a + s.score.observations, 0) };
  } finally {
    for (const ingest of ingests) await ingest.stop();
    for (const detect of detects) await detect.stop();
  }
}

/**
 * Signals in a canonical form: one per id (consumers de-duplicate by id; a rebalance may
 * re-send one), sorted by id, without the two fields that are by nature not a function of
 * the input: `produced_at` (the wall clock when the bucket was scored, which depends on
 * when the watermark passed it) and `source` (the name of the instance that owned the key).
 */
export function canonicalSignals(signals: readonly Signal[]): string[] {
  // A re-sent id with other content stays in twice, so the comparison sees it.
  const byId = new Map<string, Set<string>>();
  for (const s of signals) {
    const { produced_at: _producedAt, source: _source, ...rest } = s;
    let versions = byId.get(s.id);
    if (!versions) byId.set(s.id, (versions = new Set()));
    versions.add(canonicalJson(rest));
  }
  return [...byId.keys()].sort().flatMap((id) => [...byId.get(id)!].sort());
}

/** What one canonical list has that the other has not ('+' actual, '-' expected), shortened for a readable failure. */
export function differences(actual: readonly string[], expected: readonly string[]): string[] {
  const a = new Set(actual);
  const e = new Set(expected);
  const short = (s: string): string => {
    const id = /"id":"([^"]*)"/.exec(s)?.[1] ?? '?';
    return `${id} ${s.length > 400 ? `${s.slice(0, 400)}…` : s}`;
  };
  return [...actual.filter((s) => !e.has(s)).map((s) => `+ ${short(s)}`), ...expected.filter((s) => !a.has(s)).map((s) => `- ${short(s)}`)];
}
