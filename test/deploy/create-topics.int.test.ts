// Runs deploy/kafka/create-topics.sh for real against the test broker, with the real
// TopicCommand behind kafka-topics.sh, and reads back what it created. The test broker
// has one node and no authorizer, so replication is 1 and the ACL part is not run
// (create-topics.test.ts checks the ACL commands in dry-run mode).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { TOPICS } from '@tocsin/core';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { ensureKafkaToolsLibs, writeKafkaTopicsScript } from './kafka-cli';

const run = promisify(execFile);
const script = join(import.meta.dirname, '../../deploy/kafka/create-topics.sh');
const brokers = inject('kafkaBrokers');

describe('deploy/kafka/create-topics.sh on a real broker', () => {
  it('creates every topic with its partitions, cleanup policy and retention, and is idempotent', { timeout: 300_000 }, async () => {
    const libs = await ensureKafkaToolsLibs(inject('kafkaVersion').split(' ')[0]!);
    const bin = mkdtempSync(join(tmpdir(), 'tocsin-kafka-bin-'));
    onTestFinished(() => rmSync(bin, { recursive: true, force: true }));
    await writeKafkaTopicsScript(bin, libs);

    // A prefix of its own, so the test never meets other tests' topics.
    const prefix = `t${randomUUID().slice(0, 8)}.`;
    const admin = new Kafka({ brokers: [brokers], clientId: 'create-topics-test', logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    onTestFinished(async () => {
      const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
      if (mine.length > 0) await admin.deleteTopics({ topics: mine });
      await admin.disconnect();
    });

    const env = { ...process.env, KAFKA_BIN: bin, KAFKA_BOOTSTRAP: brokers, TOCSIN_REPLICATION: '1', TOCSIN_MIN_ISR: '1', TOCSIN_TOPIC_PREFIX: prefix, TOCSIN_PARTITIONS: '4' };
    const first = await run('bash', [script, 'topics'], { env, timeout: 240_000 });
    expect(first.stdout).toMatch(/Created topic/);
    // Second run: --if-not-exists makes it a no-op, not an error.
    await run('bash', [script, 'topics'], { env, timeout: 240_000 });

    const names = Object.values(TOPICS).map((t) => prefix + t.name);
    const created = (await admin.listTopics()).filter((t) => t.startsWith(prefix)).sort();
    expect(created).toEqual([...names].sort());

    const metadata = await admin.fetchTopicMetadata({ topics: names });
    const partitions = Object.fromEntries(metadata.topics.map((t) => [t.name.slice(prefix.length), t.partitions.length]));
    expect(partitions).toMatchObject({ 'incidents.v1': 4, 'detect.observations.v1': 4, 'detect.state.v1': 4, 'signals.v1': 4, 'detector-config.v1': 1, 'subscriptions.v1': 1 });

    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: names.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['cleanup.policy', 'retention.ms', 'min.insync.replicas'] })),
    });
    for (const resource of described.resources) {
      const config = Object.fromEntries(resource.configEntries.map((e) => [e.configName, e.configValue]));
      const info = Object.values(TOPICS).find((t) => prefix + t.name === resource.resourceName)!;
      expect(config['cleanup.policy'], resource.resourceName).toBe(info.cleanup);
      expect(config['min.insync.replicas']).toBe('1');
    }
    const retention = Object.fromEntries(
      described.resources.map((r) => [r.resourceName.slice(prefix.length), r.configEntries.find((e) => e.configName === 'retention.ms')?.configValue]),
    );
    expect(retention).toMatchObject({ 'incidents.v1': String(400 * 86_400_000), 'detect.state.v1': '-1', 'alerts.v1': String(365 * 86_400_000) });
  });
});
