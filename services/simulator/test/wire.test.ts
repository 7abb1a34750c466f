import { canonicalJson, decodeJson, type Incident, type PartnerConfig } from '@tocsin/core';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { createScenario } from '../src/index';
import { csvField, fastCanonicalJson, offsetMinutes } from '../src/wire';

const scenario = createScenario({ seed: 5, start: '2025-06-01', days: 20 });
const incidents = [...scenario.incidents()];

/**
 * Reads one CSV record back the way the partner config says it should be read
 * (columns, list separator, code_map, local time), independently of the encoder.
 */
function readCsvRecord(config: PartnerConfig, text: string): Partial<Incident> & Record<string, unknown> {
  const mapping = config.csv;
  if (!mapping) throw new Error(`${config.id} has no csv mapping`);
  const rows = parse(text, { delimiter: mapping.delimiter ?? ',', columns: mapping.header !== false, relax_column_count: false }) as unknown as Array<Record<string, string>>;
  expect(rows).toHaveLength(1);
  const row = rows[0] as Record<string, string>;
  const col = (field: keyof typeof mapping.columns): string => {
    // The simulator's partners name plain columns (no ColumnSpec).
    const name = mapping.columns[field];
    return typeof name !== 'string' ? '' : (row[name] ?? '');
  };
  const sep = mapping.list_separator ?? ';';
  const list = (field: 'methods' | 'technologies' | 'commodities' | 'transit'): string[] => {
    const raw = col(field);
    if (raw === '') return [];
    const codes = raw.split(sep);
    return field === 'transit' ? codes : codes.map((c) => config.code_map?.[field]?.[c] ?? c);
  };
  const offset = offsetMinutes(config.timezone_offset) * 60_000;
  const time = (raw: string): string => (config.timezone_offset ? new Date(Date.parse(raw.replace(' ', 'T') + 'Z') - offset).toISOString().slice(0, 19) + 'Z' : raw);
  const handling = config.default_handling ?? {
    tlp: col('tlp'), source_reliability: col('source_reliability'), information_credibility: col('information_credibility'),
    ...(col('share_with') ? { share_with: col('share_with').split(sep) } : {}),
  };
  const person = { name: col('person_name'), document_number: col('person_document'), phone: col('person_phone') };
  return {
    id: col('id'),
    occurred_at: time(col('occurred_at')),
    reported_at: time(col('reported_at')),
    country: col('country'),
    category: config.code_map?.category?.[col('category')] ?? col('category'),
    route: { origin: col('origin'), transit: list('transit'), destination: col('destination'), ...(col('route_name') ? { name: col('route_name') } : {}) } as Incident['route'],
    modality: (config.code_map?.modality?.[col('modality')] ?? col('modality')) as Incident['modality'],
    methods: list('methods'),
    technologies: list('technologies'),
    commodities: list('commodities'),
    quantity: { value: Number(col('quantity_value')), unit: col('quantity_unit') as NonNullable<Incident['quantity']>['unit'] },
    narrative: { text: col('narrative'), lang: col('narrative_lang') },
    ...(person.name ? { persons: [person] } : {}),
    handling: handling as Incident['handling'],
  };
}

describe('wire formats', () => {
  it('CSV partners write records that parse back, per their own mapping, to the same incident', () => {
    const csvPartners = scenario.partners.filter((p) => p.format === 'csv');
    expect(csvPartners.length).toBeGreaterThanOrEqual(2);
    for (const config of csvPartners) {
      const own = incidents.filter((i) => i.partner === config.id);
      expect(own.length, config.id).toBeGreaterThan(50);
      let mapped = 0;
      for (const incident of own) {
        const record = scenario.encode(incident);
        expect(record.contentType).toBe('text/csv');
        expect(record.key).toBe(incident.id);
        const text = record.value.toString('utf8');
        expect(text.split('\n')[0]).toContain(config.csv?.columns.occurred_at);
        // Partner codes really are used on the wire, not only Tocsin codes.
        if (Object.keys(config.code_map?.category ?? {}).some((code) => text.includes(`${code}`))) mapped++;
        const { partner: _p, ...expected } = incident;
        expect(readCsvRecord(config, text)).toEqual(expected);
      }
      expect(mapped, config.id).toBeGreaterThan(own.length * 0.9);
    }
  });

  it('writes local time without a zone for partners with a timezone offset', () => {
    const nl = incidents.find((i) => i.partner === 'nl-douane') as Incident;
    const text = scenario.encode(nl).value.toString('utf8');
    expect(text).toMatch(/;\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2};/);
    expect(text).not.toContain(nl.occurred_at);
  });

  it('JSON partners send canonical JSON that decodes to the incident', () => {
    const json = incidents.filter((i) => scenario.partners.find((p) => p.id === i.partner)?.format === 'json').slice(0, 500);
    for (const incident of json) {
      const record = scenario.encode(incident);
      expect(record.contentType).toBe('application/json');
      expect(decodeJson(record.value)).toEqual(incident);
      const text = record.value.toString('utf8');
      // Canonical: top-level keys sorted.
      const keys = Object.keys(JSON.parse(text) as object);
      expect(keys).toEqual([...keys].sort());
    }
  });

  it('writes the same bytes as core canonicalJson', () => {
    for (const incident of incidents.slice(0, 2000)) expect(fastCanonicalJson(incident)).toBe(canonicalJson(incident));
    const odd = { b: [1, undefined, 'x'], a: { d: null, c: undefined, 'é': 2, Z: true }, n: -0.5 };
    expect(fastCanonicalJson(odd)).toBe(canonicalJson(odd));
  });

  it('quotes CSV fields that hold the delimiter, quotes or line breaks', () => {
    expect(csvField('plain', ';')).toBe('plain');
    expect(csvField('a;b', ';')).toBe('"a;b"');
    expect(csvField('say "kryolix"', ',')).toBe('"say ""kryolix"""');
    expect(csvField('two\nlines', ',')).toBe('"two\nlines"');
  });
});
