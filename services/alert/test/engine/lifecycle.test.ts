import type { Alert, Signal } from '@tocsin/core';
import { compileValidator } from '@tocsin/core';
import { describe, expect, it } from 'vitest';
import type { LifecycleConfig } from '../../src/config';
import { AlertBook } from '../../src/engine/book';
import { applySignal, planNotification, quietBucketsOf, resolveIfQuiet, upgradeLegacyAlert } from '../../src/engine/lifecycle';
import { alertIdFor } from '../../src/ids';
import { evidence, makeSignal } from '../helpers/signals';

const cfg: LifecycleConfig = { groupWaitMs: 30_000, groupIntervalMs: 300_000, repeatIntervalMs: 3_600_000, resolveAfterBuckets: 2, maxResolveAfterBuckets: 2, cooldownBuckets: 2, flapThreshold: 4, flapWindowBuckets: 30 };
const T0 = Date.parse('2026-11-21T08:00:00Z');
const DAY = 86_400_000;
const validAlert = compileValidator<Alert>('alert.v1');
const ctx = (now: number) => ({ now, source: 'alert/test' });
/** Bucket start `n` days after 2026-11-01. */
const day = (n: number): string => new Date(Date.parse('2026-11-01T00:00:00Z') + n * DAY).toISOString().slice(0, 10);

function valid(a: Alert): Alert {
  const r = validAlert(a);
  if (!r.ok) throw new Error(`alert invalid at ${r.errors[0]?.pointer}: ${r.errors[0]?.message}`);
  return a;
}

function applyAll(signals: Signal[], config = cfg): Alert {
  let a: Alert | undefined;
  for (const s of signals) a = applySignal(a, s, ctx(T0), config).alert;
  return a!;
}

