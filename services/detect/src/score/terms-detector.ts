// Emerging terms on one narrative key (a language): every narrative in that
// language reaches this key with its terms already extracted by the explode
// stage, so E1's EmergingTerms runs here unchanged, a day bucket at a time.
// One noisy partner cannot fire a term: the module requires ≥ minPartners and
// discounts a dominant partner.
import type { Evidence, Observation } from '@tocsin/core';
import { EmergingTerms, type EmergingTermsState, type TermSignal } from '../emergence';
import type { TermsSettings } from './emergence-settings';
import { evidenceBefore, keepEarliest } from './key-state';
import type { ObservationInput } from './partition-scorer';

/** Evidence kept per day for documents with a term that has no baseline yet. */
const EVIDENCE_PER_DAY = 50;

export interface TermsDetectorState {
  terms: EmergingTermsState;
  /** [day, evidence of documents carrying a term without a baseline][] for the open days and the window. */
  evidence: Array<[number, Evidence[]]>;
}

export class TermsDetector {
  private terms: EmergingTerms;
  /**
   * The stage keeps only the first few contributions of a bucket as evidence, and
   * a narrative key's are mostly ordinary reports. A signal needs the handling
   * markings of the reports behind the term: those carrying a term with no
   * baseline (the only ones that can be new) are kept here, a bounded few per day.
   */
  private evidence = new Map<number, Evidence[]>();
  /** Newest day closed (EmergingTerms closes in increasing order only). */
  private lastClosed = Number.NEGATIVE_INFINITY;

  constructor(private readonly settings: TermsSettings) {
    this.terms = new EmergingTerms(null, this.options());
  }

  private options() {
    const s = this.settings;
    return { windowBuckets: s.windowDays, minDocuments: s.minDocuments, minPartners: s.minPartners, fdr: s.fdr, maxEvidence: s.maxEvidence };
  }

  observe(obs: ObservationInput & { terms?: Observation['terms'] }, lastClosedDay: number): void {
    // Closed days cannot take documents (the partition drops late observations before this).
    if (!obs.terms || obs.day <= Math.max(lastClosedDay, this.lastClosed)) return;
    const e = obs.evidence;
    const kept = this.evidence.get(obs.day) ?? [];
    if (obs.terms.keys.some((k) => this.terms.baselineShare(k) === 0)) {
      // The earliest by event time: the same few whatever the arrival order.
      keepEarliest(kept, e, EVIDENCE_PER_DAY);
      this.evidence.set(obs.day, kept);
    }
    this.terms.addExtracted(obs.day, { incidentId: e.incident_id, partner: e.partner, country: e.country }, obs.terms);
  }

  /** Day `day` closed: the terms that burst in the window ending with it. */
  closeDay(day: number, testable: boolean): TermSignal[] {
    if (day <= this.lastClosed) return [];
    this.lastClosed = day;
    const { signals } = this.terms.close(day);
    for (const d of this.evidence.keys()) if (d <= day - this.settings.windowDays) this.evidence.delete(d);
    return testable ? signals : [];
  }

  /** Kept evidence of the given incidents. */
  evidenceOf(incidentIds: readonly string[]): Evidence[] {
    const ids = new Set(incidentIds);
    const out: Evidence[] = [];
    for (const list of this.evidence.values()) for (const e of list) if (ids.has(e.incident_id)) out.push(e);
    return out.sort((a, b) => (evidenceBefore(a, b) ? -1 : evidenceBefore(b, a) ? 1 : 0));
  }

  toJSON(): TermsDetectorState {
    return { terms: this.terms.toJSON(), evidence: [...this.evidence] };
  }

  static fromJSON(state: TermsDetectorState, settings: TermsSettings): TermsDetector {
    const d = new TermsDetector(settings);
    d.terms = EmergingTerms.fromJSON(state.terms, null, d.options());
    if (state.terms.lastClosed !== null) d.lastClosed = state.terms.lastClosed;
    for (const [day, list] of state.evidence) d.evidence.set(day, list);
    return d;
  }
}
