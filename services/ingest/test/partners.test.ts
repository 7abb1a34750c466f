import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPartnersFile, validatePartners } from '../src/partners';
import { CSV_PARTNER, JSON_PARTNER } from './fixtures';

describe('partner configs', () => {
  it('accepts valid JSON and CSV partners from a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tocsin-partners-'));
    const file = join(dir, 'partners.json');
    writeFileSync(file, JSON.stringify([JSON_PARTNER, CSV_PARTNER]));
    expect(loadPartnersFile(file).map((p) => p.id)).toEqual(['nl-police', 'fr-douane']);
  });

  it.each([
    ['not an array', { id: 'x' }, /must be a JSON array/],
    ['schema violation with pointer', [{ ...JSON_PARTNER, country: 'Netherlands' }], /partners\/0\/country must match pattern/],
    ['duplicate id', [JSON_PARTNER, JSON_PARTNER], /partners\/1\/id "nl-police" appears twice/],
    ['csv without mapping', [{ ...JSON_PARTNER, format: 'csv' }], /partners\/0\/csv is required when format is csv/],
    [
      'headerless csv with column names',
      [{ ...CSV_PARTNER, csv: { ...CSV_PARTNER.csv!, header: false } }],
      /csv\/columns\/id must be a 1-based column number/,
    ],
  ])('rejects %s', (_name, data, message) => {
    expect(() => validatePartners(data)).toThrow(message);
  });

  it('names the file when it is missing or not JSON', () => {
    expect(() => loadPartnersFile('/nonexistent/partners.json')).toThrow(/TOCSIN_PARTNERS_FILE \/nonexistent\/partners.json cannot be read/);
    const dir = mkdtempSync(join(tmpdir(), 'tocsin-partners-'));
    writeFileSync(join(dir, 'p.json'), '[{');
    expect(() => loadPartnersFile(join(dir, 'p.json'))).toThrow(/is not JSON/);
  });
});