describe('alert grouping', () => {
  it('EARS C1 and C2 firing on one dimension make one alert that names both and keeps the strongest evidence', () => {
    const c1 = makeSignal({ detector: 'ears-c1', severity: 'medium', rankScore: 21.5, observed: 9, summary: 'ears-c1: 9 incidents' });
    const c2 = makeSignal({ detector: 'ears-c2', severity: 'high', rankScore: 33.2, observed: 9, summary: 'ears-c2: 9 incidents' });
    const c3 = makeSignal({ detector: 'ears-c3', severity: 'low', rankScore: 10.1, observed: 9, summary: 'ears-c3: 9 incidents' });
    const opened = applySignal(undefined, c1, ctx(T0), cfg).alert;
    const joined = applySignal(opened, c2, ctx(T0 + 1), cfg);
    expect(joined.alert.id).toBe(opened.id);
    expect(joined).toMatchObject({ revised: true, reason: 'severity' });
    const all = applySignal(joined.alert, c3, ctx(T0 + 2), cfg);
    // A third detector joining is a change the desk hears about, though the evidence is weaker.
    expect(all).toMatchObject({ revised: true, reason: 'detectors' });
    expect(valid(all.alert).detectors.map((d) => d.id)).toEqual(['ears-c1', 'ears-c2', 'ears-c3']);
    expect(all.alert).toMatchObject({ detector: { id: 'ears-c2' }, severity: 'high', rank_score: 33.2, summary: 'ears-c2: 9 incidents' });
    expect(all.alert.detectors.find((d) => d.id === 'ears-c3')).toMatchObject({ severity: 'low', buckets: 1 });
  });

  it('groups by detector kind, dimension and bucket granularity, with a stable id', () => {
    const day1 = applySignal(undefined, makeSignal({ detector: 'ears-c1' }), ctx(T0), cfg).alert;
    const farrington = applySignal(undefined, makeSignal({ detector: 'farrington-flexible', day: '2026-11-23' }), ctx(T0 + DAY), cfg).alert;
    const week = applySignal(undefined, makeSignal({ detector: 'ears-c1', granularity: 'week', day: '2026-11-16' }), ctx(T0), cfg).alert;
    const novelty = applySignal(undefined, makeSignal({ detector: 'first-seen', kind: 'novelty' }), ctx(T0), cfg).alert;
    const otherKey = applySignal(undefined, makeSignal({ detector: 'ears-c1', dimensionKey: 'CO>PA>NL|sea' }), ctx(T0), cfg).alert;
    expect(day1.id).toMatch(/^al_[0-9a-f]{24}$/);
    expect(day1.id).toBe(alertIdFor('count', 'route', 'CO>DO>NL|sea', 'day'));
    expect(farrington.id).toBe(day1.id);
    expect(new Set([day1.id, week.id, novelty.id, otherKey.id]).size).toBe(4);
  });

  it('revises when the severity rises, a country joins or a detector joins; not on repeated or weaker evidence or a new partner', () => {
    const opened = applySignal(undefined, makeSignal({ day: day(20), severity: 'medium' }), ctx(T0), cfg).alert;
    const same = applySignal(opened, makeSignal({ day: day(21), severity: 'medium' }), ctx(T0 + 1), cfg);
    expect(same).toMatchObject({ revised: false, alert: { revision: 1 } });
    const weaker = applySignal(same.alert, makeSignal({ day: day(21), detector: 'ears-c3', severity: 'low', rankScore: 1 }), ctx(T0 + 2), cfg);
    expect(weaker).toMatchObject({ revised: true, reason: 'detectors', alert: { severity: 'medium' } });
    const lower = applySignal(weaker.alert, makeSignal({ day: day(22), severity: 'low', rankScore: 1 }), ctx(T0 + 3), cfg);
    expect(lower).toMatchObject({ revised: false, alert: { severity: 'medium' } });
    const partner = applySignal(lower.alert, makeSignal({ day: day(22), severity: 'medium', evidence: [evidence('nl-douane', 'NL', 9)] }), ctx(T0 + 4), cfg);
    expect(partner.revised).toBe(false);
    expect(partner.alert.partners).toContain('nl-douane');
    const critical = applySignal(partner.alert, makeSignal({ day: day(22), severity: 'critical', rankScore: 44 }), ctx(T0 + 5), cfg);
    expect(critical).toMatchObject({ revised: true, reason: 'severity' });
    const third = applySignal(critical.alert, makeSignal({ day: day(23), severity: 'medium', evidence: [evidence('fr-dgddi', 'FR', 7)] }), ctx(T0 + 6), cfg);
    expect(third).toMatchObject({ revised: true, reason: 'scope' });
    expect(valid(third.alert).history.map((h) => [h.reason, h.event_time])).toEqual([
      ['opened', `${day(20)}T00:00:00.000Z`],
      ['detectors', `${day(21)}T00:00:00.000Z`],
      ['severity', `${day(22)}T00:00:00.000Z`],
      ['scope', `${day(23)}T00:00:00.000Z`],
    ]);
  });

  it('shows the same alert whatever order its signals arrive in', () => {
    const signals = [
      makeSignal({ detector: 'ears-c1', day: day(3), severity: 'medium', rankScore: 20 }),
      makeSignal({ detector: 'ears-c2', day: day(3), severity: 'high', rankScore: 31 }),
      makeSignal({ detector: 'ears-c3', day: day(4), severity: 'high', rankScore: 31 }),
      makeSignal({ detector: 'ears-c1', day: day(4), severity: 'low', rankScore: 3, evidence: [evidence('fr-dgddi', 'FR', 7)] }),
    ];
    // (A detector's bucket count is counted in arrival order, so it is left out.)
    const pick = (a: Alert) => ({
      detector: a.detector.id, severity: a.severity, bucket: a.bucket, countries: a.countries, status: a.status, episode: a.episode, opened: a.event_time.opened,
      detectors: a.detectors.map((d) => [d.id, d.severity, d.last_bucket_end]),
    });
    const forward = pick(applyAll(signals));
    expect(pick(applyAll([...signals].reverse()))).toEqual(forward);
    expect(pick(applyAll([signals[2]!, signals[0]!, signals[3]!, signals[1]!]))).toEqual(forward);
    // Equal severity and rank: the newer bucket's evidence is shown.
    expect(forward).toMatchObject({ detector: 'ears-c3', severity: 'high' });
  });
});

