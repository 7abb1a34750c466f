// The alerting HTTP API, plugged into the API server (@tocsin/http) as route
// modules. See docs/api.md for authentication, scopes, routes and limits.
import type { ApiRoutes } from '@tocsin/http';
import { alertEventRoutes } from './alert-events';
import { alertRoutes } from './alerts';
import { alertSeriesRoutes } from './alert-series';
import { AlertChangeHub, STREAM_LIMITS, type StreamLimits } from './change-stream';
import type { AlertApiDeps } from './deps';
import { deliveryRoutes } from './deliveries';
import { deskActionRoutes } from './desk-actions';
import { listEntryFor } from './list-entry';
import { routeMapRoutes } from './route-map';
import { StreamTickets } from './stream-tickets';
import { subscriptionRoutes } from './subscriptions';
import { taxonomyOf } from './taxonomy';

export interface AlertApiOptions {
  /** Overrides of the change stream's limits (tests). */
  streamLimits?: Partial<StreamLimits>;
}

export function alertApiRoutes(deps: AlertApiDeps, options: AlertApiOptions = {}): ApiRoutes[] {
  const limits: StreamLimits = { ...STREAM_LIMITS, ...options.streamLimits };
  // Built when the server registers the routes (the OpenAPI parts need no engine), ended before it closes.
  let hub: AlertChangeHub | null = null;
  const changes = (): AlertChangeHub => {
    hub ??= new AlertChangeHub(deps.engine, (alert, principal, silences) => listEntryFor(alert, principal, { taxonomy: taxonomyOf(deps), silences }), limits);
    return hub;
  };
  const tickets = new StreamTickets({ ttlMs: limits.ticketTtlMs, outstandingPerKey: limits.ticketsPerKey }, Date.now);
  const lifecycle: ApiRoutes = {
    name: 'alert-stream-lifecycle',
    paths: {},
    register(app) {
      changes();
      // Open streams would keep the server's close waiting: end them first.
      app.addHook('preClose', async () => hub?.close());
    },
  };
  return [subscriptionRoutes(deps), alertRoutes(deps, changes), alertEventRoutes(changes, tickets, limits), lifecycle, alertSeriesRoutes(deps), routeMapRoutes(deps), deskActionRoutes(deps), deliveryRoutes(deps)];
}

export type { AlertApiDeps } from './deps';
export { ALERTS_PAGE, ALERT_SORTS } from './alerts';
export { STREAM_LIMITS } from './change-stream';
export { SUBSCRIPTIONS_PAGE, DELIVERIES_PAGE } from './subscriptions';
export { DEAD_LETTER_PAGE } from './deliveries';
