// GET /api/signals: the most recent signals, most important first. Admins see
// signals as detect emitted them; every other agency sees each signal through
// the sharing rules (viewFor), exactly as a webhook would carry it, and never
// learns of a signal whose every incident is withheld from its country.
import { viewFor, type AlertView, type Signal } from '@tocsin/core';
import { ApiError, errorResponse, hasScope, type ApiRoutes } from '@tocsin/http';

export interface SignalSource {
  recentSignals(limit: number): Signal[];
}

export type SignalRedactor = (signal: Signal, viewer: { agency: string; country: string }) => AlertView | null;

const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export const SIGNALS_MAX_LIMIT = 500;

/** The sharing rules of docs/sharing-rules.md; null when the signal is withheld from the viewer. */
export const sharingView: SignalRedactor = (signal, viewer) => {
  const view = viewFor(signal, { agency: viewer.agency, country: viewer.country });
  return view.level === 'withheld' ? null : view;
};

export function signalRoutes(source: SignalSource | null, redact: SignalRedactor = sharingView): ApiRoutes {
  return {
    name: 'signals',
    paths: {
      '/api/signals': {
        get: {
          tags: ['signals'],
          summary: 'Recent signals, highest rank first',
          security: [{ apiKey: [] }],
          parameters: [
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: SIGNALS_MAX_LIMIT, default: 100 } },
            { name: 'min_severity', in: 'query', schema: { type: 'string', enum: [...SEVERITIES] } },
            { name: 'dimension_type', in: 'query', schema: { type: 'string' } },
            { name: 'country', in: 'query', schema: { type: 'string', pattern: '^[A-Z]{2}$' } },
          ],
          responses: {
            '200': {
              description: 'Signals (scope alerts:read). Admin keys get Signal events as emitted; agency keys get each signal as the sharing rules let their country see it (level full or aggregate; the same view a webhook carries), and signals withheld from them are left out.',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    required: ['signals'],
                    properties: { signals: { type: 'array', items: { oneOf: [{ $ref: '#/components/schemas/Signal' }, { type: 'object', description: 'Sharing view (docs/sharing-rules.md)', required: ['level', 'detector', 'dimension', 'severity', 'rank_score', 'countries', 'counts'], properties: { level: { type: 'string', enum: ['full', 'aggregate'] } } }] } } },
                  },
                },
              },
            },
            '400': errorResponse('Bad query parameter'),
            '401': errorResponse('No or unknown API key'),
            '403': errorResponse('Key lacks alerts:read'),
            '503': errorResponse('Detection is not running in this process'),
          },
        },
      },
    },
    register(app, context) {
      app.get('/api/signals', { onRequest: context.requireScope('alerts:read') }, async (request) => {
        if (!source) throw new ApiError('unavailable', 'detection is not running in this process');
        const query = request.query as Record<string, string | undefined>;
        const limit = query['limit'] === undefined ? 100 : Number(query['limit']);
        if (!Number.isInteger(limit) || limit < 1 || limit > SIGNALS_MAX_LIMIT) throw new ApiError('bad_request', `limit must be an integer from 1 to ${SIGNALS_MAX_LIMIT}`);
        const minSeverity = query['min_severity'];
        if (minSeverity !== undefined && !SEVERITIES.includes(minSeverity as never)) throw new ApiError('bad_request', `min_severity must be one of ${SEVERITIES.join(', ')}`);
        const country = query['country'];
        if (country !== undefined && !/^[A-Z]{2}$/.test(country)) throw new ApiError('bad_request', 'country must be an ISO 3166-1 alpha-2 code');
        const floor = minSeverity ? SEVERITIES.indexOf(minSeverity as (typeof SEVERITIES)[number]) : 0;
        const principal = context.principalOf(request);
        // Views are made before filtering, so a filter cannot reveal what the view hides.
        const visible: Array<Signal | AlertView> = hasScope(principal, 'admin')
          ? source.recentSignals(SIGNALS_MAX_LIMIT)
          : source.recentSignals(SIGNALS_MAX_LIMIT).map((s) => redact(s, principal)).filter((v): v is AlertView => v !== null);
        const signals = visible
          .filter((s) => SEVERITIES.indexOf(s.severity as (typeof SEVERITIES)[number]) >= floor)
          .filter((s) => !query['dimension_type'] || s.dimension.type === query['dimension_type'])
          .filter((s) => !country || s.countries.includes(country))
          .sort((a, b) => b.rank_score - a.rank_score)
          .slice(0, limit);
        return { signals };
      });
    },
  };
}
