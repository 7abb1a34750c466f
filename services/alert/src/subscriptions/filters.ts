// Does a subscription want this alert? Matching runs on the subscriber's view
// (after the sharing rules), never on the raw alert: a country or category the
// agency may not know about must not be what selects an alert for it.
import type { SubscriptionFilters } from '@tocsin/core';
import type { Regions } from '../regions';
import type { AlertView } from '@tocsin/core';

export const SEVERITY_ORDER = ['info', 'low', 'medium', 'high', 'critical'] as const;
export const severityRank = (s: string): number => SEVERITY_ORDER.indexOf(s as (typeof SEVERITY_ORDER)[number]);

function facet(view: AlertView, attribute: 'category' | 'method' | 'technology', evidenceField: 'category' | 'methods' | 'technologies'): string[] {
  const out: string[] = [];
  const a = view.dimension.attributes[attribute];
  if (typeof a === 'string') out.push(a);
  for (const e of view.evidence ?? []) {
    const v = e[evidenceField];
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) out.push(...v);
  }
  return out;
}

export function matchesFilters(filters: SubscriptionFilters, agencyCountry: string, view: AlertView, regions: Regions): boolean {
  if (filters.min_severity && severityRank(view.severity) < severityRank(filters.min_severity)) return false;
  if (filters.detector_kinds?.length && !filters.detector_kinds.includes(view.detector.kind as never)) return false;

  const wanted = new Set(filters.countries ?? []);
  for (const r of filters.regions ?? []) for (const c of regions.countries(r)) wanted.add(c);
  if (wanted.size > 0 || filters.touches_territory) {
    // view.countries already holds the dimension's route and every visible incident's country and route.
    const hit = view.countries.some((c) => wanted.has(c)) || (filters.touches_territory === true && view.countries.includes(agencyCountry));
    if (!hit) return false;
  }
  if (filters.categories?.length) {
    const categories = facet(view, 'category', 'category');
    if (!categories.some((c) => filters.categories!.some((prefix) => c.startsWith(prefix)))) return false;
  }
  if (filters.methods?.length && !facet(view, 'method', 'methods').some((m) => filters.methods!.includes(m))) return false;
  if (filters.technologies?.length && !facet(view, 'technology', 'technologies').some((t) => filters.technologies!.includes(t))) return false;
  return true;
}
