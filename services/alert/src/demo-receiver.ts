// A real webhook receiver on loopback for `npm start` and tests: verifies each
// request's Standard Webhooks signature (our own verifier, the same algorithm
// agencies implement), keeps the last N deliveries, and shows them at GET /
// (HTML) and GET /deliveries (JSON). Scriptable answers let tests make it fail.
// Anyone on loopback can POST anything to it, so nothing it stores is trusted:
// bodies are shown as text when they are not JSON, and a failing request is
// answered 500 and reported instead of escaping into the process.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verify, type VerifyResult } from './delivery/signing';

export interface ReceivedWebhook {
  id: string;
  timestamp: number;
  /** The webhook-signature header as received, for independent re-verification. */
  signature: string;
  received_at: string;
  verified: boolean;
  reason?: string;
  status: number;
  type: string | null;
  body: string;
}

export interface DemoReceiverOptions {
  /** Secrets accepted for verification (called per request, so rotation can be followed). */
  secrets: () => readonly string[];
  /** Deliveries kept. Default 50. */
  keep?: number;
  port?: number;
  /** Decides the answer; default 204 when the signature verifies, 401 otherwise. */
  respond?: (req: { id: string; verified: boolean; attempt: number }) => { status: number; headers?: Record<string, string> };
  /** Clock for timestamp tolerance, seconds. */
  nowSeconds?: () => number;
  /** Told about a request the receiver failed to handle (answered 500). */
  onError?: (err: unknown) => void;
}

export interface DemoReceiver {
  url: string;
  received(): ReceivedWebhook[];
  /** Attempts seen per webhook-id. */
  attempts(id: string): number;
  close(): Promise<void>;
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The `type` of a JSON event body, or null when the body is not one. */
function eventType(body: string): string | null {
  try {
    const type = (JSON.parse(body) as { type?: unknown } | null)?.type;
    return typeof type === 'string' ? type : null;
  } catch {
    return null;
  }
}

/** A stored body for the page: pretty JSON when it parses, else the text as received. */
function displayBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

export async function startDemoReceiver(options: DemoReceiverOptions): Promise<DemoReceiver> {
  const keep = options.keep ?? 50;
  const log: ReceivedWebhook[] = [];
  const attemptsById = new Map<string, number>();
  const nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    try {
      handle(req, res);
    } catch (err) {
      fail(res, err);
    }
  });

  function fail(res: ServerResponse, err: unknown): void {
    options.onError?.(err);
    if (!res.headersSent) res.writeHead(500);
    res.end();
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    if (req.method === 'GET') return show(req, res);
    if (req.method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= 1_000_000) chunks.push(c);
    });
    req.on('end', () => {
      try {
        record(req, res, Buffer.concat(chunks).toString('utf8'));
      } catch (err) {
        fail(res, err);
      }
    });
    req.on('error', (err) => fail(res, err));
  }

  function record(req: IncomingMessage, res: ServerResponse, body: string): void {
    const result: VerifyResult = verify(options.secrets(), req.headers, body, nowSeconds());
    const id = String(req.headers['webhook-id'] ?? '');
    const attempt = (attemptsById.get(id) ?? 0) + 1;
    attemptsById.set(id, attempt);
    const answer = options.respond?.({ id, verified: result.ok, attempt }) ?? { status: result.ok ? 204 : 401 };
    log.push({
      id,
      timestamp: Number(req.headers['webhook-timestamp'] ?? 0),
      signature: String(req.headers['webhook-signature'] ?? ''),
      received_at: new Date().toISOString(),
      verified: result.ok,
      ...(result.ok ? {} : { reason: result.reason }),
      status: answer.status,
      type: eventType(body),
      body,
    });
    if (log.length > keep) log.splice(0, log.length - keep);
    res.writeHead(answer.status, answer.headers).end();
  }

  function show(req: IncomingMessage, res: ServerResponse): void {
    if (req.url === '/deliveries') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(log));
      return;
    }
    const rows = [...log]
      .reverse()
      .map((w) => `<tr><td>${escapeHtml(w.received_at)}</td><td>${escapeHtml(w.id)}</td><td>${escapeHtml(w.type ?? '?')}</td><td>${w.verified ? 'verified' : `REJECTED (${escapeHtml(w.reason ?? '')})`}</td><td><details><summary>${w.body.length} bytes</summary><pre>${escapeHtml(displayBody(w.body))}</pre></details></td></tr>`)
      .join('\n');
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(`<!doctype html><meta charset="utf-8"><title>Tocsin demo webhook receiver</title><h1>Demo webhook receiver</h1><p>Last ${keep} webhooks, newest first; signatures checked per the Standard Webhooks spec.</p><table border="1" cellpadding="4"><tr><th>received</th><th>webhook-id</th><th>type</th><th>signature</th><th>body</th></tr>${rows}</table>`);
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    received: () => [...log],
    attempts: (id) => attemptsById.get(id) ?? 0,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
