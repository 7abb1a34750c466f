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
