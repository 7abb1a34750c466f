// Signals of the wired emergence detectors (spread, displacement, terms): one per
// finding, ranked by the ranking module, with the key's emitted marks stopping a
// repeat after a crash between sending and committing.
import type { Evidence, Signal } from '@tocsin/core';
import { bucketBoundsMs, bucketStartIso, type Granularity } from '../buckets';
import type { DetectorPlan } from '../config';
import { displacementSummary, EMERGENCE_DETECTORS, spreadSummary, termSummary } from '../emergence';
import { routeKey } from '../keys';
import { scoreBucket } from '../ranking';
import type { EmergenceFinding } from './key-emergence';
import type { KeyState } from './key-state';
import { signalId } from './signals';

/** Signal.evidence and Signal.terms caps (signal.v1). */
const MAX_EVIDENCE = 200;
const MAX_TERMS = 50;

export interface EmergenceSignalContext {
  plan: DetectorPlan;
  source: string;
  clock: () => number;
  markDirty(key: KeyState): void;
}

interface Draft {
  finding: EmergenceFinding;
  detector: (typeof EMERGENCE_DETECTORS)['crossBorderSpread' | 'routeDisplacement' | 'emergingTerms'];
  granularity: Granularity;
  index: number;
  /** Dimension of the signal: the key, or for a term the term itself. */
  dimension: Signal['dimension'];
  observed: number;
  expected: number | null;
  pValue: number | null;
  qValue: number | null;
  countries: string[];
  partners: string[];
  terms?: string[];
  incidentIds: readonly string[];
  total: number;
  summary: string;
}

function draftOf(finding: EmergenceFinding): Draft {
  const key = finding.key;
  const keyDimension = { type: key.dimType, key: key.dimKey, attributes: key.attributes };
  switch (finding.kind) {
    case 'spread': {
      const s = finding.signal;
      return {
        finding, detector: EMERGENCE_DETECTORS.crossBorderSpread, granularity: 'week', index: finding.week, dimension: keyDimension,
        observed: s.countries.length, expected: null, pValue: null, qValue: null,
        // In order of onset: the first country is where it started.
        countries: s.countries, partners: s.partners, incidentIds: s.incidentIds, total: s.incidentIds.length, summary: spreadSummary(s),
      };
    }
    case 'displacement': {
      const s = finding.signal;
      const countries = new Set<string>();
      for (const r of [...s.losing, ...s.gaining]) for (const c of r.route.split('|')[0]!.split('>')) countries.add(c);
      return {
        finding, detector: EMERGENCE_DETECTORS.routeDisplacement, granularity: 'day', index: finding.day, dimension: keyDimension,
        observed: s.observed, expected: s.expected, pValue: s.pValue, qValue: null,
        countries: [...countries].sort(), partners: partnersOf(finding.evidence), incidentIds: s.incidentIds, total: s.observed, summary: displacementSummary(s),
      };
    }
    case 'terms': {
      const s = finding.signal;
      return {
        finding, detector: EMERGENCE_DETECTORS.emergingTerms, granularity: 'day', index: finding.day,
        dimension: { type: 'term', key: s.key, attributes: { term: s.display.slice(0, 200), lang: s.lang } },
        observed: s.observed, expected: s.expected, pValue: s.pValue, qValue: s.qValue,
        countries: s.countries, partners: s.partners, terms: [s.display, ...s.related].slice(0, MAX_TERMS).map((t) => t.slice(0, 200)),
        incidentIds: s.incidentIds, total: s.incidentTotal, summary: termSummary(s),
      };
    }
  }
}

function partnersOf(evidence: readonly Evidence[]): string[] {
  return [...new Set(evidence.map((e) => e.partner))].sort();
}

// One mark per detector and key: all findings of a key's bucket are made in one batch,
// so the mark only has to stop a redelivered batch from repeating them.
const markOf = (d: Draft): string => `${d.detector.id}@${d.granularity}`;

/**
 * Evidence the stage still holds for a finding: the closed bucket's contributing
 * incidents that the detector names (earlier buckets' evidence is not kept per key;
 * evidence_total counts them all).
 */
function evidenceOf(d: Draft): Evidence[] {
  const f = d.finding;
  if (f.kind === 'displacement') {
    // The incidents of the closed day on the routes that gained.
    const gaining = new Set(f.signal.gaining.map((r) => r.route));
    return f.evidence.filter((e) => e.route !== undefined && e.modality !== undefined && gaining.has(routeKey(e.route, e.modality))).slice(0, MAX_EVIDENCE);
  }
  const ids = new Set(d.incidentIds);
  const seen = new Set<string>();
  return f.evidence.filter((e) => ids.has(e.incident_id) && !seen.has(e.incident_id) && seen.add(e.incident_id)).slice(0, MAX_EVIDENCE);
}

export function emergenceSignals(findings: readonly EmergenceFinding[], ctx: EmergenceSignalContext): Signal[] {
  const drafts = findings.map(draftOf).filter((d) => (d.finding.key.emitted[markOf(d)] ?? Number.NEGATIVE_INFINITY) < d.index);
  if (drafts.length === 0) return [];
  const producedAt = new Date(ctx.clock()).toISOString();
  const scored = scoreBucket(
    drafts.map((d) => ({
      id: signalId(d.detector.id, d.dimension.type, d.dimension.key, bucketStartIso(d.granularity, d.index), d.granularity),
      kind: d.detector.kind,
      pValue: d.pValue,
      observed: d.observed,
      expected: d.expected,
      countries: d.countries.length,
      partners: d.partners.length,
      draft: d,
    })),
  );
  return scored.map((s) => {
    const d = s.draft;
    const key = d.finding.key;
    key.emitted[markOf(d)] = d.index;
    ctx.markDirty(key);
    const evidence = evidenceOf(d);
    const signal: Signal = {
      id: s.id,
      type: 'signal',
      schema_version: 1,
      produced_at: producedAt,
      source: ctx.source,
      detector: { id: d.detector.id, version: d.detector.version, kind: d.detector.kind },
      dimension: d.dimension,
      bucket: { granularity: d.granularity, start: bucketStartIso(d.granularity, d.index), end: new Date(bucketBoundsMs(d.granularity, d.index).endMs).toISOString() },
      observed: d.observed,
      expected: d.expected,
      upperbound: null,
      score: null,
      p_value: d.pValue === null ? null : Math.min(1, Math.max(0, d.pValue)),
      q_value: d.qValue === null ? null : Math.min(1, Math.max(0, d.qValue)),
      severity: s.severity,
      rank_score: s.rankScore,
      summary: d.summary,
      countries: d.countries,
      partners: d.partners,
      evidence,
      evidence_total: Math.max(d.total, evidence.length),
      config_version: ctx.plan.version,
    };
    if (d.terms) signal.terms = d.terms;
    return signal;
  });
}
