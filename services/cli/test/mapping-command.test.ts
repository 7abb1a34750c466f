import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PartnerConfig } from '@tocsin/core';
import { describe, expect, it } from 'vitest';
import { runMappingCommand } from '../src/mapping-command';
import { memoryIo } from './io';

const PARTNER: PartnerConfig = {
  id: 'ngo-file',
  name: 'An NGO export',
  country: 'CH',
  format: 'csv',
  date_formats: ['dd/MM/yyyy'],
  default_handling: { tlp: 'GREEN', source_reliability: 'B', information_credibility: '2' },
  csv: {
    columns: {
      id: 'Ref',
      occurred_at: 'Date',
      country: 'Country of Incident',
      origin: { column: 'Country of Origin', split: ',', pick: 'first' },
      route_name: 'Route',
      person_name: 'Victim',
    },
    constants: { category: '08071' },
    routes: { 'Central Mediterranean': { origin: 'Libya', destination: 'Italy' } },
  },
};

const FILE = [
  'Ref,Date,Country of Incident,Country of Origin,Route,Victim',
  'A1,06/01/2014,Libya,"Guinea, Mali",Central Mediterranean,',
  'A2,07/01/2014,NA,Eritrea,Central Mediterranean,',
  'A3,08/01/2014,Atlantis,Unknown,Central Mediterranean,',
  'A4,32/01/2014,Italy,Mixed,Central Mediterranean,',
  'A5,09/01/2014,Italy,Sudan,Darien,',
  'A1,06/01/2014,Libya,"Guinea, Mali",Central Mediterranean,',
  'A6,10/01/2014,Italy,Sudan,Central Mediterranean,Jan de Vries',
].join('\n');

function files(partner: unknown = PARTNER, file = FILE): { mapping: string; data: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tocsin-mapping-'));
  writeFileSync(join(dir, 'm.json'), JSON.stringify(partner));
  writeFileSync(join(dir, 'incidents.csv'), file);
  return { mapping: join(dir, 'm.json'), data: join(dir, 'incidents.csv') };
}

