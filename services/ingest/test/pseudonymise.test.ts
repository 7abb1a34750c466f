import type { Incident } from '@tocsin/core';
import { describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { createPseudonymiser, normaliseDocument, normaliseName, normalisePhone } from '../src/pseudonymise';
import { PSEUDONYM_KEY } from './fixtures';

const p = createPseudonymiser(PSEUDONYM_KEY);
const TOKEN = /^ps1:[A-Za-z0-9_-]{43}$/;
const TOKEN_IN_TEXT = /ps1:[A-Za-z0-9_-]{43}/;

describe('pseudonymiser', () => {
  it('normalises identifiers before hashing, so one person gives one token', () => {
    expect(normaliseName('  José   GARCÍA ')).toBe('jose garcia');
    expect(normaliseDocument('ab 123-456.7')).toBe('AB1234567');
    expect(normalisePhone('+44 (20) 7946-0958')).toBe('442079460958');
    expect(normalisePhone('0044 20 7946 0958')).toBe('442079460958');
    expect(p.token('name', 'Jan de Vries')).toBe(p.token('name', ' JAN  de vries'));
    expect(p.token('phone', '+31 6 1234 5678')).toBe(p.token('phone', '0031-6-12345678'));
    expect(p.token('document', 'nx 1234567')).toBe(p.token('document', 'NX1234567'));
    expect(p.token('name', 'Jan de Vries')).toMatch(TOKEN);
    expect(p.token('name', 'Jan de Vries')).toBe(`ps1:${createHmac('sha256', PSEUDONYM_KEY).update('name\u0000jan de vries').digest('base64url')}`);
  });

  it('keeps kinds apart and depends on the key', () => {
    expect(p.token('name', '12345678')).not.toBe(p.token('phone', '12345678'));
    expect(createPseudonymiser(Buffer.alloc(32, 1)).token('name', 'x')).not.toBe(p.token('name', 'x'));
    expect(() => createPseudonymiser(Buffer.alloc(16))).toThrow(/at least 32 bytes/);
  });

  it('replaces person identifiers and redacts them from the narrative with the same tokens', () => {
    const incident = {
      id: '1',
      persons: [{ role: 'courier', name: 'Jan de Vries', document_number: 'NX1234567', phone: '+31 6 1234 5678' }],
      narrative: { text: 'JAN DE VRIES (NX 1234567?) called +31 6 1234 5678; container MSCU1234567 seen on 2026-11-20, 1 200 000 EUR.', lang: 'en' },
    } as unknown as Incident;
    const out = p.incident(incident);
    const [person] = out.persons!;
    expect(person).toEqual({ role: 'courier', name: p.token('name', 'Jan de Vries'), document_number: p.token('document', 'NX1234567'), phone: p.token('phone', '+31 6 1234 5678') });
    const text = out.narrative!.text;
    expect(text).toContain(person!.name);
    expect(text).toContain(person!.phone);
    expect(text).not.toMatch(/vries|1234 5678|1234567\?/i);
    expect(text).toContain(`(${p.token('document', 'NX1234567')}?)`);
    // Analysts keep container numbers, dates and amounts.
    expect(text).toContain('MSCU1234567');
    expect(text).toContain('2026-11-20');
    expect(text).toContain('1 200 000 EUR');
    expect(p.redact('seized of 1500000 units', [])).toBe('seized of 1500000 units');
    // The input is not modified.
    expect(incident.persons![0]!.name).toBe('Jan de Vries');
  });

  it('redacts parts of a known name used alone', () => {
    const text = p.redact('Vries met Jan at the port; de Vries paid.', [{ name: 'Jan de Vries' }]);
    expect(text).not.toMatch(/Vries|Jan/);
    expect(text).toContain(p.token('name', 'Vries'));
    // Parts shorter than 3 letters ("de") stay: they would match ordinary words.
    expect(text).toContain(' at the port; de ');
  });

  it('redacts phone and passport-like numbers of unknown people', () => {
    const text = p.redact('Call 06 12 34 56 78 or +49 151 2345 6789; passport X1234567A and AB123456.', []);
    expect(text).not.toMatch(/12 34 56|151 2345|X1234567A|AB123456/);
    expect(text).toContain(p.token('phone', '0612345678'));
    expect(text).toContain(p.token('document', 'AB123456'));
  });

  it('keeps the narrative within the schema limit', () => {
    const long = Array.from({ length: 800 }, () => '0612345678').join(' ');
    expect(p.redact(long, []).length).toBeLessThanOrEqual(8000);
  });

  // Issue 9, finding 5: what an outside probe found left raw in narratives.
  it('redacts personal data hidden by Unicode spellings, e-mail addresses, IBANs and document numbers', () => {
    const persons = [{ name: 'Jan de Vries', phone: '+31 6 1234 5678', document_number: 'NX1234567' }];
    const cases: Array<[string, RegExp]> = [
      ['his own phone +31\u00a06\u00a01234\u00a05678 (non-breaking spaces)', /1234|5678/],
      ['passport NX\u00a01234567 at the border', /1234567/],
      ['passport NX 1234567 at the border', /1234567/],
      ['reachable on 06/12345678 after 18:00', /12345678/],
      ['number 0612\u200b345678 split by a zero-width space', /345678/],
      ['full-width \uff10\uff16\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18 digits', /[\uff10-\uff19]|12345678/],
      ['paid from NL91 ABNA 0417 1643 00 and nl91abna0417164300', /ABNA|abna|0417/],
      ['wrote to jan.devries@example.nl and J.V@Mail.Example.com', /@|devries|example/i],
      ['word\u2060joined +49\u202f151\u202f2345\u202f6789', /151|2345|6789/],
    ];
    for (const [text, leaked] of cases) {
      const out = p.redact(text, persons, 'NL');
      expect(out, text).not.toMatch(leaked);
      expect(out, text).toMatch(TOKEN_IN_TEXT);
      // No format characters survive (they could hide an identifier from a later reader's pattern).
      expect(out, text).not.toMatch(/[\u200b\u2060\u00a0\u202f]/);
    }
    // The same identifier gives the same token however it was written.
    const plain = p.redact('tel 0612345678', [], 'NL');
    expect(p.redact('tel \uff10\uff16\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18', [], 'NL')).toBe(plain);
    expect(p.redact('tel 0612\u200b345678', [], 'NL')).toBe(plain);
    expect(p.redact('mail JAN.DEVRIES@EXAMPLE.NL', [])).toBe(p.redact('mail jan.devries@example.nl', []));
  });

  it('keeps what analysts need and is not fooled into redacting quantities', () => {
    const text = 'container MSCU1234567 and MAEU 123456 7 on 12/05/2026, 2026-11-20; 1500000 EUR, 1 200 000 pills, 3,5 kg';
    expect(p.redact(text, [], 'DE')).toBe(text);
  });

  it('redacts short national numbers valid in the incident country (libphonenumber)', () => {
    expect(p.redact('called 30 901820 twice', [], 'DE')).not.toContain('901820');
    expect(p.redact('called 612345678 twice', [], 'NL')).not.toContain('612345678');
  });
});
