// `npm run bench -- alert`: webhook deliveries per second to a local receiver and
// signal→webhook latency (p50/p99) at a stated load, against a bare undici POST
// loop to the same receiver with the same concurrency and body size (ratio).
// The alert service runs in process on the in-process bus, with the SSRF guard,
// signing, sharing rules, delivery records and grouping all on (group wait 0).
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMemoryBus, encodeEvent, silentLogger } from '@tocsin/core';
import { Agent, request } from 'undici';
import { buildAlert } from '../src/app';
import { alertConfig } from '../src/config';
import { generateSecret } from '../src/delivery/signing';
import { alertIdOfSignal } from '../src/engine/lifecycle';
import { makeSignal } from '../test/helpers/signals';

export interface AlertBenchOptions {
  /** Signals of the latency phase (each a distinct alert). Default 1,000. */
  signals?: number;
  /** Signals of the throughput phase, published at once. Default 2,000. */
  burstSignals?: number;
  /** Subscriptions every alert goes to. Default 5. */
  subscriptions?: number;
  /** Publishing rate of the latency phase, signals per second. Default 100 (500 webhooks/s with 5 subscriptions). */
  signalsPerSecond?: number;
  /** Attempts in flight (both the alert service and the baseline). Default 64. */
  concurrency?: number;
  print?: (line: string) => void;
}

export interface AlertBenchResult {
  load: { signals: number; burstSignals: number; subscriptions: number; signalsPerSecond: number; concurrency: number };
  latency: { webhooks: number; seconds: number; p50Ms: number; p99Ms: number; maxMs: number };
  throughput: { webhooks: number; seconds: number; deliveriesPerSecond: number };
  baseline: { requests: number; seconds: number; requestsPerSecond: number };
  /** Alert service webhooks/s at saturation ÷ bare undici POSTs/s. */
  ratio: number;
}

interface Receiver {
  url: string;
  arrivals: Map<string, number>;
  count(): number;
  close(): Promise<void>;
}

