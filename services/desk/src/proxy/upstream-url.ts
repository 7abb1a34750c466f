// TOCSIN_ALERT_URL: the one address the desk forwards to. Only an origin is
// accepted (no path, query or credentials), so no setting can aim the proxy at
// a sub-tree or smuggle a secret into logs.
export function upstreamUrlFromEnv(name: string, raw: string | undefined): URL | null {
  if (raw === undefined || raw.trim() === '') return null;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new Error(`${name} must be a URL such as http://tocsin-alert:8081, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${name} must be http:// or https://`);
  if (url.username || url.password) throw new Error(`${name} must not carry credentials`);
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) throw new Error(`${name} must be an origin only (scheme, host, port), without path or query`);
  return url;
}
