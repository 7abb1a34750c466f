// Live counts per partner, for the desk and for logs. Counted only once the batch's
// output was acknowledged, so a retried batch is not counted twice.
import type { DeadLetterReason } from './errors';
import type { RecordOutcome } from './process-record';

export interface PartnerStats {
  /** New incidents (revision 1). */
  accepted: number;
  /** Re-sends with changed content (revision > 1). */
  updated: number;
  /** Re-sends with identical content, and redeliveries after a crash. */
  duplicate: number;
  rejected: Partial<Record<DeadLetterReason, number>>;
}

export interface IngestStats {
  /** Per partner id; records whose topic names no partner are under "unknown". */
  partners: Record<string, PartnerStats>;
  /** Entries in the de-duplication state. */
  dedupeEntries: number;
  /** Batches whose output the broker acknowledged. */
  batches: number;
}

export const UNKNOWN_PARTNER = 'unknown';

export class StatsCounter {
  private readonly partners = new Map<string, PartnerStats>();
  private batches = 0;

  private of(partner: string): PartnerStats {
    let stats = this.partners.get(partner);
    if (!stats) {
      stats = { accepted: 0, updated: 0, duplicate: 0, rejected: {} };
      this.partners.set(partner, stats);
    }
    return stats;
  }

  countBatch(outcomes: readonly RecordOutcome[]): void {
    this.batches++;
    for (const outcome of outcomes) {
      const stats = this.of(outcome.partner ?? UNKNOWN_PARTNER);
      if (outcome.kind === 'accepted') {
        if (outcome.event.revision === 1) stats.accepted++;
        else stats.updated++;
      } else if (outcome.kind === 'duplicate') {
        stats.duplicate++;
      } else {
        const reason = outcome.deadLetter.reason;
        stats.rejected[reason] = (stats.rejected[reason] ?? 0) + 1;
      }
    }
  }

  snapshot(dedupeEntries: number): IngestStats {
    const partners: Record<string, PartnerStats> = {};
    for (const [id, s] of this.partners) partners[id] = { ...s, rejected: { ...s.rejected } };
    return { partners, dedupeEntries, batches: this.batches };
  }
}
