// Fuzz test of every HTTP route of the embedded server (health, the desk's signals and page, the alert API)
// (issue 9 acceptance): random methods' paths, path parameters, query strings,
// headers and bodies. Whatever arrives, no answer is a 5xx, every error has the
// documented { error: { code, message } } shape with a catalogued code and its
// status, and the server (and this process) is still up afterwards. Bounded in
// runs and in time.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pageRoutes, signalRoutes } from '@tocsin/desk';
import { API_ERROR_CODES, healthRoutes } from '@tocsin/http';
import type { LookupFn } from '../../services/alert/src/delivery/ssrf';
import { AGENCIES, apiHarness, evidence, openAlerts, PRINCIPALS, signalOf, startReceiver, type PrincipalName } from '../../services/alert/test/api/harness';

const RUNS = Number(process.env['TOCSIN_FUZZ_RUNS'] ?? 400);
const TIME_LIMIT_MS = 25_000;

/** No DNS in a fuzz run: every name is unknown (IP literals still reach the guard). */
const noDns: LookupFn = async (host) => { throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }); };

/** Strings that probe the text rules: controls, surrogates, bidi, astral, long. */
const nastyText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('\u0000', '\ud800', '\udfff', '\u202e', '\u2066', '\r\n', '\u001b[2J', '😀', '=HYPERLINK("x")', ' https://a.example/x', '__proto__', 'constructor', '%FF', 'a'.repeat(3000)),
);

/** Percent-encoding; a lone surrogate (not encodable) becomes the invalid UTF-8 of an encoded surrogate. */
const encode = (text: string): string => {
  try {
    return encodeURIComponent(text);
  } catch {
    return encodeURIComponent(text.replace(/[\ud800-\udfff]/g, '')) + '%ED%A0%80';
  }
};

const jsonish = fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.dictionary(nastyText, fc.oneof(nastyText, fc.integer(), fc.boolean(), fc.constant(null)), { maxKeys: 5 }));

