// The detect service on real Kafka, writing to a real InfluxDB-protocol server
// (VictoriaMetrics): incidents in, signals out and points readable back; a restart
// neither loses nor repeats signals; two instances split the keys and survive one
// leaving. Every test has its own topics and consumer groups.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createInfluxWriter, createKafkaBus, encodeEvent, silentLogger, type Bus, type IncidentEvent, type InfluxWriter, type Signal,
} from '@tocsin/core';
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { consumeUntil } from '../../../test/helpers/kafka';
import { buildDetect, type Detect } from '../src/app';
import { backtest } from '../src/evaluation/backtest';
import type { DetectTopics } from '../src/topics';
import { event, incident } from './fixtures';
import { testPlan } from './plan';

const brokers = inject('kafkaBrokers');
const plan = testPlan({ multiple_testing: { method: 'none', fdr: 0.05, max_signals_per_bucket: 50 } });
const DAY = 86_400_000;
// Recent event times, so VictoriaMetrics (one month retention by default) keeps the points.
const firstDay = Math.floor(Date.now() / DAY) - 45;
const at = (day: number, hour: number): string => new Date((firstDay + day) * DAY + hour * 3_600_000).toISOString();

function scenario(): IncidentEvent[] {
  const events: IncidentEvent[] = [];
  let n = 0;
  for (let day = 0; day < 40; day++) {
    for (const country of ['NL', 'BE', 'DE']) {
      const surge = (country === 'NL' && day === 30) || (country === 'DE' && day === 34);
      const count = surge ? 18 : 2 + ((day * 7 + country.charCodeAt(0)) % 3);
      for (let i = 0; i < count; i++) events.push(event(incident({ id: `k${n++}`, country, occurred_at: at(day, 1 + (i % 20)), methods: [['a.x', 'b.y'][(day + i) % 2]!] })));
    }
  }
  for (const country of ['NL', 'BE', 'DE']) for (const method of ['a.x', 'b.y']) events.push(event(incident({ id: `tick${n++}`, country, occurred_at: at(44, 1), methods: [method] })));
  return events;
}

/** Signals of a replay in event-time order, novelty included: first-seen is decided on closed days, in event time, whatever the arrival order across partitions. */
const counts = (ids: string[]): string[] => ids;
const expectedIds = (events: IncidentEvent[]): string[] => counts(backtest(events, plan, { closeAtEnd: false }).signals.map((s) => s.id).sort());

interface Harness {
  bus: Bus;
  topics: DetectTopics;
  groups: { explode: string; score: string };
}

/** `limits`: topic configs (e.g. a small max.message.bytes) for the topics detect writes, created before detect starts. */
async function harness(limits?: Record<string, string>): Promise<Harness> {
  const id = randomUUID();
  const topics: DetectTopics = {
    incidents: `test-${id}-incidents`, observations: `test-${id}-observations`, state: `test-${id}-state`, config: `test-${id}-config`, signals: `test-${id}-signals`,
  };
  const bus = createKafkaBus({ brokers: [brokers], clientId: `detect-int-${id}`, logger: silentLogger() });
  onTestFinished(() => bus.close());
  // Three incidents partitions: the score stage closes buckets on the explode stage's watermarks (docs/detect.md, "Watermarks").
  await bus.ensureTopics([{ topic: topics.incidents, partitions: 3 }]);
  if (limits) {
    await bus.ensureTopics([
      { topic: topics.observations, partitions: 3, config: limits },
      { topic: topics.state, partitions: 3, config: { 'cleanup.policy': 'compact', ...limits } },
      { topic: topics.signals, partitions: 3, config: limits },
    ]);
  }
  return { bus, topics, groups: { explode: `detect-explode-${id}`, score: `detect-score-${id}` } };
}

function detectOn(h: Harness, influx?: InfluxWriter): Detect {
  const detect = buildDetect({ bus: h.bus, config: plan, logger: silentLogger(), influx, partitions: 3, topics: h.topics, groups: h.groups, instance: 'detect/int' });
  onTestFinished(() => detect.stop());
  return detect;
}

async function publish(h: Harness, events: IncidentEvent[]): Promise<void> {
  const producer = await h.bus.producer();
  for (let i = 0; i < events.length; i += 500) {
    await producer.send([{ topic: h.topics.incidents, messages: events.slice(i, i + 500).map((e) => ({ key: `${e.incident.partner}:${e.incident.id}`, value: encodeEvent(e) })) }]);
  }
  await producer.close();
}

async function settled(h: Harness, detects: Detect[], before = { incidents: 0, observations: 0 }, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const total = async (topic: string) => [...(await h.bus.endOffsets(topic)).values()].reduce((a, b) => a + Number(b), 0);
  while (Date.now() < deadline) {
    const stats = detects.map((d) => d.stats());
    const [incidents, observations] = [await total(h.topics.incidents), await total(h.topics.observations)];
    if (before.incidents + stats.reduce((a, s) => a + s.explode.incidents, 0) >= incidents && before.observations + stats.reduce((a, s) => a + s.score.observations + s.score.watermarks, 0) >= observations && observations > 0) return;
    await sleep(200);
  }
  throw new Error('detect did not consume its input in time');
}

