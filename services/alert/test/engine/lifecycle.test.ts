import type { Alert } from '@tocsin/core';
import { compileValidator } from '@tocsin/core';
import { describe, expect, it } from 'vitest';
import type { LifecycleConfig } from '../../src/config';
import { applySignal, planNotification, resolveIfQuiet } from '../../src/engine/lifecycle';
import { evidence, makeSignal } from '../helpers/signals';

const cfg: LifecycleConfig = { groupWaitMs: 30_000, groupIntervalMs: 300_000, repeatIntervalMs: 3_600_000, resolveAfterBuckets: 2, flapThreshold: 4, flapWindowMs: 86_400_000 * 30 };
const T0 = Date.parse('2026-11-21T08:00:00Z');
const DAY = 86_400_000;
const validAlert = compileValidator<Alert>('alert.v1');
const ctx = (now: number) => ({ now, source: 'alert/test' });

function valid(a: Alert): Alert {
  const r = validAlert(a);
  if (!r.ok) throw new Error(`alert invalid at ${r.errors[0]?.pointer}: ${r.errors[0]?.message}`);
  return a;
}

describe('alert lifecycle', () => {
  it('opens one alert per (detector, dimension) with a stable id', () => {
    const a = applySignal(undefined, makeSignal(), ctx(T0), cfg);
    const b = applySignal(undefined, makeSignal({ day: '2026-11-25' }), ctx(T0 + DAY), cfg);
    const other = applySignal(undefined, makeSignal({ detector: 'cusum' }), ctx(T0), cfg);
    expect(a.alert.id).toMatch(/^al_[0-9a-f]{24}$/);
    expect(b.alert.id).toBe(a.alert.id);
    expect(other.alert.id).not.toBe(a.alert.id);
    expect(valid(a.alert)).toMatchObject({ revision: 1, episode: 1, status: 'open', severity: 'high' });
    expect(a.alert.notify.due_at).toBe(new Date(T0 + cfg.groupWaitMs).toISOString());
  });

  it('revises on severity change and when a third country joins, not on a plain repeat', () => {
    const opened = applySignal(undefined, makeSignal(), ctx(T0), cfg).alert;
    const same = applySignal(opened, makeSignal({ day: '2026-11-21' }), ctx(T0 + 1000), cfg);
    expect(same.revised).toBe(false);
    expect(same.alert.revision).toBe(1);
    const critical = applySignal(same.alert, makeSignal({ day: '2026-11-22', severity: 'critical' }), ctx(T0 + 2000), cfg);
    expect(critical).toMatchObject({ revised: true, reason: 'severity' });
    expect(critical.alert.revision).toBe(2);
    const third = applySignal(critical.alert, makeSignal({ day: '2026-11-22', severity: 'critical', evidence: [evidence('fr-dgddi', 'FR', 7)] }), ctx(T0 + 3000), cfg);
    expect(third).toMatchObject({ revised: true, reason: 'scope' });
    expect(third.alert.countries).toContain('FR');
    expect(valid(third.alert).history.map((h) => h.reason)).toEqual(['opened', 'severity', 'scope']);
  });

  it('a late signal from an older bucket widens the basis but does not set severity', () => {
    const opened = applySignal(undefined, makeSignal({ day: '2026-11-22', severity: 'medium' }), ctx(T0), cfg).alert;
    const late = applySignal(opened, makeSignal({ day: '2026-11-20', severity: 'critical' }), ctx(T0 + 1), cfg);
    expect(late.alert.severity).toBe('medium');
    expect(late.alert.last_signal.bucket_end).toBe(opened.last_signal.bucket_end);
  });

  it('resolves after N quiet buckets in event time, and reopens as a new episode', () => {
    const opened = applySignal(undefined, makeSignal({ day: '2026-11-20' }), ctx(T0), cfg).alert;
    const bucketEnd = Date.parse('2026-11-21T00:00:00Z');
    expect(resolveIfQuiet(opened, T0 + 1000, bucketEnd + DAY, cfg)).toBeNull();
    const resolved = resolveIfQuiet(opened, T0 + 1000, bucketEnd + 2 * DAY, cfg)!;
    expect(valid(resolved)).toMatchObject({ status: 'resolved', revision: 2 });
    // A replayed signal of the finished episode does not reopen it.
    expect(applySignal(resolved, makeSignal({ day: '2026-11-20' }), ctx(T0 + 2000), cfg).revised).toBe(false);
    const reopened = applySignal(resolved, makeSignal({ day: '2026-11-24' }), ctx(T0 + 3000), cfg);
    expect(reopened).toMatchObject({ revised: true, reason: 'reopened' });
    expect(reopened.alert).toMatchObject({ id: opened.id, episode: 2, revision: 3, status: 'open' });
  });

  it('also resolves on the wall clock when no signal of that granularity arrives at all', () => {
    const opened = applySignal(undefined, makeSignal(), ctx(T0), cfg).alert;
    expect(resolveIfQuiet(opened, T0 + 2 * DAY - 1, undefined, cfg)).toBeNull();
    expect(resolveIfQuiet(opened, T0 + 2 * DAY, undefined, cfg)?.status).toBe('resolved');
  });
});