describe('HTTP fuzz: desk and alert API', () => {
  it('never answers 5xx, always in the documented error shape, and stays up', async () => {
    const receiver = await startReceiver();
    let h: Awaited<ReturnType<typeof apiHarness>> | undefined;
    const feed = { recentSignals: () => (h ? h.app.engine.list({ limit: 50 }).alerts.map(() => signalOf('fuzz', [evidence(AGENCIES.own.agency, 'NL', 'AMBER')])) : []) };
    h = await apiHarness({
      lookup: noDns,
      extraRoutes: [healthRoutes({ version: 'test', bus: 'memory', startedAt: Date.now(), components: () => ({ alert: { status: 'ok', stats: h!.app.stats() } }) }), signalRoutes(feed), pageRoutes()],
    });
    const harness = h;
    const [alertId] = await openAlerts(harness, [signalOf('fuzz.route', [evidence(AGENCIES.own.agency, 'NL', 'GREEN')])]);
    const created = await harness.server.inject({ method: 'POST', url: '/api/subscriptions', headers: { ...harness.auth('subscriptions:manage'), 'content-type': 'application/json' }, payload: { endpoint_url: receiver.url } });
    const subscriptionId = created.json().subscription.id as string;
    const silence = await harness.server.inject({ method: 'POST', url: '/api/silences', headers: { ...harness.auth('admin'), 'content-type': 'application/json' }, payload: { matchers: [{ name: 'country', op: '=', value: 'XX' }], duration_seconds: 60 } });
    const silenceId = silence.json().id as string;

    const routes = harness.routes.filter((r) => r.method !== 'OPTIONS');
    expect(routes.length).toBeGreaterThanOrEqual(22);
    const queryNames = ['status', 'min_severity', 'country', 'detector_kind', 'dimension_type', 'since', 'limit', 'cursor', 'agency', 'state', 'include_expired', 'severity', '__proto__', 'a[b]'];

    const request = fc.record({
      route: fc.constantFrom(...routes),
      id: fc.oneof(fc.constantFrom(alertId!, subscriptionId, silenceId, 'x', ''), nastyText.map(encode), fc.constantFrom('%FF', '%E0%A4%A', '..%2F..%2Fetc', 'a'.repeat(250))),
      query: fc.array(fc.tuple(fc.constantFrom(...queryNames), fc.oneof(nastyText, fc.constantFrom('open', 'high', 'NL', '10', '0', '-1', 'true', '2026-11-01T00:00:00Z'))), { maxLength: 4 }),
      who: fc.constantFrom<PrincipalName | 'bad-key' | 'malformed'>(...PRINCIPALS, 'bad-key', 'malformed'),
      contentType: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'application/vnd.x+json', undefined),
      body: fc.oneof(
        fc.constant(undefined),
        jsonish.map((v) => JSON.stringify(v)),
        fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
        fc.record({ endpoint_url: fc.oneof(nastyText, fc.constantFrom(receiver.url, 'https://unresolvable.invalid/x', 'http://[::7f00:1]:1/', 'http://10.0.0.1/')), description: nastyText, secret: fc.oneof(nastyText, fc.constant(`whsec_${Buffer.alloc(32).toString('base64')}`)) }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
        fc.record({ assignee: nastyText, label: fc.constantFrom('true_positive', 'false_positive', 'maybe'), comment: nastyText, reason: nastyText, overlap_seconds: fc.integer() }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
        fc.record({ matchers: fc.array(fc.record({ name: fc.constantFrom('country', 'severity', 'x'), op: fc.constantFrom('=', '=~', '!~', '??'), value: nastyText }), { maxLength: 3 }), duration_seconds: fc.integer(), ends_at: nastyText }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
      ),
      extraHeader: fc.option(fc.tuple(fc.constantFrom('x-api-key', 'accept', 'x-forwarded-for', 'content-encoding'), fc.string({ maxLength: 30 }).filter((s) => /^[\x20-\x7e]*$/.test(s))), { nil: undefined }),
    });

    let requests = 0;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const path = r.route.url.replace(/:id/, r.id);
        const search = r.query.map(([k, v]) => `${encode(k)}=${v === '%FF' ? v : encode(v)}`).join('&');
        const headers: Record<string, string> = {};
        if (r.who === 'bad-key') headers['authorization'] = `Bearer tsk_000000000000_${'a'.repeat(43)}`;
        else if (r.who === 'malformed') headers['authorization'] = 'Bearer \u00ff';
        else Object.assign(headers, harness.auth(r.who));
        if (r.contentType) headers['content-type'] = r.contentType;
        if (r.extraHeader) headers[r.extraHeader[0]] = r.extraHeader[1];
        const res = await harness.server.inject({ method: r.route.method as 'GET', url: `${path}${search ? `?${search}` : ''}`, headers, ...(r.body !== undefined ? { payload: r.body } : {}) });
        requests++;
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        expect(res.statusCode, `${r.route.method} ${path}: ${res.body.slice(0, 200)}`).toBeLessThan(500);
        if (res.statusCode >= 400) {
          const body = res.json() as { error?: { code?: string; message?: string } };
          expect(Object.keys(body)).toEqual(['error']);
          expect(Object.keys(body.error!).sort()).toEqual(['code', 'message']);
          expect(typeof body.error!.message).toBe('string');
          const code = body.error!.code as keyof typeof API_ERROR_CODES;
          expect(API_ERROR_CODES[code]?.status, `${code} for ${res.statusCode}`).toBe(res.statusCode);
        }
      }),
      { numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, seed: Number(process.env['TOCSIN_FUZZ_SEED'] ?? 20261206) },
    );
    expect(requests).toBeGreaterThan(50);
    if (process.env['TOCSIN_FUZZ_REPORT']) process.stderr.write(`fuzz: ${requests} requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}\n`);
    // Still up: health answers and a normal read works.
    expect((await harness.server.inject({ url: '/api/health' })).json()).toEqual({ status: 'ok', version: 'test' });
    expect((await harness.server.inject({ url: `/api/alerts/${alertId}`, headers: harness.auth('admin') })).statusCode).toBe(200);
  }, 60_000);
});
