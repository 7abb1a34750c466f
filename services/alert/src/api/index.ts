// The alerting HTTP API, plugged into the API server (@tocsin/http) as route
// modules. See docs/api.md for authentication, scopes, routes and limits.
import type { ApiRoutes } from '@tocsin/http';
import { alertRoutes } from './alerts';
import { alertSeriesRoutes } from './alert-series';
import type { AlertApiDeps } from './deps';
import { deliveryRoutes } from './deliveries';
import { deskActionRoutes } from './desk-actions';
import { routeMapRoutes } from './route-map';
import { subscriptionRoutes } from './subscriptions';

export function alertApiRoutes(deps: AlertApiDeps): ApiRoutes[] {
  return [subscriptionRoutes(deps), alertRoutes(deps), alertSeriesRoutes(deps), routeMapRoutes(deps), deskActionRoutes(deps), deliveryRoutes(deps)];
}

export type { AlertApiDeps } from './deps';
export { ALERTS_PAGE } from './alerts';
export { SUBSCRIPTIONS_PAGE, DELIVERIES_PAGE } from './subscriptions';
export { DEAD_LETTER_PAGE } from './deliveries';