describe('alert lifecycle in event time', () => {
  it('resolves after N quiet buckets of event time, dated at the end of the quiet span, never on the wall clock alone', () => {
    const opened = applySignal(undefined, makeSignal({ day: '2026-11-20' }), ctx(T0), cfg).alert;
    const bucketEnd = Date.parse('2026-11-21T00:00:00Z');
    expect(resolveIfQuiet(opened, T0 + 365 * DAY, undefined, cfg)).toBeNull();
    expect(resolveIfQuiet(opened, T0 + 365 * DAY, bucketEnd + 2 * DAY - 1, cfg)).toBeNull();
    const resolved = resolveIfQuiet(opened, T0 + 1000, bucketEnd + 5 * DAY, cfg)!;
    expect(valid(resolved)).toMatchObject({ status: 'resolved', revision: 2, event_time: { opened: '2026-11-20T00:00:00.000Z', resolved: '2026-11-23T00:00:00.000Z' } });
  });

  it('stays open at least one bucket', () => {
    const opened = applySignal(undefined, makeSignal({ day: '2026-11-20' }), ctx(T0), cfg).alert;
    // Event time at the end of the opening bucket and one bucket later: still open.
    expect(resolveIfQuiet(opened, T0, Date.parse('2026-11-21T00:00:00Z'), { ...cfg, resolveAfterBuckets: 1 })).toBeNull();
    expect(resolveIfQuiet(opened, T0, Date.parse('2026-11-22T00:00:00Z') - 1, { ...cfg, resolveAfterBuckets: 1 })).toBeNull();
    expect(resolveIfQuiet(opened, T0, Date.parse('2026-11-22T00:00:00Z'), { ...cfg, resolveAfterBuckets: 1 })?.status).toBe('resolved');
  });

  it('a week alert waits N quiet weeks, however far day signals move day time on', () => {
    const book = new AlertBook(cfg, 'alert/test');
    const week = makeSignal({ detector: 'ears-c1', granularity: 'week', day: '2026-11-02', dimensionKey: 'CO>PA>NL|sea' });
    const days = Array.from({ length: 30 }, (_, i) => makeSignal({ day: day(10 + i) }));
    for (const a of book.apply([{ signal: week }, ...days.map((signal) => ({ signal }))], T0)) book.put(a);
    expect(book.alerts.get(alertIdFor('count', 'route', 'CO>PA>NL|sea', 'week'))?.status).toBe('open');
  });

  it('does not flap under alternating alarm and quiet buckets within the hysteresis, then resolves once', () => {
    // One key alarms every other day (one quiet bucket between alarms, N = 2);
    // another key alarms every day, so event time moves on every bucket.
    const book = new AlertBook(cfg, 'alert/test');
    const transitions: string[] = [];
    const feed: Signal[] = [];
    for (let d = 0; d < 40; d++) {
      feed.push(makeSignal({ day: day(d), dimensionKey: 'DE>PL|land', attributes: { origin: 'DE', destination: 'PL', modality: 'land' } }));
      if (d < 30 && d % 2 === 0) feed.push(makeSignal({ day: day(d), detector: d % 4 === 0 ? 'ears-c1' : 'ears-c2' }));
    }
    const id = alertIdFor('count', 'route', 'CO>DO>NL|sea', 'day');
    for (const signal of feed) {
      for (const a of book.apply([{ signal }], T0)) {
        const before = book.alerts.get(a.id);
        if (a.id === id && (before?.status ?? 'none') !== a.status) transitions.push(`${a.status}@${a.episode}`);
        if (a.id === id && before && a.episode !== before.episode) transitions.push(`reopen@${a.episode}`);
        book.put(a);
      }
    }
    expect(transitions).toEqual(['open@1', 'resolved@1']);
    const alert = valid(book.alerts.get(id)!);
    expect(alert).toMatchObject({ episode: 1, status: 'resolved', event_time: { opened: `${day(0)}T00:00:00.000Z`, resolved: `${day(31)}T00:00:00.000Z` } });
    // Fifteen alarms, two detectors: opened, one detector joined, resolved.
    expect(alert.history.map((h) => h.reason)).toEqual(['opened', 'detectors', 'resolved']);
    expect(alert.detectors.map((d) => [d.id, d.buckets])).toEqual([['ears-c1', 8], ['ears-c2', 7]]);
  });

  it('does not reopen in the cool-down after resolving; reopens as a new episode after it', () => {
    const opened = applySignal(undefined, makeSignal({ day: day(0) }), ctx(T0), cfg).alert;
    const resolved = resolveIfQuiet(opened, T0 + 1, Date.parse(`${day(3)}T00:00:00Z`), cfg)!;
    expect(resolved.event_time.resolved).toBe(`${day(3)}T00:00:00.000Z`);
    // A replayed signal of the finished episode and one in the cool-down (days 3, 4) are recorded, not reopened.
    const replay = applySignal(resolved, makeSignal({ day: day(0) }), ctx(T0 + 2), cfg);
    expect(replay).toMatchObject({ revised: false, alert: { status: 'resolved', signals_seen: 2 } });
    const inCooldown = applySignal(replay.alert, makeSignal({ day: day(4), detector: 'ears-c3' }), ctx(T0 + 3), cfg);
    expect(inCooldown).toMatchObject({ revised: false, alert: { status: 'resolved', episode: 1 } });
    expect(inCooldown.alert.detectors.map((d) => d.id)).toEqual(['ears-c2', 'ears-c3']);
    const reopened = applySignal(inCooldown.alert, makeSignal({ day: day(5), detector: 'ears-c1' }), ctx(T0 + 4), cfg);
    expect(reopened).toMatchObject({ revised: true, reason: 'reopened' });
    expect(valid(reopened.alert)).toMatchObject({ id: opened.id, episode: 2, revision: 3, status: 'open', event_time: { opened: `${day(5)}T00:00:00.000Z` } });
    expect(reopened.alert.detectors.map((d) => d.id)).toEqual(['ears-c1']);
    expect(reopened.alert.event_time.resolved).toBeUndefined();
  });

  it('damps a dimension whose alarms come and go: each quick reopening doubles the quiet span, up to the maximum', () => {
    const damped: LifecycleConfig = { ...cfg, resolveAfterBuckets: 2, maxResolveAfterBuckets: 8, cooldownBuckets: 2, flapWindowBuckets: 30 };
    const at = (n: number) => Date.parse(`${day(n)}T00:00:00Z`);
    let a = applySignal(undefined, makeSignal({ day: day(0) }), ctx(T0), damped).alert;
    const episodes: Array<[number, number, string | undefined]> = [];
    // Each signal comes on the first bucket after the cool-down; its episode's quiet span is then
    // 2, 4, 8 and 8 (the maximum) buckets.
    for (const next of [5, 12, 23, 34]) {
      expect(resolveIfQuiet(a, T0, at(next - damped.cooldownBuckets) - 1, damped)).toBeNull();
      a = resolveIfQuiet(a, T0, at(next - damped.cooldownBuckets), damped)!;
      episodes.push([a.episode, quietBucketsOf(a, damped), a.event_time.resolved]);
      a = applySignal(a, makeSignal({ day: day(next) }), ctx(T0), damped).alert;
      expect(a).toMatchObject({ status: 'open', episode: episodes.length + 1 });
    }
    expect(episodes).toEqual([
      [1, 2, `${day(3)}T00:00:00.000Z`],
      [2, 4, `${day(10)}T00:00:00.000Z`],
      [3, 8, `${day(21)}T00:00:00.000Z`],
      [4, 8, `${day(32)}T00:00:00.000Z`],
    ]);
    // After a resolution longer ago than the flap window, the span starts again from N.
    a = resolveIfQuiet(a, T0, at(43), damped)!;
    expect(a.event_time.resolved).toBe(`${day(43)}T00:00:00.000Z`);
    a = applySignal(a, makeSignal({ day: day(43 + 31) }), ctx(T0), damped).alert;
    expect(quietBucketsOf(a, damped)).toBe(2);
    expect(resolveIfQuiet(a, T0, at(43 + 31 + 3), damped)?.event_time.resolved).toBe(`${day(77)}T00:00:00.000Z`);
  });

  it('tells subscribers when the alarms of a damped episode resume after N quiet buckets', () => {
    const damped: LifecycleConfig = { ...cfg, resolveAfterBuckets: 2, maxResolveAfterBuckets: 8, cooldownBuckets: 2, flapWindowBuckets: 30 };
    let a = applySignal(undefined, makeSignal({ day: day(0) }), ctx(T0), damped).alert;
    a = resolveIfQuiet(a, T0, Date.parse(`${day(3)}T00:00:00Z`), damped)!;
    a = applySignal(a, makeSignal({ day: day(5) }), ctx(T0), damped).alert; // a quick reopening: 4 quiet buckets now
    const told = planNotification(a, T0 + 60_000, Date.parse(`${day(6)}T00:00:00Z`), null, damped);
    expect(told.send?.type).toBe('alert.opened');
    a = told.alert;
    // One quiet bucket (day 6): the same episode goes on, nothing to tell.
    const next = applySignal(a, makeSignal({ day: day(7) }), ctx(T0), damped);
    expect(next).toMatchObject({ revised: false, reason: null });
    // Days 8 and 9 quiet (N = 2), day 10 alarms: undamped it would have resolved; it is resumed instead.
    const resumed = applySignal(next.alert, makeSignal({ day: day(10) }), ctx(T0), damped);
    expect(resumed).toMatchObject({ revised: true, reason: 'resumed', alert: { status: 'open', episode: 2 } });
    expect(valid(resumed.alert).history.at(-1)).toMatchObject({ reason: 'resumed', event_time: `${day(10)}T00:00:00.000Z` });
    expect(planNotification(resumed.alert, T0 + 60_000 + cfg.groupIntervalMs, Date.parse(`${day(11)}T00:00:00Z`), null, damped).send?.type).toBe('alert.updated');
  });

  it('ends an episode by the buckets of its signals, not by how they were batched', () => {
    const key = { dimensionKey: 'DE>PL|land', attributes: { origin: 'DE' as const, destination: 'PL' as const, modality: 'land' } };
    const feed = [
      makeSignal({ day: day(0) }),
      makeSignal({ day: day(1), ...key }),
      makeSignal({ day: day(6), ...key }),
      makeSignal({ day: day(9) }),
      makeSignal({ day: day(10), ...key }),
    ];
    const run = (batches: Signal[][]) => {
      const book = new AlertBook(cfg, 'alert/test');
      for (const batch of batches) for (const a of book.apply(batch.map((signal) => ({ signal })), T0)) book.put(a);
      return [...book.alerts.values()].map((a) => ({ id: a.id, episode: a.episode, status: a.status, event_time: a.event_time, history: a.history.map((h) => [h.reason, h.event_time]) }));
    };
    const oneByOne = run(feed.map((s) => [s]));
    expect(run([feed])).toEqual(oneByOne);
    expect(run([feed.slice(0, 3), feed.slice(3)])).toEqual(oneByOne);
    const first = oneByOne.find((a) => a.id === alertIdFor('count', 'route', 'CO>DO>NL|sea', 'day'))!;
    // Quiet from day 1 to day 9: resolved at day 3, reopened on day 9 (after the cool-down).
    expect(first.history).toEqual([
      ['opened', `${day(0)}T00:00:00.000Z`],
      ['resolved', `${day(3)}T00:00:00.000Z`],
      ['reopened', `${day(9)}T00:00:00.000Z`],
    ]);
  });

  it('keeps an alert record written before grouping (one detector, no event times)', () => {
    const current = applySignal(undefined, makeSignal(), ctx(T0), cfg).alert;
    const { detectors: _d, event_time: _e, ...legacy } = current;
    const upgraded = valid(upgradeLegacyAlert(legacy) as unknown as Alert);
    expect(upgraded.detectors).toEqual([{ id: 'ears-c2', version: '1', buckets: 1, last_bucket_end: current.last_signal.bucket_end, severity: 'high' }]);
    expect(upgraded.event_time).toEqual({ opened: current.bucket.start });
  });
});

