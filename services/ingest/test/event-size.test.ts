// An incident whose event the incidents topic cannot take (Producer.maxRecordBytes) is
// dead-lettered as oversize_record before the de-duplication state learns it; smaller ones pass.
import { compileValidator, type DeadLetter } from '@tocsin/core';
import { describe, expect, it } from 'vitest';
import { DedupeStore } from '../src/dedupe';
import { encodeIncidentEvent, EVENT_OVERHEAD_BYTES, processRecord } from '../src/process-record';
import { JSON_TOPIC, busMessage, partnerIncident, processContext } from './fixtures';

const validateDeadLetter = compileValidator<DeadLetter>('dead-letter.v1');

describe('processRecord with the incidents topic limit', () => {
  it('dead-letters an incident the topic cannot take, quoting both sizes, and does not remember it', () => {
    const dedupe = new DedupeStore(90 * 86_400_000).stage();
    const ctx = processContext({ dedupe, maxEventBytes: 6_000 });
    const long = JSON.stringify(partnerIncident({ narrative: { text: 'A long account. '.repeat(400), lang: 'en' } }));
    const [outcome] = processRecord(busMessage(JSON_TOPIC, long, { offset: '1' }), ctx);
    expect(outcome?.kind).toBe('rejected');
    const dl = (outcome as Extract<typeof outcome, { kind: 'rejected' }>).deadLetter;
    expect(validateDeadLetter(dl).ok).toBe(true);
    expect(dl).toMatchObject({ reason: 'oversize_record', message: expect.stringMatching(/would take up to \d+ bytes, more than the incidents topic takes per record \(6000 bytes/) });
    // Not remembered: the same incident, short enough now, is revision 1.
    const [short] = processRecord(busMessage(JSON_TOPIC, JSON.stringify(partnerIncident()), { offset: '2' }), ctx);
    expect(short).toMatchObject({ kind: 'accepted', event: { revision: 1 } });
  });

  it('bounds the event from above: an accepted event is never larger than the limit it passed', () => {
    const [outcome] = processRecord(busMessage(JSON_TOPIC, JSON.stringify(partnerIncident())), processContext());
    if (outcome?.kind !== 'accepted') throw new Error('expected an accepted incident');
    const bytes = encodeIncidentEvent(outcome.event, outcome.incidentJson).length;
    expect(bytes).toBeLessThan(Buffer.byteLength(outcome.incidentJson) + EVENT_OVERHEAD_BYTES);
    // Exactly at the bound it passes.
    const limit = Buffer.byteLength(outcome.incidentJson) + EVENT_OVERHEAD_BYTES;
    const [again] = processRecord(busMessage(JSON_TOPIC, JSON.stringify(partnerIncident()), { offset: '7' }), processContext({ maxEventBytes: limit }));
    expect(again?.kind).toBe('accepted');
  });
});
