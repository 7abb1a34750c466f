import { compileValidator, encodeEvent, type DeadLetter, type IncidentEvent } from '@tocsin/core';
import { describe, expect, it } from 'vitest';
import { canonicalise, contentHashOfCanonical } from '../src/content-hash';
import { decryptDeadLetterOriginal } from '../src/dead-letter';
import { DedupeStore } from '../src/dedupe';
import { encodeIncidentEvent, processRecord, type RecordOutcome } from '../src/process-record';
import {
  CSV_HEADER, CSV_TOPIC, DLQ_KEY, JSON_TOPIC, RAW_IDENTIFIERS, busMessage, csvRow, partnerIncident, processContext, testConfig,
} from './fixtures';

const validateEvent = compileValidator<IncidentEvent>('incident-event.v1');
const validateDeadLetter = compileValidator<DeadLetter>('dead-letter.v1');

function only(outcomes: RecordOutcome[]): RecordOutcome {
  expect(outcomes).toHaveLength(1);
  return outcomes[0]!;
}
function accepted(outcome: RecordOutcome): IncidentEvent {
  if (outcome.kind !== 'accepted') throw new Error(`expected accepted, got ${outcome.kind}: ${outcome.kind === 'rejected' ? outcome.deadLetter.message : ''}`);
  return outcome.event;
}
function rejected(outcome: RecordOutcome): DeadLetter {
  if (outcome.kind !== 'rejected') throw new Error(`expected rejected, got ${outcome.kind}`);
  return outcome.deadLetter;
}

describe('processRecord, JSON partner', () => {
  it('publishes bytes equal to encodeEvent, with the hashed canonical text as the incident', () => {
    const outcome = only(processRecord(busMessage(JSON_TOPIC, JSON.stringify(partnerIncident()), { offset: '5' }), processContext()));
    if (outcome.kind !== 'accepted') throw new Error(`expected accepted, got ${outcome.kind}`);
    expect(outcome.incidentJson).toBe(JSON.stringify(canonicalise(outcome.event.incident)));
    expect(outcome.event.content_hash).toBe(contentHashOfCanonical(outcome.event.incident));
    expect(encodeIncidentEvent(outcome.event, outcome.incidentJson).equals(encodeEvent(outcome.event))).toBe(true);
  });


  it('produces a valid, pseudonymised incident event', () => {
    const message = busMessage(JSON_TOPIC, JSON.stringify(partnerIncident()), { partition: 3, offset: '17' });
    const outcome = only(processRecord(message, processContext()));
    const event = accepted(outcome);
    expect(validateEvent(event).ok).toBe(true);
    expect(event).toMatchObject({
      id: 'nl-police:NL-2026-0001:r1',
      type: 'incident',
      revision: 1,
      source: 'ingest/test',
      received_at: new Date(message.timestamp).toISOString(),
      produced_at: '2026-11-28T12:00:00.000Z',
      content_hash: contentHashOfCanonical(canonicalise(event.incident)),
    });
    expect(event.incident.persons?.[0]?.name).toMatch(/^ps1:/);
    const text = JSON.stringify(event);
    for (const raw of RAW_IDENTIFIERS) expect(text).not.toContain(raw);
    expect(outcome.kind === 'accepted' && outcome.source).toEqual({ topic: JSON_TOPIC, partition: 3, offset: 17, row: 0 });
  });

  it('skips an identical re-send, makes a changed one the next revision, and skips redeliveries', () => {
    const ctx = processContext();
    const first = accepted(only(processRecord(busMessage(JSON_TOPIC, JSON.stringify(partnerIncident()), { offset: '1' }), ctx)));
    // Same content, other key order, other spelling of the same country: same normalised incident.
    const incident = { ...partnerIncident(), country: 'NLD' };
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(incident).reverse()));
    expect(only(processRecord(busMessage(JSON_TOPIC, reordered, { offset: '2' }), ctx)).kind).toBe('duplicate');
    const changed = accepted(only(processRecord(busMessage(JSON_TOPIC, JSON.stringify(partnerIncident({ modality: 'air' })), { offset: '3' }), ctx)));
    expect(changed.id).toBe('nl-police:NL-2026-0001:r2');
    expect(changed.revision).toBe(2);
    expect(changed.content_hash).not.toBe(first.content_hash);
    // Offset 1 again (a redelivery after a crash) must not become revision 3.
    expect(only(processRecord(busMessage(JSON_TOPIC, JSON.stringify(partnerIncident()), { offset: '1' }), ctx)).kind).toBe('duplicate');
    // A partner going back to the first version later is a real change.
    expect(accepted(only(processRecord(busMessage(JSON_TOPIC, JSON.stringify(partnerIncident()), { offset: '4' }), ctx))).revision).toBe(3);
  });

  it.each([
    ['unknown_partner', 'partner.be-police.incidents', JSON.stringify(partnerIncident()), undefined],
    ['oversize_record', JSON_TOPIC, JSON.stringify(partnerIncident({ narrative: { text: 'x'.repeat(600), lang: 'en' } })), 500],
    ['partner_mismatch', JSON_TOPIC, JSON.stringify(partnerIncident({ partner: 'be-police' })), undefined],
    ['malformed_json', JSON_TOPIC, '{"id": "Jan de Vries"', undefined],
    ['schema_violation', JSON_TOPIC, JSON.stringify(partnerIncident({ persons: [{ name: 'Jan de Vries', phone: 12345678 }] })), undefined],
  ])('dead-letters %s without personal data', (reason, topic, value, maxRecordBytes) => {
    const config = testConfig(maxRecordBytes === undefined ? {} : { maxRecordBytes });
    const message = busMessage(topic, value);
    const dl = rejected(only(processRecord(message, processContext({ config }))));
    expect(dl.reason).toBe(reason);
    expect(validateDeadLetter(dl).ok).toBe(true);
    const text = JSON.stringify({ ...dl, original: undefined });
    for (const raw of RAW_IDENTIFIERS) expect(text).not.toContain(raw);
    expect(decryptDeadLetterOriginal(dl, DLQ_KEY).toString()).toBe(value);
  });
});

