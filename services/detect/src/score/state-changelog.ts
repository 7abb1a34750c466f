// The score stage's changelog on detect.state.v1 (compacted), in two kinds of record
// on the partition of their dimension key:
// - `<dimension topic key>`: the key's state without evidence (counts, open bucket
//   totals, emitted marks, first-seen, emergence state), written when the key changed;
// - `<dimension topic key>␟ev␟<granularity>␟<bucket>␟<incident id>`: one evidence item of
//   an open bucket, written once when it joins and deleted (null value) when it leaves or
//   the bucket closes.
// Evidence used to be repeated inside the key's record with every write (up to 50 items
// per open bucket, 16 day and 3 week buckets: 100-300 KB per write for busy keys).
import type { Evidence, OutgoingMessage } from '@tocsin/core';
import { encodeEvent } from '@tocsin/core';
import type { Granularity } from '../buckets';
import { keepEarliest, type KeyState } from './key-state';
import type { PartitionScorer } from './partition-scorer';

const SEP = '\u001f';
const EVIDENCE_TAG = `${SEP}ev${SEP}`;

export interface EvidenceRecordKey {
  topicKey: string;
  granularity: Granularity;
  index: number;
  incidentId: string;
}

export function evidenceRecordKey(k: EvidenceRecordKey): string {
  return `${k.topicKey}${EVIDENCE_TAG}${k.granularity}${SEP}${k.index}${SEP}${k.incidentId}`;
}

/** The parts of an evidence record's key, or null for a key's state record. */
export function parseEvidenceRecordKey(key: string): EvidenceRecordKey | null {
  const at = key.indexOf(EVIDENCE_TAG);
  if (at < 0) return null;
  const [granularity, index, ...rest] = key.slice(at + EVIDENCE_TAG.length).split(SEP);
  if ((granularity !== 'day' && granularity !== 'week') || !Number.isInteger(Number(index)) || rest.length === 0) return null;
  return { topicKey: key.slice(0, at), granularity, index: Number(index), incidentId: rest.join(SEP) };
}

/** The changelog records of the keys changed in a batch, all on the batch's partition. */
export function changelogMessages(scorer: PartitionScorer, keys: readonly KeyState[], topicKeyOf: (k: KeyState) => string, partition: number): OutgoingMessage[] {
  const out: OutgoingMessage[] = [];
  for (const key of keys) {
    const topicKey = topicKeyOf(key);
    out.push({ key: topicKey, partition, value: encodeEvent(scorer.snapshot(key, false)) });
    for (const change of key.takeEvidenceChanges()) {
      out.push({ key: evidenceRecordKey({ topicKey, ...change }), partition, value: change.evidence ? JSON.stringify(change.evidence) : null });
    }
  }
  return out;
}

/** Collects evidence records while a partition is restored, then hands them to the restored keys' open buckets. */
export class EvidenceRestore {
  /** topic key → evidence record key → item, in offset order (a Map keeps insertion order). */
  private readonly byKey = new Map<string, Map<string, { at: EvidenceRecordKey; evidence: Evidence }>>();

  /** Takes one evidence record (null value: deleted). */
  add(recordKey: string, at: EvidenceRecordKey, value: Buffer | null): boolean {
    let items = this.byKey.get(at.topicKey);
    if (value === null) {
      items?.delete(recordKey);
      return true;
    }
    let evidence: Evidence;
    try {
      evidence = JSON.parse(value.toString('utf8')) as Evidence;
    } catch {
      return false;
    }
    if (!evidence || typeof evidence.incident_id !== 'string') return false;
    if (!items) this.byKey.set(at.topicKey, (items = new Map()));
    items.delete(recordKey);
    items.set(recordKey, { at, evidence });
    return true;
  }

  /** Puts the evidence into the open buckets it belongs to (up to the limit); evidence of buckets no longer open is dropped. */
  attach(scorer: PartitionScorer, evidenceLimit: number): number {
    let attached = 0;
    for (const [topicKey, items] of this.byKey) {
      const key = scorer.keys.get(topicKey);
      if (!key) continue;
      for (const { at, evidence } of items.values()) {
        const bucket = key.openBucket(at.granularity, at.index);
        if (!bucket || bucket.evidence.some((e) => e.incident_id === at.incidentId)) continue;
        // Kept in evidence order (earliest by event time, then incident id), as contribute() keeps it.
        if (keepEarliest(bucket.evidence, evidence, evidenceLimit).kept) attached++;
      }
    }
    this.byKey.clear();
    return attached;
  }
}
