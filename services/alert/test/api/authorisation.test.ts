// Authorisation matrix of the alerting API: every route × every key holder
// (no key, a key without scopes, alerts:read, subscriptions:manage, admin) ×
// own vs other agency's resource. Expected statuses are derived from one table;
// a route the server registers without a row here (or a row without a route)
// fails the first test.
import { describe, expect, it } from 'vitest';
import { hasScope, type Scope } from '@tocsin/http';
import { AGENCIES, apiHarness, evidence, openAlerts, PRINCIPALS, signalOf, startReceiver, type Harness, type PrincipalName, type Receiver } from './harness';

type Target = 'own' | 'other';

/** What the route's path or query names, which decides the cross-agency outcome. */
type Owned =
  | 'subscription' // path id of a subscription: another agency's answers 404
  | 'agency-query' // ?agency= names the agency: another agency's answers 403 to non-admins
  | 'alert' // path id of an alert: "other" is one withheld from the caller (no incident listed with a marking), answered 404
  | 'silence' // path id of a silence (admin-only routes)
  | 'none';

interface RouteRow {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  scope: Scope;
  owned: Owned;
  ok: number;
  body?: (target: Target) => unknown;
}

const ROUTES: RouteRow[] = [
  { method: 'POST', path: '/api/subscriptions', scope: 'subscriptions:manage', owned: 'agency-query', ok: 201, body: (t) => ({ endpoint_url: receiver.url, ...(t === 'other' ? { agency_country: AGENCIES.other.country } : {}) }) },
  { method: 'GET', path: '/api/subscriptions', scope: 'subscriptions:manage', owned: 'agency-query', ok: 200 },
  { method: 'GET', path: '/api/subscriptions/{id}', scope: 'subscriptions:manage', owned: 'subscription', ok: 200 },
  { method: 'PATCH', path: '/api/subscriptions/{id}', scope: 'subscriptions:manage', owned: 'subscription', ok: 200, body: () => ({ description: 'changed' }) },
  { method: 'DELETE', path: '/api/subscriptions/{id}', scope: 'subscriptions:manage', owned: 'subscription', ok: 204 },
  { method: 'POST', path: '/api/subscriptions/{id}/pause', scope: 'subscriptions:manage', owned: 'subscription', ok: 200 },
  { method: 'POST', path: '/api/subscriptions/{id}/resume', scope: 'subscriptions:manage', owned: 'subscription', ok: 200 },
  { method: 'POST', path: '/api/subscriptions/{id}/rotate-secret', scope: 'subscriptions:manage', owned: 'subscription', ok: 200 },
  { method: 'POST', path: '/api/subscriptions/{id}/test', scope: 'subscriptions:manage', owned: 'subscription', ok: 202 },
  { method: 'GET', path: '/api/subscriptions/{id}/deliveries', scope: 'subscriptions:manage', owned: 'subscription', ok: 200 },
  { method: 'GET', path: '/api/alerts', scope: 'alerts:read', owned: 'none', ok: 200 },
  { method: 'GET', path: '/api/alerts/{id}', scope: 'alerts:read', owned: 'alert', ok: 200 },
  { method: 'POST', path: '/api/alerts/stream-tickets', scope: 'alerts:read', owned: 'none', ok: 201 },
  { method: 'GET', path: '/api/alerts/{id}/series', scope: 'alerts:read', owned: 'alert', ok: 200 },
  { method: 'GET', path: '/api/routes', scope: 'alerts:read', owned: 'none', ok: 200 },
  { method: 'POST', path: '/api/alerts/{id}/acknowledge', scope: 'admin', owned: 'alert', ok: 200, body: () => ({ comment: 'on it' }) },
  { method: 'POST', path: '/api/alerts/{id}/assign', scope: 'admin', owned: 'alert', ok: 200, body: () => ({ assignee: 'desk-2' }) },
  { method: 'POST', path: '/api/alerts/{id}/label', scope: 'admin', owned: 'alert', ok: 200, body: () => ({ label: 'true_positive' }) },
  { method: 'POST', path: '/api/silences', scope: 'admin', owned: 'none', ok: 201, body: () => ({ matchers: [{ name: 'country', op: '=', value: 'NL' }], duration_seconds: 600 }) },
  { method: 'GET', path: '/api/silences', scope: 'admin', owned: 'none', ok: 200 },
  { method: 'DELETE', path: '/api/silences/{id}', scope: 'admin', owned: 'silence', ok: 200 },
  { method: 'GET', path: '/api/deliveries/dead-letter', scope: 'admin', owned: 'agency-query', ok: 200 },
];

