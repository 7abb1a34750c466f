import { describe, expect, it } from 'vitest';
import type { RecordOutcome } from '../src/process-record';
import { StatsCounter } from '../src/stats';

const accepted = (partner: string, revision: number) => ({ kind: 'accepted', partner, event: { revision } }) as unknown as RecordOutcome;
const rejected = (partner: string | null, reason: string) => ({ kind: 'rejected', partner, deadLetter: { reason } }) as unknown as RecordOutcome;

describe('StatsCounter', () => {
  it('counts per partner: new, updated, duplicate and rejected by reason', () => {
    const stats = new StatsCounter();
    stats.countBatch([accepted('a', 1), accepted('a', 2), { kind: 'duplicate', partner: 'a', incidentKey: 'a:1' }, rejected('a', 'unknown_code'), rejected('a', 'unknown_code')]);
    stats.countBatch([rejected(null, 'unknown_partner')]);
    expect(stats.snapshot(7)).toEqual({
      partners: {
        a: { accepted: 1, updated: 1, duplicate: 1, rejected: { unknown_code: 2 } },
        unknown: { accepted: 0, updated: 0, duplicate: 0, rejected: { unknown_partner: 1 } },
      },
      dedupeEntries: 7,
      batches: 2,
    });
  });

  it('hands out copies', () => {
    const stats = new StatsCounter();
    stats.countBatch([rejected('a', 'malformed_json')]);
    const snapshot = stats.snapshot(0);
    snapshot.partners['a']!.rejected.malformed_json = 99;
    expect(stats.snapshot(0).partners['a']!.rejected.malformed_json).toBe(1);
  });
});
