// The patterns whose first appearance is news: route edges and routes by
// modality, a method or technology in a country, a commodity on a route.
// Keys use the same formats as the detect service's dimension keys
// (docs/detect.md), so a novelty signal and a count signal on the same pattern
// name the same key.
import type { Attributes, Incident } from '@tocsin/core';

export const PATTERN_TYPES = ['route_edge', 'route', 'country_method', 'country_technology', 'route_commodity'] as const;
export type PatternType = (typeof PATTERN_TYPES)[number];

/** The named parts of a pattern key, as in Signal.dimension.attributes. */
export type PatternAttributes = Attributes;

/** Any route: an incident's, or one written by hand. */
export interface RouteLike {
  origin: string;
  transit: readonly string[];
  destination: string;
}

export interface Pattern {
  type: PatternType;
  key: string;
  attributes: PatternAttributes;
}

/** `CO>PA>NL|sea`: every stop in travel order, then the modality. */
export function routeKey(route: RouteLike, modality: string): string {
  return `${[route.origin, ...route.transit, route.destination].join('>')}|${modality}`;
}

/** `CO>PA|sea`: one hop of a route. */
export function edgeKey(from: string, to: string, modality: string): string {
  return `${from}>${to}|${modality}`;
}

/** Distinct consecutive hops origin → transit… → destination, skipping a country repeated in place. */
export function routeHops(route: RouteLike): Array<[string, string]> {
  const stops = [route.origin, ...route.transit, route.destination];
  const hops: Array<[string, string]> = [];
  const seen = new Set<string>();
  for (let i = 1; i < stops.length; i++) {
    const from = stops[i - 1]!;
    const to = stops[i]!;
    const id = `${from}>${to}`;
    if (from === to || seen.has(id)) continue;
    seen.add(id);
    hops.push([from, to]);
  }
  return hops;
}

export type PatternSource = Pick<Incident, 'country' | 'modality' | 'methods' | 'technologies' | 'commodities'> & { route: RouteLike };

/**
 * Every novelty pattern one incident shows: an edge per distinct hop, the route,
 * a route_commodity per commodity, and a method and technology pattern per code
 * in the reporting country. Unknown modality still counts: a partner that
 * never states modality still shows new routes.
 */
export function patternsOf(incident: PatternSource): Pattern[] {
  const { route, modality, country } = incident;
  const out: Pattern[] = [];
  for (const [from, to] of routeHops(route)) {
    out.push({ type: 'route_edge', key: edgeKey(from, to, modality), attributes: { origin: from, destination: to, modality } });
  }
  const rKey = routeKey(route, modality);
  const routeAttributes = { origin: route.origin, transit: [...route.transit], destination: route.destination, modality };
  out.push({ type: 'route', key: rKey, attributes: routeAttributes });
  for (const commodity of incident.commodities) {
    out.push({ type: 'route_commodity', key: `${rKey}|commodity:${commodity}`, attributes: { ...routeAttributes, commodity } });
  }
  for (const method of incident.methods) {
    out.push({ type: 'country_method', key: `${country}|method:${method}`, attributes: { country, method } });
  }
  for (const technology of incident.technologies) {
    out.push({ type: 'country_technology', key: `${country}|technology:${technology}`, attributes: { country, technology } });
  }
  return out;
}
