// The alert process exits 70 when its signal consumer fails for good, instead of serving
// /api/health "ok" with a consumer that will never read again. The failure is real: another
// application holds the consumer group with a partition assigner alert does not offer, so the
// broker refuses alert's join with INCONSISTENT_GROUP_PROTOCOL, which kafkajs never retries.
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createKafkaBus, EXIT_CONSUMER_FAILED, silentLogger } from '@tocsin/core';
import { createApiKey } from '@tocsin/http';
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { alertTopicSpecs } from '../src/app';
import { alertConfig, topicsWithPrefix } from '../src/config';
import { holdGroupWithForeignProtocol, testKafkaClient } from '../../../test/helpers/kafka';

const brokers = inject('kafkaBrokers');
const root = resolve(import.meta.dirname, '../../..');

describe('alert process with a consumer that fails for good', () => {
  it('exits 70 naming the failure, and does not stay up', async () => {
    const prefix = `it-${randomUUID().slice(0, 8)}.`;
    const groupId = `alert-it-${randomUUID()}`;
    const config = alertConfig({ operatorKeyBase64: randomBytes(32).toString('base64'), groupId, topics: topicsWithPrefix(prefix), partitions: 1 });
    const bus = createKafkaBus({ brokers: [brokers], clientId: 'alert-failure-it', logger: silentLogger() });
    onTestFinished(() => bus.close());
    await bus.ensureTopics(alertTopicSpecs(config));
    onTestFinished(async () => {
      const admin = testKafkaClient(brokers, 'alert-failure-it').admin();
      await admin.connect();
      await admin.deleteTopics({ topics: Object.values(config.topics) }).catch(() => {});
      await admin.disconnect();
    });
    await holdGroupWithForeignProtocol(brokers, groupId, config.topics.signals);

    const keysFile = join(mkdtempSync(join(tmpdir(), 'tocsin-keys-')), 'keys.json');
    writeFileSync(keysFile, JSON.stringify([createApiKey({ agency: 'tocsin-ops', country: 'NL', scopes: ['admin'] }).record]));
    // Through the `tocsin service alert` command, as systemd runs it.
    const child = spawn(process.execPath, ['bin/tocsin.mjs', 'service', 'alert'], {
      cwd: root,
      env: {
        ...process.env,
        KAFKA_BROKERS: brokers,
        TOCSIN_API_KEYS_FILE: keysFile,
        ALERT_HTTP_PORT: '0',
        TOCSIN_TOPIC_PREFIX: prefix,
        ALERT_GROUP_ID: groupId,
        ALERT_OPERATOR_KEY: config.operatorKeyBase64,
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    onTestFinished(() => void child.kill('SIGKILL'));
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const code = await Promise.race([exited, new Promise<'still running'>((r) => setTimeout(() => r('still running'), 90_000))]);
    expect(code, stderr.slice(-2000)).toBe(EXIT_CONSUMER_FAILED);
    expect(stderr).toMatch(/CONSUMER_FAILED/);
    expect(stderr).toMatch(/incompatible with those of existing members/);
  }, 150_000);
});
