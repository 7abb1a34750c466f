// Restarts at several points of a stream spread over three incidents partitions, on the
// in-process bus: the count signals are those of an uninterrupted replay, each once, and
// no record is dropped as late (stale changelog versions and unread partitions included).
import { createMemoryBus, encodeEvent, silentLogger, TOPICS, type Bus, type IncidentEvent, type Signal } from '@tocsin/core';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, onTestFinished } from 'vitest';
import { buildDetect, type Detect } from '../src/app';
import { backtest } from '../src/evaluation/backtest';
import { event, incident } from './fixtures';
import { testPlan } from './plan';

const plan = testPlan({ multiple_testing: { method: 'none', fdr: 0.05, max_signals_per_bucket: 50 } });
/** Noon-ish of day `day` after 2024-10-04. */
const at = (day: number, hour: number): string => new Date((20_000 + day) * 86_400_000 + hour * 3_600_000).toISOString();
function scenario(): IncidentEvent[] {
  const events: IncidentEvent[] = [];
  let n = 0;
  for (let day = 0; day < 40; day++) for (const country of ['NL', 'BE', 'DE']) {
    const surge = (country === 'NL' && day === 30) || (country === 'DE' && day === 34);
    const count = surge ? 18 : 2 + ((day * 7 + country.charCodeAt(0)) % 3);
    for (let i = 0; i < count; i++) events.push(event(incident({ id: `k${n++}`, country, occurred_at: at(day, 1 + (i % 20)), methods: [['a.x', 'b.y'][(day + i) % 2]!] })));
  }
  for (const country of ['NL', 'BE', 'DE']) for (const method of ['a.x', 'b.y']) events.push(event(incident({ id: `tick${n++}`, country, occurred_at: at(44, 1), methods: [method] })));
  return events;
}
/** Novelty signals are dated by the sighting that revealed them, which depends on arrival order. */
const counts = (ids: string[]) => ids.filter((id) => !id.startsWith('first-seen|')).sort();
async function settle(bus: Bus, d: Detect, before: { i: number; o: number }) {
  for (let k = 0; k < 400; k++) {
    const tot = async (t: string) => [...(await bus.endOffsets(t)).values()].reduce((a, b) => a + Number(b), 0);
    const s = d.stats();
    if (before.i + s.explode.incidents >= (await tot(TOPICS.incidents.name)) && before.o + s.score.observations + s.score.watermarks >= (await tot(TOPICS.observations.name))) return;
    await sleep(25);
  }
  throw new Error('not settled');
}
describe('restart with three incidents partitions', () => {
 for (const fraction of [0.3, 0.45, 0.55, 0.6, 0.62, 0.7]) {
  it(`restarts after ${fraction * 100}% of the stream without losing, repeating or inventing a signal`, async () => {
    const bus = createMemoryBus({ defaultPartitions: 3 });
    onTestFinished(() => bus.close());
    await bus.ensureTopics([{ topic: TOPICS.incidents.name, partitions: 3 }]);
    const events = scenario();
    const expected = counts(backtest(events, plan, { closeAtEnd: false }).signals.map((s) => s.id));
    const producer = await bus.producer();
    const send = (e: IncidentEvent[]) => producer.send([{ topic: TOPICS.incidents.name, messages: e.map((x) => ({ key: `${x.incident.partner}:${x.incident.id}`, value: encodeEvent(x) })) }]);
    const first = buildDetect({ bus, config: plan, logger: silentLogger(), partitions: 3 });
    await first.start();
    const half = Math.floor(events.length * fraction);
    await send(events.slice(0, half));
    await settle(bus, first, { i: 0, o: 0 });
    const c = { i: first.stats().explode.incidents, o: first.stats().score.observations + first.stats().score.watermarks };
    await first.stop();
    const second = buildDetect({ bus, config: plan, logger: silentLogger(), partitions: 3 });
    onTestFinished(() => second.stop());
    await second.start();
    await send(events.slice(half));
    await settle(bus, second, c);
    const ids: string[] = [];
    await bus.readToEnd(TOPICS.signals.name, (m) => void ids.push((JSON.parse(m.value!.toString()) as Signal).id));
    expect(first.stats().score.lateDropped + second.stats().score.lateDropped).toBe(0);
    expect(new Set(ids).size).toBe(ids.length);
    expect(counts(ids)).toEqual(expected);
  });
}
});
