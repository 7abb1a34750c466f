import { createMemoryBus, decodeJson, encodeEvent, silentLogger, type AlertAction, type Bus } from '@tocsin/core';
import { describe, expect, it, onTestFinished } from 'vitest';
import { buildAlert } from '../../src/app';
import { generateSecret } from '../../src/delivery/signing';
import { matcherSelects } from '../../src/engine/silences';
import { isAlertError } from '../../src/errors';
import { eventually, startReceiver, startTestApp, testConfig } from '../helpers/app';
import { makeSignal } from '../helpers/signals';

const admin = { kind: 'admin' } as const;

async function publish(bus: Bus, signal = makeSignal()): Promise<void> {
  const p = await bus.producer();
  await p.send([{ topic: 'signals.v1', messages: [{ key: signal.id, value: encodeEvent(signal) }] }]);
  await p.close();
}

describe('AlertEngine', () => {
  it('turns a signal into an alert and records desk actions with actor and time', async () => {
    const { app, bus } = await startTestApp();
    await publish(bus);
    const [alert] = (await eventually(() => app.engine.list().alerts.length === 1 && app.engine.list().alerts, 'an alert'))!;
    await app.engine.acknowledge(alert!.id, { actor: 'desk-officer-1', comment: 'looking into it' });
    await app.engine.assign(alert!.id, { actor: 'desk-lead', assignee: 'analyst-7' });
    const labelled = await app.engine.label(alert!.id, { actor: 'analyst-7', label: 'true_positive', comment: 'confirmed by seizure' });
    expect(labelled.desk).toMatchObject({
      acknowledged: { by: 'desk-officer-1', comment: 'looking into it' },
      assignee: { to: 'analyst-7', by: 'desk-lead' },
      label: { value: 'true_positive', by: 'analyst-7' },
    });
    expect(labelled.desk.actions.map((a) => [a.action, a.actor])).toEqual([
      ['acknowledge', 'desk-officer-1'],
      ['assign', 'desk-lead'],
      ['label', 'analyst-7'],
    ]);
    const events: AlertAction[] = [];
    await bus.readToEnd('alerts.v1', (m) => {
      const v = decodeJson(m.value) as AlertAction;
      if (v.type === 'alert-action') events.push(v);
    });
    // Action events are keyed per action, so they spread over partitions: compare as a set.
    expect(events.map((e) => e.action).sort()).toEqual(['acknowledge', 'assign', 'label']);
    expect(app.engine.list({ label: 'true_positive', acknowledged: true }).total).toBe(1);
    expect(app.engine.list({ country: 'FR' }).total).toBe(0);
    await expect(app.engine.label('al_000000000000000000000000', { actor: 'x', label: 'false_positive' })).rejects.toSatisfy((e) => isAlertError(e, 'ALERT_NOT_FOUND'));
  });

  it('EARS C1 and C2 firing on one dimension yield one alert, and one webhook, naming both', async () => {
    const secret = generateSecret();
    const receiver = await startReceiver({ secrets: () => [secret] });
    const { app, bus } = await startTestApp({ overrides: { lifecycle: { groupWaitMs: 300 } } });
    await app.subscriptions.create(admin, { agency: 'nl-police', agency_country: 'NL', endpoint_url: receiver.url, secret });
    await publish(bus, makeSignal({ detector: 'ears-c1', severity: 'medium', rankScore: 22 }));
    await publish(bus, makeSignal({ detector: 'ears-c2', severity: 'high', rankScore: 33 }));
    await eventually(() => app.engine.stats().signals_applied === 2, 'both signals applied');
    const { alerts } = app.engine.list();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.detectors.map((d) => d.id)).toEqual(['ears-c1', 'ears-c2']);
    expect(alerts[0]).toMatchObject({ detector: { id: 'ears-c2' }, severity: 'high' });
    expect(app.engine.list({ detector: 'ears-c1' }).total).toBe(1);
    await eventually(() => receiver.received().length === 1, 'one webhook');
    const body = JSON.parse(receiver.received()[0]!.body) as { type: string; data: { alert: { detectors: string[]; alert_id: string } } };
    expect(body.type).toBe('alert.opened');
    expect(body.data.alert).toMatchObject({ alert_id: alerts[0]!.id, detectors: ['ears-c1', 'ears-c2'] });
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.received()).toHaveLength(1);
  });

  it('opens and resolves in event time: weeks of wall clock do not resolve an alert, quiet buckets do', async () => {
    const bus = createMemoryBus({ defaultPartitions: 3, maxRetryDelayMs: 100 });
    let wall = Date.parse('2026-11-21T08:00:00Z');
    const app = buildAlert({ bus, config: testConfig(), logger: silentLogger(), clock: () => wall });
    await app.start();
    onTestFinished(() => app.stop());
    const other = { dimensionKey: 'DE>PL|land', attributes: { origin: 'DE', destination: 'PL', modality: 'land' } } as const;
    await publish(bus, makeSignal({ day: '2026-11-02' }));
    const alert = await eventually(() => app.engine.list().alerts[0], 'an alert');
    wall += 30 * 86_400_000;
    await publish(bus, makeSignal({ day: '2026-11-03', ...other }));
    await eventually(() => app.engine.stats().signals_applied === 2, 'second signal');
    await new Promise((r) => setTimeout(r, 1_100)); // a full scan of the engine's timer
    expect(app.engine.get(alert.id).status).toBe('open');
    // Days 3, 4 and 5 quiet (N = 3, the default): a signal of day 6 elsewhere closes the quiet span.
    await publish(bus, makeSignal({ day: '2026-11-05', ...other }));
    await eventually(() => app.engine.stats().signals_applied === 3, 'third signal');
    await new Promise((r) => setTimeout(r, 1_100));
    expect(app.engine.get(alert.id).status).toBe('open');
    await publish(bus, makeSignal({ day: '2026-11-06', ...other }));
    await eventually(() => app.engine.get(alert.id).status === 'resolved', 'resolved in event time');
    expect(app.engine.get(alert.id).event_time).toEqual({ opened: '2026-11-02T00:00:00.000Z', resolved: '2026-11-06T00:00:00.000Z' });
  });

  it('restores alerts, desk state and silences after a restart', async () => {
    const bus = createMemoryBus();
    const { app } = await startTestApp({ bus });
    await publish(bus);
    const alert = await eventually(() => app.engine.list().alerts[0], 'an alert');
    await app.engine.acknowledge(alert.id, { actor: 'desk' });
    const silence = await app.engine.silence({ actor: 'desk', matchers: [{ name: 'country', op: '=', value: 'NL' }], durationMs: 3_600_000 });
    await app.stop();
    const again = buildAlert({ bus, config: testConfig(), logger: silentLogger() });
    await again.start();
    try {
      expect(again.engine.get(alert.id)).toMatchObject({ id: alert.id, revision: alert.revision, desk: { acknowledged: { by: 'desk' } } });
      expect(again.engine.silences().map((s) => s.id)).toEqual([silence.id]);
    } finally {
      await again.stop();
    }
  });

  it('holds notifications of silenced alerts and sends them when the silence is expired', async () => {
    const secret = generateSecret();
    const receiver = await startReceiver({ secrets: () => [secret] });
    const { app, bus } = await startTestApp();
    await app.subscriptions.create(admin, { agency: 'nl-police', agency_country: 'NL', endpoint_url: receiver.url, secret });
    const silence = await app.engine.silence({ actor: 'desk', matchers: [{ name: 'dimension_key', op: '=~', value: 'CO>.*' }], durationMs: 60_000, comment: 'known operation' });
    await publish(bus);
    const alert = await eventually(() => app.engine.list().alerts[0], 'an alert');
    await eventually(() => app.engine.get(alert.id).notify.held_by === silence.id, 'held by the silence');
    expect(receiver.received()).toHaveLength(0);
    await app.engine.expireSilence(silence.id, { actor: 'desk' });
    await eventually(() => receiver.received().length === 1, 'delivery after the silence');
    expect(JSON.parse(receiver.received()[0]!.body).type).toBe('alert.opened');
  });

  it('resumes a pending retry after a restart with the same webhook-id', async () => {
    const secret = generateSecret();
    let failing = true;
    const receiver = await startReceiver({ secrets: () => [secret], respond: () => ({ status: failing ? 500 : 200 }) });
    const bus = createMemoryBus();
    const { app } = await startTestApp({ bus, overrides: { delivery: { retryBaseMs: 200, retryMaxDelayMs: 300 } } });
    await app.subscriptions.create(admin, { agency: 'nl-police', agency_country: 'NL', endpoint_url: receiver.url, secret });
    await publish(bus);
    const first = await eventually(() => receiver.received()[0], 'a first failed attempt');
    await app.stop();
    failing = false;
    const again = buildAlert({ bus, config: testConfig({ delivery: { retryBaseMs: 200, retryMaxDelayMs: 300 } }), logger: silentLogger() });
    await again.start();
    try {
      const delivered = await eventually(() => again.deliveries.list(admin, { state: 'delivered' })[0], 'delivery after restart');
      expect(delivered.id).toBe(first.id);
      expect(new Set(receiver.received().map((r) => r.id))).toEqual(new Set([first.id]));
      expect(again.engine.stats().alerts).toBe(1);
    } finally {
      await again.stop();
    }
  });

  it('dead-letters signals that break the schema and keeps going', async () => {
    const { app, bus } = await startTestApp();
    const p = await bus.producer();
    await p.send([{ topic: 'signals.v1', messages: [{ key: 'x', value: '{"type":"signal"}' }, { key: 'y', value: 'not json' }] }]);
    await p.close();
    await publish(bus);
    await eventually(() => app.stats().signals_rejected === 2 && app.engine.stats().alerts === 1, 'two rejects and one alert');
    const reasons: string[] = [];
    await bus.readToEnd('dead-letter.v1', (m) => void reasons.push((decodeJson(m.value) as { reason: string }).reason));
    expect(reasons.sort()).toEqual(['malformed_json', 'schema_violation']);
  });

  it('silence matchers follow Alertmanager semantics (anchored regex, negation, multi-valued country)', async () => {
    const { app, bus } = await startTestApp();
    await publish(bus);
    const alert = await eventually(() => app.engine.list().alerts[0], 'an alert');
    expect(matcherSelects({ name: 'country', op: '=', value: 'DO' }, alert)).toBe(true);
    expect(matcherSelects({ name: 'country', op: '!=', value: 'DO' }, alert)).toBe(false);
    expect(matcherSelects({ name: 'detector', op: '=~', value: 'ears' }, alert)).toBe(false);
    expect(matcherSelects({ name: 'detector', op: '=~', value: 'ears.*' }, alert)).toBe(true);
    expect(matcherSelects({ name: 'severity', op: '!~', value: 'low|info' }, alert)).toBe(true);
    await expect(app.engine.silence({ actor: 'd', matchers: [{ name: 'detector', op: '=~', value: '(' }], durationMs: 1000 })).rejects.toSatisfy((e) => isAlertError(e, 'ACTION_INVALID'));
    await expect(app.engine.silence({ actor: 'd', matchers: [], durationMs: 1000 })).rejects.toSatisfy((e) => isAlertError(e, 'ACTION_INVALID'));
  });
});
