// viewFor: what one subscriber may receive about an alert (or a raw signal).
// Every contributing incident's marking is applied (sharing/levels.ts); the
// result is the full view, an aggregates-only view, or withheld. Fields are
// copied into the view one by one from what is allowed — never by copying the
// alert and deleting what is not — so a field added to Alert later is not
// leaked by default.
import type { Alert, AlertRevision, Evidence, Signal } from '../generated/schemas';
import { incidentCountries, isLowGrade, shareDecision, type ShareLevel, type Subscriber } from './levels';

export type Finding = Alert | Signal;

export interface EvidenceView {
  incident_id: string;
  partner: string;
  country: string;
  occurred_at: string;
  category?: string;
  route?: { origin: string; transit: string[]; destination: string; name?: string };
  modality?: string;
  methods?: string[];
  technologies?: string[];
  commodities?: string[];
  narrative_excerpt?: string;
  marking: {
    tlp: string;
    handling_code?: string;
    source_reliability: string;
    information_credibility: string;
    low_grade: boolean;
  };
}

export interface AlertView {
  level: 'full' | 'aggregate';
  alert_id: string | null;
  /** This subscriber's revision: the alert's revisions that changed what it sees (viewerRevisions). */
  revision: number | null;
  status: 'open' | 'resolved' | null;
  detector: { id: string; kind: string; version: string };
  /** Every detector that fired in the alert's episode (a signal: its own); detector ids say nothing about incidents. */
  detectors: string[];
  dimension: { type: string; key: string; attributes: Record<string, unknown> };
  severity: string;
  rank_score: number;
  bucket: { granularity: string; start: string; end: string };
  opened_at: string | null;
  resolved_at: string | null;
  /** Countries the visible incidents and the dimension concern. */
  countries: string[];
  /** Detector statistics; left out when an incident withheld from this subscriber went into them. */
  statistics: { observed: number; expected: number | null; upperbound: number | null; score: number | null; p_value: number | null; q_value: number | null } | null;
  counts: {
    /** Listed incidents this subscriber may know of (detail + aggregate). */
    incidents: number;
    incidents_detailed: number;
    /**
     * Contributing incidents beyond the evidence list (evidence_total minus the list).
     * Their markings are not listed, but each allows every agency at least a count:
     * detect lets no TLP:RED incident into detection, and the alert service drops RED
     * evidence, so they are the incidents the statistics count and nothing more.
     */
    incidents_unlisted: number;
    by_country: Record<string, number>;
    /** Of the counted incidents, how many rest on low-grade information (source C/X or credibility 4). */
    low_grade: number;
    /** Of the counted incidents, how many are intelligence only (H2) or need the owner's consent for proceedings (H1). */
    intelligence_only: number;
    consent_required: number;
  };
  /** Partners the alert rests on, as far as markings allow naming them. */
  rests_on: { partners: string[]; unnamed_partners: number };
  summary?: string;
  terms?: string[];
  first_reported?: { partner: string; country: string; at: string };
  evidence?: EvidenceView[];
}

export type ViewResult = { level: 'withheld'; reason: string } | AlertView;

function routeCountries(attributes: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const k of ['country', 'origin', 'destination'] as const) if (typeof attributes[k] === 'string') out.push(attributes[k] as string);
  if (Array.isArray(attributes['transit'])) out.push(...(attributes['transit'] as string[]));
  return out;
}

function evidenceView(e: Evidence): EvidenceView {
  const v: EvidenceView = {
    incident_id: e.incident_id,
    partner: e.partner,
    country: e.country,
    occurred_at: e.occurred_at,
    marking: {
      tlp: e.handling.tlp,
      source_reliability: e.handling.source_reliability,
      information_credibility: e.handling.information_credibility,
      low_grade: isLowGrade(e),
    },
  };
  if (e.handling.handling_code) v.marking.handling_code = e.handling.handling_code;
  if (e.category) v.category = e.category;
  if (e.route) v.route = { origin: e.route.origin, transit: [...e.route.transit], destination: e.route.destination, ...(e.route.name ? { name: e.route.name } : {}) };
  if (e.modality) v.modality = e.modality;
  if (e.methods) v.methods = [...e.methods];
  if (e.technologies) v.technologies = [...e.technologies];
  if (e.commodities) v.commodities = [...e.commodities];
  if (e.narrative_excerpt) v.narrative_excerpt = e.narrative_excerpt;
  return v;
}

/**
 * Whether revision entry `at` of a revision log changed what a subscriber sees, given
 * the countries its view shows. Opening, reopening, resolving and a severity change
 * always do; a scope change does when a partner joined (named, or counted among the
 * unnamed) or a country the view shows joined. A country that joined only through
 * details withheld from this subscriber (e.g. the route of an incident it may only
 * count) changed nothing it sees: such a revision is not its revision.
 */
