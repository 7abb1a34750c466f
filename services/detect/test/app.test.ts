// The service on the in-process bus: incidents in, signals out; a restart neither loses
// nor repeats signals; two instances in one group split the keys and survive a rebalance.
import { createMemoryBus, encodeEvent, silentLogger, TOPICS, type Bus, type IncidentEvent, type Signal } from '@tocsin/core';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, onTestFinished } from 'vitest';
import { buildDetect, type Detect } from '../src/app';
import { backtest } from '../src/evaluation/backtest';
import { dayAt, event, incident } from './fixtures';
import { testPlan } from './plan';

const plan = testPlan({ multiple_testing: { method: 'none', fdr: 0.05, max_signals_per_bucket: 50 }, dimensions: ['country', 'method', 'country_method'] });
const COUNTRIES = ['NL', 'BE', 'DE', 'FR'];
const METHODS = ['concealment.container', 'postal.parcel', 'body-packing'];

/** 40 days of a steady baseline per country, a surge in NL on day 30 and one in DE on day 34, then a tick far ahead. */
function scenario(): IncidentEvent[] {
  const events: IncidentEvent[] = [];
  let n = 0;
  for (let day = 0; day < 40; day++) {
    for (const country of COUNTRIES) {
      const surge = (country === 'NL' && day === 30) || (country === 'DE' && day === 34);
      const count = surge ? 18 : 2 + ((day * 7 + country.charCodeAt(0)) % 3);
      for (let i = 0; i < count; i++) {
        events.push(event(incident({ id: `e${n++}`, country, occurred_at: dayAt(day, 1 + (i % 20)), methods: [METHODS[(day + i) % METHODS.length]!] })));
      }
    }
  }
  // Moves every partition's watermark past day 40 + lateness.
  for (const country of COUNTRIES) for (const method of METHODS) events.push(event(incident({ id: `tick-${n++}`, country, occurred_at: dayAt(60), methods: [method] })));
  return events;
}

async function publish(bus: Bus, events: IncidentEvent[]): Promise<void> {
  const producer = await bus.producer();
  for (let i = 0; i < events.length; i += 200) {
    await producer.send([{ topic: TOPICS.incidents.name, messages: events.slice(i, i + 200).map((e) => ({ key: `${e.incident.partner}:${e.incident.id}`, value: encodeEvent(e) })) }]);
  }
}

async function newBus(incidentPartitions = 1): Promise<Bus> {
  const bus = createMemoryBus({ defaultPartitions: 3 });
  onTestFinished(() => bus.close());
  await bus.ensureTopics([{ topic: TOPICS.incidents.name, partitions: incidentPartitions }]);
  return bus;
}

function start(bus: Bus, options: { stateChangelog?: boolean } = {}): Detect {
  const detect = buildDetect({ bus, config: plan, logger: silentLogger(), partitions: 3, clock: () => Date.parse('2025-06-01T00:00:00Z'), ...options });
  onTestFinished(() => detect.stop());
  return detect;
}

async function readSignals(bus: Bus): Promise<Signal[]> {
  const out: Signal[] = [];
  await bus.readToEnd(TOPICS.signals.name, (m) => void out.push(JSON.parse(m.value!.toString('utf8')) as Signal));
  return out;
}

/** Waits until the stages have consumed everything on their input topics (`before`: consumed by instances already stopped). */
async function settled(bus: Bus, detects: Detect[], before = { incidents: 0, observations: 0 }, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const total = async (topic: string) => [...(await bus.endOffsets(topic)).values()].reduce((a, b) => a + Number(b), 0);
  while (Date.now() < deadline) {
    const incidents = await total(TOPICS.incidents.name);
    const observations = await total(TOPICS.observations.name);
    const stats = detects.map((d) => d.stats());
    const read = before.incidents + stats.reduce((a, s) => a + s.explode.incidents, 0);
    const scored = before.observations + stats.reduce((a, s) => a + s.score.observations + s.score.watermarks, 0);
    if (read >= incidents && scored >= observations && observations > 0) return;
    await sleep(50);
  }
  throw new Error('detect did not consume its input in time');
}

const expectedIds = (events: IncidentEvent[]): string[] => backtest(events, plan, { closeAtEnd: false }).signals.map((s) => s.id).sort();

