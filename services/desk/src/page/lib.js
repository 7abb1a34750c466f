// Shared helpers of the watch-desk page and its views (ES module; no framework).
export const KEY_STORAGE = 'tocsin.apiKey';
export const $ = (id) => document.getElementById(id);

export function apiKey() { return sessionStorage.getItem(KEY_STORAGE); }

/** Calls the API with the signed-in key; resolves to the parsed body or throws with the API's message. */
export async function api(method, path, body) {
  const key = apiKey();
  if (!key) throw new Error('sign in first');
  const headers = { authorization: `Bearer ${key}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 204) return null;
  const data = await res.json().catch(() => ({ error: { message: res.statusText } }));
  if (!res.ok) {
    const error = new Error(data.error && data.error.message ? data.error.message : `HTTP ${res.status}`);
    error.status = res.status;
    error.code = data.error && data.error.code;
    throw error;
  }
  return data;
}

export function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text === null || text === undefined ? '' : String(text);
  if (className) td.className = className;
  return td;
}

export function fmt(n, digits) {
  if (n === null || n === undefined || Number.isNaN(n)) return '';
  return typeof n === 'number' ? n.toLocaleString(undefined, { maximumFractionDigits: digits ?? 1 }) : String(n);
}

export function badge(text, className) {
  const span = document.createElement('span');
  span.className = className;
  span.textContent = text;
  return span;
}

/** A severity badge; colours per severity in style.css (each passes WCAG AA contrast). */
export function severityBadge(severity) {
  return badge(severity, `sev sev-${severity}`);
}

/** "2026-11-03" for a bucket starting at midnight, else "2026-11-03 14:00" (UTC, event time). */
export function eventTime(iso) {
  if (!iso) return '';
  const t = iso.slice(11, 16);
  return t === '00:00' ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${t}`;
}

/** Country names from the browser's CLDR data, e.g. "Netherlands" for NL. */
const REGIONS = typeof Intl.DisplayNames === 'function' ? new Intl.DisplayNames(['en'], { type: 'region' }) : null;
export function countryName(code) {
  try { return (REGIONS && REGIONS.of(code)) || code; } catch { return code; }
}