/** A minimal receiver: records the arrival time of each body's alert id, answers 204. */
async function startReceiver(): Promise<Receiver> {
  const arrivals = new Map<string, number>();
  let count = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      count++;
      const at = performance.now();
      const body = Buffer.concat(chunks).toString('utf8');
      const m = /"alert_id":"(al_[0-9a-f]+)"/.exec(body);
      // Latency per alert: the first subscriber's webhook to arrive.
      if (m && !arrivals.has(m[1]!)) arrivals.set(m[1]!, at);
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    arrivals,
    count: () => count,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export async function runAlertBench(options: AlertBenchOptions = {}): Promise<AlertBenchResult> {
  const print = options.print ?? ((line: string) => console.log(line));
  const signalCount = options.signals ?? 1_000;
  const burstCount = options.burstSignals ?? 2_000;
  const subscriptionCount = options.subscriptions ?? 5;
  const rate = options.signalsPerSecond ?? 100;
  const concurrency = options.concurrency ?? 64;

  const receiver = await startReceiver();
  const bus = createMemoryBus({ defaultPartitions: 3 });
  const app = buildAlert({
    bus,
    logger: silentLogger(),
    config: alertConfig({
      operatorKeyBase64: randomBytes(32).toString('base64'),
      source: 'alert/bench',
      tickMs: 50,
      lifecycle: { groupWaitMs: 0 },
      delivery: { concurrency, perEndpointConcurrency: concurrency, ssrf: { allowHttp: true, allowCidrs: ['127.0.0.0/8'], allowHosts: [] } },
    }),
  });
  const signalsFor = (n: number, tag: string) => Array.from({ length: n }, (_, i) => makeSignal({ dimensionType: 'route', dimensionKey: `CO>DO>NL|sea|${tag}-${i}` }));
  let latency: AlertBenchResult['latency'];
  let throughput: AlertBenchResult['throughput'];
  let baseline: AlertBenchResult['baseline'];
  try {
    await app.start();
    for (let i = 0; i < subscriptionCount; i++) {
      await app.subscriptions.create({ kind: 'admin' }, { agency: `bench-agency-${i}`, agency_country: 'NL', endpoint_url: receiver.url, secret: generateSecret() });
    }
    const producer = await bus.producer();
    print(`alert bench: ${subscriptionCount} subscriptions per alert, concurrency ${concurrency}, in-process bus, loopback receiver, group wait 0; signing, sharing rules and delivery records on`);

    // Phase 1, latency at a stated load: signals paced at `rate`, each a new alert.
    const paced = signalsFor(signalCount, 'paced');
    const publishedAt = new Map<string, number>();
    const started = performance.now();
    const perStep = Math.max(1, Math.round(rate / 100));
    for (let i = 0; i < paced.length; i += perStep) {
      const wait = started + (i / rate) * 1000 - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const slice = paced.slice(i, i + perStep);
      const now = performance.now();
      for (const s of slice) publishedAt.set(alertIdOfSignal(s), now);
      await producer.send([{ topic: 'signals.v1', messages: slice.map((s) => ({ key: s.id, value: encodeEvent(s) })) }]);
    }
    const pacedWebhooks = signalCount * subscriptionCount;
    await waitFor(() => receiver.count() >= pacedWebhooks, 300_000, `${pacedWebhooks} webhooks`);
    const latencies = [...publishedAt].map(([id, at]) => (receiver.arrivals.get(id) ?? Number.NaN) - at).sort((a, b) => a - b);
    latency = {
      webhooks: pacedWebhooks,
      seconds: round((performance.now() - started) / 1000),
      p50Ms: round(percentile(latencies, 50)),
      p99Ms: round(percentile(latencies, 99)),
      maxMs: round(latencies.at(-1) ?? Number.NaN),
    };
    print(`  latency    : ${rate} signals/s (${rate * subscriptionCount} webhooks/s offered), ${signalCount} signals: signal → first webhook p50 ${latency.p50Ms} ms, p99 ${latency.p99Ms} ms, max ${latency.maxMs} ms`);

    // Phase 2, throughput at saturation: every signal at once.
    const burst = signalsFor(burstCount, 'burst');
    const before = receiver.count();
    const burstWebhooks = burstCount * subscriptionCount;
    const t1 = performance.now();
    for (let i = 0; i < burst.length; i += 500) {
      await producer.send([{ topic: 'signals.v1', messages: burst.slice(i, i + 500).map((s) => ({ key: s.id, value: encodeEvent(s) })) }]);
    }
    await producer.close();
    await waitFor(() => receiver.count() - before >= burstWebhooks, 300_000, `${burstWebhooks} webhooks`);
    const burstSeconds = (performance.now() - t1) / 1000;
    throughput = { webhooks: burstWebhooks, seconds: round(burstSeconds), deliveriesPerSecond: round(burstWebhooks / burstSeconds) };
    print(`  throughput : ${throughput.deliveriesPerSecond} webhooks/s (${burstWebhooks} webhooks from ${burstCount} signals published at once, ${throughput.seconds} s)`);

    // Baseline: as many bare POSTs of the same body size, same concurrency, nothing else.
    const body = app.deliveries.list({ kind: 'admin' }, { limit: 1 })[0]?.payload ?? '{}';
    const agent = new Agent({ connections: concurrency });
    const base0 = receiver.count();
    const t2 = performance.now();
    let issued = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (issued < burstWebhooks) {
          issued++;
          const res = await request(receiver.url, { method: 'POST', dispatcher: agent, body, headers: { 'content-type': 'application/json' } });
          await res.body.dump();
        }
      }),
    );
    const baseSeconds = (performance.now() - t2) / 1000;
    await agent.close();
    baseline = { requests: receiver.count() - base0, seconds: round(baseSeconds), requestsPerSecond: round((receiver.count() - base0) / baseSeconds) };
  } finally {
    await app.stop();
    await bus.close();
    await receiver.close();
  }
  const ratio = round(throughput.deliveriesPerSecond / baseline.requestsPerSecond, 3);
  print(`  bare undici: ${baseline.requestsPerSecond} POST/s (${baseline.requests} requests, same body size, same concurrency and receiver)`);
  print(`  ratio      : ${ratio} (alert service webhooks/s ÷ bare undici POST/s)`);
  return { load: { signals: signalCount, burstSignals: burstCount, subscriptions: subscriptionCount, signalsPerSecond: rate, concurrency }, latency, throughput, baseline, ratio };
}

const round = (v: number, digits = 1): number => Math.round(v * 10 ** digits) / 10 ** digits;

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*services\/alert/, 'services/alert'))) {
  runAlertBench().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
