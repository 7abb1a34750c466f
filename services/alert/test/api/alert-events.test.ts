// The alert change stream over real HTTP: a key buys a one-use ticket, the
// stream sends each change as the viewer's list row (withheld alerts never),
// a key may hold a bounded number of streams, and a page resumes from the
// position of its list or its last event.
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { AGENCIES, apiHarness, evidence, openAlerts, signalOf, type Harness } from './harness';

interface SseEvent { event: string; id?: string; data: Record<string, unknown> }

/** Opens the stream and collects its events until the test ends. */
async function openStream(base: string, url: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  onTestFinished(() => controller.abort());
  const res = await fetch(`${base}${url}`, { signal: controller.signal, headers });
  const events: SseEvent[] = [];
  if (res.ok && res.body) {
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    void (async () => {
      let buffer = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const field = (name: string) => block.split('\n').find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2);
            const data = field('data');
            if (field('event')) events.push({ event: field('event')!, ...(field('id') ? { id: field('id')! } : {}), data: data ? JSON.parse(data) : {} });
          }
        }
      } catch {
        // aborted at the end of the test
      }
    })();
  }
  const waitFor = async (pred: (e: SseEvent) => boolean, timeoutMs = 5_000): Promise<SseEvent> => {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const hit = events.find(pred);
      if (hit) return hit;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no matching event within ${timeoutMs} ms; got ${events.map((e) => e.event).join(', ')}`);
  };
  return { res, events, waitFor, close: () => controller.abort() };
}

async function listen(h: Harness): Promise<string> {
  await h.server.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(h.server.server.address() as AddressInfo).port}`;
}

const ticketFor = async (h: Harness, headers: Record<string, string>): Promise<{ ticket: string; url: string; expires_at: string }> => {
  const res = await h.server.inject({ method: 'POST', url: '/api/alerts/stream-tickets', headers });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
};

