// Hostile input: whatever bytes arrive on a partner topic, processRecord returns outcomes
// (an accepted, schema-valid event, a duplicate, or a schema-valid dead letter with a
// catalogued reason) and never throws; no raw identifier survives into its output.
import { compileValidator, type DeadLetter, type IncidentEvent } from '@tocsin/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEAD_LETTER_REASON_CODES } from '../src/errors';
import { processRecord } from '../src/process-record';
import { CSV_HEADER, CSV_TOPIC, JSON_TOPIC, NOW, busMessage, csvRow, partnerIncident, processContext, testConfig } from './fixtures';

const validateEvent = compileValidator<IncidentEvent>('incident-event.v1');
const validateDeadLetter = compileValidator<DeadLetter>('dead-letter.v1');
/** Planted in person fields: must never appear in an event or a dead letter's message. */
const MARKER_NAME = 'Qwertzuiop Markername';
const MARKER_PHONE = '+41 79 555 01 23';

type Hostile = { kind: string; topic: string; value: Buffer | null };

const FIELDS = ['id', 'partner', 'occurred_at', 'reported_at', 'country', 'category', 'route', 'modality', 'methods', 'technologies', 'commodities', 'quantity', 'narrative', 'persons', 'handling'];
const withMarker = (overrides: Record<string, unknown> = {}) =>
  partnerIncident({ persons: [{ role: 'suspect', name: MARKER_NAME, phone: MARKER_PHONE }], narrative: { text: `Seen with ${MARKER_NAME}, ${MARKER_PHONE}`, lang: 'en' }, ...overrides });
const json = (topic: string, kind: string) => (value: unknown): Hostile => ({ kind, topic, value: Buffer.from(JSON.stringify(value) ?? 'undefined') });

const hostile: fc.Arbitrary<Hostile> = fc.oneof(
  fc.uint8Array({ maxLength: 600 }).map((bytes) => ({ kind: 'random bytes (json)', topic: JSON_TOPIC, value: Buffer.from(bytes) })),
  fc.uint8Array({ maxLength: 600 }).map((bytes) => ({ kind: 'random bytes (csv)', topic: CSV_TOPIC, value: Buffer.from(bytes) })),
  fc.constant<Hostile>({ kind: 'null value', topic: JSON_TOPIC, value: null }),
  fc.nat().map((cut) => {
    const text = JSON.stringify(withMarker());
    return { kind: 'truncated JSON', topic: JSON_TOPIC, value: Buffer.from(text.slice(0, cut % text.length)) };
  }),
  fc.tuple(fc.constantFrom(...FIELDS), fc.jsonValue({ maxDepth: 3 })).map(([field, value]) => json(JSON_TOPIC, 'wrong type')(withMarker({ [field]: value }))),
  fc.jsonValue({ maxDepth: 4 }).map(json(JSON_TOPIC, 'random JSON')),
  fc.tuple(fc.constantFrom('id', 'country', 'category', 'modality'), fc.string({ minLength: 2000, maxLength: 20_000 })).map(([field, value]) => json(JSON_TOPIC, 'huge string')(withMarker({ [field]: value }))),
  fc
    .tuple(fc.constantFrom(JSON_TOPIC, CSV_TOPIC), fc.integer({ min: 16 * 1024 + 1, max: 64 * 1024 }))
    .map(([topic, size]): Hostile => ({ kind: 'oversize', topic, value: Buffer.alloc(size, 'a') })),
  fc.string({ maxLength: 40 }).map((date) => json(JSON_TOPIC, 'bad date')(withMarker({ occurred_at: date }))),
  fc.date({ noInvalidDate: true, min: new Date(NOW - 10 * 365 * 86_400_000), max: new Date(NOW + 365 * 86_400_000) }).map((d) => json(JSON_TOPIC, 'any date')(withMarker({ occurred_at: d.toISOString() }))),
  fc.tuple(fc.constantFrom('country', 'origin', 'destination', 'nationality'), fc.string({ maxLength: 30 })).map(([field, name]) => {
    const incident = withMarker();
    if (field === 'country') incident['country'] = name;
    else if (field === 'nationality') incident['persons'] = [{ name: MARKER_NAME, nationality: name }];
    else incident['route'] = { origin: 'CO', transit: [], destination: 'NL', [field]: name };
    return json(JSON_TOPIC, 'unknown country')(incident);
  }),
  fc.array(fc.string({ maxLength: 20 }), { maxLength: 5 }).map((methods) => json(JSON_TOPIC, 'unknown codes')(withMarker({ methods }))),
  fc.string({ maxLength: 30 }).map((partner) => json(JSON_TOPIC, 'other partner')(withMarker({ partner }))),
  fc.string({ minLength: 3, maxLength: 20 }).filter((p) => /^[a-z0-9][a-z0-9-]{1,62}$/.test(p)).map((p) => json(`partner.${p}.incidents`, 'unknown partner')(withMarker())),
  fc.array(fc.array(fc.string({ maxLength: 12 }), { maxLength: 20 }), { minLength: 1, maxLength: 4 }).map((rows) => ({
    kind: 'CSV with wrong column counts',
    topic: CSV_TOPIC,
    value: Buffer.from(`${CSV_HEADER}\n${rows.map((cells) => cells.join(';')).join('\n')}\n`),
  })),
  fc.dictionary(fc.constantFrom(...CSV_HEADER.split(';')), fc.string({ maxLength: 15 }), { maxKeys: 6 }).map((cells) => ({
    kind: 'CSV with odd cells',
    topic: CSV_TOPIC,
    value: Buffer.from(`${CSV_HEADER}\n${csvRow({ nom: MARKER_NAME, telephone: MARKER_PHONE, ...cells })}\n${csvRow({ reference: 'second' })}`),
  })),
  fc.string({ maxLength: 300 }).map((text) => ({ kind: 'random CSV text', topic: CSV_TOPIC, value: Buffer.from(text) })),
);

