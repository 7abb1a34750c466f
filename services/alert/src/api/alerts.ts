// /api/alerts: the watch desk's and the agencies' read access to alerts. Every
// filter that concerns content (country) runs on what the caller may see, so
// filtering cannot be used to learn about withheld incidents. List rows carry
// no evidence (list-entry.ts); the detail route does.
import { dimensionLabel, type Alert } from '@tocsin/core';
import { ApiError, type ApiRoutes } from '@tocsin/http';
import { SEVERITY_ORDER, severityRank } from '../subscriptions/filters';
import type { AlertChangeHub } from './change-stream';
import type { AlertApiDeps } from './deps';
import { engineCall } from './errors';
import { fromEntry, isSilenced, type AlertListEntry } from './list-entry';
import { ALERT_DETAIL_SCHEMA, ALERT_LIST_SCHEMA, cursorQuery, idParam, limitQuery, operation } from './openapi';
import { paginate, peekCursor, type SortKey, type SortOrder } from './pagination';
import { booleanParam, enumParam, limitParam, stringParam, timeParam, type Query } from './query';
import { isAdmin } from './principal';
import { taxonomyOf } from './taxonomy';
import { detailFor, entryCountries, entryFor, isVisibleTo } from './visibility';

export const ALERTS_PAGE = { default: 50, max: 200 } as const;
export const DETECTOR_KINDS = ['count', 'novelty', 'terms', 'spread', 'displacement'] as const;
const STATUSES = ['open', 'resolved'] as const;
const tag = 'alerts';
const scope = 'alerts:read' as const;

/**
 * Orders of the list. Each ends with the id, so the order is total and a
 * cursor (the sort key of the last row served) never skips or repeats a row.
 * The keys are fields the sharing view shows unchanged, so ordering the stored
 * records orders what each caller sees.
 */
export const ALERT_SORTS = {
  rank: { doc: 'rank score, then most recently updated (default)', order: [-1, -1, 1], key: (a: Readonly<Alert>) => [a.rank_score, a.updated_at, a.id] },
  opened: { doc: 'most recently opened first', order: [-1, -1], key: (a: Readonly<Alert>) => [a.opened_at, a.id] },
  updated: { doc: 'most recently updated first', order: [-1, 1], key: (a: Readonly<Alert>) => [a.updated_at, a.id] },
  event: { doc: 'latest bucket (event time) first', order: [-1, 1], key: (a: Readonly<Alert>) => [a.bucket.start, a.id] },
  severity: { doc: 'highest severity first, then rank score', order: [-1, -1, 1], key: (a: Readonly<Alert>) => [severityRank(a.severity), a.rank_score, a.id] },
} as const satisfies Record<string, { doc: string; order: SortOrder; key: (a: Readonly<Alert>) => SortKey }>;
export type AlertSort = keyof typeof ALERT_SORTS;
const SORT_NAMES = Object.keys(ALERT_SORTS) as AlertSort[];

const BOOLEAN = { type: 'string', enum: ['true', 'false'] } as const;
const TIME = { type: 'string', format: 'date-time' } as const;