describe('notification grouping (group wait, group interval, repeat interval)', () => {
  it('waits group_wait, coalesces revisions made meanwhile into one "opened"', () => {
    let a = applySignal(undefined, makeSignal(), ctx(T0), cfg).alert;
    expect(planNotification(a, T0 + 29_999, null, cfg).send).toBeNull();
    a = applySignal(a, makeSignal({ severity: 'critical' }), ctx(T0 + 10_000), cfg).alert;
    const plan = planNotification(a, T0 + 30_000, null, cfg);
    expect(plan.send).toEqual({ type: 'alert.opened', revision: 2, repeat: 0 });
    expect(valid(plan.alert).notify).toMatchObject({ pending_revision: null, last_revision: 2, last_status: 'open' });
  });

  it('sends later changes no sooner than group_interval after the last notification', () => {
    let a = applySignal(undefined, makeSignal(), ctx(T0), cfg).alert;
    a = planNotification(a, T0 + 30_000, null, cfg).alert;
    a = applySignal(a, makeSignal({ severity: 'critical' }), ctx(T0 + 40_000), cfg).alert;
    expect(a.notify.due_at).toBe(new Date(T0 + 30_000 + cfg.groupIntervalMs).toISOString());
    expect(planNotification(a, T0 + 300_000, null, cfg).send).toBeNull();
    expect(planNotification(a, T0 + 330_000, null, cfg).send).toEqual({ type: 'alert.updated', revision: 2, repeat: 0 });
  });

  it('repeats an unchanged open alert after repeat_interval with a new repeat number', () => {
    let a = applySignal(undefined, makeSignal(), ctx(T0), cfg).alert;
    a = planNotification(a, T0 + 30_000, null, cfg).alert;
    expect(planNotification(a, T0 + 30_000 + cfg.repeatIntervalMs - 1, null, cfg).send).toBeNull();
    const r1 = planNotification(a, T0 + 30_000 + cfg.repeatIntervalMs, null, cfg);
    expect(r1.send).toEqual({ type: 'alert.updated', revision: 1, repeat: 1 });
    expect(planNotification(r1.alert, T0 + 30_000 + 2 * cfg.repeatIntervalMs, null, cfg).send?.repeat).toBe(2);
  });

  it('does not announce the resolution of an alert nobody was told about', () => {
    const a = applySignal(undefined, makeSignal(), ctx(T0), cfg).alert;
    const resolved = resolveIfQuiet(a, T0 + 1, Date.parse('2026-11-24T00:00:00Z'), cfg)!;
    expect(resolved.notify.pending_revision).toBeNull();
    expect(planNotification(resolved, T0 + DAY, null, cfg).send).toBeNull();
  });

  it('announces the resolution of a notified alert', () => {
    let a = applySignal(undefined, makeSignal(), ctx(T0), cfg).alert;
    a = planNotification(a, T0 + 30_000, null, cfg).alert;
    a = resolveIfQuiet(a, T0 + 3 * DAY, undefined, cfg)!;
    expect(planNotification(a, T0 + 3 * DAY, null, cfg).send).toEqual({ type: 'alert.resolved', revision: 2, repeat: 0 });
  });

  it('holds notifications while silenced and sends them once the silence is gone', () => {
    const a = applySignal(undefined, makeSignal(), ctx(T0), cfg).alert;
    const held = planNotification(a, T0 + 60_000, 'sil_abcdef', cfg);
    expect(held.send).toBeNull();
    expect(held.alert.notify.held_by).toBe('sil_abcdef');
    const released = planNotification(held.alert, T0 + 61_000, null, cfg);
    expect(released.send?.type).toBe('alert.opened');
    expect(released.alert.notify.held_by).toBeUndefined();
  });

  it('suppresses an alert that flaps between open and resolved, and speaks again when it settles', () => {
    const quick: LifecycleConfig = { ...cfg, flapThreshold: 4, flapWindowMs: 10 * DAY };
    let a = applySignal(undefined, makeSignal({ day: '2026-11-01' }), ctx(T0), quick).alert;
    a = planNotification(a, T0 + 30_000, null, quick).alert;
    let t = T0;
    const sent: string[] = [];
    for (let i = 0; i < 3; i++) {
      t += DAY;
      a = resolveIfQuiet(a, t, Date.parse(a.last_signal.bucket_end) + 2 * DAY, quick)!;
      let p = planNotification(a, t + cfg.groupIntervalMs, null, quick);
      if (p.send) sent.push(p.send.type);
      a = p.alert;
      a = applySignal(a, makeSignal({ day: `2026-11-${String(5 + i * 4).padStart(2, '0')}` }), ctx(t + 1), quick).alert;
      p = planNotification(a, t + 2 * cfg.groupIntervalMs, null, quick);
      if (p.send) sent.push(p.send.type);
      a = p.alert;
    }
    // open(1) + resolve + reopen reach the threshold; everything after is held.
    expect(sent).toEqual(['alert.resolved', 'alert.opened']);
    expect(a.flapping.active).toBe(true);
    expect(a.notify.held_by).toBe('flapping');
    // Ten quiet days later it is no longer flapping and the held change goes out.
    const settled = planNotification(a, t + 11 * DAY, null, quick);
    expect(settled.alert.flapping.active).toBe(false);
    expect(settled.send).not.toBeNull();
  });
});
