// The mapping features one by one, through processRecord (decode, normalise, validate).
import { partnerTopic, type CsvMapping, type PartnerConfig } from '@tocsin/core';
import { describe, expect, it } from 'vitest';
import { mappingProblems } from '../../src/decode/csv-mapping';
import { processRecord, type RecordOutcome } from '../../src/process-record';
import { busMessage, JSON_PARTNER, partnerIncident, processContext } from '../fixtures';

const BASE: PartnerConfig = {
  id: 'ngo-export',
  name: 'An export',
  country: 'CH',
  format: 'csv',
  default_handling: { tlp: 'GREEN', source_reliability: 'B', information_credibility: '2' },
  csv: {
    columns: { id: 'id', occurred_at: 'date', country: 'country', category: 'category', origin: 'origin', destination: 'destination' },
  },
};

function partnerWith(csv: Partial<CsvMapping>, extra: Partial<PartnerConfig> = {}): PartnerConfig {
  return { ...BASE, ...extra, csv: { ...BASE.csv!, ...csv, columns: { ...BASE.csv!.columns, ...csv.columns } } };
}

const HEADER = 'id,date,country,category,origin,destination,route,count,extra';

function run(partner: PartnerConfig, ...rows: string[]): RecordOutcome[] {
  const ctx = processContext({ partners: new Map([[partner.id, partner]]) });
  return processRecord(busMessage(partnerTopic(partner.id), `${HEADER}\n${rows.join('\n')}`), ctx);
}

function accepted(outcome: RecordOutcome | undefined) {
  if (outcome?.kind !== 'accepted') throw new Error(`expected accepted, got ${outcome?.kind === 'rejected' ? `${outcome.deadLetter.reason}: ${outcome.deadLetter.message}` : outcome?.kind}`);
  return outcome.event.incident;
}

function rejected(outcome: RecordOutcome | undefined) {
  if (outcome?.kind !== 'rejected') throw new Error(`expected rejected, got ${outcome?.kind}`);
  return outcome.deadLetter;
}

