// Ingest against a real broker whose output topics have small size limits: a batch of
// incidents larger than the incidents topic's max.message.bytes is split and lands in full;
// an incident the topic can never take is dead-lettered as oversize_record; and a dead letter
// the dead-letter topic can never take makes the ingest process exit 70 (its consumer failed
// for good) instead of staying up with a dead consumer.
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createKafkaBus, EXIT_CONSUMER_FAILED, loadTaxonomy, partnerTopic, silentLogger, type DeadLetter, type IncidentEvent, type PartnerConfig } from '@tocsin/core';
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { consumeUntil, createProducer, incidentsOf, testKafkaClient } from '../../../test/helpers/kafka';
import { buildIngest } from '../src/app';
import { ingestConfig } from '../src/config';
import { JSON_PARTNER, partnerIncident } from './fixtures';

const brokers = inject('kafkaBrokers');
const MAIN = resolve(import.meta.dirname, '../src/main.ts');

interface World {
  run: string;
  partner: PartnerConfig;
  incidentsTopic: string;
  deadLetterTopic: string;
  pattern: string;
  groupId: string;
}

/** A partner topic and output topics with the given configs, unique to the test and deleted after it. */
async function createWorld(outputs: { incidents?: Record<string, string>; deadLetter?: Record<string, string> }): Promise<World> {
  const run = `t${randomUUID().slice(0, 8)}`;
  const world: World = {
    run,
    partner: { ...JSON_PARTNER, id: `${run}-json` },
    incidentsTopic: `${run}.incidents.v1`,
    deadLetterTopic: `${run}.dead-letter.v1`,
    pattern: `^partner\\.(${run}-[a-z]+)\\.incidents$`,
    groupId: `${run}-ingest`,
  };
  const config = (c: Record<string, string> = {}) => Object.entries(c).map(([name, value]) => ({ name, value }));
  const admin = testKafkaClient(brokers, 'tocsin-ingest-limits').admin();
  await admin.connect();
  onTestFinished(async () => {
    await admin.deleteTopics({ topics: [partnerTopic(world.partner.id), world.incidentsTopic, world.deadLetterTopic] }).catch(() => {});
    await admin.disconnect();
  });
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: partnerTopic(world.partner.id), numPartitions: 1 },
      { topic: world.incidentsTopic, numPartitions: 3, configEntries: config(outputs.incidents) },
      { topic: world.deadLetterTopic, numPartitions: 1, configEntries: config(outputs.deadLetter) },
    ],
  });
  return world;
}

const incident = (world: World, id: string, overrides: Record<string, unknown> = {}) => ({
  key: id,
  value: JSON.stringify(partnerIncident({ id, partner: world.partner.id, occurred_at: '2026-01-10T10:00:00+01:00', ...overrides })),
});

describe('ingest under small topic limits', () => {
  it('splits a batch above the incidents topic limit and dead-letters an incident the topic can never take', async () => {
    // 6 KiB per record batch: one incident event fits, a batch of 400 (about 600 KB) does not.
    const world = await createWorld({ incidents: { 'max.message.bytes': '6144' } });
    const bus = createKafkaBus({ brokers: [brokers], clientId: `${world.run}-ingest`, logger: silentLogger(), topicRefreshMs: 1_000 });
    onTestFinished(() => bus.close());
    const config = ingestConfig({
      pseudonymKey: randomBytes(32),
      deadLetterKey: randomBytes(32),
      groupId: world.groupId,
      incidentsTopic: world.incidentsTopic,
      deadLetterTopic: world.deadLetterTopic,
      partnerTopicPattern: new RegExp(world.pattern),
      maxBatchSize: 1000,
    });
    const ingest = buildIngest({ bus, partners: [world.partner], taxonomy: loadTaxonomy(), config, logger: silentLogger(), clock: Date.now });
    await ingest.start();
    onTestFinished(() => ingest.stop());

    const producer = await createProducer(brokers);
    const longNarrative = { text: 'A long account of the seizure. '.repeat(250), lang: 'en' };
    await producer.sendBatch({
      topicMessages: [{
        topic: partnerTopic(world.partner.id),
        messages: [...Array.from({ length: 400 }, (_, i) => incident(world, `J${i}`)), incident(world, 'LONG', { narrative: longNarrative })],
      }],
    });

    const events = incidentsOf(await consumeUntil(brokers, world.incidentsTopic, (r) => incidentsOf(r).length >= 400, 60_000)).map((m) => JSON.parse(m.value!) as IncidentEvent);
    expect(new Set(events.map((e) => e.incident.id))).toEqual(new Set(Array.from({ length: 400 }, (_, i) => `J${i}`)));
    const [deadLetter] = (await consumeUntil(brokers, world.deadLetterTopic, (r) => r.length >= 1, 30_000)).map((m) => JSON.parse(m.value!) as DeadLetter);
    expect(deadLetter).toMatchObject({ reason: 'oversize_record', message: expect.stringMatching(/more than the incidents topic takes per record \(6083 bytes/) });
    expect(ingest.stats().partners[world.partner.id]).toMatchObject({ accepted: 400, rejected: { oversize_record: 1 } });
  });

  it('exits 70 when its consumer fails for good (a dead letter the dead-letter topic can never take), not staying up stale', async () => {
    const world = await createWorld({ deadLetter: { 'max.message.bytes': '1024' } });
    const dir = mkdtempSync(join(tmpdir(), 'tocsin-ingest-limits-'));
    const partnersFile = join(dir, 'partners.json');
    writeFileSync(partnersFile, JSON.stringify([world.partner]));
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: {
        ...process.env,
        KAFKA_BROKERS: brokers,
        TOCSIN_PARTNERS_FILE: partnersFile,
        TOCSIN_PSEUDONYM_KEY: randomBytes(32).toString('hex'),
        TOCSIN_DLQ_KEY: randomBytes(32).toString('hex'),
        TOCSIN_PARTNER_TOPIC_PATTERN: world.pattern,
        TOCSIN_INCIDENTS_TOPIC: world.incidentsTopic,
        TOCSIN_DEAD_LETTER_TOPIC: world.deadLetterTopic,
        TOCSIN_INGEST_GROUP: world.groupId,
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
      cwd: resolve(import.meta.dirname, '../../..'),
    });
    onTestFinished(() => void child.kill('SIGKILL'));
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));

    const producer = await createProducer(brokers);
    // A good incident, then a record whose dead letter (its 3 KB original, encrypted) exceeds 1 KiB.
    await producer.sendBatch({ topicMessages: [{ topic: partnerTopic(world.partner.id), messages: [incident(world, 'OK1'), { key: 'bad', value: `not json ${'x'.repeat(3000)}` }] }] });

    const code = await Promise.race([exited, new Promise<'still running'>((r) => setTimeout(() => r('still running'), 90_000))]);
    expect(code, stderr.slice(-2000)).toBe(EXIT_CONSUMER_FAILED);
    expect(stderr).toMatch(/CONSUMER_FAILED/);
    expect(stderr).toMatch(/above max\.message\.bytes of .*dead-letter\.v1 \(1024 bytes\)/);
  }, 150_000);
});
