// Which countries are connected by the routes partners report, with how much
// traffic: the basis of the "warning for the third" — a country that has not
// seen a spreading pattern yet, but sits on routes touching those that have.
import { routeHops, type RouteLike } from './patterns';

export interface RouteGraphState {
  version: 1;
  /** [from, to, incidents] */
  edges: Array<[string, string, number]>;
}

export interface Neighbour {
  country: string;
  /** Incidents on edges between this country and the given set, both directions. */
  weight: number;
  /** The countries of the set it is linked to. */
  via: string[];
}

export class RouteGraph {
  // from → to → incidents; a country pair costs one Map entry.
  private readonly out = new Map<string, Map<string, number>>();
  private readonly into = new Map<string, Map<string, number>>();

  observe(route: RouteLike): void {
    for (const [from, to] of routeHops(route)) this.addEdge(from, to, 1);
  }

  addEdge(from: string, to: string, incidents: number): void {
    bump(this.out, from, to, incidents);
    bump(this.into, to, from, incidents);
  }

  /**
   * Countries outside `countries` linked to any of them by a reported route edge,
   * heaviest traffic first (ties by code); at most `limit`.
   */
  neighbours(countries: Iterable<string>, limit = 10): Neighbour[] {
    const inSet = new Set(countries);
    const found = new Map<string, { weight: number; via: Set<string> }>();
    for (const c of inSet) {
      for (const links of [this.out.get(c), this.into.get(c)]) {
        if (!links) continue;
        for (const [other, n] of links) {
          if (inSet.has(other)) continue;
          const f = found.get(other) ?? { weight: 0, via: new Set<string>() };
          f.weight += n;
          f.via.add(c);
          found.set(other, f);
        }
      }
    }
    return [...found]
      .map(([country, f]) => ({ country, weight: f.weight, via: [...f.via].sort() }))
      .sort((a, b) => b.weight - a.weight || (a.country < b.country ? -1 : 1))
      .slice(0, limit);
  }

  toJSON(): RouteGraphState {
    const edges: RouteGraphState['edges'] = [];
    for (const [from, links] of this.out) for (const [to, n] of links) edges.push([from, to, n]);
    return { version: 1, edges };
  }

  static fromJSON(state: RouteGraphState): RouteGraph {
    const graph = new RouteGraph();
    for (const [from, to, n] of state.edges) graph.addEdge(from, to, n);
    return graph;
  }
}

function bump(map: Map<string, Map<string, number>>, a: string, b: string, n: number): void {
  let links = map.get(a);
  if (!links) {
    links = new Map();
    map.set(a, links);
  }
  links.set(b, (links.get(b) ?? 0) + n);
}