describe('detect service on the in-process bus', () => {
  it('turns incidents into the signals a backtest of the same data gives, each once', async () => {
    const bus = await newBus();
    const events = scenario();
    const detect = start(bus);
    await detect.start();
    await publish(bus, events);
    await settled(bus, [detect]);
    const signals = await readSignals(bus);
    const ids = signals.map((s) => s.id).sort();
    expect(ids.length).toBeGreaterThanOrEqual(2);
    expect(ids).toEqual(expectedIds(events));
    expect(ids.some((id) => id.startsWith('ears-c1|country|NL|'))).toBe(true);
    expect(detect.recentSignals(100).map((s) => s.id).sort()).toEqual(ids);
    expect(signals.every((s) => s.config_version === 'test-1')).toBe(true);
  });

  it('without a state changelog (npm start) gives the same signals and writes nothing to detect.state.v1', async () => {
    const bus = await newBus();
    const events = scenario();
    const detect = start(bus, { stateChangelog: false });
    await detect.start();
    await publish(bus, events);
    await settled(bus, [detect]);
    expect((await readSignals(bus)).map((s) => s.id).sort()).toEqual(expectedIds(events));
    const stateRecords = [...(await bus.endOffsets(TOPICS.detectState.name)).values()].reduce((a, b) => a + Number(b), 0);
    expect(stateRecords).toBe(0);
  });

  it('waits for a lagging incidents partition instead of making its records late', async () => {
    // The in-process bus drains one partition before the next: without the explode
    // stage's watermarks the first partition's event time would close every bucket.
    const bus = await newBus(3);
    const events = scenario();
    await publish(bus, events);
    const detect = start(bus);
    await detect.start();
    await settled(bus, [detect]);
    expect(detect.stats().score.lateDropped).toBe(0);
    // Count signals only: a novelty signal is dated by the sighting that revealed it, which depends on arrival order.
    const counts = (ids: string[]) => ids.filter((id) => !id.startsWith('first-seen|'));
    expect(counts((await readSignals(bus)).map((s) => s.id).sort())).toEqual(counts(expectedIds(events)));
  });

  it('after a restart mid-stream neither loses nor repeats a signal', async () => {
    const bus = await newBus();
    const events = scenario();
    const half = Math.floor(events.length * 0.55);
    const first = start(bus);
    await first.start();
    await publish(bus, events.slice(0, half));
    await settled(bus, [first]);
    const consumed = { incidents: first.stats().explode.incidents, observations: first.stats().score.observations + first.stats().score.watermarks };
    await first.stop();
    const second = start(bus);
    await second.start();
    await bus.producer().then((p) => p.send([{ topic: TOPICS.incidents.name, messages: events.slice(half).map((e) => ({ key: `${e.incident.partner}:${e.incident.id}`, value: encodeEvent(e) })) }]));
    await settled(bus, [second], consumed);
    const ids = (await readSignals(bus)).map((s) => s.id).sort();
    expect(ids).toEqual(expectedIds(events));
    expect(new Set(ids).size).toBe(ids.length);
    expect(second.stats().score.restoredKeys).toBeGreaterThan(0);
  });

  it('splits keys across two instances and survives one leaving', async () => {
    const bus = await newBus();
    const events = scenario();
    const a = start(bus);
    const b = start(bus);
    await a.start();
    await b.start();
    expect(a.stats().score.partitions.length + b.stats().score.partitions.length).toBe(3);
    expect(a.stats().score.partitions.length).toBeGreaterThan(0);
    expect(b.stats().score.partitions.length).toBeGreaterThan(0);
    const split = Math.floor(events.length * 0.5);
    await publish(bus, events.slice(0, split));
    await settled(bus, [a, b]);
    await b.stop();
    expect(a.stats().score.partitions).toEqual([0, 1, 2]);
    await bus.producer().then((p) => p.send([{ topic: TOPICS.incidents.name, messages: events.slice(split).map((e) => ({ key: `${e.incident.partner}:${e.incident.id}`, value: encodeEvent(e) })) }]));
    await settled(bus, [a, b]);
    const ids = (await readSignals(bus)).map((s) => s.id).sort();
    expect(ids).toEqual(expectedIds(events));
  });
});
