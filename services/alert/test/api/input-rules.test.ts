// What the alerting API refuses at its edge (issue 9 findings 8 and 9): unknown
// query parameters on every route, non-JSON bodies, hostile characters in free
// text, line breaks in single-line fields, blanks around URLs, guessable own
// secrets, and any body from a caller without a valid key.
import { describe, expect, it } from 'vitest';
import { AGENCIES, apiHarness, evidence, openAlerts, signalOf, startReceiver } from './harness';

const json = { 'content-type': 'application/json' };

describe('alerting API input rules', () => {
  it('refuses unknown query parameters on every route, naming them (finding 8)', async () => {
    const h = await apiHarness();
    const severity = await h.server.inject({ url: '/api/alerts?severity=high', headers: h.auth('admin') });
    expect(severity.statusCode).toBe(400);
    expect(severity.json().error.message).toMatch(/^unknown query parameter "severity"; this route takes status, min_severity, country/);
    expect(h.routes.filter((r) => r.url.startsWith('/api/')).length).toBeGreaterThanOrEqual(19);
    for (const route of h.routes.filter((r) => r.url.startsWith('/api/'))) {
      const url = `${route.url.replace(/:id/, 'x_1')}?bogus=1`;
      const res = await h.server.inject({ method: route.method as 'GET', url, headers: { ...h.auth('admin'), ...json }, payload: route.method === 'GET' || route.method === 'DELETE' ? undefined : '{}' });
      expect(res.statusCode, `${route.method} ${url}`).toBe(400);
      expect(res.json().error.message, `${route.method} ${url}`).toMatch(/^unknown query parameter "bogus"/);
    }
  });

  it('answers text/plain bodies with 415 (finding 8)', async () => {
    const h = await apiHarness();
    const res = await h.server.inject({ method: 'POST', url: '/api/subscriptions', headers: { ...h.auth('subscriptions:manage'), 'content-type': 'text/plain' }, payload: '{"endpoint_url":"https://example.org/x"}' });
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe('unsupported_media_type');
  });

  it('checks the key before it reads the body (finding 9)', async () => {
    const h = await apiHarness();
    const res = await h.server.inject({ method: 'POST', url: '/api/subscriptions', headers: json, payload: '{"endpoint_url": broken' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('unauthenticated');
  });

  it('refuses NUL, lone surrogates, bidi overrides, line breaks in single-line fields and blanks around URLs (finding 9)', async () => {
    const h = await apiHarness();
    const receiver = await startReceiver();
    const create = (payload: string) => h.server.inject({ method: 'POST', url: '/api/subscriptions', headers: { ...h.auth('subscriptions:manage'), ...json }, payload });
    const url = JSON.stringify(receiver.url);
    const cases: Array<[string, RegExp]> = [
      [`{"endpoint_url":${url},"description":"a\\u0000b"}`, /^\/description contains a NUL character$/],
      [`{"endpoint_url":${url},"description":"x\\udc00"}`, /^\/description contains a lone surrogate/],
      [`{"endpoint_url":${url},"description":"invoice \\u202etxt.exe"}`, /^\/description contains a bidirectional control U\+202E$/],
      [`{"endpoint_url":${url},"description":"one\\r\\nInjected: header"}`, /^\/description must be a single line/],
      [`{"endpoint_url":" ${receiver.url}"}`, /^\/endpoint_url must not contain spaces/],
      [`{"endpoint_url":"${receiver.url} "}`, /^\/endpoint_url must not contain spaces/],
    ];
    for (const [payload, message] of cases) {
      const res = await create(payload);
      expect(res.statusCode, payload).toBe(400);
      expect(res.json().error.message, payload).toMatch(message);
    }
    expect((await create(`{"endpoint_url":${url},"description":"Désk NL — 24/7"}`)).statusCode).toBe(201);

    const [alertId] = await openAlerts(h, [signalOf('concealment.container', [evidence(AGENCIES.own.agency, 'NL', 'GREEN')])]);
    const assign = (assignee: string) => h.server.inject({ method: 'POST', url: `/api/alerts/${alertId}/assign`, headers: { ...h.auth('admin'), ...json }, payload: { assignee } });
    const crlf = await assign('analyst-7\r\nX-Injected: 1');
    expect(crlf.statusCode).toBe(400);
    expect(crlf.json().error.message).toBe('/assignee must be a single line (no CR or LF)');
    expect((await assign('analyst-7')).statusCode).toBe(200);
  });

  it('refuses own secrets without real entropy (finding 9)', async () => {
    const h = await apiHarness();
    const receiver = await startReceiver();
    const create = (secret: string) => h.server.inject({ method: 'POST', url: '/api/subscriptions', headers: { ...h.auth('subscriptions:manage'), ...json }, payload: { endpoint_url: receiver.url, secret } });
    const whsec = (bytes: Buffer) => `whsec_${bytes.toString('base64')}`;
    const weak: Array<[Buffer, RegExp]> = [
      [Buffer.alloc(32), /only 1 distinct byte values/],
      [Buffer.from('passwordpasswordpassword'), /distinct byte values/],
      [Buffer.from(Array.from({ length: 48 }, (_, i) => i % 16)), /repeats a 16-byte pattern/],
    ];
    for (const [bytes, message] of weak) {
      const res = await create(whsec(bytes));
      expect(res.statusCode, bytes.toString('hex')).toBe(400);
      expect(res.json().error.message).toMatch(/^\/secret: /);
      expect(res.json().error.message).toMatch(message);
    }
    const created = await create(whsec(Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 97 + 13) % 256))));
    expect(created.statusCode).toBe(201);
    const rotate = await h.server.inject({ method: 'POST', url: `/api/subscriptions/${created.json().subscription.id}/rotate-secret`, headers: { ...h.auth('subscriptions:manage'), ...json }, payload: { secret: whsec(Buffer.alloc(32, 7)) } });
    expect(rotate.statusCode).toBe(400);
    expect(rotate.json().error.message).toMatch(/^\/secret: .*distinct byte values/);
  });
});