function changesView(history: readonly AlertRevision[], at: number, viewCountries: ReadonlySet<string>): boolean {
  const entry = history[at]!;
  const before = history[at - 1];
  if (entry.reason !== 'scope' || before === undefined) return true;
  // Partner lists are sorted unions; an unsorted legacy list only errs towards "changed".
  const partners = entry.partners ?? [];
  const partnersBefore = before.partners ?? [];
  if (partners.length !== partnersBefore.length || partners.some((p, i) => p !== partnersBefore[i])) return true;
  return entry.countries.some((c) => viewCountries.has(c) && !before.countries.includes(c));
}

/**
 * The alert's revision log as one subscriber sees it: only the revisions that changed
 * its view, numbered in its own sequence (so a gap cannot tell that a hidden revision
 * happened), and the subscriber's current revision number. The log keeps the latest
 * 100 revisions; hidden revisions older than that are not subtracted.
 */
export function viewerRevisions(alert: Pick<Alert, 'history' | 'revision'>, viewCountries: readonly string[]): { revision: number; entries: AlertRevision[] } {
  const shown = new Set(viewCountries);
  const entries: AlertRevision[] = [];
  let hidden = 0;
  alert.history.forEach((entry, at) => {
    if (changesView(alert.history, at, shown)) entries.push({ ...entry, revision: entry.revision - hidden });
    else hidden++;
  });
  return { revision: alert.revision - hidden, entries };
}

export function viewFor(finding: Finding, subscriber: Subscriber): ViewResult {
  const decided = finding.evidence.map((e) => ({ e, level: shareDecision(e, subscriber).level as ShareLevel }));
  const visible = decided.filter((d) => d.level !== 'none');
  // No marking, no sharing: a finding with no visible incident says nothing this subscriber may know.
  if (visible.length === 0) {
    return { level: 'withheld', reason: finding.evidence.length === 0 ? 'no contributing incident carries a marking' : 'every contributing incident is withheld from this subscriber' };
  }
  const detailed = decided.filter((d) => d.level === 'detail');
  const full = detailed.length === decided.length;
  const anyWithheld = decided.some((d) => d.level === 'none');

  const attributes = finding.dimension.attributes as Record<string, unknown>;
  const countries = new Set<string>(routeCountries(attributes));
  const byCountry: Record<string, number> = {};
  for (const { e, level } of visible) {
    byCountry[e.country] = (byCountry[e.country] ?? 0) + 1;
    if (level === 'detail') for (const c of incidentCountries(e)) countries.add(c);
    else countries.add(e.country);
  }
  const named = [...new Set(detailed.map((d) => d.e.partner))].sort();
  const allPartners = new Set(visible.map((d) => d.e.partner));
  const unnamed = [...allPartners].filter((p) => !named.includes(p)).length;

  const isAlert = finding.type === 'alert';
  const view: AlertView = {
    level: full ? 'full' : 'aggregate',
    alert_id: isAlert ? finding.id : null,
    revision: isAlert ? viewerRevisions(finding, [...countries]).revision : null,
    status: isAlert ? finding.status : null,
    detector: { id: finding.detector.id, kind: finding.detector.kind, version: finding.detector.version },
    detectors: isAlert ? finding.detectors.map((d) => d.id) : [finding.detector.id],
    dimension: { type: finding.dimension.type, key: finding.dimension.key, attributes: structuredClone(attributes) },
    severity: finding.severity,
    rank_score: finding.rank_score,
    bucket: { granularity: finding.bucket.granularity, start: finding.bucket.start, end: finding.bucket.end },
    opened_at: isAlert ? finding.opened_at : null,
    resolved_at: isAlert ? (finding.resolved_at ?? null) : null,
    countries: [...countries].sort(),
    statistics: anyWithheld
      ? null
      : {
          observed: finding.observed,
          expected: finding.expected ?? null,
          upperbound: finding.upperbound ?? null,
          score: finding.score ?? null,
          p_value: finding.p_value ?? null,
          q_value: finding.q_value ?? null,
        },
    counts: {
      incidents: visible.length,
      incidents_detailed: detailed.length,
      incidents_unlisted: Math.max(0, finding.evidence_total - finding.evidence.length),
      by_country: byCountry,
      low_grade: visible.filter((d) => isLowGrade(d.e)).length,
      intelligence_only: visible.filter((d) => d.e.handling.handling_code === 'H2').length,
      consent_required: visible.filter((d) => d.e.handling.handling_code === 'H1').length,
    },
    rests_on: { partners: named, unnamed_partners: unnamed },
  };
  if (full) {
    if (finding.summary) view.summary = finding.summary;
    if (finding.terms) view.terms = [...finding.terms];
    // Who reported a pattern first is a detail of that partner's data: only when it is one we may name.
    if (finding.first_reported && named.includes(finding.first_reported.partner)) view.first_reported = { ...finding.first_reported };
    view.evidence = detailed.map((d) => evidenceView(d.e));
  }
  return view;
}
