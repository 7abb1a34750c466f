// GET /api/routes: route edges and countries for the watch desk's routes view,
// built from the alerts on route dimensions that the caller may see. Each alert
// passes through entryFor (the sharing-rules view for agencies, as on
// /api/alerts), and filters look only at what that view shows, so a filter
// cannot select an alert by a withheld detail.
import type { RouteCountry, RouteEdge, RouteEdgeAlert, RouteMap } from '@tocsin/core';
import type { ApiRoutes } from '@tocsin/http';
import { severityRank } from '../subscriptions/filters';
import type { AlertApiDeps } from './deps';
import { operation, ref } from './openapi';
import { enumParam, stringParam, timeParam, type Query } from './query';
import { entryFor, type AlertEntry } from './visibility';

/** Dimension types whose attributes name a route (origin, transit, destination, modality). */
export const ROUTE_DIMENSIONS = ['route', 'route_edge', 'route_commodity'] as const;
/** Displacement compares the routes into one destination: its dimension names only that. */
const DISPLACEMENT_DIMENSION = 'route_destination';
export const ROUTE_MAP_LIMITS = { edges: 500, alertsPerEdge: 20 } as const;
const STATUSES = ['open', 'resolved'] as const;
const CODE = /^[a-z0-9][a-z0-9._-]{0,79}$/;

interface Filters {
  since?: string;
  until?: string;
  modality?: string;
  method?: string;
  commodity?: string;
  status?: 'open' | 'resolved';
}

type Attrs = { origin?: string; transit?: string[]; destination?: string; modality?: string; commodity?: string };

/** Methods and commodities the caller may see on the alert: its dimension and the evidence its view lists. */
function visibleCodes(entry: AlertEntry, field: 'methods' | 'commodities'): Set<string> {
  const out = new Set<string>();
  const attrs = entry.alert.dimension.attributes as Attrs;
  if (field === 'commodities' && attrs.commodity) out.add(attrs.commodity);
  for (const e of entry.alert.evidence ?? []) for (const c of e[field] ?? []) out.add(c);
  return out;
}

function matches(entry: AlertEntry, f: Filters): boolean {
  const a = entry.alert;
  if (f.status && a.status !== f.status) return false;
  // Overlap of the alert's (strongest) bucket with [since, until).
  if (f.since && a.bucket.end <= f.since) return false;
  if (f.until && a.bucket.start >= f.until) return false;
  if (f.modality && (a.dimension.attributes as Attrs).modality !== f.modality) return false;
  if (f.method && !visibleCodes(entry, 'methods').has(f.method)) return false;
  if (f.commodity && !visibleCodes(entry, 'commodities').has(f.commodity)) return false;
  return true;
}

/** Consecutive country pairs of a route dimension. */
function edgesOf(attrs: Attrs): Array<[string, string]> {
  if (!attrs.origin || !attrs.destination) return [];
  const path = [attrs.origin, ...(attrs.transit ?? []), attrs.destination];
  const out: Array<[string, string]> = [];
  for (let i = 1; i < path.length; i++) if (path[i - 1] !== path[i]) out.push([path[i - 1]!, path[i]!]);
  return out;
}

/** The route map of `entries` (already visible to the caller and filtered). */
export function routeMap(entries: readonly AlertEntry[], latest: string | null): RouteMap {
  // Plain arrays while building; capped (schema maxItems) when the map is made.
  type Draft = Omit<RouteEdge, 'alerts'> & { alerts: RouteEdgeAlert[] };
  const edges = new Map<string, Draft>();
  const displacement = new Map<string, string[]>();
  for (const entry of entries) {
    const a = entry.alert;
    const attrs = a.dimension.attributes as Attrs;
    const kind = a.detector.kind as RouteEdgeAlert['kind'];
    const status = a.status ?? 'open';
    if (a.dimension.type === DISPLACEMENT_DIMENSION) {
      if (attrs.destination) displacement.set(attrs.destination, [...(displacement.get(attrs.destination) ?? []), entry.id]);
      continue;
    }
    for (const [origin, destination] of edgesOf(attrs)) {
      const id = `${origin}>${destination}|${attrs.modality ?? ''}`;
      let edge = edges.get(id);
      if (!edge) {
        edge = { id, origin, destination, modality: attrs.modality ?? '', new: false, surging: false, severity: 'info', status: 'resolved', commodities: [], alerts: [], last_bucket_end: a.bucket.end };
        edges.set(id, edge);
      }
      if (kind === 'novelty') edge.new = true;
      if (kind === 'count') edge.surging = true;
      if (severityRank(a.severity) > severityRank(edge.severity)) edge.severity = a.severity as RouteEdge['severity'];
      if (status === 'open') edge.status = 'open';
      if (attrs.commodity && !edge.commodities.includes(attrs.commodity)) edge.commodities.push(attrs.commodity);
      if (a.bucket.end > edge.last_bucket_end) edge.last_bucket_end = a.bucket.end;
      edge.alerts.push({ id: entry.id, kind, dimension_type: a.dimension.type, severity: a.severity as RouteEdgeAlert['severity'], status });
    }
  }
  const ordered = [...edges.values()]
    .map((e): RouteEdge => ({ ...e, commodities: e.commodities.sort(), alerts: e.alerts.sort((x, y) => severityRank(y.severity) - severityRank(x.severity) || (x.id < y.id ? -1 : 1)).slice(0, ROUTE_MAP_LIMITS.alertsPerEdge) as RouteEdge['alerts'] }))
    .sort((x, y) => Number(y.new) - Number(x.new) || severityRank(y.severity) - severityRank(x.severity) || (x.id < y.id ? -1 : 1))
    .slice(0, ROUTE_MAP_LIMITS.edges);
  const countries = new Map<string, RouteCountry>();
  const country = (code: string): RouteCountry => {
    let c = countries.get(code);
    if (!c) countries.set(code, (c = { code, edges: 0, displacement_alerts: [] }));
    return c;
  };
  for (const e of ordered) {
    country(e.origin).edges++;
    country(e.destination).edges++;
  }
  for (const [code, ids] of displacement) country(code).displacement_alerts = ids.sort().slice(0, ROUTE_MAP_LIMITS.alertsPerEdge) as RouteCountry['displacement_alerts'];
  return { edges: ordered, countries: [...countries.values()].sort((x, y) => (x.code < y.code ? -1 : 1)), alerts: entries.length, latest_bucket_end: latest };
}

