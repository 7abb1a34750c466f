// The desk's reverse proxy to the alert service (production layout): every /api
// request the desk does not serve itself and the alert service documents is
// forwarded to the one configured upstream, and the answer streamed back as it
// comes (server-sent events included: nothing is buffered, a client that leaves
// closes the upstream request). The desk's /docs shows the forwarded operations
// too, taken from the upstream's own document. docs/architecture.md says why.
import { request as httpRequest, Agent as HttpAgent, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, API_LIMITS, type ApiRoutes, type OpenApiPaths } from '@tocsin/http';
import type { UpstreamCatalog } from './upstream-catalog';
import { matchOperation, type UpstreamDocument } from './upstream-operations';

/** Limits of forwarding (docs/operations.md#desk-forwarding). Bodies are bounded by API_LIMITS.bodyBytes. */
export interface ProxyLimits {
  responseHeadersMs: number;
  idleMs: number;
  connections: number;
}

export const PROXY_LIMITS: Readonly<ProxyLimits> = {
  /** From sending the request to the upstream's response headers; 504 after. */
  responseHeadersMs: API_LIMITS.requestTimeoutMs,
  /** Longest silence of an upstream response once started (event streams send heartbeats more often). */
  idleMs: 120_000,
  /** Connections to the upstream at once (open event streams hold one each); more requests queue. */
  connections: 512,
};

/** Request headers the upstream needs; everything else (cookies, forwarding headers) stays at the desk. */
const FORWARDED_REQUEST_HEADERS = ['authorization', 'x-api-key', 'accept', 'last-event-id', 'if-match', 'if-none-match'] as const;
/** Hop-by-hop headers (RFC 9110 7.6.1) are not forwarded back. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authenticate', 'proxy-authorization']);

export interface ApiProxyOptions {
  /** Name of the upstream in documents and errors, e.g. "alert". */
  name: string;
  baseUrl: URL;
  catalog: UpstreamCatalog;
  /** Shorter limits for tests. */
  limits?: Partial<ProxyLimits>;
}

function responseHeaders(upstream: IncomingMessage): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(upstream.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  }
  return headers;
}

/** Adds the upstream's operations (and schemas the desk lacks) to the desk's own document. */
function mergeDocument(own: { paths: OpenApiPaths; components?: { schemas?: Record<string, unknown> } }, ownPaths: ReadonlySet<string>, merged: Set<string>, upstream: UpstreamDocument, name: string): void {
  for (const path of merged) delete own.paths[path];
  merged.clear();
  for (const [path, operations] of Object.entries(upstream.paths)) {
    if (!path.startsWith('/api/') || ownPaths.has(path)) continue;
    own.paths[path] = Object.fromEntries(Object.entries(operations).map(([method, op]) => [method, { ...(op as object), 'x-tocsin-served-by': name }]));
    merged.add(path);
  }
  const schemas = (own.components ??= {}).schemas ??= {};
  for (const [title, schema] of Object.entries(upstream.components.schemas)) schemas[title] ??= schema;
}

export function apiProxyRoutes(options: ApiProxyOptions): ApiRoutes {
  const { baseUrl, catalog, name } = options;
  const limits = { ...PROXY_LIMITS, ...options.limits };
  const https = baseUrl.protocol === 'https:';
  const agent = https ? new HttpsAgent({ keepAlive: true, maxSockets: limits.connections }) : new HttpAgent({ keepAlive: true, maxSockets: limits.connections });
  const send = https ? httpsRequest : httpRequest;

  /** Sends the request upstream; resolves with the response once its headers arrived. */
  const forward = (request: FastifyRequest, reply: FastifyReply): Promise<IncomingMessage> => {
    const body = request.body === undefined ? undefined : Buffer.from(JSON.stringify(request.body), 'utf8');
    const headers: OutgoingHttpHeaders = {};
    for (const header of FORWARDED_REQUEST_HEADERS) {
      const value = request.headers[header];
      if (typeof value === 'string') headers[header] = value;
    }
    if (body) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = body.length;
    }
    return new Promise((resolve, reject) => {
      const outgoing = send({ protocol: baseUrl.protocol, hostname: baseUrl.hostname, port: baseUrl.port, method: request.method, path: request.url, headers, agent });
      const headersTimer = setTimeout(() => outgoing.destroy(new ApiError('upstream_timeout', `the ${name} service did not answer within ${limits.responseHeadersMs / 1000} s`)), limits.responseHeadersMs);
      // A caller that leaves before the answer closes the upstream request too.
      // (The response's close, not the request's: that one fires once the body is read.)
      const leave = () => outgoing.destroy();
      reply.raw.once('close', leave);
      outgoing.once('response', (incoming) => {
        clearTimeout(headersTimer);
        reply.raw.off('close', leave);
        incoming.setTimeout(limits.idleMs, () => incoming.destroy());
        resolve(incoming);
      });
      outgoing.once('error', (error) => {
        clearTimeout(headersTimer);
        reply.raw.off('close', leave);
        reject(error instanceof ApiError ? error : new ApiError('upstream_unavailable', `the ${name} service is unreachable: ${(error as NodeJS.ErrnoException).code ?? error.message}`));
      });
      outgoing.end(body);
    });
  };

  return {
    name: `proxy-${name}`,
    paths: {},
    register(app: FastifyInstance, context) {
      const own = app.swagger() as unknown as { paths: OpenApiPaths; components?: { schemas?: Record<string, unknown> } };
      const ownPaths = new Set(Object.keys(own.paths));
      const merged = new Set<string>();
      catalog.start(ownPaths, (doc) => mergeDocument(own, ownPaths, merged, doc, name));
      app.addHook('onClose', async () => {
        catalog.stop();
        agent.destroy();
      });

      app.route({
        method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
        url: '/api/*',
        config: { forwardsQuery: true },
        schema: { hide: true },
        // A presented key is checked here (bad keys never reach the upstream, and the desk's
        // per-address limits apply); the upstream checks scopes and sharing rules.
        onRequest: context.acceptKey(),
        handler: async (request: FastifyRequest, reply: FastifyReply) => {
          const operations = catalog.operations();
          if (!operations) throw new ApiError('upstream_unavailable', `the desk has not reached the ${name} service yet (its API document); retry shortly`);
          const path = request.url.split('?')[0]!;
          const operation = matchOperation(operations, request.method, path);
          if (!operation) throw new ApiError('not_found', `no route ${request.method} ${path}`);
          // Requests without a key would all count against the desk's address at the upstream.
          if (operation.keyRequired && !request.principal) throw new ApiError('unauthenticated', 'send a valid API key as "Authorization: Bearer <key>"');
          const incoming = await forward(request, reply);
          return reply.code(incoming.statusCode ?? 502).headers(responseHeaders(incoming)).send(incoming);
        },
      });
    },
  };
}
