import type { BusMessage } from '@tocsin/core';
import { describe, expect, it } from 'vitest';
import { alreadyProduced, DedupeStore, sourceHeaders, type DedupeEntry } from '../src/dedupe';

const DAY = 86_400_000;
const entry = (revision: number, lastSeen = 0, hash = `h${revision}`): DedupeEntry => ({ contentHash: hash, revision, lastSeen });

function incidentMessage(partition: number, offset: number, revision: number, headers: Record<string, string> = {}): BusMessage {
  const event = { revision, content_hash: `h${revision}`, received_at: '2026-11-20T00:00:00.000Z', incident: { id: 'A1', partner: 'nl-police', occurred_at: '2026-11-19T00:00:00.000Z', reported_at: '2026-11-19T12:00:00.000Z' } };
  return { topic: 'incidents.v1', partition, offset: String(offset), key: null, value: Buffer.from(JSON.stringify(event)), timestamp: 0, headers };
}

describe('DedupeStore', () => {
  it('stages writes until commit', () => {
    const store = new DedupeStore(90 * DAY);
    const stage = store.stage();
    stage.set('p:1', entry(1));
    expect(stage.get('p:1')?.revision).toBe(1);
    expect(store.get('p:1')).toBeUndefined();
    stage.commit();
    expect(store.get('p:1')?.revision).toBe(1);
    const dropped = store.stage();
    dropped.set('p:1', entry(2));
    expect(store.get('p:1')?.revision).toBe(1);
  });

  it('shows a stage the writes of stages still being sent, and drops a discarded one', () => {
    const store = new DedupeStore(90 * DAY);
    const first = store.stage();
    first.set('p:1', entry(1));
    const second = store.stage();
    // Another partition's batch, processed while the first is being sent: it sees revision 1.
    expect(second.get('p:1')?.revision).toBe(1);
    second.set('p:1', entry(2));
    expect(first.get('p:1')?.revision).toBe(1);
    first.discard();
    const third = store.stage();
    expect(third.get('p:1')?.revision).toBe(2);
    second.commit();
    third.discard();
    expect(store.get('p:1')?.revision).toBe(2);
    const lone = store.stage();
    lone.set('p:2', entry(1));
    lone.discard();
    expect(store.stage().get('p:2')).toBeUndefined();
    expect(store.get('p:2')).toBeUndefined();
  });

  it('restores from incident events, keeping the highest revision whatever the order', () => {
    const store = new DedupeStore(90 * DAY);
    const source = { topic: 'partner.nl-police.incidents', partition: 1, offset: 7, row: 0 };
    expect(store.applyIncidentMessage(incidentMessage(0, 1, 2, sourceHeaders(source)))).toBe(true);
    expect(store.applyIncidentMessage(incidentMessage(0, 0, 1))).toBe(true);
    expect(store.get('nl-police:A1')).toEqual({
      contentHash: 'h2', revision: 2, lastSeen: Date.parse('2026-11-20T00:00:00.000Z'), reportedAt: '2026-11-19T12:00:00.000Z', source,
    });
    expect(store.applyIncidentMessage({ ...incidentMessage(0, 2, 3), value: Buffer.from('not json') })).toBe(false);
  });

  it('knows how far it has read each partition', () => {
    const store = new DedupeStore(90 * DAY);
    store.applyIncidentMessage(incidentMessage(0, 0, 1));
    store.applyIncidentMessage(incidentMessage(1, 4, 1));
    expect(store.hasApplied({ partition: 1, offset: '4' })).toBe(true);
    expect(store.hasApplied({ partition: 1, offset: '5' })).toBe(false);
    expect(store.caughtUpWith(new Map([[0, '1'], [1, '5']]))).toBe(true);
    expect(store.caughtUpWith(new Map([[0, '1'], [1, '5'], [2, '1']]))).toBe(false);
    expect(store.caughtUpWith(new Map([[0, '0'], [1, '0'], [2, '0']]))).toBe(true);
  });

  it('prunes entries older than the retention window', () => {
    const store = new DedupeStore(90 * DAY);
    store.remember('old', entry(1, 0));
    store.remember('new', entry(1, 100 * DAY));
    expect(store.prune(91 * DAY)).toBe(1);
    expect(store.get('old')).toBeUndefined();
    expect(store.get('new')).toBeDefined();
  });
});

describe('alreadyProduced', () => {
  const source = { topic: 't', partition: 0, offset: 10, row: 2 };
  const known: DedupeEntry = { ...entry(1), source };
  it.each([
    [{ ...source, offset: 9 }, true],
    [{ ...source, row: 1 }, true],
    [source, true],
    [{ ...source, row: 3 }, false],
    [{ ...source, offset: 11, row: 0 }, false],
    [{ ...source, partition: 1, offset: 1 }, false],
    [{ ...source, topic: 'u', offset: 1 }, false],
  ])('%o → %s', (position, expected) => {
    expect(alreadyProduced(known, position)).toBe(expected);
  });
  it('is false without an entry or a source', () => {
    expect(alreadyProduced(undefined, source)).toBe(false);
    expect(alreadyProduced(entry(1), source)).toBe(false);
  });
});
