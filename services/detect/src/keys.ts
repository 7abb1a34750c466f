// Dimension keys: the things Tocsin counts. Every incident contributes one count to
// each key it belongs to. Key formats are documented in docs/detect.md; they are
// stable because they name state on compacted topics and appear in signal ids.
import type { Attributes, DimensionType, Incident } from '@tocsin/core';

export const DIMENSION_TYPES = [
  'country', 'route', 'route_edge', 'method', 'technology', 'commodity', 'category',
  'country_method', 'country_technology', 'country_commodity', 'route_commodity',
  'route_destination', 'narrative',
] as const satisfies readonly DimensionType[];

export interface DimensionKey {
  type: DimensionType;
  /** Canonical key within the type, e.g. `NL|method:concealment.container`. */
  key: string;
  attributes: Attributes;
}

/** `CO>PA>NL|sea`: origin, transit countries in order, destination, modality. */
export function routeKey(route: Incident['route'], modality: string): string {
  return `${[route.origin, ...route.transit, route.destination].join('>')}|${modality}`;
}

/**
 * The keys of one incident, for the enabled types, without duplicates (a route that
 * passes the same edge twice counts it once). Order is deterministic.
 */
export function deriveDimensionKeys(incident: Incident, enabled: ReadonlySet<DimensionType>): DimensionKey[] {
  const out: DimensionKey[] = [];
  const { country, route, modality, category } = incident;
  const route_ = routeKey(route, modality);
  const routeAttrs: Attributes = { origin: route.origin, transit: route.transit, destination: route.destination, modality };
  if (enabled.has('country')) out.push({ type: 'country', key: country, attributes: { country } });
  if (enabled.has('category')) out.push({ type: 'category', key: category, attributes: { category } });
  if (enabled.has('route')) out.push({ type: 'route', key: route_, attributes: routeAttrs });
  // Every route to one destination on one consumer: route displacement compares their shares.
  // The full route travels in the observation's evidence (route, modality).
  if (enabled.has('route_destination')) {
    out.push({ type: 'route_destination', key: `${route.destination}|${modality}`, attributes: { destination: route.destination, modality } });
  }
  // Every narrative of one language on one consumer: emerging terms. The explode stage
  // attaches the extracted terms; the text itself never travels. Evidence (used for
  // retractions) has no narrative, so a retraction never yields a narrative key.
  const narrative = incident.narrative;
  if (enabled.has('narrative') && narrative !== undefined && narrative.text.length > 0) {
    const lang = narrativeLanguage(narrative.lang);
    out.push({ type: 'narrative', key: lang, attributes: { lang } });
  }
  if (enabled.has('route_edge')) {
    const path = [route.origin, ...route.transit, route.destination];
    const seen = new Set<string>();
    for (let i = 1; i < path.length; i++) {
      const key = `${path[i - 1]}>${path[i]}|${modality}`;
      if (path[i - 1] === path[i] || seen.has(key)) continue;
      seen.add(key);
      out.push({ type: 'route_edge', key, attributes: { origin: path[i - 1]!, destination: path[i]!, modality } });
    }
  }
  // Written out per kind: object literals with fixed shapes are much cheaper than computed keys.
  const countryMethod = enabled.has('country_method');
  for (const method of incident.methods) {
    if (enabled.has('method')) out.push({ type: 'method', key: method, attributes: { method } });
    if (countryMethod) out.push({ type: 'country_method', key: `${country}|method:${method}`, attributes: { country, method } });
  }
  const countryTechnology = enabled.has('country_technology');
  for (const technology of incident.technologies) {
    if (enabled.has('technology')) out.push({ type: 'technology', key: technology, attributes: { technology } });
    if (countryTechnology) out.push({ type: 'country_technology', key: `${country}|technology:${technology}`, attributes: { country, technology } });
  }
  const countryCommodity = enabled.has('country_commodity');
  const routeCommodity = enabled.has('route_commodity');
  for (const commodity of incident.commodities) {
    if (enabled.has('commodity')) out.push({ type: 'commodity', key: commodity, attributes: { commodity } });
    if (countryCommodity) out.push({ type: 'country_commodity', key: `${country}|commodity:${commodity}`, attributes: { country, commodity } });
    if (routeCommodity) {
      out.push({
        type: 'route_commodity',
        key: `${route_}|commodity:${commodity}`,
        attributes: { origin: route.origin, transit: route.transit, destination: route.destination, modality, commodity },
      });
    }
  }
  return out;
}

/** `pt-BR` → `pt`: the language part of a narrative key (the term extractor's stemming language). */
export function narrativeLanguage(langTag: string): string {
  const dash = langTag.indexOf('-');
  return (dash < 0 ? langTag : langTag.slice(0, dash)).toLowerCase();
}

/** Topic key of observations and state: `<type>|<key>`. */
export function dimensionTopicKey(type: string, key: string): string {
  return `${type}|${key}`;
}

/** Splits a topic key at its first `|`; null when there is none. */
export function parseDimensionTopicKey(topicKey: string): { type: string; key: string } | null {
  const bar = topicKey.indexOf('|');
  if (bar <= 0 || bar === topicKey.length - 1) return null;
  return { type: topicKey.slice(0, bar), key: topicKey.slice(bar + 1) };
}
