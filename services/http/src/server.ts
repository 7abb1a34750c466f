// The HTTP API server every service builds: JSON API under /api, the OpenAPI
// document and its UI under /docs. Route modules (health, and each service's
// own, such as alerting's or the watch desk's signals and page) plug in
// through ApiRoutes, each bringing its own part of the OpenAPI document.
//
// Order of a request: bad-key limit per address, then the key (onRequest, so no
// body is read for a caller without a valid key), then the body (JSON only,
// strict UTF-8), then the query parameters the route's OpenAPI operation names.
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest, type onRequestHookHandler } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Logger } from '@tocsin/core';
import { hasScope, type ApiKeyStore, type Principal, type Scope } from './auth/api-keys';
import { createRateLimiter } from './auth/rate-limit';
import { ApiError } from './errors';
import { answerClientError } from './http/client-errors';
import { acceptJsonOnly } from './http/json-body';
import { queryParameterNames, querystringSchema } from './http/query-schema';
import { buildOpenApiDocument, type OpenApiPaths } from './openapi';
import { identityRoutes } from './routes/identity';

/** Limits of the HTTP API (docs/api.md#limits). */
export const API_LIMITS = {
  bodyBytes: 1024 * 1024,
  requestsPerSecondPerKey: 20,
  burstPerKey: 60,
  /** Requests with a missing or bad key, per client address: a burst, then one per second. */
  badKeyBurstPerAddress: 20,
  badKeysPerSecondPerAddress: 1,
  requestTimeoutMs: 30_000,
  /** Longest path parameter (ids); longer ones answer 400. */
  paramChars: 200,
  /** Request headers in all (node's default --max-http-header-size); larger ones answer 431. */
  headerBytes: 16 * 1024,
} as const;

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  /** Route config the kit reads: `forwardsQuery` exempts a forwarding route from the query-parameter check. */
  interface FastifyContextConfig {
    forwardsQuery?: boolean;
  }
}

export interface ApiContext {
  logger: Logger;
  /**
   * onRequest hook that authenticates the request and checks one scope
   * (401/403/429 otherwise). It runs before the body is read.
   */
  requireScope(scope: Scope): onRequestHookHandler;
  /** The authenticated caller; only valid in routes guarded by requireScope. */
  principalOf(request: FastifyRequest): Principal;
  /**
   * onRequest hook of a route open to everyone that tells more to a key holder:
   * request.principal is the caller when a key is presented (a bad one answers
   * 401, with the same limits as requireScope), else null.
   */
  acceptKey(): onRequestHookHandler;
}

export interface ApiRoutes {
  name: string;
  paths: OpenApiPaths;
  register(app: FastifyInstance, context: ApiContext): void | Promise<void>;
}

export interface ApiServerOptions {
  logger: Logger;
  version: string;
  keys: ApiKeyStore;
  routes: ApiRoutes[];
  clock?: () => number;
}

function presentedKey(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();
  const apiKey = request.headers['x-api-key'];
  return typeof apiKey === 'string' ? apiKey.trim() : null;
}

const errorBody = (code: string, message: string) => ({ error: { code, message } });

/** 400 for a query string that is not strict UTF-8 once percent-decoded (no silent U+FFFD). */
function checkQueryEncoding(url: string): void {
  const q = url.indexOf('?');
  if (q === -1) return;
  for (const part of url.slice(q + 1).split(/[&=]/)) {
    try {
      decodeURIComponent(part.replace(/\+/g, ' '));
    } catch {
      throw new ApiError('bad_request', 'query string is not valid percent-encoded UTF-8');
    }
  }
}

type FastifyFailure = Error & { statusCode?: number; code?: string; validation?: Array<{ keyword?: string; params?: Record<string, unknown> }>; validationContext?: string };

