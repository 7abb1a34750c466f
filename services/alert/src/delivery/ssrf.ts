// SSRF guard for webhook URLs. An agency chooses its endpoint URL, so without a
// check a subscription could make Tocsin POST into the operator's own network
// (cloud metadata at 169.254.169.254, an admin port on 127.0.0.1, a database on
// 10.x). Every address a URL resolves to is checked against special-purpose
// ranges (RFC 6890 and friends) unless an operator allow-list names the host or a
// CIDR containing the address. The check runs inside the socket's DNS lookup, so
// the connection goes to exactly the address that was checked (no DNS rebinding
// between check and connect). IPv6 forms that embed an IPv4 address (mapped
// ::ffff:a.b.c.d, compatible ::a.b.c.d, translated ::ffff:0:a.b.c.d) are judged
// by the IPv4 address they carry, whatever notation the URL or DNS used.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { AlertError, isAlertError } from '../errors';

/**
 * Ranges never reachable without an allow-list entry. IPv6 ranges that embed
 * IPv4 (::ffff:0:0/96, ::/96 beyond :: and ::1, ::ffff:0:0:0/96) are not listed:
 * their addresses are unwrapped and checked as IPv4.
 */
const BLOCKED_V4 = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const;
const BLOCKED_V6 = [
  ['::', 128], ['::1', 128], ['64:ff9b::', 96], ['64:ff9b:1::', 48], ['100::', 64], ['2001::', 23],
  ['2001:db8::', 32], ['2002::', 16], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
] as const;

export interface SsrfPolicy {
  /** CIDRs (e.g. "127.0.0.0/8", "::1/128") whose addresses are allowed although special-purpose. */
  allowCidrs: readonly string[];
  /** Host names allowed whatever they resolve to (exact, lower case). */
  allowHosts: readonly string[];
  /** Allow http:// URLs (default false: https only). */
  allowHttp: boolean;
  /**
   * Exact endpoints "ip:port" (IPv6 as "[ip]:port") allowed although their
   * address is special-purpose: the demo's own receiver, and nothing else on
   * that address. IP literals only, so no DNS answer can stand in for them.
   */
  allowEndpoints?: readonly string[];
}

export const DEFAULT_SSRF_POLICY: SsrfPolicy = { allowCidrs: [], allowHosts: [], allowHttp: false, allowEndpoints: [] };

export type LookupFn = (hostname: string) => Promise<LookupAddress[]>;

const systemLookup: LookupFn = (hostname) =>
  new Promise((resolve, reject) => dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))));

function buildList(ranges: ReadonlyArray<readonly [string, number]>, type: 'ipv4' | 'ipv6', list = new BlockList()): BlockList {
  for (const [net, prefix] of ranges) list.addSubnet(net, prefix, type);
  return list;
}

/**
 * The address a connection to `address` reaches, in canonical form with its
 * family: the embedded IPv4 address for IPv6 forms that carry one. Null when
 * `address` is not an IP address.
 */