export function routeMapRoutes(deps: AlertApiDeps): ApiRoutes {
  return {
    name: 'routes',
    paths: {
      '/api/routes': {
        get: operation({
          tag: 'alerts',
          scope: 'alerts:read',
          summary: 'Route edges and countries of the route alerts the caller may see',
          description: `Edges from alerts on ${ROUTE_DIMENSIONS.join(', ')} dimensions (new: a first-seen alert; surging: a count alert), countries with displacement alerts (${DISPLACEMENT_DIMENSION}). Agencies see only alerts their sharing-rules view shows, and filters look only at what that view shows. At most ${ROUTE_MAP_LIMITS.edges} edges, ${ROUTE_MAP_LIMITS.alertsPerEdge} alerts each.`,
          parameters: [
            { name: 'since', in: 'query', description: "Alerts whose strongest bucket ends after this time (event time, ISO 8601).", schema: { type: 'string', format: 'date-time' } },
            { name: 'until', in: 'query', description: 'Alerts whose strongest bucket starts before this time (event time, ISO 8601).', schema: { type: 'string', format: 'date-time' } },
            { name: 'modality', in: 'query', description: 'Transport method of the route, e.g. sea, air, road.', schema: { type: 'string', pattern: CODE.source } },
            { name: 'method', in: 'query', description: 'Criminal method taxonomy code in the evidence the caller may see, e.g. concealment.container.', schema: { type: 'string', pattern: CODE.source } },
            { name: 'commodity', in: 'query', description: 'Commodity taxonomy code of the route or of the evidence the caller may see, e.g. drugs.cocaine.', schema: { type: 'string', pattern: CODE.source } },
            { name: 'status', in: 'query', schema: { type: 'string', enum: [...STATUSES] } },
          ],
          ok: { status: '200', description: 'The route map', schema: ref('RouteMap') },
          errors: ['400'],
        }),
      },
    },
    register(app, context) {
      app.get('/api/routes', { onRequest: context.requireScope('alerts:read') }, async (request) => {
        const principal = context.principalOf(request);
        const query = request.query as Query;
        const code = (name: string) => stringParam(query, name, CODE, 'must be a code like drugs.cocaine');
        const filters: Filters = {};
        const since = timeParam(query, 'since');
        const until = timeParam(query, 'until');
        const modality = stringParam(query, 'modality', CODE, 'must be a transport method like sea');
        const method = code('method');
        const commodity = code('commodity');
        const status = enumParam(query, 'status', STATUSES);
        if (since) filters.since = since;
        if (until) filters.until = until;
        if (modality) filters.modality = modality;
        if (method) filters.method = method;
        if (commodity) filters.commodity = commodity;
        if (status) filters.status = status;
        const visible: AlertEntry[] = [];
        let latest: string | null = null;
        for (const alert of deps.engine.select({})) {
          const type = alert.dimension.type;
          if (type !== DISPLACEMENT_DIMENSION && !(ROUTE_DIMENSIONS as readonly string[]).includes(type)) continue;
          const entry = entryFor(alert, principal);
          if (!entry) continue;
          if (latest === null || entry.alert.bucket.end > latest) latest = entry.alert.bucket.end;
          if (matches(entry, filters)) visible.push(entry);
        }
        return routeMap(visible, latest);
      });
    },
  };
}
