// Runs deploy/kafka/create-topics.sh for real against the test broker, with the Kafka tools
// run straight from their Maven-fetched jars (KAFKA_LIBS, as scripts/provision/kafka-tools.ts
// fetches them), and reads back what it created. The test broker has one node and no
// authorizer: the default replication 3 is refused with a message saying why, "auto" adapts
// to one replica, and the ACL part is not run (create-topics.test.ts checks the ACL commands
// in dry-run mode).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { TOPIC_CONFIG_DEFAULTS, TOPICS } from '@tocsin/core';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { cacheDir } from '../../scripts/provision/cache';
import { ensureKafkaToolsLibs } from '../../scripts/provision/kafka-libs';

const run = promisify(execFile);
const script = join(import.meta.dirname, '../../deploy/kafka/create-topics.sh');
const brokers = inject('kafkaBrokers');

describe('deploy/kafka/create-topics.sh on a real broker', () => {
  it('creates every topic with its partitions, cleanup policy, retention and size limits, refuses replication above the broker count, and is idempotent', { timeout: 300_000 }, async () => {
    const libs = await ensureKafkaToolsLibs({ cacheRoot: cacheDir(), version: inject('kafkaVersion').split(' ')[0]!, log: () => {} });

    // A prefix of its own, so the test never meets other tests' topics.
    const prefix = `t${randomUUID().slice(0, 8)}.`;
    const admin = new Kafka({ brokers: [brokers], clientId: 'create-topics-test', logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    onTestFinished(async () => {
      const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
      if (mine.length > 0) await admin.deleteTopics({ topics: mine });
      await admin.disconnect();
    });

    // No kafka-topics.sh anywhere: the tools run from their jars.
    const base = { PATH: process.env['PATH'] ?? '', ...(process.env['JAVA_HOME'] ? { JAVA_HOME: process.env['JAVA_HOME'] } : {}), KAFKA_LIBS: libs, KAFKA_BOOTSTRAP: brokers, TOCSIN_TOPIC_PREFIX: prefix, TOCSIN_PARTITIONS: '4' };
    // The defaults (replication 3, min ISR 2) on one broker: refused before anything is created, saying why.
    const refused = await run('bash', [script, 'topics'], { env: base, timeout: 240_000 }).then(() => null, (error: { code: number; stderr: string }) => error);
    expect(refused?.code).toBe(2);
    expect(refused?.stderr).toMatch(/replication factor 3 needs at least 3 brokers, but the cluster at .* has 1; nothing was created.*TOCSIN_REPLICATION=auto/);
    expect((await admin.listTopics()).filter((t) => t.startsWith(prefix))).toEqual([]);

    // auto: min(3, brokers) replicas, min ISR one less but at least 1.
    const env = { ...base, TOCSIN_REPLICATION: 'auto' };
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
      resources: names.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['cleanup.policy', 'retention.ms', 'min.insync.replicas', 'max.message.bytes', 'segment.bytes'] })),
    });
    for (const resource of described.resources) {
      const config = Object.fromEntries(resource.configEntries.map((e) => [e.configName, e.configValue]));
      const info = Object.values(TOPICS).find((t) => prefix + t.name === resource.resourceName)!;
      expect(config['cleanup.policy'], resource.resourceName).toBe(info.cleanup);
      expect(config['min.insync.replicas']).toBe('1');
      expect(config).toMatchObject(TOPIC_CONFIG_DEFAULTS);
    }
    expect(metadata.topics.flatMap((t) => t.partitions.map((p) => p.replicas.length))).toSatisfy((r: number[]) => r.every((n) => n === 1));
    const retention = Object.fromEntries(
      described.resources.map((r) => [r.resourceName.slice(prefix.length), r.configEntries.find((e) => e.configName === 'retention.ms')?.configValue]),
    );
    expect(retention).toMatchObject({ 'incidents.v1': String(400 * 86_400_000), 'detect.state.v1': '-1', 'alerts.v1': String(365 * 86_400_000) });
  });
});
