import { decodeJson, type DetectKeyState, type Evidence, type OutgoingMessage } from '@tocsin/core';
import { describe, expect, it } from 'vitest';
import { KeyState } from '../../src/score/key-state';
import { PartitionScorer, type ObservationInput } from '../../src/score/partition-scorer';
import { changelogMessages, EvidenceRestore, parseEvidenceRecordKey } from '../../src/score/state-changelog';
import { testPlan } from '../plan';

const plan = testPlan();
const START = 20_089; // 2025-01-01
const topicKeyOf = (k: KeyState) => `${k.dimType}|${k.dimKey}`;

/** Incident n of a day happened n minutes after 01:00 (`minute` overrides): arrival order is event order unless a test says otherwise. */
function obs(day: number, n: number, weight: 1 | -1 = 1, minute = n): ObservationInput {
  const evidence: Evidence = {
    incident_id: `p:${day}-${n}`, partner: 'nl-police', country: 'NL', occurred_at: new Date(day * 86_400_000 + 3_600_000 + minute * 60_000).toISOString(),
    handling: { tlp: 'GREEN', source_reliability: 'A', information_credibility: '1' },
  };
  return { dimType: 'country', dimKey: 'NL', attributes: { country: 'NL' }, weight, day, evidence };
}

/** What a compacted topic holds after these records: the last value per record key. */
function compacted(messages: OutgoingMessage[]): Map<string, Buffer | null> {
  const out = new Map<string, Buffer | null>();
  for (const m of messages) out.set(String(m.key), m.value === null ? null : Buffer.from(m.value as string | Buffer));
  return out;
}

function restore(records: Map<string, Buffer | null>): PartitionScorer {
  const scorer = new PartitionScorer(() => plan, () => {}, 'own', undefined, true);
  const evidence = new EvidenceRestore();
  for (const [key, value] of records) {
    const at = parseEvidenceRecordKey(key);
    if (at) evidence.add(key, at, value);
    else if (value) scorer.restore(key, KeyState.fromRecord(decodeJson(value) as DetectKeyState), decodeJson(value) as DetectKeyState);
  }
  evidence.attach(scorer, plan.evidenceLimit);
  scorer.finishRestore();
  return scorer;
}

describe('detect.state.v1 changelog', () => {
  it('writes each evidence item once, and the key record without evidence', () => {
    const scorer = new PartitionScorer(() => plan, () => {}, 'own', undefined, true);
    const written: OutgoingMessage[] = [];
    let offset = 0;
    for (let n = 0; n < 20; n++) {
      scorer.apply('country|NL', obs(START, n), offset++);
      written.push(...changelogMessages(scorer, scorer.takeDirty(), topicKeyOf, 2));
    }
    const evidenceRecords = written.filter((m) => parseEvidenceRecordKey(String(m.key)));
    // One item per open bucket it joined (each granularity), never rewritten.
    expect(evidenceRecords).toHaveLength(plan.granularities.length * Math.min(20, plan.evidenceLimit));
    expect(new Set(evidenceRecords.map((m) => m.key)).size).toBe(evidenceRecords.length);
    const keyRecords = written.filter((m) => !parseEvidenceRecordKey(String(m.key)));
    expect(keyRecords).toHaveLength(20);
    for (const m of keyRecords) expect((decodeJson(Buffer.from(m.value as string)) as DetectKeyState).open.every((b) => b.evidence.length === 0)).toBe(true);
    // The 20th key record is no larger than the 2nd: it does not grow with the evidence.
    expect(String(keyRecords[19]!.value).length).toBeLessThan(String(keyRecords[1]!.value).length + 16);
    expect(written.every((m) => m.partition === 2)).toBe(true);
  });

  it('restores open buckets with their evidence, drops retracted items and closed buckets', () => {
    const scorer = new PartitionScorer(() => plan, () => {}, 'own', undefined, true);
    const written: OutgoingMessage[] = [];
    let offset = 0;
    for (let n = 0; n < 4; n++) scorer.apply('country|NL', obs(START, n), offset++);
    scorer.apply('country|NL', obs(START, 1, -1), offset++);
    written.push(...changelogMessages(scorer, scorer.takeDirty(), topicKeyOf, 0));
    // Later days close START's day bucket: its evidence is deleted from the changelog.
    for (let d = 1; d <= plan.allowedLatenessDays + 2; d++) scorer.apply('country|NL', obs(START + d, 0), offset++);
    scorer.advance();
    written.push(...changelogMessages(scorer, scorer.takeDirty(), topicKeyOf, 0));

    const restored = restore(compacted(written));
    const before = scorer.keys.get('country|NL')!;
    const after = restored.keys.get('country|NL')!;
    expect(after.open.map((b) => [b.granularity, b.index, b.total, b.evidence.map((e) => e.incident_id)])).toEqual(
      before.open.map((b) => [b.granularity, b.index, b.total, b.evidence.map((e) => e.incident_id)]),
    );
    expect(after.openBucket('day', START)).toBeUndefined();
    const live = [...compacted(written)].filter(([k, v]) => v !== null && parseEvidenceRecordKey(k)?.index === START && parseEvidenceRecordKey(k)?.granularity === 'day');
    expect(live).toEqual([]);
  });

  it('keeps the earliest evidence by event time: an earlier item that pushes one out deletes its record', () => {
    const scorer = new PartitionScorer(() => plan, () => {}, 'own', undefined, true);
    const written: OutgoingMessage[] = [];
    let offset = 0;
    // The bucket fills in arrival order, then earlier incidents arrive (reported late, still on time).
    for (let n = 0; n < plan.evidenceLimit + 3; n++) scorer.apply('country|NL', obs(START, 100 + n, 1, 30 + n), offset++);
    written.push(...changelogMessages(scorer, scorer.takeDirty(), topicKeyOf, 0));
    for (let n = 0; n < 3; n++) scorer.apply('country|NL', obs(START, n), offset++);
    written.push(...changelogMessages(scorer, scorer.takeDirty(), topicKeyOf, 0));

    const before = scorer.keys.get('country|NL')!.openBucket('day', START)!;
    expect(before.evidence.slice(0, 3).map((e) => e.incident_id)).toEqual(['p:20089-0', 'p:20089-1', 'p:20089-2']);
    const live = [...compacted(written)].filter(([k, v]) => v !== null && parseEvidenceRecordKey(k)?.granularity === 'day').map(([k]) => parseEvidenceRecordKey(k)!.incidentId);
    // The changelog holds exactly the bucket's evidence: the pushed-out items were deleted.
    expect(live.sort()).toEqual(before.evidence.map((e) => e.incident_id).sort());
    const after = restore(compacted(written)).keys.get('country|NL')!.openBucket('day', START)!;
    expect(after.evidence.map((e) => e.incident_id)).toEqual(before.evidence.map((e) => e.incident_id));
  });
});
