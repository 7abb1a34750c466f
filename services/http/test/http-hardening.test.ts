// The API server's handling of malformed and hostile requests (issue 9
// findings 8 and 9): every error in the documented { error: { code, message } }
// shape, JSON-only bodies in strict UTF-8, unknown query parameters refused,
// the key checked before the body is read, bad keys limited per address.
import { connect } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { silentLogger } from '@tocsin/core';
import { API_LIMITS, buildApiServer, createApiKey, createApiKeyStore, healthRoutes, type ApiRoutes } from '../src/index';

/** A guarded POST route that echoes its body, to exercise the body path of the server. */
const echo: ApiRoutes = {
  name: 'echo',
  paths: { '/api/echo/{id}': { post: { parameters: [{ name: 'id', in: 'path' }, { name: 'mode', in: 'query' }] } } },
  register(app, context) {
    app.post('/api/echo/:id', { onRequest: context.requireScope('alerts:read') }, async (request) => ({ id: (request.params as { id: string }).id, body: request.body ?? null, query: request.query }));
  },
};

async function server(clock?: () => number) {
  const reader = createApiKey({ agency: 'fr-ocrtis', country: 'FR', scopes: ['alerts:read'] });
  const app = await buildApiServer({
    logger: silentLogger(), version: '0.1.0', keys: createApiKeyStore([reader.record]), ...(clock ? { clock } : {}),
    routes: [healthRoutes({ version: '0.1.0', bus: 'memory', startedAt: Date.now(), components: () => ({}) }), echo],
  });
  onTestFinished(() => app.close());
  return { app, auth: { authorization: `Bearer ${reader.key}` } };
}

const shaped = (body: string): { code: string; message: string } => {
  const parsed = JSON.parse(body) as { error: { code: string; message: string } };
  expect(Object.keys(parsed)).toEqual(['error']);
  expect(parsed.error).toEqual({ code: expect.any(String), message: expect.any(String) });
  return parsed.error;
};

describe('API server: error shapes and media types (finding 8)', () => {
  it('answers non-JSON bodies with 415 unsupported_media_type', async () => {
    const { app, auth } = await server();
    for (const headers of [{ 'content-type': 'text/plain' }, { 'content-type': 'application/x-www-form-urlencoded' }, {}]) {
      const res = await app.inject({ method: 'POST', url: '/api/echo/x', headers: { ...auth, ...headers }, payload: 'a=1' });
      expect(res.statusCode, JSON.stringify(headers)).toBe(415);
      expect(shaped(res.body).code).toBe('unsupported_media_type');
    }
    const json = await app.inject({ method: 'POST', url: '/api/echo/x', headers: { ...auth, 'content-type': 'application/json' }, payload: '{"a":1}' });
    expect(json.json()).toMatchObject({ body: { a: 1 } });
  });

  it('uses the error shape for a bad URL and a too-long path parameter', async () => {
    const { app, auth } = await server();
    const badUrl = await app.inject({ method: 'POST', url: '/api/echo/%E0%A4%A', headers: auth });
    expect(badUrl.statusCode).toBe(400);
    expect(shaped(badUrl.body).code).toBe('bad_request');
    const long = await app.inject({ method: 'POST', url: `/api/echo/${'a'.repeat(API_LIMITS.paramChars + 1)}`, headers: auth });
    expect(long.statusCode).toBe(400);
    expect(shaped(long.body).message).toMatch(/longer than 200/);
    const ok = await app.inject({ method: 'POST', url: `/api/echo/${'a'.repeat(API_LIMITS.paramChars)}`, headers: auth });
    expect(ok.statusCode).toBe(200);
  });

  it('uses the error shape for 431 (headers too large) and malformed requests on the wire', async () => {
    const { app } = await server();
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as { port: number }).port;
    const raw = (request: string) => new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(request));
      let data = '';
      socket.on('data', (c) => (data += c.toString()));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    const big = await raw(`GET /api/health HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(API_LIMITS.headerBytes + 10)}\r\n\r\n`);
    expect(big).toMatch(/^HTTP\/1\.1 431 /);
    expect(shaped(big.slice(big.indexOf('\r\n\r\n') + 4)).code).toBe('headers_too_large');
    const garbage = await raw('NOT HTTP AT ALL\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400 /);
    expect(shaped(garbage.slice(garbage.indexOf('\r\n\r\n') + 4)).code).toBe('bad_request');
  });

  it('refuses query parameters the route does not take, naming them', async () => {
    const { app, auth } = await server();
    const unknown = await app.inject({ method: 'POST', url: '/api/echo/x?mode=a&severity=high', headers: auth });
    expect(unknown.statusCode).toBe(400);
    expect(shaped(unknown.body).message).toBe('unknown query parameter "severity"; this route takes mode');
    const health = await app.inject({ url: '/api/health?verbose=1' });
    expect(health.statusCode).toBe(400);
    expect((await app.inject({ method: 'POST', url: '/api/echo/x?mode=a', headers: auth })).statusCode).toBe(200);
  });
});

