// One HTTP attempt of one webhook: POST with a per-request timeout through an
// undici Agent whose sockets only connect to SSRF-checked addresses. Classifies the
// answer into an outcome the retry logic understands; never throws.
import { Agent, request, type Dispatcher } from 'undici';
import { isAlertError } from '../errors';
import type { WebhookHeaders } from './signing';
import { hostOf, type SsrfGuard } from './ssrf';
import { parseRetryAfter } from './retry-after';

export type AttemptOutcome = 'delivered' | 'http_error' | 'throttled' | 'gone' | 'timeout' | 'network_error' | 'ssrf_refused';

export interface AttemptResult {
  outcome: AttemptOutcome;
  statusCode?: number;
  retryAfterMs: number | null;
  durationMs: number;
  error?: string;
}

export interface SenderOptions {
  guard: SsrfGuard;
  /** Whole-request timeout (connect + headers + body), ms. */
  timeoutMs: number;
  /** Cap applied to Retry-After values, ms. */
  maxRetryAfterMs: number;
  /** Overrides the guarded agent (tests and benchmarks); the URL check still runs. */
  dispatcher?: Dispatcher;
  /** Keep-alive connections per endpoint origin. */
  connectionsPerOrigin?: number;
}

export interface WebhookSender {
  send(url: string, headers: WebhookHeaders, body: string): Promise<AttemptResult>;
  close(): Promise<void>;
}

/** Status codes that mean "alive but busy": retry later without blaming the endpoint. */
const THROTTLE_CODES = new Set([429, 502, 503, 504]);

export function createWebhookSender(options: SenderOptions): WebhookSender {
  const agent =
    options.dispatcher ??
    new Agent({
      connect: { lookup: options.guard.socketLookup() as never, timeout: options.timeoutMs },
      connections: options.connectionsPerOrigin ?? 8,
      keepAliveTimeout: 30_000,
    });
  const ownsAgent = options.dispatcher === undefined;

  async function send(url: string, headers: WebhookHeaders, body: string): Promise<AttemptResult> {
    const started = performance.now();
    const elapsed = (): number => Math.round((performance.now() - started) * 10) / 10;
    try {
      options.guard.checkUrl(url);
    } catch (err) {
      return { outcome: 'ssrf_refused', retryAfterMs: null, durationMs: 0, error: (err as Error).message };
    }
    try {
      const res = await request(url, {
        method: 'POST',
        dispatcher: agent,
        headers: { ...headers, 'content-type': 'application/json', 'user-agent': 'Tocsin-Webhooks/1' },
        body,
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      // Drain (bounded) so the connection can be reused; the content is not needed.
      await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
      const statusCode = res.statusCode;
      const retryAfterMs = parseRetryAfter(res.headers['retry-after'], Date.now(), options.maxRetryAfterMs);
      if (statusCode >= 200 && statusCode < 300) return { outcome: 'delivered', statusCode, retryAfterMs: null, durationMs: elapsed() };
      if (statusCode === 410) return { outcome: 'gone', statusCode, retryAfterMs: null, durationMs: elapsed() };
      if (THROTTLE_CODES.has(statusCode)) return { outcome: 'throttled', statusCode, retryAfterMs, durationMs: elapsed() };
      return { outcome: 'http_error', statusCode, retryAfterMs, durationMs: elapsed() };
    } catch (err) {
      const root = rootCause(err);
      if (isAlertError(root, 'ENDPOINT_REFUSED')) return { outcome: 'ssrf_refused', retryAfterMs: null, durationMs: elapsed(), error: root.message };
      const name = (root as { name?: string; code?: string }).name ?? '';
      const code = (root as { code?: string }).code ?? '';
      const timedOut = name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT';
      return {
        outcome: timedOut ? 'timeout' : 'network_error',
        retryAfterMs: null,
        durationMs: elapsed(),
        error: `${code || name || 'error'}: ${(root as Error).message ?? String(root)}`.slice(0, 500),
      };
    }
  }

  return {
    send,
    async close() {
      if (ownsAgent) await agent.close();
    },
  };
}

function rootCause(err: unknown): unknown {
  let e = err;
  for (let i = 0; i < 5 && e && typeof e === 'object' && 'cause' in e && (e as { cause?: unknown }).cause; i++) {
    if (isAlertError(e)) return e;
    e = (e as { cause: unknown }).cause;
  }
  return e;
}

/** "host:port" of an endpoint: the unit of circuit breaking and throttling. */
export function endpointKey(url: string): string {
  const u = new URL(url);
  return `${hostOf(u)}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`;
}
