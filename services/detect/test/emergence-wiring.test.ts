// The wired emergence detectors on the in-process bus, both stages: cross-border
// spread on a technology key, route displacement on a route_destination key,
// emerging terms on a narrative key; and their state across a restart.
import { compileValidator, createMemoryBus, decodeJson, encodeEvent, silentLogger, TOPICS, type Bus, type DetectorConfig, type Incident, type IncidentEvent, type Signal } from '@tocsin/core';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseEvidenceRecordKey } from '../src/score/state-changelog';
import { describe, expect, it, onTestFinished } from 'vitest';
import { buildDetect, type Detect } from '../src/app';
import { backtest } from '../src/evaluation/backtest';
import { event, incident } from './fixtures';
import { testPlan } from './plan';

/** Noon of day `day` after 2025-01-06 (a Monday), plus `minute` minutes. */
const at = (day: number, minute = 0): string => new Date(Date.UTC(2025, 0, 6 + day, 10, minute)).toISOString();

function planWith(dimensions: DetectorConfig['dimensions'], emergence: DetectorConfig['emergence'] = {}) {
  return testPlan({
    buckets: { granularities: ['day', 'week'], allowed_lateness_days: 2, min_history_days: 0 },
    dimensions,
    // Count detectors are not under test here.
    count_detectors: [{ detector: 'ears-c1', granularity: 'day', enabled: false }],
    emergence: { first_seen: false, ...emergence },
  });
}

let serial = 0;
function inc(day: number, minute: number, fields: Partial<Incident>): IncidentEvent {
  return event(incident({ id: `w${serial++}`, occurred_at: at(day, minute), ...fields }));
}

async function run(events: IncidentEvent[], plan: ReturnType<typeof planWith>): Promise<Signal[]> {
  const bus = createMemoryBus({ defaultPartitions: 3 });
  onTestFinished(() => bus.close());
  const detect = start(bus, plan);
  await detect.start();
  await publish(bus, events);
  await settled(bus, detect, { incidents: 0, observations: 0 });
  const signals = await readSignals(bus);
  // What leaves the stage is valid on the wire: every signal, every key snapshot (the restore validates them too).
  const signalSchema = compileValidator('signal.v1');
  for (const s of signals) expect(signalSchema(s).ok, s.id).toBe(true);
  const stateSchema = compileValidator('detect-state.v1');
  let snapshots = 0;
  await bus.readToEnd(TOPICS.detectState.name, (m) => {
    // Evidence items are records of their own (state-changelog.ts): an Evidence object or a deletion.
    if (parseEvidenceRecordKey(m.key!.toString())) {
      if (m.value !== null) expect(typeof (decodeJson(m.value) as { incident_id?: unknown }).incident_id).toBe('string');
      return;
    }
    snapshots++;
    const checked = stateSchema(decodeJson(m.value));
    expect(checked.ok, checked.ok ? '' : JSON.stringify(checked.errors[0])).toBe(true);
  });
  expect(snapshots).toBeGreaterThan(0);
  return signals;
}

function start(bus: Bus, plan: ReturnType<typeof planWith>): Detect {
  const detect = buildDetect({ bus, config: plan, logger: silentLogger(), partitions: 3, clock: () => Date.parse('2025-09-01T00:00:00Z') });
  onTestFinished(() => detect.stop());
  return detect;
}

async function publish(bus: Bus, events: IncidentEvent[]): Promise<void> {
  const producer = await bus.producer();
  for (let i = 0; i < events.length; i += 500) {
    await producer.send([{ topic: TOPICS.incidents.name, messages: events.slice(i, i + 500).map((e) => ({ key: `${e.incident.partner}:${e.incident.id}`, value: encodeEvent(e) })) }]);
  }
}

async function settled(bus: Bus, detect: Detect, before: { incidents: number; observations: number }): Promise<void> {
  const total = async (topic: string) => [...(await bus.endOffsets(topic)).values()].reduce((a, b) => a + Number(b), 0);
  for (let i = 0; i < 800; i++) {
    const s = detect.stats();
    const observations = await total(TOPICS.observations.name);
    if (before.incidents + s.explode.incidents >= (await total(TOPICS.incidents.name)) && before.observations + s.score.observations + s.score.watermarks >= observations && observations > 0) return;
    await sleep(25);
  }
  throw new Error('detect did not consume its input in time');
}

async function readSignals(bus: Bus): Promise<Signal[]> {
  const out: Signal[] = [];
  await bus.readToEnd(TOPICS.signals.name, (m) => void out.push(JSON.parse(m.value!.toString('utf8')) as Signal));
  return out;
}

