// The ingest service against a real Kafka broker. Each test has its own partners (unique
// ids, so its own partner.<id>.incidents topics), its own output topics and consumer
// group, so tests never see each other's records.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createKafkaBus, loadTaxonomy, partnerTopic, silentLogger, type DeadLetter, type IncidentEvent, type PartnerConfig } from '@tocsin/core';
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { consumeUntil, createProducer, incidentsOf, testKafkaClient } from '../../../test/helpers/kafka';
import { buildIngest } from '../src/app';
import { ingestConfig } from '../src/config';
import { decryptDeadLetterOriginal } from '../src/dead-letter';
import { CSV_HEADER, CSV_PARTNER, JSON_PARTNER, csvRow, partnerIncident } from './fixtures';

const brokers = inject('kafkaBrokers');
const MAIN = resolve(import.meta.dirname, '../src/main.ts');

interface TestWorld {
  run: string;
  jsonPartner: PartnerConfig;
  csvPartner: PartnerConfig;
  incidentsTopic: string;
  deadLetterTopic: string;
  pattern: string;
  groupId: string;
}

/** Partners and topics unique to one test, deleted after it. */
async function createWorld(): Promise<TestWorld> {
  const run = `t${randomUUID().slice(0, 8)}`;
  const world: TestWorld = {
    run,
    jsonPartner: { ...JSON_PARTNER, id: `${run}-json` },
    csvPartner: { ...CSV_PARTNER, id: `${run}-csv` },
    incidentsTopic: `${run}.incidents.v1`,
    deadLetterTopic: `${run}.dead-letter.v1`,
    pattern: `^partner\\.(${run}-[a-z]+)\\.incidents$`,
    groupId: `${run}-ingest`,
  };
  const topics = [partnerTopic(world.jsonPartner.id), partnerTopic(world.csvPartner.id), partnerTopic(`${run}-ghost`)];
  const admin = testKafkaClient(brokers, 'tocsin-ingest-int').admin();
  await admin.connect();
  try {
    // kafkajs' waitForLeaders can fail with "This server does not host this topic-partition"
    // while metadata of a just-created topic propagates: wait for the leaders here instead.
    await admin.createTopics({ waitForLeaders: false, topics: topics.map((topic) => ({ topic, numPartitions: 3 })) });
    for (let attempt = 1; ; attempt++) {
      const ready = await admin
        .fetchTopicMetadata({ topics })
        .then((metadata) => metadata.topics.every((t) => t.partitions.length === 3 && t.partitions.every((p) => p.leader >= 0)))
        .catch(() => false);
      if (ready) break;
      if (attempt >= 50) throw new Error(`topics ${topics.join(', ')} have no leaders after ${attempt} attempts`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await admin.disconnect();
  }
  onTestFinished(async () => {
    const cleanup = testKafkaClient(brokers, 'tocsin-ingest-int').admin();
    await cleanup.connect();
    try {
      await cleanup.deleteTopics({ topics: [...topics, world.incidentsTopic, world.deadLetterTopic] }).catch(() => {});
    } finally {
      await cleanup.disconnect();
    }
  });
  return world;
}

const json = (world: TestWorld, id: string, overrides: Record<string, unknown> = {}) => ({
  key: id,
  value: JSON.stringify(partnerIncident({ id, partner: world.jsonPartner.id, occurred_at: '2026-01-10T10:00:00+01:00', ...overrides })),
});
const csv = (ids: string[], extra = '') => ({ key: ids[0] ?? 'csv', value: `${CSV_HEADER}\n${ids.map((id) => csvRow({ reference: id })).join('\n')}\n${extra}` });

describe('ingest on Kafka', () => {
  it('normalises JSON and CSV partner records to incidents and dead-letters hostile ones', async () => {
    const world = await createWorld();
    const deadLetterKey = randomBytes(32);
    const bus = createKafkaBus({ brokers: [brokers], clientId: `${world.run}-ingest`, logger: silentLogger(), topicRefreshMs: 1_000 });
    onTestFinished(() => bus.close());
    const config = ingestConfig({
      pseudonymKey: randomBytes(32),
      deadLetterKey,
      groupId: world.groupId,
      incidentsTopic: world.incidentsTopic,
      deadLetterTopic: world.deadLetterTopic,
      partnerTopicPattern: new RegExp(world.pattern),
    });
    const ingest = buildIngest({ bus, partners: [world.jsonPartner, world.csvPartner], taxonomy: loadTaxonomy(), config, logger: silentLogger(), clock: Date.now });
    await ingest.start();
    onTestFinished(() => ingest.stop());

    const producer = await createProducer(brokers);
    await producer.sendBatch({
      topicMessages: [
        {
          topic: partnerTopic(world.jsonPartner.id),
          messages: [
            json(world, 'J1'),
            json(world, 'J2'),
            json(world, 'J1'), // identical re-send: no new event
            json(world, 'J2', { modality: 'air' }), // changed: revision 2
            { key: 'bad', value: '{"id": "J3", "persons": [{"name": "Jan de Vries"' },
            json(world, 'J4', { country: 'Atlantis' }),
            json(world, 'J5', { occurred_at: new Date(Date.now() + 86_400_000).toISOString() }),
            json(world, 'J6', { partner: 'someone-else' }),
          ],
        },
        { topic: partnerTopic(world.csvPartner.id), messages: [csv(['C1', 'C2'], 'C3;too;few;columns\n')] },
        { topic: partnerTopic(`${world.run}-ghost`), messages: [json(world, 'G1')] },
      ],
    });

    const events = incidentsOf(await consumeUntil(brokers, world.incidentsTopic, (r) => incidentsOf(r).length >= 5, 60_000)).map((m) => JSON.parse(m.value!) as IncidentEvent);
    expect(events.map((e) => e.id).sort()).toEqual(
      [`${world.csvPartner.id}:C1:r1`, `${world.csvPartner.id}:C2:r1`, `${world.jsonPartner.id}:J1:r1`, `${world.jsonPartner.id}:J2:r1`, `${world.jsonPartner.id}:J2:r2`].sort(),
    );
    const j1 = events.find((e) => e.incident.id === 'J1')!;
    expect(j1.incident).toMatchObject({ occurred_at: '2026-01-10T09:00:00.000Z', country: 'NL', category: '06', route: { origin: 'CO', transit: ['ES'] } });
    const c1 = events.find((e) => e.incident.id === 'C1')!;
    expect(c1.incident).toMatchObject({ country: 'FR', commodities: ['drug.cocaine', 'drug.heroin'], occurred_at: '2026-11-20T07:30:00.000Z' });
    for (const event of events) expect(JSON.stringify(event)).not.toMatch(/Vries|Dupont|1234 5678|12 34 56 78/);

    const deadLetters = (await consumeUntil(brokers, world.deadLetterTopic, (r) => r.length >= 6, 60_000)).map((m) => JSON.parse(m.value!) as DeadLetter);
    expect(deadLetters.map((d) => d.reason).sort()).toEqual(['bad_csv_row', 'future_occurred_at', 'malformed_json', 'partner_mismatch', 'unknown_country', 'unknown_partner']);
    const malformed = deadLetters.find((d) => d.reason === 'malformed_json')!;
    expect(JSON.stringify(malformed)).not.toContain('Vries');
    expect(decryptDeadLetterOriginal(malformed, deadLetterKey).toString()).toContain('Jan de Vries');
    expect(deadLetters.find((d) => d.reason === 'bad_csv_row')).toMatchObject({ row: 3, partner: world.csvPartner.id });

    const stats = ingest.stats().partners;
    expect(stats[world.jsonPartner.id]).toMatchObject({ accepted: 2, updated: 1, duplicate: 1 });
  });

  it('with large batches and partitions in flight together, makes one event per incident and distinct revisions', async () => {
    const world = await createWorld();
    const bus = createKafkaBus({ brokers: [brokers], clientId: `${world.run}-ingest`, logger: silentLogger(), topicRefreshMs: 1_000 });
    onTestFinished(() => bus.close());
    const config = ingestConfig({
      pseudonymKey: randomBytes(32),
      deadLetterKey: randomBytes(32),
      groupId: world.groupId,
      incidentsTopic: world.incidentsTopic,
      deadLetterTopic: world.deadLetterTopic,
      partnerTopicPattern: new RegExp(world.pattern),
      maxBatchSize: 5_000,
      fetchMaxBytesPerPartition: 8 * 1024 * 1024,
      partitionsConcurrently: 3,
      // One output partition: a batch's events all land in one record batch per request, and
      // 900 of them (~1.2 kB each) exceed the broker's 1 MB limit unless split into requests.
      incidentsPartitions: 1,
    });
    const PER_PARTITION = 900;
    const producer = await createProducer(brokers, { idempotent: true, maxInFlightRequests: 1 });
    for (let partition = 0; partition < 3; partition++) {
      await producer.send({
        topic: partnerTopic(world.jsonPartner.id),
        acks: -1,
        messages: Array.from({ length: PER_PARTITION }, (_, i) => ({ ...json(world, `P${partition}-${i}`), partition })),
      });
    }
    // One incident id on two partitions with different content: revisions 1 and 2, whichever
    // partition is processed first, never revision 1 twice.
    await producer.send({ topic: partnerTopic(world.jsonPartner.id), acks: -1, messages: [{ ...json(world, 'X1'), partition: 0 }, { ...json(world, 'X1', { modality: 'air' }), partition: 1 }] });
    const expected = 3 * PER_PARTITION + 2;

    const ingest = buildIngest({ bus, partners: [world.jsonPartner, world.csvPartner], taxonomy: loadTaxonomy(), config, logger: silentLogger(), clock: Date.now });
    await ingest.start();
    onTestFinished(() => ingest.stop());
    await consumeUntil(brokers, world.incidentsTopic, (r) => incidentsOf(r).length >= expected, 120_000);
    await new Promise((r) => setTimeout(r, 1_000)); // a duplicate, if any, would arrive now
    const admin = testKafkaClient(brokers, 'tocsin-ingest-int').admin();
    await admin.connect();
    onTestFinished(() => admin.disconnect());
    const written = (await admin.fetchTopicOffsets(world.incidentsTopic)).reduce((sum, p) => sum + Number(p.high), 0);
    // Everything written (watermark control records included), so a duplicate would be counted.
    const received = incidentsOf(await consumeUntil(brokers, world.incidentsTopic, (r) => r.length >= written, 120_000));
    const total = received.length;
    const ids = received.map((m) => (JSON.parse(m.value!) as IncidentEvent).id);
    expect(total).toBe(expected);
    expect(new Set(ids).size).toBe(expected);
    expect(ids.filter((id) => id.includes(':X1:')).sort()).toEqual([`${world.jsonPartner.id}:X1:r1`, `${world.jsonPartner.id}:X1:r2`]);
    expect(ingest.stats().partners[world.jsonPartner.id]).toMatchObject({ accepted: 3 * PER_PARTITION + 1, updated: 1, duplicate: 0 });
  });

  it('loses nothing and duplicates nothing when the ingest process is killed mid-stream', async () => {
    const world = await createWorld();
    const dir = mkdtempSync(join(tmpdir(), 'tocsin-ingest-int-'));
    const partnersFile = join(dir, 'partners.json');
    writeFileSync(partnersFile, JSON.stringify([world.jsonPartner, world.csvPartner]));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      KAFKA_BROKERS: brokers,
      TOCSIN_PARTNERS_FILE: partnersFile,
      TOCSIN_PSEUDONYM_KEY: randomBytes(32).toString('hex'),
      TOCSIN_DLQ_KEY: randomBytes(32).toString('hex'),
      TOCSIN_PARTNER_TOPIC_PATTERN: world.pattern,
      TOCSIN_INCIDENTS_TOPIC: world.incidentsTopic,
      TOCSIN_DEAD_LETTER_TOPIC: world.deadLetterTopic,
      TOCSIN_INGEST_GROUP: world.groupId,
      // Small batches: many commits, so the kill lands between and inside batches.
      TOCSIN_INGEST_MAX_BATCH: '25',
      TOCSIN_TOPIC_REFRESH_MS: '1000',
      // The broker's minimum: the killed member's partitions move to the restarted one sooner.
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      LOG_LEVEL: 'info',
    };
    const children = new Set<ChildProcess>();
    onTestFinished(() => {
      for (const child of children) child.kill('SIGKILL');
    });
    const startIngest = (): ChildProcess => {
      // node --import tsx runs main.ts in this one process, so SIGKILL really kills the consumer.
      const child = spawn(process.execPath, ['--import', 'tsx', MAIN], { env, stdio: ['ignore', 'ignore', 'pipe'], cwd: resolve(import.meta.dirname, '../../..') });
      children.add(child);
      child.on('exit', () => children.delete(child));
      return child;
    };

    // Before the kill: 1,500 new JSON incidents and 300 CSV incidents (3 rows per record).
    // After it: 200 identical re-sends and 100 changed re-sends of incidents the first
    // process may already have handled, which only a restored state can tell apart.
    const producer = await createProducer(brokers, { idempotent: true, maxInFlightRequests: 1 });
    const originals = Array.from({ length: 1500 }, (_, i) => json(world, `J${i}`));
    const csvMessages = Array.from({ length: 100 }, (_, i) => csv([`C${3 * i}`, `C${3 * i + 1}`, `C${3 * i + 2}`]));
    for (let i = 0; i < originals.length; i += 300) {
      await producer.sendBatch({
        acks: -1,
        topicMessages: [
          { topic: partnerTopic(world.jsonPartner.id), messages: originals.slice(i, i + 300) },
          { topic: partnerTopic(world.csvPartner.id), messages: csvMessages.slice(i / 15, i / 15 + 20) },
        ],
      });
    }
    const resends = [...Array.from({ length: 200 }, (_, i) => json(world, `J${i}`)), ...Array.from({ length: 100 }, (_, i) => json(world, `J${i + 1000}`, { modality: 'air' }))];
    const expectedIds = new Set([
      ...Array.from({ length: 1500 }, (_, i) => `${world.jsonPartner.id}:J${i}:r1`),
      ...Array.from({ length: 100 }, (_, i) => `${world.jsonPartner.id}:J${i + 1000}:r2`),
      ...Array.from({ length: 300 }, (_, i) => `${world.csvPartner.id}:C${i}:r1`),
    ]);

    const admin = testKafkaClient(brokers, 'tocsin-ingest-int').admin();
    await admin.connect();
    onTestFinished(() => admin.disconnect());
    const produced = async (): Promise<number> => {
      try {
        return (await admin.fetchTopicOffsets(world.incidentsTopic)).reduce((sum, p) => sum + Number(p.high), 0);
      } catch {
        return 0; // not created yet
      }
    };

    const first = startIngest();
    let stderr = '';
    first.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const deadline = Date.now() + 90_000;
    // 600 events: at least 300 of them JSON (there are only 300 CSV incidents).
    while ((await produced()) < 600) {
      if (Date.now() > deadline || first.exitCode !== null) throw new Error(`ingest made no progress; its log:\n${stderr.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const atKill = await produced();
    expect(atKill, 'the kill must land mid-stream').toBeLessThan(1800);
    await producer.send({ topic: partnerTopic(world.jsonPartner.id), acks: -1, messages: resends });

    const second = startIngest();
    let stderr2 = '';
    second.stderr?.on('data', (chunk: Buffer) => (stderr2 += chunk.toString()));
    await consumeUntil(brokers, world.incidentsTopic, (r) => incidentsOf(r).length >= expectedIds.size, 120_000).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\nsecond ingest log:\n${stderr2.slice(-3000)}`);
    });
    // Let a duplicate, if any, arrive before counting.
    await new Promise((r) => setTimeout(r, 2_000));
    const written = await produced();
    const received = incidentsOf(await consumeUntil(brokers, world.incidentsTopic, (r) => r.length >= written, 120_000));
    const total = received.length;
    const ids = received.map((m) => (JSON.parse(m.value!) as IncidentEvent).id);
    expect(total).toBe(expectedIds.size);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(expectedIds);

    // SIGTERM: the second process stops gracefully and exits 0.
    second.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => second.once('exit', (c) => r(c)));
    expect(code, stderr2.slice(-2000)).toBe(0);
  });
});
