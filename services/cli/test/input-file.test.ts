// A user's file read as the records a partner sends, each checked on ingest's path; the
// event-time order `tocsin start --input` replays them in.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventOrder } from '../src/input-feed';
import { InputFileError, readInputFile } from '../src/input-file';
import { writeSurgeFiles } from './helpers/surge-file';

const NOW = Date.UTC(2026, 0, 1);

function incident(id: string, partner: string | undefined, occurredAt: string): string {
  return JSON.stringify({
    id, ...(partner ? { partner } : {}), occurred_at: occurredAt, reported_at: occurredAt, country: 'NL', category: '0601',
    route: { origin: 'MA', transit: [], destination: 'NL' }, modality: 'land', methods: ['concealment.vehicle'], technologies: [], commodities: [],
    handling: { tlp: 'GREEN', handling_code: 'H0', source_reliability: 'B', information_credibility: '2' },
  });
}

function writeLines(lines: string[]): string {
  const path = join(mkdtempSync(join(tmpdir(), 'tocsin-input-')), 'incidents.ndjson');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

describe('reading an input file', () => {
  it('checks every CSV row through the mapping as ingest would: keys, event times, rejections with reasons', () => {
    const files = writeSurgeFiles('acme-customs');
    const input = readInputFile({ file: files.csv, mapping: files.mapping, now: NOW });
    expect(input.partners.map((p) => p.id)).toEqual(['acme-customs']);
    expect(input.counts).toEqual({ records: files.good + files.bad, accepted: files.good, duplicates: 0, rejected: 2 });
    const first = input.records[0]!;
    expect(first).toMatchObject({ line: 2, partner: 'acme-customs', topic: 'partner.acme-customs.incidents', key: 'A1', verdict: 'accepted', occurredMs: Date.UTC(2021, 0, 4) });
    expect(first.value.toString()).toBe('Ref,Date,Reported,Country,From,To,Method\nA1,04/01/2021,05/01/2021,Netherlands,Morocco,Netherlands,concealment.vehicle\n');
    const rejected = input.records.filter((r) => r.verdict === 'rejected');
    expect(rejected.map((r) => [r.line, r.rejection?.reason])).toEqual([[51, 'schema_violation'], [81, 'unknown_country']]);
    expect(rejected[1]!.rejection!.message).toContain('"Atlantis" is not an ISO 3166-1 code');
  });

  it('says a row is in the future against the "now" it is given', () => {
    const path = writeLines([incident('x1', 'ngo-a', '2030-01-01T00:00:00Z')]);
    expect(readInputFile({ file: path, now: NOW }).records[0]!.rejection?.reason).toBe('future_occurred_at');
    expect(readInputFile({ file: path, now: Date.UTC(2031, 0, 1) }).records[0]!.verdict).toBe('accepted');
  });

  it('takes canonical JSON lines without a mapping: each record on its own partner, or all on --partner', () => {
    const path = writeLines([incident('x1', 'ngo-a', '2021-01-02T00:00:00Z'), incident('x2', 'ngo-b', '2021-01-01T00:00:00Z'), 'not json', incident('x1', 'ngo-a', '2021-01-02T00:00:00Z')]);
    const own = readInputFile({ file: path, now: NOW });
    expect(own.partners.map((p) => [p.id, p.format, p.country])).toEqual([['ngo-a', 'json', 'NL'], ['ngo-b', 'json', 'NL']]);
    expect(own.records.map((r) => [r.partner, r.verdict])).toEqual([['ngo-a', 'accepted'], ['ngo-b', 'accepted'], ['ngo-a', 'rejected'], ['ngo-a', 'duplicate']]);
    expect(own.records[2]!.rejection?.reason).toBe('malformed_json');
    // With --partner, a record naming another partner is refused as ingest refuses it.
    const forced = readInputFile({ file: path, partner: 'ngo-a', now: NOW });
    expect(forced.records.map((r) => r.rejection?.reason ?? r.verdict)).toEqual(['accepted', 'partner_mismatch', 'malformed_json', 'duplicate']);
  });

  it('refuses what cannot be used at all with a clear message', () => {
    const files = writeSurgeFiles('acme-customs');
    expect(() => readInputFile({ file: join(files.dir, 'nope.csv'), mapping: files.mapping, now: NOW })).toThrow(InputFileError);
    expect(() => readInputFile({ file: files.csv, mapping: files.mapping, partner: 'other', now: NOW })).toThrow(/has no partner "other" \(it has acme-customs\)/);
    expect(() => readInputFile({ file: files.csv, now: NOW })).toThrow(/no record names its partner; give one with --partner/);
    expect(() => readInputFile({ file: writeLines([incident('x1', undefined, '2021-01-01T00:00:00Z')]), partner: 'Bad Id', now: NOW })).toThrow(/--partner\/0\/id/);
    writeFileSync(files.mapping, '{"id": "x"}');
    expect(() => readInputFile({ file: files.csv, mapping: files.mapping, now: NOW })).toThrow(InputFileError);
  });

  it('orders by event time, a rejected row staying after the row before it in the file', () => {
    const path = writeLines([incident('x1', 'ngo-a', '2021-01-05T00:00:00Z'), 'oops', incident('x2', 'ngo-a', '2021-01-01T00:00:00Z'), incident('x3', 'ngo-a', '2021-01-03T00:00:00Z')]);
    const ordered = eventOrder(readInputFile({ file: path, now: NOW }).records);
    expect(ordered.map((o) => o.record.key ?? `line ${o.record.line}`)).toEqual(['x2', 'x3', 'x1', 'line 2']);
  });
});
