// A small partner export designed so an alert must fire: 18 weeks of one incident a day on
// Morocco → Netherlands (and one every other day on Colombia → Belgium), then a week of eleven
// a day on Morocco → Netherlands, then four quiet weeks so the surge's buckets close (detect
// closes a day once the feed is 14 days past it). Dates as dd/mm/yyyy, country names, two bad rows.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PartnerConfig } from '@tocsin/core';

const DAY_MS = 86_400_000;
const START_MS = Date.UTC(2021, 0, 4);
export const SURGE_DAYS = { first: 91, last: 97 };
export const FILE_DAYS = 126;

export function surgeMapping(id: string): PartnerConfig {
  return {
    id, name: 'ACME customs export', country: 'NL', format: 'csv', date_formats: ['dd/MM/yyyy'],
    default_handling: { tlp: 'GREEN', source_reliability: 'B', information_credibility: '2' },
    csv: {
      columns: { id: 'Ref', occurred_at: 'Date', reported_at: 'Reported', country: 'Country', origin: 'From', destination: 'To', methods: 'Method' },
      constants: { category: '0601' },
    },
  };
}

const ddmmyyyy = (ms: number): string => {
  const d = new Date(ms);
  return `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`;
};

/** The CSV text; `bad` rows (a 32nd day of the 13th month, the country "Atlantis") sit at lines 51 and 81. */
export function surgeCsv(): { text: string; good: number; bad: number } {
  const rows = ['Ref,Date,Reported,Country,From,To,Method'];
  let n = 0;
  for (let day = 0; day < FILE_DAYS; day++) {
    const at = START_MS + day * DAY_MS;
    const perDay = day >= SURGE_DAYS.first && day <= SURGE_DAYS.last ? 11 : 1;
    for (let i = 0; i < perDay; i++) rows.push(`A${++n},${ddmmyyyy(at)},${ddmmyyyy(at + DAY_MS)},Netherlands,Morocco,Netherlands,concealment.vehicle`);
    if (day % 2 === 0) rows.push(`A${++n},${ddmmyyyy(at)},${ddmmyyyy(at + DAY_MS)},Belgium,Colombia,Belgium,concealment.container`);
  }
  rows.splice(50, 0, 'BAD1,32/13/2021,01/01/2021,Netherlands,Morocco,Netherlands,concealment.vehicle');
  rows.splice(80, 0, 'BAD2,05/02/2021,06/02/2021,Atlantis,Morocco,Netherlands,concealment.vehicle');
  return { text: `${rows.join('\n')}\n`, good: n, bad: 2 };
}

/** Writes the mapping and the CSV to a fresh folder. */
export function writeSurgeFiles(partner: string): { dir: string; mapping: string; csv: string; good: number; bad: number } {
  const dir = mkdtempSync(join(tmpdir(), 'tocsin-input-'));
  const { text, good, bad } = surgeCsv();
  writeFileSync(join(dir, 'mapping.json'), JSON.stringify(surgeMapping(partner)));
  writeFileSync(join(dir, 'surge.csv'), text);
  return { dir, mapping: join(dir, 'mapping.json'), csv: join(dir, 'surge.csv'), good, bad };
}
