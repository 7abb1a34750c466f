import type { PartnerConfig } from '@tocsin/core';
import { describe, expect, it } from 'vitest';
import { decodeCsvRecord } from '../../src/decode/csv';
import { CSV_HEADER, CSV_PARTNER, csvRow } from '../fixtures';

const decode = (text: string, partner: PartnerConfig = CSV_PARTNER) => decodeCsvRecord(Buffer.from(text), partner);

describe('decodeCsvRecord', () => {
  it('maps columns to an incident draft, splitting lists and zipping persons', () => {
    const result = decode(`${CSV_HEADER}\n${csvRow()}\n`);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [row] = result.value.rows;
    expect(row?.ok).toBe(true);
    if (!row?.ok) return;
    expect(row.row).toBe(1);
    expect(row.draft).toEqual({
      id: 'FR-1',
      partner: 'fr-douane',
      occurred_at: '2026-11-20 08:30',
      country: 'France',
      category: '06',
      route: { origin: 'Maroc', transit: ['Espagne', 'Portugal'], destination: 'FR' },
      modality: 'land',
      methods: [],
      technologies: [],
      commodities: ['COC', 'HER'],
      quantity: { value: 12.5, unit: 'kg' },
      narrative: { text: 'Marie Dupont arrêtée, tél. 06 12 34 56 78', lang: 'fr' },
      persons: [{ name: 'Marie Dupont', document_number: '12AB34567', phone: '+33 6 12 34 56 78' }],
      handling: { tlp: 'GREEN', source_reliability: 'B', information_credibility: '2' },
    });
    expect(result.value.headerRaw).toBe(`${CSV_HEADER}\n`);
  });

  it('decodes several rows and rejects only the row with a wrong column count', () => {
    const result = decode(`${CSV_HEADER}\n${csvRow({ reference: 'A' })}\nA;b;c\n${csvRow({ reference: 'C' })}`);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.rows.map((r) => (r.ok ? `ok:${String(r.draft['id'])}` : `${r.rejection.reason}:${r.row}`))).toEqual(['ok:A', 'bad_csv_row:2', 'ok:C']);
    const bad = result.value.rows[1]!;
    expect(bad.raw).toBe('A;b;c\n');
    if (!bad.ok) expect(bad.rejection.message).toBe('data row 2 has 3 columns, expected 17');
  });

  it('reads headerless records by 1-based column number', () => {
    const partner: PartnerConfig = {
      ...CSV_PARTNER,
      csv: { header: false, columns: { id: '1', occurred_at: '2', country: '3', category: '4', origin: '5', destination: '6' } },
    };
    const result = decode('X1,2026-11-01,DE,06,NL,DE\nX2,2026-11-01\n', partner);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.rows[0]).toMatchObject({ ok: true, draft: { id: 'X1', country: 'DE', route: { origin: 'NL', destination: 'DE', transit: [] } } });
    expect(result.value.rows[1]).toMatchObject({ ok: false, rejection: { reason: 'bad_csv_row', message: 'data row 2 has 2 columns, expected at least 6' } });
  });

  it.each([
    ['an unclosed quote', Buffer.from(`${CSV_HEADER}\n"FR-1;x`), 'malformed_csv', /cannot be parsed: a quoted field is not closed \(line 2\)/],
    ['a header without a mapped column', Buffer.from('reference;date\nFR-1;2026-01-01'), 'malformed_csv', /header has no column "pays" \(mapped to country\)/],
    ['no data rows', Buffer.from(`${CSV_HEADER}\n`), 'malformed_csv', /no data rows/],
    ['invalid UTF-8', Buffer.from([0xc3, 0x28, 0x0a]), 'bad_encoding', /UTF-8/],
  ])('rejects the whole record for %s', (_name, bytes, reason, message) => {
    const result = decodeCsvRecord(bytes, CSV_PARTNER);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.rejection.reason).toBe(reason);
      expect(result.rejection.message).toMatch(message);
    }
  });

  it('leaves reported_at out when there is no such column, and non-numeric quantities to the schema', () => {
    const result = decode(`${CSV_HEADER}\n${csvRow({ quantite: 'beaucoup', recit: '', nom: '', document: '', telephone: '' })}`);
    if (!result.ok || !result.value.rows[0]?.ok) throw new Error('expected a decoded row');
    const draft = result.value.rows[0].draft;
    expect(draft).not.toHaveProperty('reported_at');
    expect(draft).not.toHaveProperty('narrative');
    expect(draft).not.toHaveProperty('persons');
    expect(draft['quantity']).toEqual({ value: 'beaucoup', unit: 'kg' });
  });
});
