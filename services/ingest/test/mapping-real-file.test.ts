// Acceptance (issue 8, item 3): a multi-year incident file in the shape of a public
// missing-migrants export — one row per incident with date, route name, country of incident
// and country of origin as UN names, cause, counts, "NA"/"Unknown"/"Mixed" tokens and list
// columns — goes through a declarative mapping with no preprocessing. Every row is accepted,
// or rejected with a message that quotes the offending value and names the column.
import { partnerTopic, type BusMessage, type Incident, type PartnerConfig } from '@tocsin/core';
import { describe, expect, it } from 'vitest';
import { validatePartners } from '../src/partners';
import { checkMapping } from '../src/mapping-check';
import { processRecord } from '../src/process-record';
import { NOW, processContext } from './fixtures';

/** The mapping a user would write for this file (JSON in a partners file). */
const PARTNER: PartnerConfig = {
  id: 'mmp-public',
  name: 'Missing migrants (public export)',
  country: 'CH',
  format: 'csv',
  default_handling: { tlp: 'CLEAR', source_reliability: 'B', information_credibility: '2' },
  csv: {
    columns: {
      id: 'Incident ID',
      occurred_at: { column: 'Incident Date', date_formats: ['dd/MM/yyyy', 'excel'] },
      country: 'Country of Incident',
      origin: { column: 'Country of Origin', split: ',', pick: 'first' },
      route_name: 'Migration route',
      modality: { column: 'Means of transport', split: ';', pick: 'first', value_map: { Boat: 'sea', Truck: 'land', Vehicle: 'land', 'On foot': 'land' } },
      methods: { column: 'Means of transport', value_map: { Boat: 'smuggling.boat', Truck: 'smuggling.truck', Vehicle: 'smuggling.truck', 'On foot': 'smuggling.on-foot' } },
      quantity_value: 'Total Number of Dead and Missing',
      narrative: { column: ['Cause of Death', 'Location of Incident'], join: ' — ' },
    },
    constants: { category: '08071', commodities: 'people.smuggled', quantity_unit: 'persons', narrative_lang: 'en' },
    routes: {
      'Central Mediterranean': { origin: 'Libya', destination: 'Italy' },
      'Western Mediterranean': { origin: 'Morocco', destination: 'Spain' },
      'Eastern Mediterranean': { origin: 'Türkiye', destination: 'Greece' },
      'Western Balkans': { origin: 'Greece', transit: ['North Macedonia', 'Serbia'], destination: 'Hungary' },
      'English Channel to the UK': { origin: 'France', destination: 'United Kingdom of Great Britain and Northern Ireland' },
      'Sahara Desert crossing': { origin: 'Niger', destination: 'Libya' },
      'US-Mexico border crossing': { origin: 'Mexico', destination: 'United States of America' },
      'Afghanistan to Iran': { origin: 'Afghanistan', destination: 'Iran (Islamic Republic of)' },
      'Atlantic route to the Canary Islands': { origin: 'Senegal', destination: 'Spain' },
    },
  },
};

const ROUTE_CODES: Record<string, { origin: string; destination: string; transit?: string[] }> = {
  'Central Mediterranean': { origin: 'LY', destination: 'IT' },
  'Western Mediterranean': { origin: 'MA', destination: 'ES' },
  'Eastern Mediterranean': { origin: 'TR', destination: 'GR' },
  'Western Balkans': { origin: 'GR', destination: 'HU', transit: ['MK', 'RS'] },
  'English Channel to the UK': { origin: 'FR', destination: 'GB' },
  'Sahara Desert crossing': { origin: 'NE', destination: 'LY' },
  'US-Mexico border crossing': { origin: 'MX', destination: 'US' },
  'Afghanistan to Iran': { origin: 'AF', destination: 'IR' },
  'Atlantic route to the Canary Islands': { origin: 'SN', destination: 'ES' },
};