describe('processRecord with hostile input', () => {
  it('accepts or dead-letters every record with a reason, never throws, never leaks identifiers', () => {
    const reasons = new Set<string>(DEAD_LETTER_REASON_CODES);
    const seen = new Map<string, number>();
    const outcomesByReason = new Map<string, number>();
    let records = 0;
    const config = testConfig({ maxRecordBytes: 16 * 1024 });
    fc.assert(
      fc.property(hostile, (record) => {
        records++;
        seen.set(record.kind, (seen.get(record.kind) ?? 0) + 1);
        const outcomes = processRecord(busMessage(record.topic, record.value), processContext({ config }));
        expect(outcomes.length).toBeGreaterThan(0);
        for (const outcome of outcomes) {
          const key = outcome.kind === 'rejected' ? outcome.deadLetter.reason : outcome.kind;
          outcomesByReason.set(key, (outcomesByReason.get(key) ?? 0) + 1);
          if (outcome.kind === 'accepted') {
            expect(validateEvent(outcome.event).ok).toBe(true);
            const text = JSON.stringify(outcome.event);
            expect(text).not.toContain('Markername');
            expect(text).not.toContain('555 01 23');
          } else if (outcome.kind === 'rejected') {
            const dl = outcome.deadLetter;
            expect(validateDeadLetter(dl).ok, JSON.stringify(validateDeadLetter(dl))).toBe(true);
            expect(reasons.has(dl.reason)).toBe(true);
            expect(dl.message).not.toContain('Markername');
            expect(dl.message).not.toContain('555 01 23');
            expect(JSON.stringify(dl)).not.toContain('Markername');
          } else {
            throw new Error('a fresh de-duplication state cannot report a duplicate');
          }
        }
      }),
      { numRuns: 1500, seed: Number(process.env['FC_SEED'] ?? 20261128) },
    );
    if (process.env['INGEST_PROPERTY_REPORT']) console.log(Object.fromEntries(seen), Object.fromEntries(outcomesByReason));
    expect(records).toBeGreaterThanOrEqual(1000);
    // Every kind of hostility was generated, and both outcomes happened.
    expect(seen.size).toBe(17);
    expect(outcomesByReason.get('accepted')).toBeGreaterThan(0);
    for (const reason of ['malformed_json', 'malformed_csv', 'bad_csv_row', 'schema_violation', 'unknown_country', 'unknown_code', 'unknown_partner', 'partner_mismatch', 'bad_encoding', 'future_occurred_at', 'oversize_record']) {
      expect(outcomesByReason.get(reason), reason).toBeGreaterThan(0);
    }
  });
});
