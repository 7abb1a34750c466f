// GET /api/health: liveness for everyone, details for key holders. The public
// answer is only { status, version } — "degraded" included, so monitors see
// trouble — because component counters name partners, subscriber endpoints and
// local URLs. Any valid key adds the process facts and each component's status;
// an admin key adds the components' counters (`stats`), which concern every
// agency. Components report { status, stats }; this route alone decides who
// sees what, so new counters are admin-only by default.
import type { BusHealth } from '@tocsin/core';
import { hasScope, type Principal } from '../auth/api-keys';
import type { ApiRoutes } from '../server';

export interface ComponentStatus {
  status: 'ok' | 'degraded' | 'stopped';
  /** Component-specific counters, e.g. ingest's accepted/rejected per partner (admin keys only). */
  stats: unknown;
}

/** The bus's consumers as a health component: degraded while one restarts, stopped once one failed for good. */
export function busComponent(health: BusHealth): ComponentStatus {
  const status = health.status === 'ok' ? 'ok' : health.status === 'failed' ? 'stopped' : 'degraded';
  return { status, stats: { consumers: health.consumers } };
}

export interface HealthSource {
  version: string;
  bus: 'kafka' | 'memory';
  startedAt: number;
  components(): Record<string, ComponentStatus>;
  clock?: () => number;
}

/** How much of health a caller sees. */
export type HealthDetail = 'public' | 'status' | 'admin';

export function healthDetailFor(principal: Principal | null): HealthDetail {
  if (!principal) return 'public';
  return hasScope(principal, 'admin') ? 'admin' : 'status';
}

export function healthRoutes(source: HealthSource): ApiRoutes {
  const clock = source.clock ?? Date.now;
  return {
    name: 'health',
    paths: {
      '/api/health': {
        get: {
          tags: ['health'],
          summary: 'Liveness; details for key holders',
          description: 'status is "ok" when every component is ok, "degraded" otherwise. Without a key: status and version only. With any valid key: also bus, start time, uptime and each component\'s status. With an admin key: also each component\'s counters (stats).',
          security: [{}, { apiKey: [] }],
          responses: {
            '200': {
              description: 'Health',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    required: ['status', 'version'],
                    properties: {
                      status: { type: 'string', enum: ['ok', 'degraded'] },
                      version: { type: 'string' },
                      bus: { type: 'string', enum: ['kafka', 'memory'], description: 'Key holders.' },
                      started_at: { type: 'string', format: 'date-time', description: 'Key holders.' },
                      uptime_s: { type: 'number', description: 'Key holders.' },
                      components: {
                        type: 'object',
                        description: 'Key holders: { status } per component; admin keys: { status, stats }.',
                        additionalProperties: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ok', 'degraded', 'stopped'] }, stats: {} } },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
    register(app, context) {
      app.get('/api/health', { onRequest: context.acceptKey() }, async (request) => {
        const components = source.components();
        const ok = Object.values(components).every((c) => c.status === 'ok');
        const summary = { status: ok ? 'ok' : 'degraded', version: source.version };
        const detail = healthDetailFor(request.principal);
        if (detail === 'public') return summary;
        return {
          ...summary,
          bus: source.bus,
          started_at: new Date(source.startedAt).toISOString(),
          uptime_s: Math.round((clock() - source.startedAt) / 1000),
          components: Object.fromEntries(Object.entries(components).map(([name, c]) => [name, detail === 'admin' ? c : { status: c.status }])),
        };
      });
    },
  };
}
