// Public surface of @tocsin/http: the HTTP kit every service's API is built
// with (server and its hardening, API keys and scopes, errors, OpenAPI, health).
export { buildApiServer, API_LIMITS, type ApiContext, type ApiRoutes, type ApiServerOptions } from './server';
export { healthRoutes, healthDetailFor, busComponent, type ComponentStatus, type HealthSource, type HealthDetail } from './routes/health';
export { createApiKey, createApiKeyStore, hashKey, hasScope, SCOPES, type ApiKeyRecord, type ApiKeyStore, type Principal, type Scope } from './auth/api-keys';
export { createRateLimiter, type RateLimiter } from './auth/rate-limit';
export { loadApiKeyRecords } from './auth/keys-file';
export { ApiError, API_ERROR_CODES, type ApiErrorCode } from './errors';
export { errorResponse, buildOpenApiDocument, type OpenApiPaths } from './openapi';
