// deploy/kafka/create-topics.sh creates every topic of services/core/src/topics.ts with
// the cleanup policy the code expects, replication 3 and min ISR 2, and gives each
// service exactly the access the topic table says it needs. Runs the script in
// --dry-run mode (it prints the kafka-topics.sh / kafka-acls.sh commands);
// create-topics.int.test.ts runs the topic part for real against the test broker.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { TOPIC_CONFIG_DEFAULTS, TOPICS } from '@tocsin/core';
import { describe, expect, it } from 'vitest';

const script = join(import.meta.dirname, '../../deploy/kafka/create-topics.sh');

function dryRun(args: string[], env: Record<string, string> = {}): string[][] {
  const out = execFileSync('bash', [script, '--dry-run', ...args], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', ...env } });
  // printf %q output: no word holds a space, so split on spaces and undo the escapes (compact\,delete).
  return out.trim().split('\n').map((line) => line.trim().split(' ').map((word) => word.replace(/\\(.)/g, '$1')));
}

function option(command: string[], name: string): string[] {
  return command.flatMap((word, i) => (word === name ? [command[i + 1]!] : []));
}

describe('deploy/kafka/create-topics.sh', () => {
  const created = dryRun(['topics']).filter((c) => c[0] === 'kafka-topics.sh');
  const byTopic = new Map(created.map((c) => [option(c, '--topic')[0]!, c]));

  it('creates every topic the code knows, with its cleanup policy, RF 3 and min ISR 2', () => {
    expect([...byTopic.keys()].sort()).toEqual(Object.values(TOPICS).map((t) => t.name).sort());
    for (const info of Object.values(TOPICS)) {
      const command = byTopic.get(info.name)!;
      expect(command).toContain('--if-not-exists');
      expect(option(command, '--replication-factor')).toEqual(['3']);
      expect(option(command, '--config')).toEqual(expect.arrayContaining([`cleanup.policy=${info.cleanup}`, 'min.insync.replicas=2']));
    }
  });

  it('gives every topic, partner topics too, the size limits the services create topics with', () => {
    const limits = Object.entries(TOPIC_CONFIG_DEFAULTS).map(([name, value]) => `${name}=${value}`);
    for (const command of [...created, dryRun(['partner', 'bka-de'])[0]!]) expect(option(command, '--config')).toEqual(expect.arrayContaining(limits));
  });

  it('with TOCSIN_REPLICATION=auto and no cluster to count (dry run), assumes 3 brokers: replication 3, min ISR 2', () => {
    const auto = dryRun(['topics'], { TOCSIN_REPLICATION: 'auto' });
    expect(new Set(auto.map((c) => option(c, '--replication-factor')[0]))).toEqual(new Set(['3']));
    expect(auto.every((c) => option(c, '--config').includes('min.insync.replicas=2'))).toBe(true);
  });

  it('refuses a min ISR above the replication factor, saying why', () => {
    expect(() => dryRun(['topics'], { TOCSIN_REPLICATION: '2', TOCSIN_MIN_ISR: '3' })).toThrow(/TOCSIN_MIN_ISR=3 is above TOCSIN_REPLICATION=2/);
  });

  it('gives incidents, observations and state the same partition count (detect requires it)', () => {
    const partitions = (t: string) => option(byTopic.get(t)!, '--partitions')[0];
    expect(partitions('detect.observations.v1')).toBe(partitions('detect.state.v1'));
    expect(partitions('incidents.v1')).toBe(partitions('detect.observations.v1'));
    const custom = dryRun(['topics'], { TOCSIN_PARTITIONS: '12', TOCSIN_TOPIC_PREFIX: 'staging.' });
    expect(custom.filter((c) => option(c, '--topic')[0] === 'staging.detect.state.v1').map((c) => option(c, '--partitions')[0])).toEqual(['12']);
  });

  it('keeps incidents at least as long as ingest remembers incident ids (90 days by default)', () => {
    const retention = Number(option(byTopic.get('incidents.v1')!, '--config').find((c) => c.startsWith('retention.ms='))!.split('=')[1]);
    expect(retention).toBeGreaterThanOrEqual(90 * 86_400_000);
  });

  it('grants each service only the topics the topic table names for it', () => {
    const acls = dryRun(['acls']).filter((c) => c[0] === 'kafka-acls.sh' && option(c, '--topic').length > 0);
    const access = (principal: string, operation: string): string[] =>
      acls.filter((c) => option(c, '--allow-principal')[0] === principal && option(c, '--operation').includes(operation)).map((c) => option(c, '--topic')[0]!).sort();
    expect(access('User:tocsin-ingest', 'Write')).toEqual(['dead-letter.v1', 'incidents.v1']);
    expect(access('User:tocsin-detect', 'Write')).toEqual(['dead-letter.v1', 'detect.observations.v1', 'detect.state.v1', 'signals.v1']);
    expect(access('User:tocsin-detect', 'Read')).toEqual(['detect.observations.v1', 'detect.state.v1', 'detector-config.v1', 'incidents.v1']);
    expect(access('User:tocsin-alert', 'Write')).toEqual(['alerts.v1', 'dead-letter.v1', 'deliveries.v1', 'subscriptions.v1']);
    expect(access('User:tocsin-desk', 'Write')).toEqual([]);
    expect(access('User:tocsin-ingest', 'Read')).toContain('partner.');
    // Each service may read the size limits of exactly the topics it writes.
    for (const service of ['ingest', 'detect', 'alert', 'desk']) {
      expect(access(`User:tocsin-${service}`, 'DescribeConfigs'), service).toEqual(access(`User:tocsin-${service}`, 'Write'));
    }
  });

  it('gives a partner one topic and write access to that topic only', () => {
    const commands = dryRun(['partner', 'bka-de']);
    expect(commands.map((c) => [c[0], option(c, '--topic')[0]])).toEqual([
      ['kafka-topics.sh', 'partner.bka-de.incidents'],
      ['kafka-acls.sh', 'partner.bka-de.incidents'],
    ]);
    expect(option(commands[1]!, '--allow-principal')).toEqual(['User:partner-bka-de']);
    expect(option(commands[1]!, '--operation').sort()).toEqual(['Describe', 'Write']);
    expect(option(commands[1]!, '--resource-pattern-type')).toEqual([]);
  });

  it('refuses a partner id the partner topic pattern would not match', () => {
    expect(() => dryRun(['partner', 'BKA_DE'])).toThrow(/must match/);
  });
});
