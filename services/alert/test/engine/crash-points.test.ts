// "A crash at any point re-delivers with the same webhook-id": the bus fails one
// write at a chosen point of the signal → alert → delivery chain; the batch is
// then re-read (nothing was committed) and the receiver must still get exactly
// one webhook-id, delivered once. The bus is the real in-process bus with one
// write refused, which is what a broker outage looks like to the service.
import { createMemoryBus, encodeEvent, silentLogger, type Bus, type TopicBatch } from '@tocsin/core';
import { describe, expect, it, onTestFinished } from 'vitest';
import { buildAlert } from '../../src/app';
import { generateSecret } from '../../src/delivery/signing';
import { eventually, startReceiver, testConfig } from '../helpers/app';
import { makeSignal } from '../helpers/signals';

/** The in-process bus, refusing the `n`-th send that writes to `topic`. */
function failingOnce(bus: Bus, topic: string, n: number): Bus & { failed: () => boolean } {
  let seen = 0;
  let failed = false;
  return {
    ...bus,
    kind: bus.kind,
    ensureTopics: (s) => bus.ensureTopics(s),
    listTopics: () => bus.listTopics(),
    subscribe: (o) => bus.subscribe(o),
    readToEnd: (t, f, p) => bus.readToEnd(t, f, p),
    endOffsets: (t) => bus.endOffsets(t),
    close: () => bus.close(),
    failed: () => failed,
    async producer() {
      const inner = await bus.producer();
      return {
        close: () => inner.close(),
        maxRecordBytes: (t: string) => inner.maxRecordBytes(t),
        async send(batches: TopicBatch[]) {
          if (batches.some((b) => b.topic === topic) && ++seen === n) {
            failed = true;
            throw new Error(`injected failure writing to ${topic}`);
          }
          return inner.send(batches);
        },
      };
    },
  };
}

describe.each([
  ['the alert write of the batch', 'alerts.v1', 1],
  ['the scheduled-delivery write', 'deliveries.v1', 1],
  ['the notified-state write after deliveries were scheduled', 'alerts.v1', 2],
  ['the first attempt record', 'deliveries.v1', 2],
])('a failure at %s', (_what, topic, n) => {
  it('still delivers exactly one webhook-id', async () => {
    const secret = generateSecret();
    const receiver = await startReceiver({ secrets: () => [secret] });
    const memory = createMemoryBus({ maxRetryDelayMs: 50 });
    const bus = failingOnce(memory, topic, n);
    const app = buildAlert({ bus, config: testConfig(), logger: silentLogger() });
    await app.start();
    onTestFinished(() => app.stop());
    await app.subscriptions.create({ kind: 'admin' }, { agency: 'nl-police', agency_country: 'NL', endpoint_url: receiver.url, secret });
    const p = await memory.producer();
    await p.send([{ topic: 'signals.v1', messages: [{ key: 's', value: encodeEvent(makeSignal()) }] }]);
    await p.close();
    await eventually(() => app.deliveries.list({ kind: 'admin' }, { state: 'delivered' }).length === 1, 'a delivered record');
    await new Promise((r) => setTimeout(r, 300));
    expect(bus.failed()).toBe(true);
    expect(new Set(receiver.received().map((r) => r.id)).size).toBe(1);
    expect(app.deliveries.list({ kind: 'admin' })).toHaveLength(1);
  });
});