export async function buildApiServer(options: ApiServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    // Request lines are not logged (they would name agencies' queries); errors are.
    loggerInstance: options.logger.child({ component: 'http' }, { level: 'warn' }) as FastifyBaseLogger,
    bodyLimit: API_LIMITS.bodyBytes,
    requestTimeout: API_LIMITS.requestTimeoutMs,
    routerOptions: { maxParamLength: API_LIMITS.paramChars },
    // Unknown query parameters must fail, not be dropped.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
    clientErrorHandler: answerClientError,
    // Errors fastify raises before routing (bad percent-encoding, too-long parameter).
    frameworkErrors: (error, _request, reply) => {
      const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
      void (reply as FastifyReply).code(400).send(errorBody('bad_request', tooLong ? `a path parameter is longer than ${API_LIMITS.paramChars} characters` : 'the URL is not valid percent-encoded UTF-8'));
    },
    // Plugins register while the pipeline may already be busy in the same process.
    pluginTimeout: 60_000,
  });
  const clock = options.clock ?? Date.now;
  const limiter = createRateLimiter(API_LIMITS.requestsPerSecondPerKey, API_LIMITS.burstPerKey, clock);
  const badKeys = createRateLimiter(API_LIMITS.badKeysPerSecondPerAddress, API_LIMITS.badKeyBurstPerAddress, clock);
  app.decorateRequest('principal', null);
  acceptJsonOnly(app);

  app.setErrorHandler((error: FastifyFailure, request, reply: FastifyReply) => {
    if (error instanceof ApiError) {
      void reply.code(error.status).headers(error.headers).send(errorBody(error.code, error.message));
      return;
    }
    if (error.validation) {
      const first = error.validation[0];
      const unknown = first?.keyword === 'additionalProperties' ? String(first.params?.['additionalProperty']) : null;
      const message = unknown !== null && error.validationContext === 'querystring'
        ? `unknown query parameter ${JSON.stringify(unknown)}; this route takes ${queryNamesOf(request).join(', ') || 'none'}`
        : error.message;
      void reply.code(400).send(errorBody('bad_request', message));
      return;
    }
    const status = error.statusCode ?? 500;
    if (status === 413) return void reply.code(413).send(errorBody('payload_too_large', `body exceeds ${API_LIMITS.bodyBytes} bytes`));
    if (status === 415) return void reply.code(415).send(errorBody('unsupported_media_type', 'bodies must be application/json'));
    if (status === 408) return void reply.code(408).send(errorBody('request_timeout', 'the request was not received in time'));
    if (status >= 400 && status < 500) return void reply.code(400).send(errorBody('bad_request', error.message));
    request.log.error({ err: error, reqId: request.id }, 'request failed');
    void reply.code(500).send(errorBody('internal', `unexpected failure (request ${request.id})`));
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send(errorBody('not_found', `no route ${request.method} ${request.url.split('?')[0]}`));
  });

  // Every server says who a key belongs to (the page's sign-in needs it in every layout).
  const routes = [...options.routes, identityRoutes()];
  // Every /api route takes exactly the query parameters its OpenAPI operation lists.
  const paths: OpenApiPaths = Object.assign({}, ...routes.map((r) => r.paths));
  const queryNames = new Map<string, string[]>();
  const queryNamesOf = (request: FastifyRequest): string[] => queryNames.get(`${request.method} ${request.routeOptions.url}`) ?? [];
  app.addHook('onRoute', (route) => {
    // A forwarding route (the desk's proxy) leaves the query to the server it forwards to.
    if (!route.url.startsWith('/api/') || route.config?.forwardsQuery) return;
    for (const method of [route.method].flat()) {
      const names = queryParameterNames(paths, method === 'HEAD' ? 'GET' : method, route.url);
      queryNames.set(`${method} ${route.url}`, names);
      route.schema = { ...route.schema, querystring: querystringSchema(names) };
    }
  });
  app.addHook('onRequest', async (request) => {
    checkQueryEncoding(request.url);
  });

  /** Limits, then authenticates the presented key; null when none is presented and none is required. */
  const identify = (request: FastifyRequest, required: boolean): Principal | null => {
    const key = presentedKey(request);
    if (!key && !required) return null;
    // Guessing keys from one address is slowed down before any key is looked at.
    const penalty = badKeys.peek(request.ip);
    if (penalty > 0) throw new ApiError('rate_limited', 'too many requests with a missing or bad API key from this address', { 'retry-after': String(penalty) });
    const principal = key ? options.keys.authenticate(key) : null;
    if (!principal) {
      badKeys.take(request.ip);
      throw new ApiError('unauthenticated', 'send a valid API key as "Authorization: Bearer <key>"');
    }
    const wait = limiter.take(principal.keyId);
    if (wait > 0) throw new ApiError('rate_limited', `more than ${API_LIMITS.requestsPerSecondPerKey} requests/s for this key`, { 'retry-after': String(wait) });
    return principal;
  };
  const context: ApiContext = {
    logger: options.logger,
    requireScope(scope) {
      return async (request) => {
        const principal = identify(request, true)!;
        if (!hasScope(principal, scope)) throw new ApiError('forbidden', `this key lacks the ${scope} scope`);
        request.principal = principal;
      };
    },
    acceptKey() {
      return async (request) => {
        request.principal = identify(request, false);
      };
    },
    principalOf(request) {
      if (!request.principal) throw new ApiError('unauthenticated', 'route is missing its requireScope guard');
      return request.principal;
    },
  };

  const document = buildOpenApiDocument(options.version, routes.map((r) => r.paths));
  await app.register(swagger, { mode: 'static', specification: { document } } as never);
  await app.register(swaggerUi, { routePrefix: '/docs' });
  for (const part of routes) await part.register(app, context);
  return app;
}
