// GET /api/signals: the most recent signals, most important first. Admins see
// the evidence; other agencies see aggregates only until alerting's sharing
// rules decide per incident what their country may see.
import type { Signal } from '@tocsin/core';
import { hasScope } from '../auth/api-keys';
import { ApiError } from '../errors';
import { errorResponse } from '../openapi';
import type { DeskRoutes } from '../server';

export interface SignalSource {
  recentSignals(limit: number): Signal[];
}

export type SignalRedactor = (signal: Signal, viewer: { agency: string; country: string }) => Signal | null;

const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export const SIGNALS_MAX_LIMIT = 500;

/** Default view for non-admins: counts and dimensions, no incident details. */
export const aggregatesOnly: SignalRedactor = (signal) => ({ ...signal, evidence: [], partners: [] });

export function signalRoutes(source: SignalSource | null, redact: SignalRedactor = aggregatesOnly): DeskRoutes {
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
              description: 'Signals (scope alerts:read). Evidence is included for admins only.',
              content: { 'application/json': { schema: { type: 'object', required: ['signals'], properties: { signals: { type: 'array', items: { $ref: '#/components/schemas/Signal' } } } } } },
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
      app.get('/api/signals', { preHandler: context.requireScope('alerts:read') }, async (request) => {
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
        const signals = source
          .recentSignals(SIGNALS_MAX_LIMIT)
          .filter((s) => SEVERITIES.indexOf(s.severity) >= floor)
          .filter((s) => !query['dimension_type'] || s.dimension.type === query['dimension_type'])
          .filter((s) => !country || s.countries.includes(country))
          .sort((a, b) => b.rank_score - a.rank_score)
          .slice(0, limit)
          .map((s) => (hasScope(principal, 'admin') ? s : redact(s, principal)))
          .filter((s): s is Signal => s !== null);
        return { signals };
      });
    },
  };
}