/**
 * Routes outside this matrix, with their own tests: the change stream takes a
 * ticket, not a key (alert-events.test.ts), and every server's GET /api/me
 * answers any valid key (alert-list.test.ts).
 */
const NOT_KEY_SCOPED = new Set(['GET /api/alerts/events', 'GET /api/me']);

let receiver: Receiver;

function expected(row: RouteRow, who: PrincipalName, target: Target): number {
  if (who === 'anonymous') return 401;
  const scopes: Scope[] = who === 'no-scope' ? [] : [who];
  if (!hasScope({ keyId: 'x', agency: 'x', country: 'NL', scopes }, row.scope)) return 403;
  if (target === 'other' && who !== 'admin') {
    if (row.owned === 'subscription' || row.owned === 'alert') return 404;
    if (row.owned === 'agency-query') return 403;
  }
  return row.ok;
}

/** Fresh resources for one cell, so DELETE or pause in one cell cannot change another. */
async function resources(h: Harness) {
  const mk = (a: { agency: string; country: string }) => h.app.subscriptions.create({ kind: 'admin' }, { agency: a.agency, agency_country: a.country, endpoint_url: receiver.url });
  const own = await mk(AGENCIES.own);
  const other = await mk(AGENCIES.other);
  const silence = await h.app.engine.silence({ actor: 'test', matchers: [{ name: 'severity', op: '=', value: 'low' }], durationMs: 60_000 });
  return { own: own.subscription.id, other: other.subscription.id, silence: silence.id };
}

function url(row: RouteRow, target: Target, ids: { subscription: Record<Target, string>; alert: Record<Target, string>; silence: string }): string {
  let path = row.path;
  if (row.owned === 'subscription') path = path.replace('{id}', ids.subscription[target]);
  if (row.owned === 'alert') path = path.replace('{id}', ids.alert[target]);
  if (row.owned === 'silence') path = path.replace('{id}', ids.silence);
  if (row.owned === 'agency-query' && target === 'other') path += `?agency=${AGENCIES.other.agency}`;
  return path;
}