describe('CSV mapping', () => {
  it('never reads NA as Namibia unless the column opts out of the missing tokens', () => {
    expect(rejected(run(BASE, 'A,2024-01-01,NA,06,Morocco,ES,,,')[0]).message).toBe('column "country" (country) has no value: "NA" is a missing-value token');
    const namibia = partnerWith({ columns: { country: { column: 'country', global_missing: false, missing: ['Unknown'] } } as CsvMapping['columns'] });
    expect(accepted(run(namibia, 'A,2024-01-01,NA,06,Morocco,ES,,,')[0]).country).toBe('NA');
    expect(rejected(run(namibia, 'A,2024-01-01,unknown,06,Morocco,ES,,,')[0]).reason).toBe('missing_value');
    // Without opting out, "n/a", "N/A", "-" and an empty cell are missing too.
    for (const token of ['n/a', 'N/A', '-', '', ' Unknown ']) expect(rejected(run(BASE, `A,2024-01-01,${token},06,Morocco,ES,,,`)[0]).reason).toBe('missing_value');
  });

  it('takes partner-wide tokens, and can drop the built-in ones', () => {
    const own = { ...BASE, missing_tokens: ['Sin datos'] };
    expect(rejected(run(own, 'A,2024-01-01,sin datos,06,Morocco,ES,,,')[0]).reason).toBe('missing_value');
    const none = { ...BASE, default_missing_tokens: false };
    expect(rejected(run(none, 'A,2024-01-01,Unknown,06,Morocco,ES,,,')[0]).message).toContain('"Unknown" is not an ISO 3166-1 code');
  });

  it('maps values through value_map (exact, then case-insensitively; null is missing; a list is several values)', () => {
    const partner = partnerWith({
      columns: {
        category: { column: 'category', value_map: { Drowning: '08071', 'Sans objet': null } },
        transit: { column: 'extra', split: '/', value_map: { Balkans: ['North Macedonia', 'Serbia'], 'at sea': null } },
      } as CsvMapping['columns'],
    });
    const incident = accepted(run(partner, 'A,2024-01-01,Italy,drowning,Libya,IT,,,Balkans / at sea / Hungary')[0]);
    expect(incident.category).toBe('08071');
    expect(incident.route.transit).toEqual(['MK', 'RS', 'HU']);
    expect(rejected(run(partner, 'A,2024-01-01,Italy,Sans objet,Libya,IT,,,')[0]).message).toBe('column "category" (category) has no value: "Sans objet" leaves no value after missing tokens and value_map');
  });

  it('splits list cells and applies the pick rule of one-value fields', () => {
    const withPick = (pick: 'one' | 'first' | 'last' | 'none') =>
      partnerWith({ columns: { origin: { column: 'origin', split: ',', pick }, route_name: 'route' } as CsvMapping['columns'], routes: { Med: { destination: 'Italy' } } });
    const row = 'A,2024-01-01,Italy,06,"Guinea, Mali",IT,Med,,';
    expect(rejected(run(withPick('one'), row)[0]).message).toBe(
      'column "origin" (origin): "Guinea, Mali" holds 2 values ("Guinea", "Mali") where origin takes one; set its pick rule (first, last, none)',
    );
    expect(accepted(run(withPick('first'), row)[0]).route.origin).toBe('GN');
    expect(accepted(run(withPick('last'), row)[0]).route.origin).toBe('ML');
    // none: several values are as good as none, so the route's origin applies, or the row has none.
    expect(rejected(run(withPick('none'), row)[0]).message).toBe('column "origin" (origin) has no value: "Guinea, Mali" holds 2 values and its pick rule is "none", and the routes table entry "Med" (column "route") gives no origin');
    const routed = { ...withPick('none'), csv: { ...withPick('none').csv!, routes: { Med: { origin: 'Libya' } } } };
    expect(accepted(run(routed, row)[0]).route.origin).toBe('LY');
  });

  it('fills route fields from the named route, then the column default; a column value wins', () => {
    const partner = partnerWith({
      columns: { route_name: 'route', destination: { column: 'destination', default: 'Spain' } } as CsvMapping['columns'],
      routes: { 'Central Mediterranean': { origin: 'Libya', transit: ['Malta'], destination: 'Italy' }, 'Atlantic': { origin: 'Senegal' } },
    });
    const [a, b, c, d] = run(
      partner,
      'A,2024-01-01,Italy,06,Unknown,,central mediterranean ,,',
      'B,2024-01-01,Italy,06,Eritrea,Greece,Central Mediterranean,,',
      'C,2024-01-01,Spain,06,Mixed,,Atlantic,,',
      'D,2024-01-01,Spain,06,Mixed,,Darien,,',
    );
    expect(accepted(a).route).toEqual({ origin: 'LY', transit: ['MT'], destination: 'IT', name: 'central mediterranean' });
    expect(accepted(b).route).toMatchObject({ origin: 'ER', destination: 'GR' });
    expect(accepted(c).route).toMatchObject({ origin: 'SN', destination: 'ES' });
    expect(rejected(d).message).toBe('column "origin" (origin) has no value: "Mixed" is a missing-value token, and route "Darien" (column "route") is not in the routes table');
  });

  it('sets constants, joins several columns, and names a constant in a rejection', () => {
    const partner = partnerWith({
      columns: { category: undefined, narrative: { column: ['route', 'extra'], join: ' — ' }, quantity_value: 'count' } as unknown as CsvMapping['columns'],
      constants: { category: '08071', quantity_unit: 'persons', narrative_lang: 'en', modality: 'sea' },
    });
    const incident = accepted(run(partner, 'A,2024-01-01,Italy,ignored,Libya,IT,Off Lampedusa,12,NA')[0]);
    expect(incident).toMatchObject({ category: '08071', modality: 'sea', quantity: { value: 12, unit: 'persons' }, narrative: { text: 'Off Lampedusa', lang: 'en' } });
    const bad = { ...partner, csv: { ...partner.csv!, constants: { ...partner.csv!.constants, quantity_unit: 'tonnes' } } };
    expect(rejected(run(bad, 'A,2024-01-01,Italy,x,Libya,IT,,12,')[0]).message).toMatch(/^a constant of the mapping: \/quantity\/unit must be one of .* \(got "tonnes"\)$/);
  });

  it('reads dates in the declared formats and quotes a date that fits none', () => {
    const partner = partnerWith({ columns: { occurred_at: { column: 'date', date_formats: ['dd/MM/yyyy[ HH:mm]'] } } as CsvMapping['columns'] }, { timezone_offset: '+02:00' });
    expect(accepted(run(partner, 'A,06/01/2014 10:30,Italy,06,Libya,IT,,,')[0]).occurred_at).toBe('2014-01-06T08:30:00.000Z');
    expect(accepted(run(partner, 'A,2014-01-06T10:30:00Z,Italy,06,Libya,IT,,,')[0]).occurred_at).toBe('2014-01-06T10:30:00.000Z');
    expect(rejected(run(partner, 'A,06/13/2014,Italy,06,Libya,IT,,,')[0]).message).toBe('column "date" (occurred_at): "06/13/2014" is not a date in "dd/MM/yyyy[ HH:mm]" or ISO 8601');
    // The partner's formats apply to a column without its own.
    const partnerWide = { ...BASE, date_formats: ['d.M.yyyy'] };
    expect(accepted(run(partnerWide, 'A,6.1.2014,Italy,06,Libya,IT,,,')[0]).occurred_at).toBe('2014-01-06T00:00:00.000Z');
  });

  it('quotes the value and names the column in every rejection, cut at 60 characters', () => {
    const long = `Atlantis ${'x'.repeat(100)}`;
    const message = rejected(run(BASE, `A,2024-01-01,${long},06,Morocco,ES,,,`)[0]).message;
    expect(message).toBe(`column "country": /country: ${JSON.stringify(`${long.slice(0, 60)}…`)} is not an ISO 3166-1 code or a known country name`);
    expect(rejected(run(BASE, 'A,2024-01-01,Italy,06,"Guinea; Mali",ES,,,')[0]).message).toContain('"Guinea; Mali" is not an ISO 3166-1 code or a known country name; it looks like a list');
    expect(rejected(run(BASE, 'A,2024-01-01,Italy,XX99,Morocco,ES,,,')[0]).message).toMatch(/^column "category": \/category must match pattern .* \(got "xx99"\)$/);
  });

  it('hashes an id longer than 128 characters into id and keeps it in original_id', () => {
    const id = `https://example.org/incidents/${'a'.repeat(120)}`;
    const incident = accepted(run(BASE, `${id},2024-01-01,Italy,06,Morocco,ES,,,`)[0]);
    expect(incident.id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(incident.original_id).toBe(id);
    // The same long id gives the same hash: a re-send is recognised.
    expect(accepted(run(BASE, `${id},2024-01-01,Italy,06,Morocco,ES,,,`)[0]).id).toBe(incident.id);
    expect(rejected(run(BASE, `${'b'.repeat(3000)},2024-01-01,Italy,06,Morocco,ES,,,`)[0]).message).toMatch(/^column "id": \/id: "b{60}…" has 3000 characters; ids up to 2048 are kept/);
  });
});

describe('mapping problems the schema cannot see', () => {
  it.each([
    ['a required field without a source', partnerWith({ columns: { country: undefined } as unknown as CsvMapping['columns'] }), '/csv/columns/country is needed: map a column, set /csv/constants/country'],
    ['a field both a column and a constant', partnerWith({ constants: { country: 'Italy' } }), '/csv/constants/country: country is also mapped to a column'],
    ['routes without a route_name column', partnerWith({ routes: { A: { origin: 'Libya' } } }), '/csv/routes needs /csv/columns/route_name'],
    ['pick on a list field', partnerWith({ columns: { transit: { column: 'extra', pick: 'first' } } as CsvMapping['columns'] }), '/csv/columns/transit/pick: transit is a list field'],
    ['date formats on a non-date field', partnerWith({ columns: { country: { column: 'country', date_formats: ['dd/MM/yyyy'] } } as CsvMapping['columns'] }), '/csv/columns/country/date_formats: only occurred_at and reported_at are dates'],
    ['a list constant for a one-value field', partnerWith({ columns: { category: undefined } as unknown as CsvMapping['columns'], constants: { category: ['06', '08'] } }), '/csv/constants/category: category takes one value, not a list'],
    ['an empty route entry', partnerWith({ columns: { route_name: 'route' } as CsvMapping['columns'], routes: { Med: {} } }), '/csv/routes/Med gives no origin, transit or destination'],
    ['a bad partner date format', { ...BASE, date_formats: ['dd/MM'] }, '/date_formats/0: date format "dd/MM" has no year (y)'],
  ])('%s', (_name, partner, problem) => {
    expect(mappingProblems(partner).some((p) => p.startsWith(problem)), mappingProblems(partner).join('\n')).toBe(true);
  });

  it('accepts route fields from the routes table alone', () => {
    expect(mappingProblems(partnerWith({ columns: { origin: undefined, destination: undefined, route_name: 'route' } as unknown as CsvMapping['columns'], routes: { A: { origin: 'Libya', destination: 'Italy' } } }))).toEqual([]);
  });
});

describe('JSON records', () => {
  const json = (overrides: Record<string, unknown>, partner: PartnerConfig = JSON_PARTNER) =>
    processRecord(busMessage(partnerTopic(partner.id), JSON.stringify(partnerIncident(overrides))), processContext({ partners: new Map([[partner.id, partner]]) }))[0];

  it('treats missing tokens in country fields as no value, so NA is not Namibia', () => {
    expect(rejected(json({ country: 'NA' })).message).toBe('/country has no value: "NA" is a missing-value token (write Namibia as NAM or Namibia, or drop NA from the partner\'s missing tokens)');
    const incident = accepted(json({ route: { origin: 'COL', transit: ['Unknown', 'Spain'], destination: 'NL' }, persons: [{ role: 'courier', nationality: 'n/a' }] }));
    expect(incident.route.transit).toEqual(['ES']);
    expect(incident.persons?.[0]).toEqual({ role: 'courier' });
    expect(accepted(json({ country: 'Namibia' })).country).toBe('NA');
    expect(accepted(json({ country: 'NA' }, { ...JSON_PARTNER, default_missing_tokens: false })).country).toBe('NA');
  });

  it('reads the partner\'s date formats and hashes long ids', () => {
    const partner = { ...JSON_PARTNER, date_formats: ['dd/MM/yyyy HH:mm'] };
    expect(accepted(json({ occurred_at: '20/11/2026 10:15' }, partner)).occurred_at).toBe('2026-11-20T10:15:00.000Z');
    expect(rejected(json({ occurred_at: '20.11.2026' }, partner)).message).toBe('/occurred_at: "20.11.2026" is not an ISO 8601 date-time nor in "dd/MM/yyyy HH:mm"');
    const incident = accepted(json({ id: 'x'.repeat(200) }));
    expect(incident).toMatchObject({ id: expect.stringMatching(/^sha256:/), original_id: 'x'.repeat(200) });
  });

  it('quotes a person value only as its pseudonym', () => {
    const message = rejected(json({ persons: [{ role: 'courier', name: 'Jan de Vries', nationality: 'Jan de Vries' }] })).message;
    expect(message).toMatch(/^\/persons\/0\/nationality: ps1:[A-Za-z0-9_-]{43} \(pseudonymised\) is not an ISO 3166-1 code/);
    expect(message).not.toContain('Vries');
  });
});
