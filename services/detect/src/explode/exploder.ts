// Explode stage logic: one incident event in, one observation per dimension key out.
// Revisions: a newer revision of an incident retracts the previous revision's
// contributions (weight -1 on its keys) and adds its own, so every key counts only
// the latest revision. Re-sends of a revision already seen and older revisions are
// dropped. Remembered incidents are pruned once their buckets can no longer change.
// TLP:RED incidents contribute nothing: RED leaves Tocsin only towards its owner,
// not even as a count (docs/sharing-rules.md), so it must not move a count, a
// baseline, a severity or a first sighting that other agencies see.
import type { DimensionType, Evidence, Incident, IncidentEvent, Observation } from '@tocsin/core';
import { dayIndexOf } from '../buckets';
import { deriveDimensionKeys, dimensionTopicKey } from '../keys';
import { narrativeTerms } from './narrative-terms';

export interface KeyedObservation {
  /** `<dimension type>|<dimension key>`, the record key on detect.observations.v1. */
  topicKey: string;
  observation: Observation;
}

export type ExplodeOutcome = 'new' | 'revised' | 'duplicate' | 'stale';

/** Evidence as built by evidenceOf: every field a dimension key needs is present. */
type FullEvidence = Evidence & Pick<Incident, 'category' | 'route' | 'modality' | 'methods' | 'technologies' | 'commodities'>;

interface Remembered {
  revision: number;
  day: number;
  /** The revision's evidence: enough to derive its keys again for a retraction. */
  evidence: FullEvidence;
  /** False for a TLP:RED revision: it added nothing, so there is nothing to retract. */
  contributed: boolean;
}

/** Whether an incident may enter detection (statistics every recipient may at least count). */
export function entersDetection(incident: Pick<Incident, 'handling'>): boolean {
  return incident.handling.tlp !== 'RED';
}

/** The parts of an incident that travel with each observation as evidence (no narrative, no persons). */
export function evidenceOf(incident: Incident): FullEvidence {
  return {
    incident_id: `${incident.partner}:${incident.id}`,
    partner: incident.partner,
    country: incident.country,
    occurred_at: incident.occurred_at,
    category: incident.category,
    route: incident.route,
    modality: incident.modality,
    methods: incident.methods,
    technologies: incident.technologies,
    commodities: incident.commodities,
    handling: incident.handling,
  };
}

/**
 * Keys come from `incident` when given (a new revision: its narrative yields the
 * narrative key and terms), else from the evidence (a retraction: no narrative).
 */
function observationsOf(evidence: FullEvidence, revision: number, weight: 1 | -1, dimensions: ReadonlySet<DimensionType>, out: KeyedObservation[], incident?: Incident): void {
  const incidentId = evidence.incident_id;
  for (const dim of deriveDimensionKeys(incident ?? (evidence as unknown as Incident), dimensions)) {
    const observation: KeyedObservation['observation'] = { incident_id: incidentId, revision, weight, dim_type: dim.type, dim_key: dim.key, attributes: dim.attributes, evidence };
    if (dim.type === 'narrative' && incident) {
      // The narrative is read here only, for its terms; the evidence never holds it.
      const terms = narrativeTerms(incident);
      if (!terms || terms.keys.length === 0) continue;
      observation.terms = terms;
    }
    out.push({ topicKey: dimensionTopicKey(dim.type, dim.key), observation });
  }
}

export class Exploder {
  private readonly latest = new Map<string, Remembered>();
  private maxDay = Number.NEGATIVE_INFINITY;
  private minDay = Number.POSITIVE_INFINITY;

  constructor(
    private readonly dimensions: () => ReadonlySet<DimensionType>,
    /** Incidents older than the newest day minus this are forgotten (their buckets are closed). */
    private readonly retentionDays: () => number,
  ) {}

  get remembered(): number {
    return this.latest.size;
  }

  /** Newest event day seen (exploded or restored); null before the first. */
  get newestDay(): number | null {
    return Number.isFinite(this.maxDay) ? this.maxDay : null;
  }

  /** Earliest event day seen (exploded or restored); null before the first. */
  get earliestDay(): number | null {
    return Number.isFinite(this.minDay) ? this.minDay : null;
  }

  /** Records an event as already exploded (state restore), without producing observations. */
  remember(event: IncidentEvent): void {
    const id = `${event.incident.partner}:${event.incident.id}`;
    const seen = this.latest.get(id);
    if (seen && seen.revision >= event.revision) return;
    const day = dayIndexOf(event.incident.occurred_at);
    this.latest.set(id, { revision: event.revision, day, evidence: evidenceOf(event.incident), contributed: entersDetection(event.incident) });
    if (day > this.maxDay) this.maxDay = day;
    if (day < this.minDay) this.minDay = day;
  }

  /** Observations of one event, appended to `out`; `day` is the event day of the incident. */
  explode(event: IncidentEvent, out: KeyedObservation[] = []): { outcome: ExplodeOutcome; observations: KeyedObservation[]; day: number } {
    const incident = event.incident;
    const id = `${incident.partner}:${incident.id}`;
    const day = dayIndexOf(incident.occurred_at);
    const seen = this.latest.get(id);
    if (seen && seen.revision === event.revision) return { outcome: 'duplicate', observations: out, day };
    if (seen && seen.revision > event.revision) return { outcome: 'stale', observations: out, day };
    const dimensions = this.dimensions();
    if (seen?.contributed) observationsOf(seen.evidence, seen.revision, -1, dimensions, out);
    // The evidence keeps only what a retraction needs; the narrative and persons stay out of memory.
    const evidence = evidenceOf(incident);
    const contributed = entersDetection(incident);
    if (contributed) observationsOf(evidence, event.revision, 1, dimensions, out, incident);
    this.latest.set(id, { revision: event.revision, day, evidence, contributed });
    if (day > this.maxDay) this.maxDay = day;
    if (day < this.minDay) this.minDay = day;
    return { outcome: seen ? 'revised' : 'new', observations: out, day };
  }

  /** Forgets incidents whose day is older than the newest day minus the retention. */
  prune(): number {
    const horizon = this.maxDay - this.retentionDays();
    let removed = 0;
    for (const [id, r] of this.latest) {
      if (r.day < horizon) {
        this.latest.delete(id);
        removed++;
      }
    }
    return removed;
  }
}
