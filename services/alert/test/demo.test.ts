// The alerting part of `npm start`: a signal reaches the demo receiver, signed and verified.
import { createMemoryBus, encodeEvent, silentLogger } from '@tocsin/core';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startAlertDemo } from '../src/demo';
import { eventually } from './helpers/app';
import { makeSignal } from './helpers/signals';

describe('alert demo', () => {
  it('delivers to the demo receiver and shows it on the receiver page', async () => {
    const bus = createMemoryBus();
    const demo = await startAlertDemo({ bus, logger: silentLogger(), country: 'NL', overrides: { lifecycle: { groupWaitMs: 0 } } });
    onTestFinished(() => demo.stop());
    const p = await bus.producer();
    await p.send([{ topic: 'signals.v1', messages: [{ key: 'k', value: encodeEvent(makeSignal()) }] }]);
    await p.close();
    const got = await eventually(() => demo.receiver.received()[0], 'demo webhook');
    expect(got.verified).toBe(true);
    const page = await (await fetch(demo.receiver.url)).text();
    expect(page).toContain(got.id);
    expect(page).toContain('verified');
  });

  it('allows only its own receiver on loopback, not other loopback ports (issue 9 finding 6)', async () => {
    const demo = await startAlertDemo({ bus: createMemoryBus(), logger: silentLogger() });
    onTestFinished(() => demo.stop());
    const port = Number(new URL(demo.receiver.url).port);
    const attempt = (endpoint_url: string) => demo.app.subscriptions.create({ kind: 'admin' }, { agency: 'nl-police', agency_country: 'NL', endpoint_url, filters: {} });
    await expect(attempt(demo.receiver.url)).resolves.toBeDefined();
    for (const url of [`http://127.0.0.1:${port + 1}/`, 'http://127.0.0.1:22/', `http://127.0.0.2:${port}/`, `http://[::7f00:1]:${port}/`]) {
      await expect(attempt(url), url).rejects.toThrow(/loopback|private/);
    }
  });

  it('allows an endpoint an override names (the soak benchmark\'s receiver) beside its own, and no other', async () => {
    const extra = '127.0.0.1:9';
    const demo = await startAlertDemo({ bus: createMemoryBus(), logger: silentLogger(), overrides: { delivery: { ssrf: { allowEndpoints: [extra] } } } });
    onTestFinished(() => demo.stop());
    const attempt = (endpoint_url: string) => demo.app.subscriptions.create({ kind: 'admin' }, { agency: 'nl-police', agency_country: 'NL', endpoint_url, filters: {} });
    await expect(attempt(demo.receiver.url)).resolves.toBeDefined();
    await expect(attempt(`http://${extra}/`)).resolves.toBeDefined();
    await expect(attempt('http://127.0.0.1:10/')).rejects.toThrow(/loopback|private/);
  });
});
