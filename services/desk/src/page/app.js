// Watch-desk page: polls the API and renders. No framework, no inline script.
'use strict';
const KEY_STORAGE = 'tocsin.apiKey';
const POLL_MS = 2000;
const $ = (id) => document.getElementById(id);

function apiKey() { return sessionStorage.getItem(KEY_STORAGE); }

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text === null || text === undefined ? '' : String(text);
  if (className) td.className = className;
  return td;
}

function fmt(n, digits) {
  if (n === null || n === undefined || Number.isNaN(n)) return '';
  return typeof n === 'number' ? n.toLocaleString(undefined, { maximumFractionDigits: digits ?? 1 }) : String(n);
}

function renderPartners(ingest) {
  const body = $('partners').querySelector('tbody');
  body.replaceChildren();
  const partners = (ingest && ingest.partners) || {};
  const totals = { accepted: 0, updated: 0, duplicate: 0, rejected: 0 };
  for (const id of Object.keys(partners).sort()) {
    const p = partners[id];
    const rejected = typeof p.rejected === 'number' ? p.rejected : Object.values(p.rejectedByReason || {}).reduce((a, b) => a + b, 0);
    totals.accepted += p.accepted || 0; totals.updated += p.updated || 0; totals.duplicate += p.duplicate || 0; totals.rejected += rejected;
    const reasons = Object.entries(p.rejectedByReason || {}).map(([r, n]) => `${r}: ${n}`).join(', ');
    const tr = document.createElement('tr');
    tr.append(cell(id), cell(fmt(p.accepted), 'num'), cell(fmt(p.updated), 'num'), cell(fmt(p.duplicate), 'num'), cell(fmt(rejected), 'num'), cell(reasons));
    body.append(tr);
  }
  for (const k of Object.keys(totals)) $(`total-${k}`).textContent = fmt(totals[k]);
}

async function pollHealth() {
  try {
    const res = await fetch('/api/health');
    const health = await res.json();
    const status = $('status');
    status.textContent = `${health.status} · ${health.bus} bus · up ${health.uptime_s}s · v${health.version}`;
    status.className = `status ${health.status}`;
    const components = health.components || {};
    renderPartners(components.ingest && components.ingest.stats);
    const detect = components.detect && components.detect.stats;
    $('total-signals').textContent = detect && typeof detect.signalsEmitted === 'number' ? fmt(detect.signalsEmitted) : '–';
    $('components').textContent = JSON.stringify(components, null, 2);
  } catch (err) {
    $('status').textContent = 'unreachable';
    $('status').className = 'status down';
  }
}

async function pollSignals() {
  const key = apiKey();
  const body = $('signals').querySelector('tbody');
  $('sign-out').hidden = !key;
  if (!key) { $('signals-hint').textContent = 'sign in to see signals'; body.replaceChildren(); return; }
  const res = await fetch('/api/signals?limit=50', { headers: { authorization: `Bearer ${key}` } });
  if (!res.ok) {
    const err = await res.json().catch(() => ({ error: { message: res.statusText } }));
    $('signals-hint').textContent = `cannot list signals: ${err.error.message}`;
    return;
  }
  const { signals } = await res.json();
  $('signals-hint').textContent = `${signals.length} most important`;
  body.replaceChildren();
  for (const s of signals) {
    const tr = document.createElement('tr');
    const sev = document.createElement('td');
    const badge = document.createElement('span');
    badge.className = `sev sev-${s.severity}`;
    badge.textContent = s.severity;
    sev.append(badge);
    tr.append(sev, cell(s.detector.id), cell(`${s.dimension.type}: ${s.dimension.key}`), cell(s.bucket.start.slice(0, 10)),
      cell(fmt(s.observed, 0), 'num'), cell(fmt(s.expected, 2), 'num'), cell(s.p_value === null || s.p_value === undefined ? '' : s.p_value.toExponential(1), 'num'),
      cell(s.countries.join(' ')), cell(s.summary || ''));
    body.append(tr);
  }
}

function tick() { pollHealth(); pollSignals().catch(() => {}); }

document.addEventListener('DOMContentLoaded', () => {
  $('key-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const value = $('api-key').value.trim();
    if (value) sessionStorage.setItem(KEY_STORAGE, value);
    $('api-key').value = '';
    tick();
  });
  $('sign-out').addEventListener('click', () => { sessionStorage.removeItem(KEY_STORAGE); tick(); });
  tick();
  setInterval(tick, POLL_MS);
});