describe('notification grouping (group wait, group interval, repeat interval)', () => {
  const eventNow = Date.parse('2026-11-21T00:00:00Z');

  it('waits group_wait, coalesces revisions made meanwhile into one "opened"', () => {
    let a = applySignal(undefined, makeSignal(), ctx(T0), cfg).alert;
    expect(planNotification(a, T0 + 29_999, eventNow, null, cfg).send).toBeNull();
    a = applySignal(a, makeSignal({ severity: 'critical' }), ctx(T0 + 10_000), cfg).alert;
    const plan = planNotification(a, T0 + 30_000, eventNow, null, cfg);
    expect(plan.send).toEqual({ type: 'alert.opened', revision: 2, repeat: 0 });
    expect(valid(plan.alert).notify).toMatchObject({ pending_revision: null, last_revision: 2, last_status: 'open' });
  });

  it('sends later changes no sooner than group_interval after the last notification', () => {
    let a = applySignal(undefined, makeSignal(), ctx(T0), cfg).alert;
    a = planNotification(a, T0 + 30_000, eventNow, null, cfg).alert;
    a = applySignal(a, makeSignal({ severity: 'critical' }), ctx(T0 + 40_000), cfg).alert;
    expect(a.notify.due_at).toBe(new Date(T0 + 30_000 + cfg.groupIntervalMs).toISOString());
    expect(planNotification(a, T0 + 300_000, eventNow, null, cfg).send).toBeNull();
    expect(planNotification(a, T0 + 330_000, eventNow, null, cfg).send).toEqual({ type: 'alert.updated', revision: 2, repeat: 0 });
  });

  it('repeats an unchanged open alert after repeat_interval with a new repeat number', () => {
    let a = applySignal(undefined, makeSignal(), ctx(T0), cfg).alert;
    a = planNotification(a, T0 + 30_000, eventNow, null, cfg).alert;
    expect(planNotification(a, T0 + 30_000 + cfg.repeatIntervalMs - 1, eventNow, null, cfg).send).toBeNull();
    const r1 = planNotification(a, T0 + 30_000 + cfg.repeatIntervalMs, eventNow, null, cfg);
    expect(r1.send).toEqual({ type: 'alert.updated', revision: 1, repeat: 1 });
    expect(planNotification(r1.alert, T0 + 30_000 + 2 * cfg.repeatIntervalMs, eventNow, null, cfg).send?.repeat).toBe(2);
  });

  it('does not announce the resolution of an alert nobody was told about', () => {
    const a = applySignal(undefined, makeSignal(), ctx(T0), cfg).alert;
    const resolved = resolveIfQuiet(a, T0 + 1, Date.parse('2026-11-24T00:00:00Z'), cfg)!;
    expect(resolved.notify.pending_revision).toBeNull();
    expect(planNotification(resolved, T0 + DAY, eventNow, null, cfg).send).toBeNull();
  });

  it('announces the resolution of a notified alert', () => {
    let a = applySignal(undefined, makeSignal(), ctx(T0), cfg).alert;
    a = planNotification(a, T0 + 30_000, eventNow, null, cfg).alert;
    a = resolveIfQuiet(a, T0 + 3 * DAY, eventNow + 3 * DAY, cfg)!;
    expect(planNotification(a, T0 + 3 * DAY, eventNow + 3 * DAY, null, cfg).send).toEqual({ type: 'alert.resolved', revision: 2, repeat: 0 });
  });

  it('holds notifications while silenced and sends them once the silence is gone', () => {
    const a = applySignal(undefined, makeSignal(), ctx(T0), cfg).alert;
    const held = planNotification(a, T0 + 60_000, eventNow, 'sil_abcdef', cfg);
    expect(held.send).toBeNull();
    expect(held.alert.notify.held_by).toBe('sil_abcdef');
    const released = planNotification(held.alert, T0 + 61_000, eventNow, null, cfg);
    expect(released.send?.type).toBe('alert.opened');
    expect(released.alert.notify.held_by).toBeUndefined();
  });

  it('suppresses an alert that flaps between open and resolved (in event time), and speaks again when it settles', () => {
    const quick: LifecycleConfig = { ...cfg, resolveAfterBuckets: 1, maxResolveAfterBuckets: 1, cooldownBuckets: 0, flapThreshold: 4, flapWindowBuckets: 10 };
    let a = applySignal(undefined, makeSignal({ day: day(0) }), ctx(T0), quick).alert;
    a = planNotification(a, T0 + 30_000, Date.parse(a.bucket.end), null, quick).alert;
    let t = T0;
    const sent: string[] = [];
    for (let i = 0; i < 3; i++) {
      t += DAY;
      const quietEnd = Date.parse(a.last_signal.bucket_end) + DAY;
      a = resolveIfQuiet(a, t, quietEnd, quick)!;
      let p = planNotification(a, t + cfg.groupIntervalMs, quietEnd, null, quick);
      if (p.send) sent.push(p.send.type);
      a = p.alert;
      const next = makeSignal({ day: day(3 + i * 3) });
      a = applySignal(a, next, ctx(t + 1), quick).alert;
      p = planNotification(a, t + 2 * cfg.groupIntervalMs, Date.parse(next.bucket.end), null, quick);
      if (p.send) sent.push(p.send.type);
      a = p.alert;
    }
    // open(1) + resolve + reopen reach the threshold; everything after is held.
    expect(sent).toEqual(['alert.resolved', 'alert.opened']);
    expect(a.flapping.active).toBe(true);
    expect(a.notify.held_by).toBe('flapping');
    // Ten quiet buckets of event time later it is no longer flapping and the held change goes out.
    const settled = planNotification(a, t + DAY, Date.parse(a.last_signal.bucket_end) + 11 * DAY, null, quick);
    expect(settled.alert.flapping.active).toBe(false);
    expect(settled.send).not.toBeNull();
  });
});