describe('tocsin mapping check', () => {
  it('prints accepted and rejected counts per reason with quoted examples, exit 1 when rows are rejected', async () => {
    const { mapping, data } = files();
    const { io, out, err } = memoryIo();
    expect(await runMappingCommand(['check', '--mapping', mapping, data], io, {})).toBe(1);
    expect(err()).toBe('');
    const text = out();
    expect(text).toContain('7 rows through the mapping of partner ngo-file');
    expect(text).toContain('accepted 2');
    expect(text).toContain('duplicates 1');
    expect(text).toContain('rejected 4');
    expect(text).toMatch(/ {2}missing_value 2\n/);
    expect(text).toContain('line 3: column "Country of Incident" (country) has no value: "NA" is a missing-value token');
    expect(text).toContain('line 6: destination has no value, and route "Darien" (column "Route") is not in the routes table');
    expect(text).toContain('line 4: column "Country of Incident": /country: "Atlantis" is not an ISO 3166-1 code or a known country name');
    expect(text).toContain('line 5: column "Date" (occurred_at): "32/01/2014" is not a date in "dd/MM/yyyy" or ISO 8601');
  });

  it('exits 0 when every row is accepted, and shows accepted incidents on request', async () => {
    const { mapping, data } = files(PARTNER, FILE.split('\n').slice(0, 2).join('\n'));
    const { io, out } = memoryIo();
    expect(await runMappingCommand(['check', '--mapping', mapping, '--show', '1', '--json', data], io, {})).toBe(0);
    const report = JSON.parse(out()) as { accepted: number; rejected: number; sample: Array<{ country: string; route: { origin: string; destination: string } }> };
    expect(report).toMatchObject({ accepted: 1, rejected: 0 });
    expect(report.sample[0]).toMatchObject({ country: 'LY', route: { origin: 'GN', destination: 'IT' } });
  });

  it('quotes a person value only as its pseudonym', async () => {
    const withLongName = FILE.split('\n').slice(0, 1).concat(`A7,10/01/2014,Italy,Sudan,Central Mediterranean,${'Jan de Vries '.repeat(20)}`).join('\n');
    const { mapping, data } = files(PARTNER, withLongName);
    const { io, out } = memoryIo();
    expect(await runMappingCommand(['check', '--mapping', mapping, data], io, { TOCSIN_PSEUDONYM_KEY: 'ab'.repeat(32) })).toBe(1);
    expect(out()).toMatch(/column "Victim": \/persons\/0\/name must NOT have more than 200 characters \(got ps1:[A-Za-z0-9_-]{43} \(pseudonymised\)\)/);
    expect(out()).not.toContain('Vries');
  });

  it.each([
    [['check', '<file>'], /--mapping is required/],
    [['list'], /unknown action "list"/],
    [['check', '--mapping'], /--mapping is required|the file to check is required/],
    [['check', '--mapping', '<file>', '--examples', 'many', '<file>'], /--examples needs a whole number, got "many"/],
  ])('exits 2 on bad usage %#', async (args, message) => {
    const { data } = files();
    const argv = args.map((a) => (a === '<file>' ? data : a));
    const { io, err } = memoryIo();
    expect(await runMappingCommand(argv, io, {})).toBe(2);
    expect(err()).toMatch(message);
  });

  it('checks JSON lines and JSON arrays of a JSON partner the same way', async () => {
    const partner: PartnerConfig = { id: 'json-feed', name: 'A JSON feed', country: 'NL', format: 'json' };
    const incident = (id: string, country: string) => ({
      id, occurred_at: '2024-03-01T10:00:00+01:00', reported_at: '2024-03-02T09:00:00Z', country, category: '06',
      route: { origin: 'Colombia', transit: [], destination: 'NL' }, modality: 'sea', methods: [], technologies: [], commodities: [],
      handling: { tlp: 'GREEN', source_reliability: 'B', information_credibility: '2' },
    });
    const records = [incident('J1', 'Netherlands'), incident('J2', 'NA'), incident('J3', 'Namibia')];
    for (const file of [records.map((r) => JSON.stringify(r)).join('\n'), JSON.stringify(records)]) {
      const { mapping, data } = files(partner, file);
      const { io, out } = memoryIo();
      expect(await runMappingCommand(['check', '--mapping', mapping, '--json', data], io, {})).toBe(1);
      expect(JSON.parse(out())).toMatchObject({
        rows: 3, accepted: 2, rejected: 1,
        byReason: [{ reason: 'missing_value', count: 1, examples: [{ line: 2, message: expect.stringContaining('/country has no value: "NA" is a missing-value token') }] }],
      });
    }
  });

  it('exits 2 for a file that cannot be cut into rows', async () => {
    const { mapping, data } = files(PARTNER, `${FILE}\nA9,"10/01/2014,Italy`);
    const { io, err } = memoryIo();
    expect(await runMappingCommand(['check', '--mapping', mapping, data], io, {})).toBe(2);
    expect(err()).toBe('tocsin mapping: the CSV cannot be parsed: a quoted field is not closed (line 9)\n');
  });

  it('exits 2 naming the problem of an invalid mapping', async () => {
    const { mapping, data } = files({ ...PARTNER, csv: { ...PARTNER.csv, columns: { ...PARTNER.csv!.columns, occurred_at: { column: 'Date', date_formats: ['dd/QQ/yyyy'] } } } });
    const { io, err } = memoryIo();
    expect(await runMappingCommand(['check', '--mapping', mapping, data], io, {})).toBe(2);
    expect(err()).toMatch(/csv\/columns\/occurred_at\/date_formats\/0: date format "dd\/QQ\/yyyy": QQ is not a pattern letter/);
  });
});
