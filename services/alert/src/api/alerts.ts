// /api/alerts: the watch desk's and the agencies' read access to alerts. Every
// filter that concerns content (country) runs on what the caller may see, so
// filtering cannot be used to learn about withheld incidents.
import { ApiError, type ApiRoutes } from '@tocsin/http';
import { SEVERITY_ORDER } from '../subscriptions/filters';
import type { AlertApiDeps } from './deps';
import { engineCall } from './errors';
import { ALERT_DETAIL_SCHEMA, ALERT_LIST_SCHEMA, cursorQuery, idParam, limitQuery, operation } from './openapi';
import { paginate } from './pagination';
import { enumParam, limitParam, stringParam, timeParam, type Query } from './query';
import { detailFor, entryCountries, entryFor, type AlertEntry } from './visibility';

export const ALERTS_PAGE = { default: 50, max: 200 } as const;
export const DETECTOR_KINDS = ['count', 'novelty', 'terms', 'spread', 'displacement'] as const;
const STATUSES = ['open', 'resolved'] as const;
const tag = 'alerts';
const scope = 'alerts:read' as const;

export function alertRoutes(deps: AlertApiDeps): ApiRoutes {
  return {
    name: 'alerts',
    paths: {
      '/api/alerts': {
        get: operation({
          tag, scope, summary: 'List alerts, most important first',
          description: 'Ordered by rank score, then most recently updated. Agencies get the sharing-rules view for their country (exactly what a webhook to them would carry) and never see alerts withheld from them; admin keys get the stored records.',
          parameters: [
            { name: 'status', in: 'query', schema: { type: 'string', enum: [...STATUSES] } },
            { name: 'min_severity', in: 'query', schema: { type: 'string', enum: [...SEVERITY_ORDER] } },
            { name: 'country', in: 'query', description: 'Alerts concerning this country (as far as the caller may see).', schema: { type: 'string', pattern: '^[A-Z]{2}$' } },
            { name: 'detector_kind', in: 'query', schema: { type: 'string', enum: [...DETECTOR_KINDS] } },
            { name: 'dimension_type', in: 'query', schema: { type: 'string', pattern: '^[a-z_]{1,40}$' } },
            { name: 'since', in: 'query', description: 'Updated at or after this time (ISO 8601).', schema: { type: 'string', format: 'date-time' } },
            limitQuery(ALERTS_PAGE.default, ALERTS_PAGE.max),
            cursorQuery,
          ],
          ok: { status: '200', description: 'A page of alerts', schema: ALERT_LIST_SCHEMA },
          errors: ['400'],
        }),
      },
      '/api/alerts/{id}': {
        get: operation({
          tag, scope, summary: 'One alert with its revisions and watch-desk actions',
          description: 'Agencies get the sharing-rules view, the revision log without countries and partners and with only the revisions that changed their view (numbered as in their webhooks), and the action log without comments. An alert withheld from the caller is reported as not found.',
          parameters: [idParam('id', 'Alert id (al_...)')],
          ok: { status: '200', description: 'The alert', schema: ALERT_DETAIL_SCHEMA },
          errors: ['404'],
        }),
      },
    },
    register(app, context) {
      const guard = { onRequest: context.requireScope(scope) };

      app.get('/api/alerts', guard, async (request) => {
        const principal = context.principalOf(request);
        const query = request.query as Query;
        const status = enumParam(query, 'status', STATUSES);
        const severity = enumParam(query, 'min_severity', SEVERITY_ORDER);
        const country = stringParam(query, 'country', /^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code like NL');
        const detectorKind = enumParam(query, 'detector_kind', DETECTOR_KINDS);
        const dimensionType = stringParam(query, 'dimension_type', /^[a-z_]{1,40}$/, 'must be a dimension type like country or route');
        const since = timeParam(query, 'since');
        const limit = limitParam(query, ALERTS_PAGE.default, ALERTS_PAGE.max);
        const cursor = stringParam(query, 'cursor');
        // Uncopied references (read-only): a page needs every candidate viewed, not copied.
        const candidates = deps.engine.select({
          ...(status ? { status } : {}),
          ...(severity ? { severity } : {}),
          ...(detectorKind ? { detector_kind: detectorKind } : {}),
          ...(since ? { since } : {}),
        });
        const visible: AlertEntry[] = [];
        for (const alert of candidates) {
          if (dimensionType && alert.dimension.type !== dimensionType) continue;
          const entry = entryFor(alert, principal);
          if (!entry) continue;
          if (country && !entryCountries(entry).includes(country)) continue;
          visible.push(entry);
        }
        const rank = (e: AlertEntry): number => e.alert.rank_score;
        const page = paginate(visible, (e) => [rank(e), e.updated_at, e.id], [-1, -1, 1], limit, cursor);
        return { alerts: page.items, total: visible.length, next_cursor: page.next_cursor };
      });

      app.get('/api/alerts/:id', guard, async (request) => {
        const principal = context.principalOf(request);
        const id = (request.params as { id: string }).id;
        const alert = await engineCall(() => deps.engine.get(id));
        const detail = detailFor(alert, principal);
        // Withheld from this agency: indistinguishable from an unknown id.
        if (!detail) throw new ApiError('not_found', `no alert ${id} (ALERT_NOT_FOUND)`);
        return detail;
      });
    },
  };
}