/** A far-away tick per key so every bucket closes. */
function tick(day: number, fields: Partial<Incident>): IncidentEvent {
  return inc(day, 0, fields);
}

describe('cross-border spread', () => {
  const plan = planWith(['technology'], { spread_baseline_weeks: 4, spread_min_observed: 4 });
  const tech = { technologies: ['nps.nitazene'], route: { origin: 'CN', transit: [], destination: 'NL' }, modality: 'postal' } satisfies Partial<Incident>;
  /** FR reports the technology now and then from day 0; NL rises in week 8, BE in week 10, DE in week 12, 10 a week each. */
  function spreadScenario(): IncidentEvent[] {
    const events: IncidentEvent[] = [];
    for (let day = 0; day < 105; day++) {
      if (day % 3 === 0) events.push(inc(day, 0, { ...tech, country: 'FR', partner: 'fr-police' }));
      for (const [country, week, partner] of [['NL', 8, 'nl-police'], ['BE', 10, 'be-police'], ['DE', 12, 'de-bka']] as const) {
        if (day < week * 7) continue;
        const n = day % 7 < 3 ? 2 : 1; // 10 a week
        for (let i = 0; i < n; i++) events.push(inc(day, 1 + i, { ...tech, country, partner, route: { origin: 'CN', transit: [], destination: country } }));
      }
    }
    events.push(tick(130, { ...tech, country: 'FR', partner: 'fr-police' }));
    return events;
  }

  it('fires once per new country after the second, naming the countries in order of onset', async () => {
    const signals = (await run(spreadScenario(), plan)).filter((s) => s.detector.id === 'cross-border-spread').sort((a, b) => (a.bucket.start < b.bucket.start ? -1 : 1));
    expect(signals.map((s) => s.countries)).toEqual([['NL', 'BE'], ['NL', 'BE', 'DE']]);
    const [two, three] = signals as [Signal, Signal];
    expect(two.detector.kind).toBe('spread');
    expect(two.dimension).toEqual({ type: 'technology', key: 'nps.nitazene', attributes: { technology: 'nps.nitazene' } });
    expect(two.bucket).toEqual({ granularity: 'week', start: at(70, -600).replace('T00:00:00.000Z', 'T00:00:00.000Z'), end: at(77, -600) });
    expect(['high', 'critical']).toContain(three.severity);
    expect(three.rank_score).toBeGreaterThan(two.rank_score);
    expect(three.partners).toEqual(['be-police', 'de-bka', 'nl-police']);
    expect(three.summary).toContain('NL 2025-03-03 → BE 2025-03-17 → DE 2025-03-31');
    // The routes of the pattern link the rising countries to CN: the country at risk.
    expect(three.summary).toContain('next on routes: CN');
    expect(three.evidence.length).toBeGreaterThan(0);
    expect(three.evidence.every((e) => e.country === 'DE' && e.handling.tlp === 'AMBER')).toBe(true);
    expect(three.config_version).toBe('test-1');
  });

  it('keeps its state across a restart: the signals of an uninterrupted run, each once', async () => {
    const events = spreadScenario();
    const expected = backtest(events, plan, { closeAtEnd: false }).signals.filter((s) => s.detector.id === 'cross-border-spread').map((s) => s.id);
    expect(expected).toHaveLength(2);
    const bus = createMemoryBus({ defaultPartitions: 3 });
    onTestFinished(() => bus.close());
    const first = start(bus, plan);
    await first.start();
    // Stop between the second and the third country's rise.
    const cut = events.findIndex((e) => e.incident.country === 'DE');
    await publish(bus, events.slice(0, cut));
    await settled(bus, first, { incidents: 0, observations: 0 });
    const consumed = { incidents: first.stats().explode.incidents, observations: first.stats().score.observations + first.stats().score.watermarks };
    await first.stop();
    const second = start(bus, plan);
    await second.start();
    await publish(bus, events.slice(cut));
    await settled(bus, second, consumed);
    expect(second.stats().score.restoredKeys).toBeGreaterThan(0);
    const ids = (await readSignals(bus)).filter((s) => s.detector.id === 'cross-border-spread').map((s) => s.id);
    expect(ids.sort()).toEqual(expected.sort());
  });
});

