import { createMemoryBus, loadTaxonomy, partnerTopic, silentLogger, type Bus, type DeadLetter, type IncidentEvent } from '@tocsin/core';
import { afterEach, describe, expect, it } from 'vitest';
import { buildIngest, type Ingest } from '../src/app';
import type { IngestConfig } from '../src/config';
import { CSV_HEADER, CSV_PARTNER, CSV_TOPIC, JSON_PARTNER, JSON_TOPIC, NOW, csvRow, partnerIncident, testConfig } from './fixtures';

const taxonomy = loadTaxonomy();
const running: Ingest[] = [];
afterEach(async () => {
  for (const ingest of running.splice(0)) await ingest.stop();
});

function startIngest(bus: Bus, config: IngestConfig = testConfig()): Promise<Ingest> {
  const ingest = buildIngest({ bus, partners: [JSON_PARTNER, CSV_PARTNER], taxonomy, config, logger: silentLogger(), clock: () => NOW });
  running.push(ingest);
  return ingest.start().then(() => ingest);
}

async function readAll<T>(bus: Bus, topic: string): Promise<T[]> {
  const out: T[] = [];
  // Watermark control records (header tocsin-record) share incidents.v1 with the events.
  await bus.readToEnd(topic, (m) => void (m.headers['tocsin-record'] ? undefined : out.push(JSON.parse(m.value!.toString()) as T)));
  return out;
}

