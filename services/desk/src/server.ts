// The HTTP server of the watch desk: JSON API under /api, the OpenAPI document
// and its UI under /docs, and the watch-desk page at /. Route modules (health,
// signals, and those of other services such as alerting) plug in through
// DeskRoutes, each bringing its own part of the OpenAPI document.
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest, type preHandlerHookHandler } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Logger } from '@tocsin/core';
import { hasScope, type ApiKeyStore, type Principal, type Scope } from './auth/api-keys';
import { createRateLimiter } from './auth/rate-limit';
import { ApiError } from './errors';
import { buildOpenApiDocument, type OpenApiPaths } from './openapi';
import { pageRoutes } from './page/routes';

/** Limits of the HTTP API (docs/api.md#limits). */
export const API_LIMITS = {
  bodyBytes: 1024 * 1024,
  requestsPerSecondPerKey: 20,
  burstPerKey: 60,
  requestTimeoutMs: 30_000,
} as const;

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export interface DeskContext {
  logger: Logger;
  /** preHandler that authenticates the request and checks one scope (401/403 otherwise). */
  requireScope(scope: Scope): preHandlerHookHandler;
  /** The authenticated caller; only valid in routes guarded by requireScope. */
  principalOf(request: FastifyRequest): Principal;
}

export interface DeskRoutes {
  name: string;
  paths: OpenApiPaths;
  register(app: FastifyInstance, context: DeskContext): void | Promise<void>;
}

export interface DeskServerOptions {
  logger: Logger;
  version: string;
  keys: ApiKeyStore;
  routes: DeskRoutes[];
  clock?: () => number;
}

function presentedKey(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();
  const apiKey = request.headers['x-api-key'];
  return typeof apiKey === 'string' ? apiKey.trim() : null;
}

export async function buildDeskServer(options: DeskServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    // Request lines are not logged (they would name agencies' queries); errors are.
    loggerInstance: options.logger.child({ component: 'http' }, { level: 'warn' }) as FastifyBaseLogger,
    bodyLimit: API_LIMITS.bodyBytes,
    requestTimeout: API_LIMITS.requestTimeoutMs,
    // Plugins register while the pipeline may already be busy in the same process.
    pluginTimeout: 60_000,
  });
  const limiter = createRateLimiter(API_LIMITS.requestsPerSecondPerKey, API_LIMITS.burstPerKey, options.clock);
  app.decorateRequest('principal', null);

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string; validation?: unknown }, request, reply: FastifyReply) => {
    if (error instanceof ApiError) {
      void reply.code(error.status).headers(error.headers).send({ error: { code: error.code, message: error.message } });
      return;
    }
    if (error.validation) {
      void reply.code(400).send({ error: { code: 'bad_request', message: error.message } });
      return;
    }
    const status = error.statusCode ?? 500;
    if (status === 413) return void reply.code(413).send({ error: { code: 'payload_too_large', message: `body exceeds ${API_LIMITS.bodyBytes} bytes` } });
    if (status === 415) return void reply.code(415).send({ error: { code: 'unsupported_media_type', message: 'send application/json' } });
    if (status >= 400 && status < 500) return void reply.code(status).send({ error: { code: 'bad_request', message: error.message } });
    request.log.error({ err: error, reqId: request.id }, 'request failed');
    void reply.code(500).send({ error: { code: 'internal', message: `unexpected failure (request ${request.id})` } });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` } });
  });

  const context: DeskContext = {
    logger: options.logger,
    requireScope(scope) {
      return async (request, reply) => {
        const key = presentedKey(request);
        const principal = key ? options.keys.authenticate(key) : null;
        if (!principal) throw new ApiError('unauthenticated', 'send a valid API key as "Authorization: Bearer <key>"');
        const wait = limiter.take(principal.keyId);
        if (wait > 0) throw new ApiError('rate_limited', `more than ${API_LIMITS.requestsPerSecondPerKey} requests/s for this key`, { 'retry-after': String(wait) });
        if (!hasScope(principal, scope)) throw new ApiError('forbidden', `this key lacks the ${scope} scope`);
        request.principal = principal;
        void reply;
      };
    },
    principalOf(request) {
      if (!request.principal) throw new ApiError('unauthenticated', 'route is missing its requireScope guard');
      return request.principal;
    },
  };

  const document = buildOpenApiDocument(options.version, options.routes.map((r) => r.paths));
  await app.register(swagger, { mode: 'static', specification: { document } } as never);
  await app.register(swaggerUi, { routePrefix: '/docs' });
  for (const routes of [...options.routes, pageRoutes()]) await routes.register(app, context);
  return app;
}