/** The query parameters of GET /api/alerts (the OpenAPI document and the parser below must agree). */
const LIST_PARAMETERS = [
  { name: 'status', in: 'query', schema: { type: 'string', enum: [...STATUSES] } },
  { name: 'min_severity', in: 'query', schema: { type: 'string', enum: [...SEVERITY_ORDER] } },
  { name: 'country', in: 'query', description: 'Alerts concerning this country (as far as the caller may see).', schema: { type: 'string', pattern: '^[A-Z]{2}$' } },
  { name: 'detector_kind', in: 'query', schema: { type: 'string', enum: [...DETECTOR_KINDS] } },
  { name: 'dimension_type', in: 'query', schema: { type: 'string', pattern: '^[a-z_]{1,40}$' } },
  { name: 'since', in: 'query', description: 'Updated at or after this time (wall clock, ISO 8601).', schema: TIME },
  { name: 'until', in: 'query', description: 'Updated before this time (wall clock, ISO 8601).', schema: TIME },
  { name: 'event_from', in: 'query', description: 'Episode (event time: from its first bucket to the end of its latest) ends after this time.', schema: TIME },
  { name: 'event_to', in: 'query', description: 'Episode (event time) starts before this time.', schema: TIME },
  { name: 'acknowledged', in: 'query', description: 'Only alerts the desk has (true) or has not (false) acknowledged.', schema: BOOLEAN },
  { name: 'silenced', in: 'query', description: 'Admin keys only (silences are the operator\'s): only alerts an active silence selects (true) or none does (false).', schema: BOOLEAN },
  { name: 'sort', in: 'query', description: `Order of the list: ${SORT_NAMES.map((n) => `\`${n}\` ${ALERT_SORTS[n].doc}`).join('; ')}. Every order ends with the alert id, so paging is stable.`, schema: { type: 'string', enum: SORT_NAMES, default: 'rank' } },
  limitQuery(ALERTS_PAGE.default, ALERTS_PAGE.max),
  { ...cursorQuery, description: 'next_cursor of the previous page, unchanged, with the same sort and filters.' },
];

interface ListQuery {
  status?: 'open' | 'resolved';
  minSeverity?: string;
  country?: string;
  detectorKind?: string;
  dimensionType?: string;
  since?: string;
  until?: string;
  eventFrom?: string;
  eventTo?: string;
  acknowledged?: boolean;
  silenced?: boolean;
  sort: AlertSort;
  limit: number;
  cursor?: string;
}

function parseListQuery(query: Query): ListQuery {
  const sort = enumParam(query, 'sort', SORT_NAMES) ?? 'rank';
  const cursor = stringParam(query, 'cursor');
  // The cursor names its sort: a cursor of another order would start at a meaningless place.
  const from = cursor === undefined ? undefined : peekCursor(cursor);
  if (Array.isArray(from) && from[0] !== sort && SORT_NAMES.includes(from[0] as AlertSort)) {
    throw new ApiError('bad_request', 'cursor belongs to another sort; pass next_cursor with the sort it came with');
  }
  const parsed: ListQuery = {
    status: enumParam(query, 'status', STATUSES),
    minSeverity: enumParam(query, 'min_severity', SEVERITY_ORDER),
    country: stringParam(query, 'country', /^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code like NL'),
    detectorKind: enumParam(query, 'detector_kind', DETECTOR_KINDS),
    dimensionType: stringParam(query, 'dimension_type', /^[a-z_]{1,40}$/, 'must be a dimension type like country or route'),
    since: timeParam(query, 'since'),
    until: timeParam(query, 'until'),
    eventFrom: timeParam(query, 'event_from'),
    eventTo: timeParam(query, 'event_to'),
    acknowledged: booleanParam(query, 'acknowledged'),
    silenced: booleanParam(query, 'silenced'),
    sort,
    limit: limitParam(query, ALERTS_PAGE.default, ALERTS_PAGE.max),
    cursor,
  };
  return parsed;
}

/** Event-time filter on the stored record: the episode [first bucket start, latest bucket end) overlaps [from, to). */
function inEventRange(alert: Readonly<Alert>, from: string | undefined, to: string | undefined): boolean {
  if (from && alert.bucket.end <= from) return false;
  if (to && alert.event_time.opened >= to) return false;
  return true;
}

export function alertRoutes(deps: AlertApiDeps, changes: () => Pick<AlertChangeHub, 'position'>): ApiRoutes {
  return {
    name: 'alerts',
    paths: {
      '/api/alerts': {
        get: operation({
          tag, scope, summary: 'List alerts (one row per alert, without evidence), most important first',
          description: 'One row per alert as the engine groups them (one per dimension and episode). Rows leave out the evidence, and for admin keys the revision history and action log: GET /api/alerts/{id} has them. Each row names its dimension in words (dimension_label); admin rows say whether an active silence holds the alert (silenced). Agencies get the sharing-rules view for their country (exactly what a webhook to them would carry) and never see alerts withheld from them; admin keys get the stored records.',
          parameters: LIST_PARAMETERS,
          ok: { status: '200', description: 'A page of alerts', schema: ALERT_LIST_SCHEMA },
          errors: ['400'],
        }),
      },
      '/api/alerts/{id}': {
        get: operation({
          tag, scope, summary: 'One alert with its evidence, revisions and watch-desk actions',
          description: 'Agencies get the sharing-rules view, the revision log without countries and partners and with only the revisions that changed their view (numbered as in their webhooks), and the action log without comments. An alert withheld from the caller is reported as not found.',
          parameters: [idParam('id', 'Alert id (al_...)')],
          ok: { status: '200', description: 'The alert', schema: ALERT_DETAIL_SCHEMA },
          errors: ['404'],
        }),
      },
    },
    register(app, context) {
      const guard = { onRequest: context.requireScope(scope) };
      const taxonomy = taxonomyOf(deps);

      app.get('/api/alerts', guard, async (request) => {
        const principal = context.principalOf(request);
        const q = parseListQuery(request.query as Query);
        if (q.silenced !== undefined && !isAdmin(principal)) throw new ApiError('forbidden', 'silenced is the operator\'s state: only admin keys may filter on it');
        const silences = deps.engine.silences();
        // Read before the alerts: a stream resumed from here replays whatever changes while this page is built.
        const position = changes().position();
        // Uncopied references (read-only): a page needs every candidate viewed, not copied.
        const candidates = deps.engine.select({
          ...(q.status ? { status: q.status } : {}),
          ...(q.minSeverity ? { severity: q.minSeverity } : {}),
          ...(q.detectorKind ? { detector_kind: q.detectorKind } : {}),
          ...(q.since ? { since: q.since } : {}),
          ...(q.until ? { until: q.until } : {}),
          ...(q.acknowledged !== undefined ? { acknowledged: q.acknowledged } : {}),
        });
        // Only the page is viewed through the sharing rules; the rest is counted and ordered on
        // the stored records (a country filter needs each caller's view: it filters on what they see).
        const visible: Array<Readonly<Alert>> = [];
        for (const alert of candidates) {
          if (q.dimensionType && alert.dimension.type !== q.dimensionType) continue;
          if (!inEventRange(alert, q.eventFrom, q.eventTo)) continue;
          if (q.silenced !== undefined && isSilenced(alert, silences) !== q.silenced) continue;
          if (!isVisibleTo(alert, principal)) continue;
          if (q.country) {
            const entry = entryFor(alert, principal);
            if (!entry || !entryCountries(entry).includes(q.country)) continue;
          }
          visible.push(alert);
        }
        const { key, order } = ALERT_SORTS[q.sort];
        const page = paginate(visible, (a) => [q.sort, ...key(a)], [1, ...order], q.limit, q.cursor);
        const alerts: AlertListEntry[] = [];
        for (const alert of page.items) {
          const entry = entryFor(alert, principal);
          if (entry) alerts.push(fromEntry(entry, alert, { taxonomy, silences }));
        }
        return { alerts, total: visible.length, next_cursor: page.next_cursor, sort: q.sort, position };
      });

      app.get('/api/alerts/:id', guard, async (request) => {
        const principal = context.principalOf(request);
        const id = (request.params as { id: string }).id;
        const alert = await engineCall(() => deps.engine.get(id));
        const detail = detailFor(alert, principal);
        // Withheld from this agency: indistinguishable from an unknown id.
        if (!detail) throw new ApiError('not_found', `no alert ${id} (ALERT_NOT_FOUND)`);
        return { ...detail, dimension_label: dimensionLabel(detail.alert.dimension, taxonomy) };
      });
    },
  };
}