describe('processRecord, CSV partner', () => {
  it('turns each row into an outcome, with the row number and the row as original', () => {
    const bad = 'FR-2;2026-11-20;France';
    const value = `${CSV_HEADER}\n${csvRow()}\n${bad}\n${csvRow({ reference: 'FR-3', pays: 'Nowhere' })}\n`;
    const outcomes = processRecord(busMessage(CSV_TOPIC, value, { offset: '5' }), processContext());
    expect(outcomes.map((o) => o.kind)).toEqual(['accepted', 'rejected', 'rejected']);
    const event = accepted(outcomes[0]!);
    expect(validateEvent(event).ok).toBe(true);
    expect(event.incident).toMatchObject({
      id: 'FR-1', occurred_at: '2026-11-20T07:30:00.000Z', country: 'FR', route: { origin: 'MA', transit: ['ES', 'PT'], destination: 'FR' },
      commodities: ['drug.cocaine', 'drug.heroin'], quantity: { value: 12.5, unit: 'kg' }, handling: { tlp: 'GREEN', source_reliability: 'B' },
    });
    const text = JSON.stringify(event);
    for (const raw of RAW_IDENTIFIERS) expect(text).not.toContain(raw);
    const badRow = rejected(outcomes[1]!);
    expect(badRow).toMatchObject({ id: `${CSV_TOPIC}:0:5:2`, reason: 'bad_csv_row', row: 2 });
    expect(decryptDeadLetterOriginal(badRow, DLQ_KEY).toString()).toBe(`${CSV_HEADER}\n${bad}\n`);
    expect(rejected(outcomes[2]!)).toMatchObject({ reason: 'unknown_country', row: 3, pointer: '/country' });
  });

  it('keeps the first reception time as reported_at, so a re-send is a duplicate', () => {
    const ctx = processContext({ dedupe: new DedupeStore(90 * 86_400_000).stage() });
    const value = `${CSV_HEADER}\n${csvRow()}\n`;
    const first = accepted(only(processRecord(busMessage(CSV_TOPIC, value, { offset: '1', timestamp: Date.UTC(2026, 10, 21) }), ctx)));
    expect(first.incident.reported_at).toBe('2026-11-21T00:00:00.000Z');
    expect(only(processRecord(busMessage(CSV_TOPIC, value, { offset: '2', timestamp: Date.UTC(2026, 10, 22) }), ctx)).kind).toBe('duplicate');
  });
});