async function waitFor(what: string, condition: () => Promise<boolean> | boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** JSON incidents NL-0..NL-(n-1) on the JSON partner topic. */
async function sendIncidents(bus: Bus, n: number, overrides: Record<string, unknown> = {}): Promise<void> {
  const producer = await bus.producer();
  await producer.send([
    { topic: JSON_TOPIC, messages: Array.from({ length: n }, (_, i) => ({ key: `NL-${i}`, value: JSON.stringify(partnerIncident({ id: `NL-${i}`, ...overrides })) })) },
  ]);
}

async function newBus(): Promise<Bus> {
  const bus = createMemoryBus({ defaultPartitions: 3, maxRetryDelayMs: 50 });
  await bus.ensureTopics([{ topic: JSON_TOPIC, partitions: 2 }, { topic: CSV_TOPIC, partitions: 1 }]);
  return bus;
}

describe('ingest service on the in-process bus', () => {
  it('normalises JSON and CSV partner records to incidents.v1 and rejects bad ones to dead-letter.v1', async () => {
    const bus = await newBus();
    const ingest = await startIngest(bus);
    await sendIncidents(bus, 5);
    const producer = await bus.producer();
    await producer.send([
      { topic: CSV_TOPIC, messages: [{ key: 'csv', value: `${CSV_HEADER}\n${csvRow({ reference: 'FR-1' })}\n${csvRow({ reference: 'FR-2', pays: 'Nowhere' })}\nshort;row\n` }] },
      { topic: JSON_TOPIC, messages: [{ key: 'bad', value: '{"id":' }] },
    ]);
    await waitFor('8 outcomes', async () => (await readAll(bus, 'incidents.v1')).length === 6 && (await readAll(bus, 'dead-letter.v1')).length === 3);
    const events = await readAll<IncidentEvent>(bus, 'incidents.v1');
    expect(events.map((e) => e.id).sort()).toEqual(['fr-douane:FR-1:r1', ...[0, 1, 2, 3, 4].map((i) => `nl-police:NL-${i}:r1`)]);
    const deadLetters = await readAll<DeadLetter>(bus, 'dead-letter.v1');
    expect(deadLetters.map((d) => d.reason).sort()).toEqual(['bad_csv_row', 'malformed_json', 'unknown_country']);
    expect(ingest.stats().partners).toEqual({
      'nl-police': { accepted: 5, updated: 0, duplicate: 0, rejected: { malformed_json: 1 } },
      'fr-douane': { accepted: 1, updated: 0, duplicate: 0, rejected: { unknown_country: 1, bad_csv_row: 1 } },
    });
  });

  it('keys events by <partner>:<id> and carries their source position', async () => {
    const bus = await newBus();
    await startIngest(bus);
    await sendIncidents(bus, 1);
    await waitFor('one event', async () => (await readAll(bus, 'incidents.v1')).length === 1);
    const messages: { key: string; headers: Record<string, string> }[] = [];
    await bus.readToEnd('incidents.v1', (m) => void (m.headers['tocsin-record'] ? undefined : messages.push({ key: m.key!.toString(), headers: m.headers })));
    expect(messages[0]?.key).toBe('nl-police:NL-0');
    expect(messages[0]?.headers).toMatchObject({ 'tocsin-source-topic': JSON_TOPIC, 'tocsin-source-row': '0' });
  });

  it('counts re-sends as duplicates and changes as updates', async () => {
    const bus = await newBus();
    const ingest = await startIngest(bus);
    await sendIncidents(bus, 3);
    await sendIncidents(bus, 3);
    await sendIncidents(bus, 3, { modality: 'air' });
    await waitFor('all counted', () => {
      const s = ingest.stats().partners['nl-police'];
      return s !== undefined && s.accepted + s.updated + s.duplicate === 9;
    });
    expect(ingest.stats().partners['nl-police']).toMatchObject({ accepted: 3, updated: 3, duplicate: 3 });
    const events = await readAll<IncidentEvent>(bus, 'incidents.v1');
    expect(events.filter((e) => e.revision === 2)).toHaveLength(3);
  });

  it('restores its state from incidents.v1: a full redelivery produces nothing new', async () => {
    const bus = await newBus();
    const first = await startIngest(bus);
    await sendIncidents(bus, 20);
    await waitFor('20 events', async () => (await readAll(bus, 'incidents.v1')).length === 20);
    await first.stop();
    // A new group starts from the beginning: every record is delivered again.
    const second = await startIngest(bus, testConfig({ groupId: 'tocsin-ingest-replay' }));
    await waitFor('20 duplicates', () => second.stats().partners['nl-police']?.duplicate === 20);
    expect(await readAll(bus, 'incidents.v1')).toHaveLength(20);
    expect(second.stats().dedupeEntries).toBe(20);
  });

  it('retries a batch whose send failed after a partial write without loss or duplicates', async () => {
    const bus = await newBus();
    let failures = 1;
    // The broker takes the first half of the batch, then the send fails.
    const flaky: Bus = {
      ...bus,
      async producer() {
        const real = await bus.producer();
        return {
          async send(batches) {
            if (failures > 0 && batches.some((b) => b.messages.length > 1)) {
              failures--;
              await real.send(batches.map((b) => ({ ...b, messages: b.messages.slice(0, Math.floor(b.messages.length / 2)) })));
              throw new Error('request timed out');
            }
            await real.send(batches);
          },
          maxRecordBytes: (t) => real.maxRecordBytes(t),
          close: () => real.close(),
        };
      },
    };
    const ingest = await startIngest(flaky);
    await sendIncidents(bus, 10);
    await waitFor('10 accepted', () => {
      const s = ingest.stats().partners['nl-police'];
      return s !== undefined && s.accepted + s.duplicate === 10;
    });
    const ids = (await readAll<IncidentEvent>(bus, 'incidents.v1')).map((e) => e.id);
    expect(failures).toBe(0);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(10);
  });

  it('dead-letters records of a partner topic without config, including topics created later', async () => {
    const bus = await newBus();
    const ingest = await startIngest(bus);
    await bus.ensureTopics([{ topic: partnerTopic('be-police'), partitions: 1 }]);
    const producer = await bus.producer();
    await producer.send([{ topic: partnerTopic('be-police'), messages: [{ key: null, value: JSON.stringify(partnerIncident({ partner: 'be-police' })) }] }]);
    await waitFor('one dead letter', async () => (await readAll(bus, 'dead-letter.v1')).length === 1);
    const [dl] = await readAll<DeadLetter>(bus, 'dead-letter.v1');
    expect(dl).toMatchObject({ reason: 'unknown_partner', partner: 'be-police' });
    expect(ingest.stats().partners['be-police']?.rejected).toEqual({ unknown_partner: 1 });
  });

  it('undoes a start when stopped during it, and refuses to start twice', async () => {
    const bus = await newBus();
    const ingest = buildIngest({ bus, partners: [JSON_PARTNER], taxonomy, config: testConfig(), logger: silentLogger(), clock: () => NOW });
    const starting = ingest.start();
    await ingest.stop();
    await starting;
    await sendIncidents(bus, 3);
    await new Promise((r) => setTimeout(r, 100));
    expect(await readAll(bus, 'incidents.v1')).toHaveLength(0);
    await expect(ingest.start()).rejects.toThrow(/cannot start: it is stopped/);
  });
});