export function effectiveAddress(address: string): { address: string; family: 'ipv4' | 'ipv6' } | null {
  if (!ipaddr.isValid(address)) return null;
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv4') return { address: parsed.toString(), family: 'ipv4' };
  const v6 = parsed as ipaddr.IPv6;
  const p = v6.parts;
  const zeros = (from: number, to: number): boolean => p.slice(from, to).every((x) => x === 0);
  const mapped = zeros(0, 5) && p[5] === 0xffff; // ::ffff:a.b.c.d
  const translated = zeros(0, 4) && p[4] === 0xffff && p[5] === 0; // ::ffff:0:a.b.c.d (RFC 6145)
  // ::a.b.c.d (deprecated IPv4-compatible); :: and ::1 are IPv6's own unspecified and loopback.
  const compatible = zeros(0, 6) && !(p[6] === 0 && p[7]! <= 1);
  if (mapped || translated || compatible) {
    const [hi, lo] = [p[6]!, p[7]!];
    return { address: `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, family: 'ipv4' };
  }
  return { address: v6.toNormalizedString().replace(/%.*$/, ''), family: 'ipv6' };
}

/** "host:port" of a URL with the scheme's default port filled in; IPv6 hosts in brackets. */
export function urlEndpoint(url: URL): string {
  return `${url.hostname.toLowerCase()}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
}

export class SsrfGuard {
  private readonly blocked: BlockList;
  private readonly allowed: BlockList;
  private readonly allowHosts: Set<string>;
  private readonly allowEndpoints: Set<string>;

  constructor(
    readonly policy: SsrfPolicy,
    private readonly lookup: LookupFn = systemLookup,
  ) {
    this.blocked = buildList(BLOCKED_V6, 'ipv6', buildList(BLOCKED_V4, 'ipv4'));
    this.allowed = new BlockList();
    for (const cidr of policy.allowCidrs) {
      const [net, prefix] = cidr.split('/');
      const family = isIP(net ?? '');
      if (!net || family === 0 || prefix === undefined || !/^\d+$/.test(prefix)) {
        throw new AlertError('CONFIG_INVALID', `SSRF allow-list entry ${JSON.stringify(cidr)} is not a CIDR like 127.0.0.0/8`);
      }
      this.allowed.addSubnet(net, Number(prefix), family === 4 ? 'ipv4' : 'ipv6');
    }
    this.allowHosts = new Set(policy.allowHosts.map((h) => h.toLowerCase()));
    this.allowEndpoints = new Set((policy.allowEndpoints ?? []).map((entry) => {
      let url: URL | null = null;
      try {
        url = new URL(`http://${entry}`);
      } catch {
        url = null;
      }
      if (!url || !url.port || isIP(hostOf(url)) === 0 || url.host !== entry.toLowerCase()) {
        throw new AlertError('CONFIG_INVALID', `SSRF endpoint allow-list entry ${JSON.stringify(entry)} is not an IP address with a port like 127.0.0.1:8081`);
      }
      return url.host;
    }));
  }

  /** True when the URL names an endpoint the operator allowed exactly. */
  private endpointAllowed(url: URL): boolean {
    return this.allowEndpoints.size > 0 && this.allowEndpoints.has(urlEndpoint(url));
  }

  /** Why `address` may not be contacted, or null when it may. */
  addressRefusal(address: string): string | null {
    const effective = effectiveAddress(address);
    if (!effective) return `${JSON.stringify(address)} is not an IP address`;
    if (this.allowed.check(effective.address, effective.family)) return null;
    if (this.blocked.check(effective.address, effective.family)) {
      const embedded = effective.family === 'ipv4' && isIP(address) === 6 ? ` (IPv4 ${effective.address})` : '';
      return `address ${address}${embedded} is in a private, loopback, link-local or reserved range`;
    }
    return null;
  }

  /** Checks scheme, credentials and (for IP literals) the address; returns the parsed URL. */
  checkUrl(raw: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch (cause) {
      throw new AlertError('ENDPOINT_REFUSED', `endpoint URL ${JSON.stringify(raw)} is not a valid URL`, { cause, pointer: '/endpoint_url' });
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && this.policy.allowHttp)) {
      throw new AlertError('ENDPOINT_REFUSED', `endpoint URL must use https${this.policy.allowHttp ? ' or http' : ''}, got ${url.protocol}`, { pointer: '/endpoint_url' });
    }
    if (url.username || url.password) throw new AlertError('ENDPOINT_REFUSED', 'endpoint URL must not carry credentials', { pointer: '/endpoint_url' });
    const host = hostOf(url);
    if (isIP(host) !== 0 && !this.endpointAllowed(url)) {
      const refusal = this.addressRefusal(host);
      if (refusal) throw new AlertError('ENDPOINT_REFUSED', `endpoint refused: ${refusal}`, { pointer: '/endpoint_url' });
    }
    return url;
  }

  /** Resolves `hostname` and returns its addresses if every one is allowed; throws ENDPOINT_REFUSED otherwise. */
  async resolve(hostname: string): Promise<LookupAddress[]> {
    const host = hostname.toLowerCase();
    if (isIP(host) !== 0) {
      const refusal = this.addressRefusal(host);
      if (refusal) throw new AlertError('ENDPOINT_REFUSED', `endpoint refused: ${refusal}`);
      return [{ address: host, family: isIP(host) }];
    }
    const addresses = await this.lookup(host);
    if (addresses.length === 0) throw new AlertError('ENDPOINT_REFUSED', `host ${host} has no address`);
    if (this.allowHosts.has(host)) return addresses;
    // One bad address refuses the host: a name that mixes public and private
    // answers is exactly what a rebinding attack looks like.
    for (const a of addresses) {
      const refusal = this.addressRefusal(a.address);
      if (refusal) throw new AlertError('ENDPOINT_REFUSED', `host ${host} refused: ${refusal}`);
    }
    return addresses;
  }

  /** Full check of a URL, including DNS, for the subscriptions API at registration time. */
  async checkEndpoint(raw: string): Promise<URL> {
    const url = this.checkUrl(raw);
    if (this.endpointAllowed(url)) return url;
    await this.resolve(hostOf(url)).catch((cause: unknown) => {
      if (isAlertError(cause)) throw cause;
      // At registration a name that does not resolve is the caller's mistake (400);
      // at delivery the same failure is a network error the sender retries.
      const code = (cause as { code?: unknown } | null)?.code;
      throw new AlertError('ENDPOINT_REFUSED', `host ${hostOf(url)} cannot be resolved${typeof code === 'string' ? ` (${code})` : ''}`, { cause, pointer: '/endpoint_url' });
    });
    return url;
  }

  /**
   * A `lookup` for net/tls.connect (passed through undici's `connect` options):
   * the socket connects only to addresses this guard accepted.
   */
  socketLookup(): (hostname: string, options: { all?: boolean; family?: number }, callback: (...args: unknown[]) => void) => void {
    return (hostname, options, callback) => {
      this.resolve(hostname).then(
        (addresses) => {
          const wanted = options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
          if (wanted.length === 0) return callback(Object.assign(new Error(`no IPv${options.family} address for ${hostname}`), { code: 'ENOTFOUND' }));
          if (options.all) return callback(null, wanted);
          return callback(null, wanted[0]!.address, wanted[0]!.family);
        },
        (err: unknown) => callback(err),
      );
    };
  }
}

/** Host name of a URL without IPv6 brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
}
