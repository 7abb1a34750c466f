import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createWebhookSender } from '../../src/delivery/sender';
import { signedHeaders, generateSecret } from '../../src/delivery/signing';
import { SsrfGuard, type LookupFn } from '../../src/delivery/ssrf';
import { isAlertError } from '../../src/errors';

const policy = { allowCidrs: [], allowHosts: [], allowHttp: true };

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(isAlertError(e, 'ENDPOINT_REFUSED')).toBe(true);
    return (e as Error).message;
  }
  throw new Error('expected ENDPOINT_REFUSED');
}

describe('SSRF guard', () => {
  it('refuses private, loopback, link-local, ULA, CGNAT and metadata addresses', async () => {
    const guard = new SsrfGuard(policy);
    for (const host of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '[::1]', '[fe80::1]', '[fd00:ec2::254]', '[::ffff:127.0.0.1]', '[::ffff:a9fe:a9fe]']) {
      await refusal(guard.checkEndpoint(`http://${host}/hook`));
    }
  });

  it('accepts public addresses', async () => {
    const guard = new SsrfGuard(policy);
    await expect(guard.checkEndpoint('http://93.184.216.34/hook')).resolves.toBeInstanceOf(URL);
    await expect(guard.checkEndpoint('http://[2a00:1450:4001:80b::200e]/hook')).resolves.toBeInstanceOf(URL);
  });

  it('refuses a host name if any of its addresses is internal (rebinding-style answers)', async () => {
    const lookup: LookupFn = async (h) =>
      h === 'mixed.example' ? [{ address: '93.184.216.34', family: 4 }, { address: '10.0.0.5', family: 4 }] : [{ address: '93.184.216.34', family: 4 }];
    const guard = new SsrfGuard(policy, lookup);
    expect(await refusal(guard.checkEndpoint('http://mixed.example/'))).toMatch(/10\.0\.0\.5/);
    await expect(guard.checkEndpoint('http://public.example/')).resolves.toBeInstanceOf(URL);
  });

  it('lets the operator allow-list CIDRs and host names', async () => {
    const lookup: LookupFn = async () => [{ address: '10.9.9.9', family: 4 }];
    const guard = new SsrfGuard({ allowCidrs: ['127.0.0.0/8', '::1/128'], allowHosts: ['receiver.internal'], allowHttp: true }, lookup);
    await expect(guard.checkEndpoint('http://127.0.0.1:9/')).resolves.toBeInstanceOf(URL);
    await expect(guard.checkEndpoint('http://[::1]:9/')).resolves.toBeInstanceOf(URL);
    await expect(guard.checkEndpoint('http://receiver.internal/')).resolves.toBeInstanceOf(URL);
    await refusal(guard.checkEndpoint('http://other.internal/'));
    await refusal(guard.checkEndpoint('http://10.0.0.1/'));
  });

  it('requires https unless http is allowed, and refuses credentials in URLs', async () => {
    const strict = new SsrfGuard({ allowCidrs: [], allowHosts: [], allowHttp: false });
    expect(await refusal(strict.checkEndpoint('http://93.184.216.34/'))).toMatch(/https/);
    await refusal(strict.checkEndpoint('ftp://93.184.216.34/'));
    await refusal(strict.checkEndpoint('https://user:pw@93.184.216.34/'));
    await refusal(strict.checkEndpoint('not a url'));
  });

  it('judges IPv6 forms that embed an IPv4 address by that address (issue 9 finding 6)', async () => {
    const guard = new SsrfGuard(policy);
    const embedded = [
      '[::127.0.0.1]', '[::7f00:1]', '[::ffff:0:7f00:1]', '[::ffff:0:127.0.0.1]', '[0:0:0:0:0:ffff:7f00:1]',
      '[::ffff:7f00:1]', '[::a9fe:a9fe]', '[::10.0.0.1]', '[::ffff:0:a00:1]', '[0000:0000:0000:0000:0000:0000:c0a8:0101]',
    ];
    for (const host of embedded) expect(await refusal(guard.checkEndpoint(`http://${host}/hook`)), host).toMatch(/IPv4 (127|169\.254|10|192\.168)\./);
    // The same forms from DNS.
    const lookup: LookupFn = async () => [{ address: '::ffff:0:7f00:1', family: 6 }];
    expect(await refusal(new SsrfGuard(policy, lookup).checkEndpoint('http://sneaky.example/'))).toMatch(/IPv4 127\.0\.0\.1/);
    // An embedded public address is as public as the address itself.
    await expect(guard.checkEndpoint('http://[::ffff:93.184.216.34]/hook')).resolves.toBeInstanceOf(URL);
    // Operator CIDRs apply to the embedded address too.
    await expect(new SsrfGuard({ ...policy, allowCidrs: ['127.0.0.0/8'] }).checkEndpoint('http://[::7f00:1]/')).resolves.toBeInstanceOf(URL);
  });

  it('refuses a host name that does not resolve with ENDPOINT_REFUSED, not a bare DNS error', async () => {
    const lookup: LookupFn = async (h) => { throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${h}`), { code: 'ENOTFOUND' }); };
    expect(await refusal(new SsrfGuard(policy, lookup).checkEndpoint('https://unresolvable.invalid/x'))).toMatch(/unresolvable\.invalid cannot be resolved \(ENOTFOUND\)/);
  });

  it('allows an exact endpoint (the demo receiver) without opening its address to other ports', async () => {
    const guard = new SsrfGuard({ ...policy, allowEndpoints: ['127.0.0.1:4567', '[::1]:4568'] });
    await expect(guard.checkEndpoint('http://127.0.0.1:4567/')).resolves.toBeInstanceOf(URL);
    await expect(guard.checkEndpoint('http://[::1]:4568/x')).resolves.toBeInstanceOf(URL);
    for (const url of ['http://127.0.0.1:4568/', 'http://127.0.0.2:4567/', 'http://127.0.0.1/', 'http://[::1]:4567/', 'http://[::ffff:127.0.0.1]:4567/', 'http://localhost:4567/']) {
      await refusal(guard.checkEndpoint(url));
    }
    for (const entry of ['localhost:4567', '127.0.0.1', '127.0.0.1:x', 'http://127.0.0.1:1/']) {
      expect(() => new SsrfGuard({ ...policy, allowEndpoints: [entry] }), entry).toThrow(/IP address with a port/);
    }
  });

  it('rejects a malformed allow-list entry at start-up', () => {
    expect(() => new SsrfGuard({ allowCidrs: ['127.0.0.1'], allowHosts: [], allowHttp: true })).toThrow(/CIDR/);
  });

  it('pins the socket to the checked address: a name resolving to loopback is never connected to', async () => {
    let hits = 0;
    const server = createServer((_req, res) => {
      hits++;
      res.writeHead(204).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    onTestFinished(() => new Promise<void>((r) => server.close(() => r())));
    const port = (server.address() as AddressInfo).port;
    // "Rebinding": the name looks public at registration and resolves to loopback later.
    let answer = '93.184.216.34';
    const lookup: LookupFn = async () => [{ address: answer, family: 4 }];
    const guard = new SsrfGuard(policy, lookup);
    await guard.checkEndpoint(`http://rebind.example:${port}/`);
    answer = '127.0.0.1';
    const sender = createWebhookSender({ guard, timeoutMs: 2_000, maxRetryAfterMs: 1_000 });
    onTestFinished(() => sender.close());
    const secret = generateSecret();
    const result = await sender.send(`http://rebind.example:${port}/`, signedHeaders([secret], 'msg_1', 1, '{}'), '{}');
    expect(result.outcome).toBe('ssrf_refused');
    expect(hits).toBe(0);
    // With loopback allowed the same request goes through.
    const allowed = createWebhookSender({ guard: new SsrfGuard({ ...policy, allowCidrs: ['127.0.0.0/8'] }, lookup), timeoutMs: 2_000, maxRetryAfterMs: 1_000 });
    onTestFinished(() => allowed.close());
    const ok = await allowed.send(`http://rebind.example:${port}/`, signedHeaders([secret], 'msg_2', 1, '{}'), '{}');
    expect(ok.outcome).toBe('delivered');
    expect(hits).toBe(1);
  });
});
