import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryIo } from './io';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createMemoryBus, decodeJson, loadTaxonomy, partnerTopic, silentLogger, TOPICS, type PartnerConfig } from '@tocsin/core';
import { buildIngest, ingestConfig } from '@tocsin/ingest';
import { runDeadLetterCommand } from '../src/dead-letter-command';

const io = memoryIo;

describe('tocsin dead-letter', () => {
  it('lists rejected records and decrypts an original with the right key only', async () => {
    const dlqKey = randomBytes(32);
    const bus = createMemoryBus();
    onTestFinished(() => bus.close());
    const partner: PartnerConfig = { id: 'fr-douane', name: 'Douane', country: 'FR', format: 'json' };
    const ingest = buildIngest({
      bus, partners: [partner], taxonomy: loadTaxonomy(), logger: silentLogger(), clock: Date.now,
      config: ingestConfig({ pseudonymKey: randomBytes(32), deadLetterKey: dlqKey }),
    });
    await bus.ensureTopics([{ topic: partnerTopic('fr-douane'), partitions: 1 }]);
    await ingest.start();
    onTestFinished(() => ingest.stop());
    const producer = await bus.producer();
    const hostile = '{"id": "x1", "persons": [{"name": "Jean Dupont"}], oops';
    await producer.send([{ topic: partnerTopic('fr-douane'), messages: [{ key: 'x1', value: hostile }] }]);
    const letters: string[] = [];
    const until = Date.now() + 5000;
    while (letters.length === 0 && Date.now() < until) {
      letters.length = 0;
      await bus.readToEnd(TOPICS.deadLetter.name, (m) => void letters.push(JSON.stringify(decodeJson(m.value)))).catch(() => {});
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(letters).toHaveLength(1);
    // The topic itself never holds the raw identifier.
    expect(letters[0]).not.toContain('Dupont');
    const file = join(mkdtempSync(join(tmpdir(), 'tocsin-dlq-')), 'dlq.jsonl');
    writeFileSync(file, `${letters.join('\n')}\n`);
    const id = (JSON.parse(letters[0]!) as { id: string }).id;

    const list = io();
    expect(await runDeadLetterCommand(['list', '--file', file, '--reason', 'malformed_json'], list.io, {})).toBe(0);
    expect(JSON.parse(list.out())).toMatchObject({ id, reason: 'malformed_json', partner: 'fr-douane' });

    const show = io();
    expect(await runDeadLetterCommand(['show', id, '--file', file], show.io, { TOCSIN_DLQ_KEY: dlqKey.toString('hex') })).toBe(0);
    expect(show.out()).toContain(hostile);

    const wrongKey = io();
    expect(await runDeadLetterCommand(['show', id, '--file', file], wrongKey.io, { TOCSIN_DLQ_KEY: randomBytes(32).toString('hex') })).toBe(1);
    expect(wrongKey.out()).not.toContain('Dupont');

    const noKey = io();
    expect(await runDeadLetterCommand(['show', id, '--file', file], noKey.io, {})).toBe(2);
    expect(noKey.err()).toContain('TOCSIN_DLQ_KEY is not set');

    const missing = io();
    expect(await runDeadLetterCommand(['show', 'nope', '--file', file], missing.io, {})).toBe(1);
    const usage = io();
    expect(await runDeadLetterCommand(['burn'], usage.io, {})).toBe(2);
  });
});