describe('API server: loose input (finding 9)', () => {
  it('refuses invalid UTF-8 instead of turning it into U+FFFD', async () => {
    const { app, auth } = await server();
    const body = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const res = await app.inject({ method: 'POST', url: '/api/echo/x', headers: { ...auth, 'content-type': 'application/json' }, payload: body });
    expect(res.statusCode).toBe(400);
    expect(shaped(res.body).message).toBe('body is not valid UTF-8');
    const query = await app.inject({ method: 'POST', url: '/api/echo/x?mode=%FF', headers: auth });
    expect(query.statusCode).toBe(400);
    expect(shaped(query.body).message).toMatch(/UTF-8/);
  });

  it('refuses NUL, control characters, lone surrogates and bidi controls in any string of a body', async () => {
    const { app, auth } = await server();
    const cases: Array<[string, RegExp]> = [
      ['{"description":"a\\u0000b"}', /^\/description contains a NUL character$/],
      ['{"x":{"y":["ok","\\ud800"]}}', /^\/x\/y\/1 contains a lone surrogate U\+D800$/],
      ['{"description":"abc\\u202edcba"}', /^\/description contains a bidirectional control U\+202E$/],
      ['{"a\\u2066":1}', /property name/],
      ['{"a":"\\u001b[31m"}', /control character U\+001B/],
    ];
    for (const [payload, message] of cases) {
      const res = await app.inject({ method: 'POST', url: '/api/echo/x', headers: { ...auth, 'content-type': 'application/json' }, payload });
      expect(res.statusCode, payload).toBe(400);
      expect(shaped(res.body).message, payload).toMatch(message);
    }
    // Line breaks, tabs and non-Latin text (incl. astral characters) are fine.
    const fine = await app.inject({ method: 'POST', url: '/api/echo/x', headers: { ...auth, 'content-type': 'application/json' }, payload: '{"c":"line 1\\nline 2\\tמשטרה 😀"}' });
    expect(fine.statusCode).toBe(200);
  });


  it('limits requests with missing or bad keys per client address before looking at the key', async () => {
    const now = 1_000_000;
    const { app, auth } = await server(() => now);
    const bad = { authorization: `Bearer tsk_000000000000_${'a'.repeat(43)}` };
    const statuses: number[] = [];
    for (let i = 0; i < 300; i++) statuses.push((await app.inject({ method: 'POST', url: '/api/echo/x', headers: bad })).statusCode);
    expect(statuses.filter((s) => s === 401)).toHaveLength(API_LIMITS.badKeyBurstPerAddress);
    expect(statuses.slice(API_LIMITS.badKeyBurstPerAddress).every((s) => s === 429)).toBe(true);
    const limited = await app.inject({ method: 'POST', url: '/api/echo/x', headers: auth });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('1');
    expect(shaped(limited.body).code).toBe('rate_limited');
    // Another address is not affected.
    expect((await app.inject({ method: 'POST', url: '/api/echo/x', headers: auth, remoteAddress: '10.0.0.9' })).statusCode).toBe(200);
  });
});