/** Country names as UN and ISO lists write them, with the code each means (test data, not code under test). */
const UN_NAMES: Array<[string, string]> = [
  ['Libya', 'LY'], ['Italy', 'IT'], ['Greece', 'GR'], ['Türkiye', 'TR'], ['Spain', 'ES'], ['Morocco', 'MA'],
  ['Mexico', 'MX'], ['United States of America', 'US'], ['Niger', 'NE'], ['Hungary', 'HU'], ['Serbia', 'RS'],
  ['United Kingdom of Great Britain and Northern Ireland', 'GB'], ['Iran (Islamic Republic of)', 'IR'], ['Republic of Moldova', 'MD'],
  ['Syrian Arab Republic', 'SY'], ['Afghanistan', 'AF'], ['Eritrea', 'ER'], ['Sudan', 'SD'], ['Democratic Republic of the Congo', 'CD'],
  ['Viet Nam', 'VN'], ['Côte d\u2019Ivoire', 'CI'], ["Cote d'Ivoire", 'CI'], ['Ivory Coast', 'CI'], ['Bolivia (Plurinational State of)', 'BO'],
  ['Venezuela (Bolivarian Republic of)', 'VE'], ['Honduras', 'HN'], ['Guinea', 'GN'], ['Mali', 'ML'], ['Senegal', 'SN'],
  ['Lao People\u2019s Democratic Republic', 'LA'], ['United Republic of Tanzania', 'TZ'], ['Russian Federation', 'RU'], ['Gambia', 'GM'],
];

/** Deterministic PRNG (mulberry32): the fixture is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Row {
  cells: Record<string, string>;
  /** What ingest must do with the row. */
  expect:
    | { kind: 'accepted'; country: string; origin: string; destination: string; transit: string[]; quantity?: number; longId?: string; occurredDay: string }
    | { kind: 'rejected'; reason: string; quoted: string; column: string };
}

const HEADER = ['Incident ID', 'Incident Date', 'Migration route', 'Country of Incident', 'Country of Origin', 'Cause of Death', 'Location of Incident', 'Means of transport', 'Number of Dead', 'Total Number of Dead and Missing'];

