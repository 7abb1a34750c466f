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

  it('exports the list as CSV with feed-quoted values neutralised (issue 9 finding 10)', async () => {
    const letter = (id: string, message: string, partner: string) => ({
      id, type: 'dead-letter', schema_version: 1, produced_at: '2026-11-01T00:00:00.000Z', source: 'ingest/test', stage: 'ingest', partner,
      reason: 'unknown_code', message, pointer: '/method', row: 3,
      origin: { topic: 'partner.x', partition: 0, offset: '7' },
      original: { cipher: 'aes-256-gcm', key_id: 'k', iv_base64: '', tag_base64: '', data_base64: '', size: 0, truncated: false },
    });
    const file = join(mkdtempSync(join(tmpdir(), 'tocsin-dlq-')), 'dlq.jsonl');
    writeFileSync(file, [
      letter('partner.x:0:7', '=HYPERLINK("http://evil.example","click") is not a code of the methods taxonomy', '@partner'),
      letter('partner.x:0:8', '-1+2 is not a code', 'fr-douane'),
    ].map((l) => JSON.stringify(l)).join('\n'));
    const list = io();
    expect(await runDeadLetterCommand(['list', '--file', file, '--format', 'csv'], list.io, {})).toBe(0);
    const lines = list.out().trimEnd().split('\n');
    expect(lines[0]).toBe('id,produced_at,stage,partner,reason,pointer,row,message');
    expect(lines[1]).toBe(`partner.x:0:7,2026-11-01T00:00:00.000Z,ingest,'@partner,unknown_code,/method,3,"'=HYPERLINK(""http://evil.example"",""click"") is not a code of the methods taxonomy"`);
    expect(lines[2]).toBe("partner.x:0:8,2026-11-01T00:00:00.000Z,ingest,fr-douane,unknown_code,/method,3,'-1+2 is not a code");
  });
});
