// GET /api/alerts/{id}/series: the chart behind an alert. The points come from the
// series the alert record keeps (engine/series.ts, at most 60 buckets). Sharing:
// an alert withheld from the caller is "not found" exactly as on /api/alerts/{id};
// an agency whose view of the alert withholds statistics (an incident in them is
// hidden from it) gets no points either, since the points are those statistics
// over time. The counts of the other buckets are counts only, and every incident
// they count allows every agency a count (no TLP:RED enters detection).
import type { Alert, AlertSeries, AlertSeriesPoint, AlertView } from '@tocsin/core';
import { ApiError, type ApiRoutes, type Principal } from '@tocsin/http';
import type { AlertApiDeps } from './deps';
import { engineCall } from './errors';
import { idParam, operation, ref } from './openapi';
import { entryFor } from './visibility';

const BUCKET_MS = { day: 86_400_000, week: 7 * 86_400_000 } as const;

/** The caller's series of `alert`, or null when the alert is withheld from it. */
export function seriesFor(alert: Readonly<Alert>, principal: Principal): AlertSeries | null {
  const entry = entryFor(alert, principal);
  if (!entry) return null;
  const series = alert.series;
  const base = {
    alert_id: alert.id,
    level: entry.level,
    dimension: { type: alert.dimension.type, key: alert.dimension.key },
    granularity: alert.bucket.granularity,
    detector: series?.detector ?? null,
    config_version: alert.config_version ?? null,
    open_period: { start: alert.event_time.opened, end: alert.event_time.resolved ?? null },
  };
  if (entry.level !== 'admin' && (entry.alert as AlertView).statistics === null) {
    return { ...base, withheld: 'statistics withheld: an incident behind them is not shared with your agency', points: [] };
  }
  const points: AlertSeriesPoint[] = [];
  if (series) {
    const from = Date.parse(series.start);
    const step = BUCKET_MS[series.granularity];
    series.observed.forEach((observed, i) => {
      points.push({ start: new Date(from + i * step).toISOString(), observed, expected: series.expected[i] ?? null, upperbound: series.upperbound[i] ?? null, alarm: series.alarm[i] ?? false });
    });
  }
  return { ...base, points };
}

export function alertSeriesRoutes(deps: AlertApiDeps): ApiRoutes {
  return {
    name: 'alert-series',
    paths: {
      '/api/alerts/{id}/series': {
        get: operation({
          tag: 'alerts',
          scope: 'alerts:read',
          summary: "The alert dimension's count series with expected value, upper bound and alarms",
          description: 'Up to 60 buckets (event time) ending at the alert\'s newest signal, for the detector of its strongest evidence, and the open period of its episode. An alert withheld from the caller is reported as not found; an agency whose view withholds the statistics gets `withheld` and no points.',
          parameters: [idParam('id', 'Alert id (al_...)')],
          ok: { status: '200', description: 'The series', schema: ref('AlertSeries') },
          errors: ['404'],
        }),
      },
    },
    register(app, context) {
      app.get('/api/alerts/:id/series', { onRequest: context.requireScope('alerts:read') }, async (request) => {
        const id = (request.params as { id: string }).id;
        const alert = await engineCall(() => deps.engine.get(id));
        const body = seriesFor(alert, context.principalOf(request));
        // Withheld from this agency: indistinguishable from an unknown id.
        if (!body) throw new ApiError('not_found', `no alert ${id} (ALERT_NOT_FOUND)`);
        return body;
      });
    },
  };
}
