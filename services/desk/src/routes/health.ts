// GET /api/health: liveness plus the live counters of every component running
// in this process. Public (no key): it carries counts, never incident content.
import type { BusHealth } from '@tocsin/core';
import type { DeskRoutes } from '../server';

export interface ComponentStatus {
  status: 'ok' | 'degraded' | 'stopped';
  /** Component-specific counters, e.g. ingest's accepted/rejected per partner. */
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

export function healthRoutes(source: HealthSource): DeskRoutes {
  const clock = source.clock ?? Date.now;
  return {
    name: 'health',
    paths: {
      '/api/health': {
        get: {
          tags: ['health'],
          summary: 'Liveness and live counters',
          description: 'status is "ok" when every component is ok, "degraded" otherwise. Public: it carries counts only.',
          responses: {
            '200': {
              description: 'Health',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    required: ['status', 'version', 'bus', 'uptime_s', 'components'],
                    properties: {
                      status: { type: 'string', enum: ['ok', 'degraded'] },
                      version: { type: 'string' },
                      bus: { type: 'string', enum: ['kafka', 'memory'] },
                      started_at: { type: 'string', format: 'date-time' },
                      uptime_s: { type: 'number' },
                      components: { type: 'object', additionalProperties: { type: 'object' } },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
    register(app) {
      app.get('/api/health', async () => {
        const components = source.components();
        const ok = Object.values(components).every((c) => c.status === 'ok');
        return {
          status: ok ? 'ok' : 'degraded',
          version: source.version,
          bus: source.bus,
          started_at: new Date(source.startedAt).toISOString(),
          uptime_s: Math.round((clock() - source.startedAt) / 1000),
          components,
        };
      });
    },
  };
}