/** Count-signal ids on the signals topic, after checking that no signal id (novelty included) appears twice. */
async function signalIds(h: Harness, expected: number): Promise<string[]> {
  await consumeUntil(brokers, h.topics.signals, (r) => counts(r.map((m) => (JSON.parse(m.value!) as Signal).id)).length >= expected, 30_000);
  // Then everything on the topic (a duplicate included, should there be one).
  await sleep(1_000);
  const total = [...(await h.bus.endOffsets(h.topics.signals)).values()].reduce((a, b) => a + Number(b), 0);
  const all = await consumeUntil(brokers, h.topics.signals, (r) => r.length >= total, 30_000);
  const ids = all.map((m) => (JSON.parse(m.value!) as Signal).id).sort();
  expect(new Set(ids).size).toBe(ids.length);
  return counts(ids);
}

describe('detect on Kafka and VictoriaMetrics', () => {
  it('turns incidents into signals and writes bucket metrics that read back', async () => {
    const h = await harness();
    const victoria = inject('victoriaUrl');
    const influx = createInfluxWriter({ url: victoria, bucket: 'tocsin', flushIntervalMs: 200, logger: silentLogger() });
    onTestFinished(() => influx.close());
    const events = scenario();
    const expected = expectedIds(events);
    expect(expected.length).toBeGreaterThanOrEqual(2);
    const detect = detectOn(h, influx);
    await detect.start();
    await publish(h, events);
    await settled(h, [detect]);
    expect(await signalIds(h, expected.length)).toEqual(expected);
    const nl = detect.recentSignals(100).find((s) => s.id.startsWith('ears-c1|country|NL|'))!;
    expect(nl.evidence.length).toBeGreaterThan(0);
    expect(nl.config_version).toBe('test-1');

    await influx.flush();
    expect(influx.stats().dropped).toBe(0);
    const query = new URLSearchParams({ 'match[]': `tocsin_bucket_observed{dim_type="country",dim_key="NL",detector="ears-c1"}` });
    // VictoriaMetrics makes written points searchable a little later, not all at once, and
    // other tests of the run write the same series (the export then holds their samples at the
    // same times too): wait until this run's value is among the samples at the surge's bucket.
    const surgeAt = Date.parse(nl.bucket.start);
    let atSurge: number[] = [];
    for (let i = 0; i < 60 && !atSurge.includes(nl.observed); i++) {
      if (i > 0) await sleep(250);
      const text = (await (await fetch(`${victoria}/api/v1/export?${query.toString()}`)).text()).trim();
      const series = text ? text.split('\n').map((line) => JSON.parse(line) as { values: number[]; timestamps: number[] }) : [];
      atSurge = series.flatMap((one) => one.values.filter((_, k) => one.timestamps[k] === surgeAt));
    }
    expect(atSurge).toContain(nl.observed);
  });

  it('splits its observations, state and signals under small topic limits and finds the same signals', async () => {
    // 64 KiB per record batch: one explode batch makes about 1 MB of observations, one score batch
    // hundreds of KB of state snapshots (each up to about 27 KB here).
    const h = await harness({ 'max.message.bytes': '65536' });
    const events = scenario();
    const expected = expectedIds(events);
    const detect = detectOn(h);
    await detect.start();
    await publish(h, events);
    await settled(h, [detect]);
    expect(await signalIds(h, expected.length)).toEqual(expected);
    const observations = [...(await h.bus.endOffsets(h.topics.observations)).values()].reduce((a, b) => a + Number(b), 0);
    expect(observations).toBeGreaterThan(1000);
  });

  it('after a restart mid-stream neither loses nor repeats a signal', async () => {
    const h = await harness();
    const events = scenario();
    const expected = expectedIds(events);
    const half = Math.floor(events.length * 0.6);
    const first = detectOn(h);
    await first.start();
    await publish(h, events.slice(0, half));
    await settled(h, [first]);
    const consumed = { incidents: first.stats().explode.incidents, observations: first.stats().score.observations + first.stats().score.watermarks };
    await first.stop();
    const second = detectOn(h);
    await second.start();
    await publish(h, events.slice(half));
    await settled(h, [second], consumed);
    expect(second.stats().score.restoredKeys).toBeGreaterThan(0);
    expect(await signalIds(h, expected.length)).toEqual(expected);
  });

  it('splits keys across two instances and survives one leaving', async () => {
    const h = await harness();
    const events = scenario();
    const expected = expectedIds(events);
    const a = detectOn(h);
    const b = detectOn(h);
    await a.start();
    await b.start();
    const deadline = Date.now() + 60_000;
    while (a.stats().score.partitions.length + b.stats().score.partitions.length < 3 || b.stats().score.partitions.length === 0) {
      if (Date.now() > deadline) throw new Error('the two instances did not share the score partitions');
      await sleep(200);
    }
    expect(a.stats().score.partitions.length).toBeGreaterThan(0);
    const split = Math.floor(events.length / 2);
    await publish(h, events.slice(0, split));
    await settled(h, [a, b]);
    const bConsumed = { incidents: b.stats().explode.incidents, observations: b.stats().score.observations + b.stats().score.watermarks };
    await b.stop();
    await publish(h, events.slice(split));
    await settled(h, [a], bConsumed);
    expect(await signalIds(h, expected.length)).toEqual(expected);
  });
});