describe('route displacement', () => {
  it('fires when traffic to a destination leaves one route for another, naming both', async () => {
    const plan = planWith(['route_destination']);
    const direct = { route: { origin: 'CO', transit: [], destination: 'NL' }, modality: 'sea' } satisfies Partial<Incident>;
    const viaPanama = { route: { origin: 'CO', transit: ['PA'], destination: 'NL' }, modality: 'sea' } satisfies Partial<Incident>;
    const events: IncidentEvent[] = [];
    for (let day = 0; day < 110; day++) {
      const [a, b] = day < 90 ? [6, 2] : [1, 7];
      for (let i = 0; i < a; i++) events.push(inc(day, i, direct));
      for (let i = 0; i < b; i++) events.push(inc(day, 10 + i, viaPanama));
    }
    events.push(tick(130, direct));
    const signals = (await run(events, plan)).filter((s) => s.detector.id === 'route-displacement');
    expect(signals.length).toBeGreaterThanOrEqual(1);
    const first = signals[0]!;
    expect(first.detector.kind).toBe('displacement');
    expect(first.dimension).toEqual({ type: 'route_destination', key: 'NL|sea', attributes: { destination: 'NL', modality: 'sea' } });
    const day = (Date.parse(first.bucket.start) - Date.parse(at(0, -600))) / 86_400_000;
    expect(day).toBeGreaterThanOrEqual(90);
    expect(day).toBeLessThan(104);
    expect(first.summary).toMatch(/from CO>NL\|sea .* to CO>PA>NL\|sea/);
    expect(first.p_value).toBeLessThan(0.001);
    expect(first.countries).toEqual(['CO', 'NL', 'PA']);
    expect(first.evidence.length).toBeGreaterThan(0);
    expect(first.evidence.every((e) => e.route?.transit[0] === 'PA')).toBe(true);
  });
});

describe('emerging terms', () => {
  const WORDS = ['harbour', 'container', 'vessel', 'customs', 'inspection', 'warehouse', 'truck', 'driver', 'cargo', 'seized', 'pallet', 'invoice', 'checkpoint', 'trailer', 'forklift', 'manifest'];
  /** Two partners writing ordinary English narratives every day. */
  function background(day: number, i: number): string {
    const w = (k: number) => WORDS[(day * 3 + i * 5 + k * 7) % WORDS.length]!;
    return `Officers stopped the ${w(0)} near the ${w(1)}; the ${w(2)} and ${w(3)} were checked.`;
  }
  function narrativeScenario(extra: (day: number) => IncidentEvent[]): IncidentEvent[] {
    const events: IncidentEvent[] = [];
    for (let day = 0; day < 50; day++) {
      for (let i = 0; i < 10; i++) events.push(inc(day, i, { partner: i % 2 ? 'nl-police' : 'be-police', country: i % 2 ? 'NL' : 'BE', narrative: { text: background(day, i), lang: 'en' } }));
      events.push(...extra(day));
    }
    events.push(tick(80, { narrative: { text: background(80, 0), lang: 'en' } }));
    return events;
  }
  const plan = planWith(['narrative']);

  it('fires for a new term two partners use, with the term and the incidents behind it', async () => {
    const events = narrativeScenario((day) =>
      day < 36
        ? []
        : [0, 1, 2].map((i) => inc(day, 20 + i, { partner: i === 0 ? 'nl-police' : 'de-bka', country: i === 0 ? 'NL' : 'DE', narrative: { text: `Pills sold as kryolix were found in the ${WORDS[i]}.`, lang: 'en' } })),
    );
    const signals = (await run(events, plan)).filter((s) => s.detector.id === 'emerging-terms');
    const kryolix = signals.filter((s) => s.terms?.includes('kryolix'));
    expect(kryolix).toHaveLength(1);
    const s = kryolix[0]!;
    expect(s.detector.kind).toBe('terms');
    expect(s.dimension.type).toBe('term');
    expect(s.partners).toEqual(['de-bka', 'nl-police']);
    expect(s.countries).toEqual(['DE', 'NL']);
    expect(s.evidence.length).toBeGreaterThan(0);
    expect(s.evidence.every((e) => e.handling !== undefined && !('narrative' in e))).toBe(true);
    // Nothing from the ordinary vocabulary.
    expect(signals.filter((x) => !x.terms?.some((t) => t.includes('kryolix') || t.includes('pills') || t.includes('sold')))).toEqual([]);
  });

  it("does not fire for one partner's spam of a term", async () => {
    const events = narrativeScenario((day) =>
      day < 36 ? [] : Array.from({ length: 20 }, (_, i) => inc(day, 20 + i, { partner: 'nl-police', narrative: { text: `Buy zorbex now, best zorbex offer number ${i}.`, lang: 'en' } })),
    );
    const signals = (await run(events, plan)).filter((s) => s.detector.id === 'emerging-terms');
    expect(signals.filter((s) => s.terms?.some((t) => t.includes('zorbex')))).toEqual([]);
  });
});
