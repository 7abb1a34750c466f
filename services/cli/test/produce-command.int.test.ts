// `tocsin produce` against the real test Kafka, on a partner topic of its own: the accepted
// rows land keyed by incident id, as the partner sends them (header plus one row); the bad
// rows are reported with ingest's reasons and not sent (or sent as they are with
// --send-rejected); the counts are printed; a missing topic is exit 3.
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createKafkaBus, partnerTopic, silentLogger } from '@tocsin/core';
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { testKafkaClient } from '../../../test/helpers/kafka';
import { runProduceCommand } from '../src/produce-command';
import { memoryIo } from './io';
import { writeSurgeFiles } from './helpers/surge-file';

const brokers = inject('kafkaBrokers');

async function deleteAfterTest(topic: string): Promise<void> {
  onTestFinished(async () => {
    const admin = testKafkaClient(brokers, 'tocsin-test-admin').admin();
    await admin.connect();
    try {
      await admin.deleteTopics({ topics: [topic] });
    } finally {
      await admin.disconnect();
    }
  });
}

async function readTopic(topic: string): Promise<Array<{ key: string | null; value: string; contentType: string | undefined }>> {
  const bus = createKafkaBus({ brokers: brokers.split(','), clientId: `produce-it-${randomUUID().slice(0, 8)}`, logger: silentLogger() });
  onTestFinished(() => bus.close());
  const out: Array<{ key: string | null; value: string; contentType: string | undefined }> = [];
  await bus.readToEnd(topic, (m) => void out.push({ key: m.key?.toString() ?? null, value: m.value?.toString() ?? '', contentType: m.headers['content-type'] }));
  return out;
}

describe('tocsin produce (real Kafka)', () => {
  it('sends the accepted rows keyed by incident id, reports the rejected ones, prints the counts', async () => {
    const partner = `it-${randomUUID().slice(0, 8)}`;
    const topic = partnerTopic(partner);
    await deleteAfterTest(topic);
    const files = writeSurgeFiles(partner);
    const env = { KAFKA_BROKERS: brokers };

    const first = memoryIo();
    expect(await runProduceCommand(['--partner', partner, '--mapping', files.mapping, '--create-topic', '3', files.csv], first.io, env)).toBe(1);
    expect(first.err()).toContain('rejected schema_violation 1\n  line 51: column "Date" (occurred_at): "32/13/2021" is not a date in "dd/MM/yyyy" or ISO 8601');
    expect(first.err()).toContain('rejected unknown_country 1\n  line 81: column "Country": /country: "Atlantis" is not an ISO 3166-1 code or a known country name');
    expect(first.err()).toMatch(new RegExp(`produce: ${files.good}/${files.good} records acknowledged by ${topic.replaceAll('.', '\\.')} \\(\\d+ records/s\\)`));
    expect(first.out()).toMatch(new RegExp(`surge\\.csv: ${files.good + files.bad} records checked in [\\d.]+ s; sent ${files.good} to ${topic.replaceAll('.', '\\.')} in [\\d.]+ s \\(\\d+ records/s\\)`));
    expect(first.out()).toContain(`accepted ${files.good}, duplicates of an earlier row 0 (ingest skips them), rejected 2 (not sent); not sent in all 2`);

    const landed = await readTopic(topic);
    expect(landed).toHaveLength(files.good);
    expect(new Set(landed.map((r) => r.key)).size).toBe(files.good);
    expect(landed.every((r) => r.contentType === 'text/csv' && r.value.startsWith('Ref,Date,Reported,Country,From,To,Method\n'))).toBe(true);
    expect(landed.find((r) => r.key === 'A1')?.value).toBe('Ref,Date,Reported,Country,From,To,Method\nA1,04/01/2021,05/01/2021,Netherlands,Morocco,Netherlands,concealment.vehicle\n');
    expect(landed.some((r) => r.value.includes('Atlantis'))).toBe(false);

    // Again into the existing topic, the bad rows too, as they are (ingest dead-letters them).
    const again = memoryIo();
    expect(await runProduceCommand(['--partner', partner, '--mapping', files.mapping, '--send-rejected', '--quiet', files.csv], again.io, env)).toBe(1);
    expect(again.out()).toContain(`sent ${files.good + files.bad} to`);
    expect(again.out()).toContain('rejected 2 (sent as they are: ingest dead-letters them); not sent in all 0');
    expect(again.err()).not.toContain('produce: ');
    const all = await readTopic(topic);
    expect(all).toHaveLength(2 * files.good + files.bad);
    expect(all.filter((r) => r.key === null).map((r) => r.value.split('\n')[1])).toEqual(expect.arrayContaining([expect.stringContaining('Atlantis'), expect.stringContaining('32/13/2021')]));
  });

  it('sends canonical JSON lines without a mapping (exit 0), and stops with exit 3 when the topic does not exist', async () => {
    const partner = `it-${randomUUID().slice(0, 8)}`;
    const files = writeSurgeFiles(partner);
    const ndjson = join(files.dir, 'incidents.ndjson');
    writeFileSync(ndjson, `${JSON.stringify({
      id: 'j1', occurred_at: '2021-01-02T00:00:00Z', reported_at: '2021-01-03T00:00:00Z', country: 'NL', category: '0601',
      route: { origin: 'MA', transit: [], destination: 'NL' }, modality: 'land', methods: ['concealment.vehicle'], technologies: [], commodities: [],
      handling: { tlp: 'GREEN', handling_code: 'H0', source_reliability: 'B', information_credibility: '2' },
    })}\n`);
    const env = { KAFKA_BROKERS: brokers };
    const missing = memoryIo();
    expect(await runProduceCommand(['--partner', partner, ndjson], missing.io, env)).toBe(3);
    expect(missing.err()).toContain(`topic ${partnerTopic(partner)} does not exist on ${brokers}; create it (docs/operations.md) or pass --create-topic PARTITIONS`);

    await deleteAfterTest(partnerTopic(partner));
    const sent = memoryIo();
    expect(await runProduceCommand(['--partner', partner, '--create-topic', '1', ndjson], sent.io, env)).toBe(0);
    expect(sent.out()).toContain('accepted 1, duplicates of an earlier row 0 (ingest skips them), rejected 0; not sent in all 0');
    const landed = await readTopic(partnerTopic(partner));
    expect(landed.map((r) => [r.key, r.contentType])).toEqual([['j1', 'application/json']]);
  });
});
