// One agency's failing endpoint must not hold back another agency's deliveries to
// the same host:port (issue 9, finding 2): the breaker and throttling are per
// subscription, the concurrency cap per agency and host:port.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { generateSecret } from '../../src/delivery/signing';
import { eventually, startTestApp } from '../helpers/app';

const admin = { kind: 'admin' } as const;

/** One loopback server for both agencies: /de always fails with 500, /nl accepts. */
async function sharedHost(): Promise<{ port: number; hits: Record<string, number> }> {
  const hits: Record<string, number> = {};
  const server = createServer((req, res) => {
    hits[req.url ?? ''] = (hits[req.url ?? ''] ?? 0) + 1;
    req.resume();
    req.on('end', () => res.writeHead(req.url === '/nl' ? 204 : 500).end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  onTestFinished(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return { port: (server.address() as AddressInfo).port, hits };
}

describe('delivery isolation between agencies', () => {
  it("DE's failing URLs (HTTP 500 and a TLS failure) on NL's host:port do not delay NL's delivery", async () => {
    const { port, hits } = await sharedHost();
    // A breaker that, once open, stays open far longer than the test waits.
    const { app } = await startTestApp({ overrides: { delivery: { breakerFailureThreshold: 2, breakerOpenMs: 60_000, breakerMaxOpenMs: 120_000 } } });
    const secret = generateSecret();
    const failing = await app.subscriptions.create(admin, { agency: 'de-bka', agency_country: 'DE', endpoint_url: `http://127.0.0.1:${port}/de`, secret });
    // https:// to a plain-HTTP port: the TLS handshake fails (a network error).
    const tls = await app.subscriptions.create(admin, { agency: 'de-bka', agency_country: 'DE', endpoint_url: `https://127.0.0.1:${port}/de-tls`, secret });
    const nl = await app.subscriptions.create(admin, { agency: 'nl-police', agency_country: 'NL', endpoint_url: `http://127.0.0.1:${port}/nl`, secret });

    for (let i = 0; i < 3; i++) {
      await app.deliveries.sendTest(admin, failing.subscription.id);
      await app.deliveries.sendTest(admin, tls.subscription.id);
    }
    // Each DE subscription has failed at least the breaker threshold.
    const failuresOf = (subscriptionId: string): number =>
      app.deliveries.list(admin, { subscription_id: subscriptionId }).reduce((n, d) => n + d.attempts.filter((a) => a.outcome !== 'delivered').length, 0);
    await eventually(() => failuresOf(failing.subscription.id) >= 2 && failuresOf(tls.subscription.id) >= 2, 'DE failures', 5_000);
    const deErrors = app.deliveries.list(admin, { agency: 'de-bka' }).flatMap((d) => d.attempts.map((a) => a.outcome));
    expect(deErrors).toContain('http_error');
    expect(deErrors).toContain('network_error');

    const sent = await app.deliveries.sendTest(admin, nl.subscription.id);
    const delivered = await eventually(() => {
      const d = app.deliveries.get(sent.id);
      return d.state === 'delivered' ? d : undefined;
    }, "NL's test delivery", 3_000);
    expect(delivered.attempts).toHaveLength(1);
    expect(hits['/nl']).toBe(1);
    // Breakers are keyed by subscription, never by host:port: DE's are open, NL's is not.
    const open = app.deliveries.stats().breakers.filter((b) => b.state === 'open').map((b) => b.key);
    expect(open.sort()).toEqual([failing.subscription.id, tls.subscription.id].sort());
    expect(app.deliveries.stats().breakers.find((b) => b.key === nl.subscription.id)?.state ?? 'closed').toBe('closed');
  });
});