describe('alert API authorisation', () => {
  it('has exactly one table row per registered route, and an OpenAPI operation for each', async () => {
    const h = await apiHarness();
    const registered = h.routes.filter((r) => r.url.startsWith('/api/')).map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`).filter((r) => !NOT_KEY_SCOPED.has(r)).sort();
    const table = ROUTES.map((r) => `${r.method} ${r.path}`).sort();
    expect(registered).toEqual(table);
    const doc = (await h.server.inject({ url: '/docs/json' })).json() as { paths: Record<string, Record<string, { summary?: string; security?: unknown[]; responses: Record<string, unknown> }>> };
    for (const row of ROUTES) {
      const op = doc.paths[row.path]?.[row.method.toLowerCase()];
      expect(op, `${row.method} ${row.path} in OpenAPI`).toBeDefined();
      expect(op!.summary).toBeTruthy();
      expect(op!.security).toEqual([{ apiKey: [] }]);
      expect(Object.keys(op!.responses)).toEqual(expect.arrayContaining([String(row.ok), '401', '403']));
    }
  });

  it('answers every route × key holder × own/other agency as the table says', async () => {
    const h = await apiHarness();
    receiver = await startReceiver();
    const [visible, withheld] = await openAlerts(h, [
      signalOf('concealment.container', [evidence(AGENCIES.own.agency, 'NL', 'GREEN')]),
      // No incident listed with its marking: the "own" agency may not even learn it exists.
      signalOf('concealment.vehicle', [], { partners: [AGENCIES.other.agency], evidence_total: 3 }),
    ]);
    const failures: string[] = [];
    let cells = 0;
    for (const row of ROUTES) {
      for (const who of PRINCIPALS) {
        for (const target of ['own', 'other'] as const) {
          const r = await resources(h);
          const path = url(row, target, { subscription: { own: r.own, other: r.other }, alert: { own: visible!, other: withheld! }, silence: r.silence });
          const body = row.body?.(target);
          const res = await h.server.inject({ method: row.method, url: path, headers: h.auth(who), ...(body !== undefined ? { payload: body as object } : {}) });
          cells++;
          const want = expected(row, who, target);
          if (res.statusCode !== want) failures.push(`${row.method} ${path} as ${who} (${target}): ${res.statusCode} ${res.body.slice(0, 160)}, expected ${want}`);
          if (res.statusCode >= 400) {
            const error = res.json() as { error?: { code?: string; message?: string } };
            if (!error.error?.code || !error.error.message) failures.push(`${row.method} ${path} as ${who}: error body without code/message`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(cells).toBe(ROUTES.length * PRINCIPALS.length * 2);
  });

  it('never shows or changes another agency\'s subscription, and 404s look like unknown ids', async () => {
    const h = await apiHarness();
    receiver = await startReceiver();
    const created = await h.server.inject({ method: 'POST', url: '/api/subscriptions', headers: h.otherAuth('subscriptions:manage'), payload: { endpoint_url: receiver.url } });
    expect(created.statusCode).toBe(201);
    const foreignId = created.json().subscription.id as string;
    const mine = await h.server.inject({ url: '/api/subscriptions', headers: h.auth('subscriptions:manage') });
    expect(mine.json().subscriptions).toEqual([]);
    const foreign = await h.server.inject({ url: `/api/subscriptions/${foreignId}`, headers: h.auth('subscriptions:manage') });
    const unknown = await h.server.inject({ url: '/api/subscriptions/sub_doesnotexist', headers: h.auth('subscriptions:manage') });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error.message.replace(foreignId, 'ID')).toBe(unknown.json().error.message.replace('sub_doesnotexist', 'ID'));
    const patched = await h.server.inject({ method: 'PATCH', url: `/api/subscriptions/${foreignId}`, headers: h.auth('subscriptions:manage'), payload: { endpoint_url: 'http://127.0.0.1:1/stolen' } });
    expect(patched.statusCode).toBe(404);
    expect(h.app.subscriptions.get({ kind: 'admin' }, foreignId).endpoint_url).toBe(receiver.url);
    // An agency cannot create on another's behalf either, by query or by claiming another country.
    const byQuery = await h.server.inject({ method: 'POST', url: `/api/subscriptions?agency=${AGENCIES.other.agency}`, headers: h.auth('subscriptions:manage'), payload: { endpoint_url: receiver.url } });
    expect(byQuery.statusCode).toBe(403);
    const byCountry = await h.server.inject({ method: 'POST', url: '/api/subscriptions', headers: h.auth('subscriptions:manage'), payload: { endpoint_url: receiver.url, agency_country: 'FR' } });
    expect(byCountry.statusCode).toBe(400);
    expect(byCountry.json().error.message).toContain('/agency_country');
    // Admin sees both agencies, or one with ?agency=.
    await h.server.inject({ method: 'POST', url: '/api/subscriptions', headers: h.auth('subscriptions:manage'), payload: { endpoint_url: receiver.url } });
    const all = (await h.server.inject({ url: '/api/subscriptions', headers: h.auth('admin') })).json().subscriptions as Array<{ agency: string }>;
    expect(all.map((s) => s.agency).sort()).toEqual([AGENCIES.other.agency, AGENCIES.own.agency]);
    const one = (await h.server.inject({ url: `/api/subscriptions?agency=${AGENCIES.other.agency}`, headers: h.auth('admin') })).json().subscriptions as Array<{ agency: string }>;
    expect(one.map((s) => s.agency)).toEqual([AGENCIES.other.agency]);
  });
});
