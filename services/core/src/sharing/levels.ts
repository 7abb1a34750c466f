// How much of one incident a subscriber may see: the decision table of
// docs/sharing-rules.md, applied to one Evidence entry (an incident as carried by
// a signal, with its handling marking). Pure; no I/O.
import type { Evidence } from '../generated/schemas';

/** detail: every field; aggregate: counted, with its country, never named or described; none: as if absent. */
export type ShareLevel = 'detail' | 'aggregate' | 'none';

export interface Subscriber {
  /** Agency id; same namespace as partner ids, so an agency is the owner of its own incidents. */
  agency: string;
  /** ISO alpha-2 country of the agency. */
  country: string;
}

/** Why the level was chosen; the docs table uses the same words. */
export type ShareRule =
  | 'owner'
  | 'red'
  | 'amber_strict'
  | 'h3_restrictions'
  | 'not_in_share_with'
  | 'amber_need_to_know'
  | 'amber_outside_need_to_know'
  | 'share_with'
  | 'green_clear';

export interface ShareDecision {
  level: ShareLevel;
  rule: ShareRule;
}

/** Countries an incident concerns: where it happened and every country on its route. */
export function incidentCountries(e: Evidence): Set<string> {
  const out = new Set<string>([e.country]);
  if (e.route) {
    out.add(e.route.origin);
    out.add(e.route.destination);
    for (const t of e.route.transit) out.add(t);
  }
  return out;
}

export function shareDecision(e: Evidence, s: Subscriber): ShareDecision {
  if (e.partner === s.agency) return { level: 'detail', rule: 'owner' };
  const h = e.handling;
  // TLP:RED: named recipients only. Tocsin's recipients are never named by the
  // owner, so RED data leaves Tocsin only towards its owner — not even as a count.
  if (h.tlp === 'RED') return { level: 'none', rule: 'red' };
  // TLP:AMBER+STRICT: the owner's organisation only. The existence of such
  // incidents may inform a trend (a count), never their content.
  if (h.tlp === 'AMBER+STRICT') return { level: 'aggregate', rule: 'amber_strict' };
  // H3: restrictions written in free text that no machine can honour safely.
  if (h.handling_code === 'H3') return { level: 'aggregate', rule: 'h3_restrictions' };
  if (h.share_with) {
    const listed = h.share_with.includes(s.country) || s.country === e.country;
    return listed ? { level: 'detail', rule: 'share_with' } : { level: 'aggregate', rule: 'not_in_share_with' };
  }
  if (h.tlp === 'AMBER') {
    // Need to know, absent a list: agencies of the countries the incident concerns.
    return incidentCountries(e).has(s.country) ? { level: 'detail', rule: 'amber_need_to_know' } : { level: 'aggregate', rule: 'amber_outside_need_to_know' };
  }
  return { level: 'detail', rule: 'green_clear' };
}

/** Source C/X or information 4: the 4x4 grades that alerts must flag as weak. */
export function isLowGrade(e: Evidence): boolean {
  const h = e.handling;
  return h.source_reliability === 'C' || h.source_reliability === 'X' || h.information_credibility === '4';
}