const csvCell = (value: string): string => (/[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

function makeRows(count: number): Row[] {
  const random = prng(20_140_101);
  const pickOne = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const routes = Object.keys(ROUTE_CODES);
  const rows: Row[] = [];
  const start = Date.UTC(2014, 0, 1);
  const span = Date.UTC(2025, 11, 31) - start;
  for (let i = 0; i < count; i++) {
    const day = new Date(start + Math.floor((span * i) / count));
    const iso = day.toISOString().slice(0, 10);
    const [y, m, d] = iso.split('-');
    const route = pickOne(routes);
    const roll = random();
    const cells: Record<string, string> = {
      'Incident ID': `MMP${y}-${String(i).padStart(5, '0')}`,
      'Incident Date': `${d}/${m}/${y}`,
      'Migration route': route,
      'Country of Incident': '',
      'Country of Origin': '',
      'Cause of Death': pickOne(['Drowning', 'Harsh environmental conditions / lack of adequate shelter, food, water', 'Vehicle accident / death linked to hazardous transport', 'Violence', 'Mixed or unknown']),
      'Location of Incident': pickOne(['Off the coast', 'Desert, 40 km from the border', 'Border crossing', 'Unknown']),
      'Means of transport': pickOne(['Boat', 'Truck', 'On foot', 'Vehicle', 'NA', 'Boat; Truck']),
      'Number of Dead': String(1 + Math.floor(random() * 30)),
      'Total Number of Dead and Missing': String(1 + Math.floor(random() * 60)),
    };
    const [incidentName, incidentCode] = pickOne(UN_NAMES);
    cells['Country of Incident'] = incidentName;
    const codes = ROUTE_CODES[route]!;
    let origin = codes.origin;
    const originRoll = random();
    if (originRoll < 0.15) cells['Country of Origin'] = pickOne(['Unknown', 'unknown', 'NA', 'n/a', '']);
    else if (originRoll < 0.23) cells['Country of Origin'] = 'Mixed';
    else if (originRoll < 0.33) {
      const [a, codeA] = pickOne(UN_NAMES.filter(([name]) => !name.includes(',')));
      const [b] = pickOne(UN_NAMES.filter(([name]) => !name.includes(',')));
      cells['Country of Origin'] = `${a}, ${b}`;
      origin = codeA;
    } else {
      const [name, code] = pickOne(UN_NAMES);
      cells['Country of Origin'] = name;
      origin = code;
    }
    let quantity: number | undefined = Number(cells['Total Number of Dead and Missing']);
    let longId: string | undefined;
    let expect: Row['expect'] = { kind: 'accepted', country: incidentCode, origin, destination: codes.destination, transit: codes.transit ?? [], occurredDay: iso };

    // Defects and variants a real export has, each with what ingest must answer.
    if (roll < 0.04) {
      cells['Country of Incident'] = pickOne(['NA', 'Unknown', 'N/A']);
      expect = { kind: 'rejected', reason: 'missing_value', quoted: cells['Country of Incident'], column: 'Country of Incident' };
    } else if (roll < 0.06) {
      cells['Country of Incident'] = pickOne(['Mediterranean Sea', 'Guinea, Mali', 'At sea (international waters)']);
      expect = { kind: 'rejected', reason: 'unknown_country', quoted: cells['Country of Incident'], column: 'Country of Incident' };
    } else if (roll < 0.09) {
      cells['Migration route'] = pickOne(['Darien', 'Caribbean to US']);
      expect = { kind: 'rejected', reason: 'missing_value', quoted: cells['Migration route'], column: 'Migration route' };
    } else if (roll < 0.11) {
      cells['Migration route'] = pickOne(['NA', 'Unknown', '']);
      expect = { kind: 'rejected', reason: 'missing_value', quoted: cells['Migration route'], column: 'Migration route' };
    } else if (roll < 0.12) {
      cells['Incident Date'] = pickOne([`31/02/${y}`, `${d}-${m}-${y}`, 'unknown date']);
      expect = { kind: 'rejected', reason: 'schema_violation', quoted: cells['Incident Date'], column: 'Incident Date' };
    } else if (roll < 0.13) {
      cells['Total Number of Dead and Missing'] = `${quantity} (est.)`;
      expect = { kind: 'rejected', reason: 'schema_violation', quoted: cells['Total Number of Dead and Missing'], column: 'Total Number of Dead and Missing' };
    } else if (roll < 0.16) {
      cells['Total Number of Dead and Missing'] = pickOne(['NA', 'Unknown', '']);
      quantity = undefined;
    } else if (roll < 0.2) {
      // Excel serial day numbers where a sheet lost the date format.
      cells['Incident Date'] = String(Math.floor(day.getTime() / 86_400_000) + 25_569);
    } else if (roll < 0.22) {
      longId = `${cells['Incident ID']}|${'https://example.org/news/2019/article-about-the-incident-'.repeat(3)}${i}`;
      cells['Incident ID'] = longId;
    }
    if (expect.kind === 'accepted') expect = { ...expect, ...(quantity === undefined ? {} : { quantity }), ...(longId ? { longId } : {}) };
    rows.push({ cells, expect });
  }
  return rows;
}

const ROWS = makeRows(420);
const HEADER_LINE = `${HEADER.map(csvCell).join(',')}\r\n`;
const FILE = HEADER_LINE + ROWS.map((r) => HEADER.map((h) => csvCell(r.cells[h] ?? '')).join(',')).join('\r\n');

describe('a multi-year incident file through a declarative mapping (issue 8 item 3)', () => {
  const [partner] = validatePartners([PARTNER]);
  const ctx = processContext({ partners: new Map([[partner!.id, partner!]]), now: NOW });
  const topic = partnerTopic(partner!.id);

  it('covers 2014-2025 with UN names, missing tokens, list columns and named routes', () => {
    expect(ROWS.length).toBe(420);
    expect(new Set(ROWS.map((r) => r.cells['Incident Date']!.slice(-4))).size).toBeGreaterThanOrEqual(12);
    const origins = ROWS.map((r) => r.cells['Country of Origin']);
    for (const token of ['Unknown', 'Mixed', 'NA']) expect(origins).toContain(token);
    expect(origins.some((o) => o?.includes(','))).toBe(true);
    expect(ROWS.filter((r) => r.expect.kind === 'rejected').length).toBeGreaterThan(20);
  });

  it('accepts or rejects every row, quoting the value and naming the column', () => {
    const accepted: Incident[] = [];
    ROWS.forEach((row, i) => {
      const record: BusMessage = {
        topic, partition: 0, offset: String(i), key: null, timestamp: NOW - 60_000, headers: {},
        value: Buffer.from(HEADER_LINE + HEADER.map((h) => csvCell(row.cells[h] ?? '')).join(',')),
      };
      const outcomes = processRecord(record, ctx);
      expect(outcomes).toHaveLength(1);
      const outcome = outcomes[0]!;
      const where = `row ${i + 1} ${JSON.stringify(row.cells)}`;
      if (row.expect.kind === 'rejected') {
        expect(outcome.kind, where).toBe('rejected');
        if (outcome.kind !== 'rejected') return;
        expect(outcome.deadLetter.reason, `${where}: ${outcome.deadLetter.message}`).toBe(row.expect.reason);
        expect(outcome.deadLetter.message, where).toContain(JSON.stringify(row.expect.quoted));
        expect(outcome.deadLetter.message, where).toContain(JSON.stringify(row.expect.column));
        return;
      }
      expect(outcome.kind, `${where}: ${outcome.kind === 'rejected' ? outcome.deadLetter.message : ''}`).toBe('accepted');
      if (outcome.kind !== 'accepted') return;
      const incident = outcome.event.incident;
      accepted.push(incident);
      expect(incident.country, where).toBe(row.expect.country);
      expect(incident.route, where).toMatchObject({ origin: row.expect.origin, destination: row.expect.destination, transit: row.expect.transit, name: row.cells['Migration route'] });
      expect(incident.occurred_at.slice(0, 10), where).toBe(row.expect.occurredDay);
      expect(incident.quantity, where).toEqual(row.expect.quantity === undefined ? undefined : { value: row.expect.quantity, unit: 'persons' });
      if (row.expect.longId) {
        expect(incident.id, where).toMatch(/^sha256:[0-9a-f]{64}$/);
        expect(incident.original_id, where).toBe(row.expect.longId);
      } else {
        expect(incident.id, where).toBe(row.cells['Incident ID']);
      }
    });
    // "NA" never became Namibia, and the tokens never became values.
    for (const incident of accepted) expect([incident.country, incident.route.origin, incident.route.destination, ...incident.route.transit]).not.toContain('NA');
    expect(accepted.length).toBe(ROWS.filter((r) => r.expect.kind === 'accepted').length);
  });

  it('gives the same answer through tocsin mapping check (one code path)', () => {
    const report = checkMapping({ partner: partner!, file: Buffer.from(FILE), now: NOW, examples: 2 });
    const expected = ROWS.filter((r) => r.expect.kind === 'rejected');
    expect(report.rows).toBe(ROWS.length);
    expect(report.accepted).toBe(ROWS.length - expected.length);
    expect(report.rejected).toBe(expected.length);
    const byReason = Object.fromEntries(report.byReason.map((r) => [r.reason, r.count]));
    const expectedByReason: Record<string, number> = {};
    for (const r of expected) if (r.expect.kind === 'rejected') expectedByReason[r.expect.reason] = (expectedByReason[r.expect.reason] ?? 0) + 1;
    expect(byReason).toEqual(expectedByReason);
    for (const { examples } of report.byReason) {
      for (const example of examples) {
        expect(example.line).toBeGreaterThan(1);
        expect(example.message).toMatch(/column "[^"]+"/);
      }
    }
  });
});