describe('alert change stream', () => {
  it('needs a ticket bought with a key; a ticket opens one stream only', async () => {
    const h = await apiHarness();
    const base = await listen(h);
    expect((await h.server.inject({ method: 'POST', url: '/api/alerts/stream-tickets' })).statusCode).toBe(401);
    expect((await h.server.inject({ method: 'POST', url: '/api/alerts/stream-tickets', headers: h.auth('no-scope') })).statusCode).toBe(403);
    expect((await fetch(`${base}/api/alerts/events`)).status).toBe(401);
    // The API key itself is not a ticket, in the URL or in a header.
    const key = h.auth('admin').authorization!.slice('Bearer '.length);
    expect((await fetch(`${base}/api/alerts/events?ticket=${key}`)).status).toBe(400);
    expect((await fetch(`${base}/api/alerts/events?ticket=tst_${'A'.repeat(43)}`, { headers: h.auth('admin') })).status).toBe(401);

    const { url, ticket, expires_at } = await ticketFor(h, h.auth('admin'));
    expect(url).toBe(`/api/alerts/events?ticket=${ticket}`);
    expect(Date.parse(expires_at) - Date.now()).toBeLessThanOrEqual(60_000);
    const stream = await openStream(base, url);
    expect(stream.res.status).toBe(200);
    expect(stream.res.headers.get('content-type')).toContain('text/event-stream');
    await stream.waitFor((e) => e.event === 'ready');
    const again = await fetch(`${base}${url}`);
    expect(again.status).toBe(401);
    expect(((await again.json()) as { error: { message: string } }).error.message).toContain('unknown, used or expired');
  });

  it('sends each change as the viewer may see it and never a withheld alert', async () => {
    const h = await apiHarness();
    const base = await listen(h);
    const admin = await openStream(base, (await ticketFor(h, h.auth('admin'))).url);
    const agency = await openStream(base, (await ticketFor(h, h.auth('alerts:read'))).url);
    await admin.waitFor((e) => e.event === 'ready');
    await agency.waitFor((e) => e.event === 'ready');
    const [visible, withheld] = await openAlerts(h, [
      signalOf('method.live', [evidence(AGENCIES.own.agency, 'NL', 'GREEN')]),
      // No listed incident: withheld from every agency.
      signalOf('method.hidden', [], { countries: ['FR'], partners: [AGENCIES.other.agency], evidence_total: 3 }),
    ]);
    const seenByAdmin = await admin.waitFor((e) => e.event === 'alert' && e.data['id'] === withheld);
    expect(seenByAdmin.data).toMatchObject({ level: 'admin', silenced: false, dimension_label: 'method.hidden' });
    expect((seenByAdmin.data['alert'] as Record<string, unknown>)['evidence']).toBeUndefined();
    const row = await agency.waitFor((e) => e.event === 'alert' && e.data['id'] === visible);
    expect(row.data).toMatchObject({ level: 'full' });
    expect(row.data).not.toHaveProperty('silenced');
    await agency.waitFor((e) => e.event === 'position' && typeof e.id === 'string');

    // An acknowledgement reaches both as an update of the same row.
    await h.server.inject({ method: 'POST', url: `/api/alerts/${visible}/acknowledge`, headers: h.auth('admin'), payload: { comment: 'desk note' } });
    const acked = await agency.waitFor((e) => e.event === 'alert' && e.data['id'] === visible && Boolean((e.data['desk'] as Record<string, unknown>)['acknowledged']));
    expect(JSON.stringify(acked.data)).not.toContain('desk note');
    // A silence flips the admin row's marker.
    await h.server.inject({ method: 'POST', url: '/api/silences', headers: h.auth('admin'), payload: { matchers: [{ name: 'alert_id', op: '=', value: visible }], duration_seconds: 60 } });
    await admin.waitFor((e) => e.event === 'alert' && e.data['id'] === visible && e.data['silenced'] === true);

    await new Promise((r) => setTimeout(r, 600));
    expect(agency.events.some((e) => e.event === 'alert' && e.data['id'] === withheld)).toBe(false);
    expect(JSON.stringify(agency.events)).not.toContain('method.hidden');
  });

  it('resumes from the list position or the last event id; an unknown position says reset', async () => {
    const h = await apiHarness();
    const base = await listen(h);
    const listed = (await h.server.inject({ url: '/api/alerts', headers: h.auth('admin') })).json();
    const [first] = await openAlerts(h, [signalOf('method.after-list', [evidence(AGENCIES.own.agency, 'NL', 'GREEN')])]);
    // Opened after the change, from the list's position: the change is replayed.
    const resumed = await openStream(base, `${(await ticketFor(h, h.auth('admin'))).url}&last_event_id=${listed.position}`);
    const replayed = await resumed.waitFor((e) => e.event === 'alert' && e.data['id'] === first);
    expect(replayed.data['dimension_label']).toBe('method.after-list');
    const position = (await resumed.waitFor((e) => e.event === 'position')).id!;
    resumed.close();

    const [second] = await openAlerts(h, [signalOf('method.while-away', [evidence(AGENCIES.own.agency, 'NL', 'GREEN')])]);
    const back = await openStream(base, (await ticketFor(h, h.auth('admin'))).url, { 'last-event-id': position });
    await back.waitFor((e) => e.event === 'alert' && e.data['id'] === second);
    await new Promise((r) => setTimeout(r, 400));
    expect(back.events.some((e) => e.event === 'alert' && e.data['id'] === first)).toBe(false);

    const lost = await openStream(base, `${(await ticketFor(h, h.auth('admin'))).url}&last_event_id=AAAAAAAAAAAAAAAAAAAAAA`);
    expect((await lost.waitFor((e) => e.event === 'reset')).data['reason']).toContain('not a position');
  });

  it('holds each key to its limit of streams and of unused tickets', async () => {
    const h = await apiHarness();
    const base = await listen(h);
    // The server's limits: 5 streams per key (documented in docs/api.md#limits).
    const open = [];
    for (let i = 0; i < 5; i++) {
      const s = await openStream(base, (await ticketFor(h, h.auth('alerts:read'))).url);
      expect(s.res.status).toBe(200);
      open.push(s);
    }
    const sixth = await fetch(`${base}${(await ticketFor(h, h.auth('alerts:read'))).url}`);
    expect(sixth.status).toBe(429);
    expect(((await sixth.json()) as { error: { message: string } }).error.message).toContain('5 open alert streams');
    // Another key is not affected; closing one stream frees a place.
    expect((await openStream(base, (await ticketFor(h, h.auth('admin'))).url)).res.status).toBe(200);
    open[0]!.close();
    let reopened = 0;
    for (let i = 0; i < 50 && reopened !== 200; i++) {
      await new Promise((r) => setTimeout(r, 20));
      const res = await fetch(`${base}${(await ticketFor(h, h.auth('alerts:read'))).url}`);
      reopened = res.status;
      if (res.status === 200) void res.body?.cancel();
    }
    expect(reopened).toBe(200);
    // At most 10 unused tickets per key.
    for (let i = 0; i < 10; i++) await ticketFor(h, h.otherAuth('alerts:read'));
    const tooMany = await h.server.inject({ method: 'POST', url: '/api/alerts/stream-tickets', headers: h.otherAuth('alerts:read') });
    expect(tooMany.statusCode).toBe(429);
  });

  it('sends a heartbeat at the configured interval', async () => {
    const h = await apiHarness({ streamLimits: { heartbeatMs: 100 } });
    const base = await listen(h);
    const s = await openStream(base, (await ticketFor(h, h.auth('admin'))).url);
    const ready = await s.waitFor((e) => e.event === 'ready');
    expect(ready.data['heartbeat_ms']).toBe(100);
    await s.waitFor((e) => e.event === 'heartbeat');
  });
});
