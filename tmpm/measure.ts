import { createScenario } from '@tocsin/simulator';
import { loadPlan } from '../services/detect/src/config';
import { asEvent, backtest } from '../services/detect/src/evaluation/backtest';
import { encodeEvent } from '@tocsin/core';
const plan = loadPlan();
const scenario = createScenario({ seed: 11, start: '2025-01-01', days: Number(process.env.D ?? 60), extraSurges: 20 });
const events = [...scenario.incidents()].map((i) => asEvent(i));
const parts: Record<string, number> = {};
let total = 0, records = 0;
const t = performance.now();
backtest(events, plan, { clock: () => 0, advanceEvery: Number(process.env.A ?? 20), afterAdvance(s) {
  for (const k of s.takeDirty()) {
    const r = s.snapshot(k) as any;
    const full = encodeEvent(r).length; total += full; records++;
    const add = (n: string, v: unknown) => (parts[n] = (parts[n] ?? 0) + (v === undefined ? 0 : JSON.stringify(v).length));
    add('evidence', r.open.map((b: any) => b.evidence)); add('days', r.days); add('weeks', r.weeks); add('emergence.' + Object.keys(r.emergence ?? {}).join(''), r.emergence); add('first_seen', r.first_seen); add('emitted', r.emitted);
  }
}});
console.log({ incidents: events.length, records, total, perIncident: total / events.length, secs: (performance.now() - t) / 1000 });
for (const [k, v] of Object.entries(parts)) console.log(k, (v / events.length).toFixed(0));
