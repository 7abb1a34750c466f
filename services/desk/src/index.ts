// Public surface of @tocsin/desk: the HTTP server of the watch desk and API.
export { buildDeskServer, API_LIMITS, type DeskContext, type DeskRoutes, type DeskServerOptions } from './server';
export { healthRoutes, healthDetailFor, busComponent, type ComponentStatus, type HealthSource, type HealthDetail } from './routes/health';
export { signalRoutes, sharingView, SIGNALS_MAX_LIMIT, type SignalSource, type SignalRedactor } from './routes/signals';
export { createApiKey, createApiKeyStore, hashKey, hasScope, SCOPES, type ApiKeyRecord, type ApiKeyStore, type Principal, type Scope } from './auth/api-keys';
export { createRateLimiter, type RateLimiter } from './auth/rate-limit';
export { loadApiKeyRecords } from './auth/keys-file';
export { ApiError, API_ERROR_CODES, type ApiErrorCode } from './errors';
export { errorResponse, buildOpenApiDocument, type OpenApiPaths } from './openapi';
export { createSignalFeed, type SignalFeed } from './signal-feed';
