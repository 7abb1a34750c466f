// Watch-desk page shell: sign-in (GET /api/me says who the key belongs to, and
// the page shows only the controls its scopes allow), the alert list
// (alert-list.js), signals, silences and feed health, and a hash router that
// loads the other views from ./views/. No framework, no inline script.
// Signed out, the page shows nothing but the sign-in form and the status.
import { $, KEY_STORAGE, api, apiKey, cell, countryName, eventTime, fmt, severityBadge } from './lib.js';
import { createAlertList } from './alert-list.js';

const HEALTH_MS = 5000;
const SIGNALS_MS = 10000;
const SILENCES_MS = 10000;

let identity = null;
let list = null;
let timers = [];

const isAdmin = () => Boolean(identity && identity.admin);
const has = (scope) => Boolean(identity && (identity.admin || identity.scopes.includes(scope)));

// ---- status and feed health ----

function renderPartners(ingest) {
  const body = $('partners').querySelector('tbody');
  body.replaceChildren();
  const partners = (ingest && ingest.partners) || {};
  // Feed health per partner (lag, last record handled, ok/ended/stalled/lagging/silent), when ingest reports it.
  const feeds = (ingest && ingest.feeds) || {};
  const totals = { accepted: 0, updated: 0, duplicate: 0, rejected: 0, lag: 0 };
  for (const id of [...new Set([...Object.keys(partners), ...Object.keys(feeds)])].sort()) {
    const p = partners[id] || {};
    const feed = feeds[id] || {};
    const byReason = p.rejected || {};
    const rejected = Object.values(byReason).reduce((a, b) => a + b, 0);
    totals.accepted += p.accepted || 0; totals.updated += p.updated || 0; totals.duplicate += p.duplicate || 0; totals.rejected += rejected;
    totals.lag += feed.lag || 0;
    const reasons = Object.entries(byReason).map(([r, n]) => `${r}: ${n}`).join(', ');
    const tr = document.createElement('tr');
    const lastAt = feed.last_record_at ? `${new Date(feed.last_record_at).toLocaleTimeString()} (wall clock)` : '–';
    tr.append(cell(id), cell(feed.status || '', `feed ${feed.status || ''}`), cell(fmt(feed.lag), 'num'), cell(lastAt), cell(fmt(p.accepted), 'num'), cell(fmt(p.updated), 'num'), cell(fmt(p.duplicate), 'num'), cell(fmt(rejected), 'num'), cell(reasons));
    body.append(tr);
  }
  for (const k of Object.keys(totals)) $(`total-${k}`).textContent = fmt(totals[k]);
}

async function pollHealth() {
  try {
    // Signed out, health says only status and version; a key adds component statuses, an admin key counters.
    const key = apiKey();
    let res = await fetch('/api/health', key ? { headers: { authorization: `Bearer ${key}` } } : {});
    if (res.status === 401) res = await fetch('/api/health');
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const health = await res.json();
    const status = $('status');
    status.textContent = health.bus ? `${health.status} · ${health.bus} bus · v${health.version}` : `${health.status} · v${health.version}`;
    status.className = `status ${health.status}`;
    // The embedded pipeline runs on simulated time: say so wherever event time is shown.
    $('clock-note').textContent = health.bus === 'memory'
      ? 'Times are event time — simulated by the demo feed (one simulated day per second), not the wall clock.'
      : 'Times are event time: the bucket the incidents fall in.';
    if (!isAdmin()) return;
    const components = health.components || {};
    renderPartners(components.ingest && components.ingest.stats);
    const detect = components.detect && components.detect.stats;
    $('total-signals').textContent = detect && detect.score && typeof detect.score.signals === 'number' ? fmt(detect.score.signals) : '–';
    $('components').textContent = JSON.stringify(components, null, 2);
  } catch (err) {
    $('status').textContent = `unreachable (${err.message})`;
    $('status').className = 'status down';
  }
}

// ---- signals ----

function stat(s, name) {
  if (s.statistics !== undefined) return s.statistics ? s.statistics[name] : null;
  return s[name];
}

async function pollSignals() {
  const body = $('signals').querySelector('tbody');
  let signals;
  try {
    ({ signals } = await api('GET', '/api/signals?limit=50'));
  } catch (err) {
    $('signals-hint').textContent = `cannot list signals: ${err.message}`;
    return;
  }
  $('signals-hint').textContent = `${signals.length} most important`;
  body.replaceChildren();
  for (const s of signals) {
    const tr = document.createElement('tr');
    const sev = document.createElement('td');
    sev.append(severityBadge(s.severity));
    tr.append(sev, cell(s.detector.id), cell(`${s.dimension.type}: ${s.dimension.key}`), cell(eventTime(s.bucket.start)),
      // Admin keys get signals as emitted; agency keys get sharing views whose statistics sit under `statistics` (or are withheld).
      cell(fmt(stat(s, 'observed'), 0), 'num'), cell(fmt(stat(s, 'expected'), 2), 'num'), cell(typeof stat(s, 'p_value') === 'number' ? stat(s, 'p_value').toExponential(1) : '', 'num'),
      cell(s.countries.map(countryName).join(', ')), cell(s.summary || ''));
    body.append(tr);
  }
}

// ---- watch-desk actions and silences (admin keys) ----

function say(text, isError) {
  const el = $('alert-message');
  el.textContent = text;
  el.className = isError ? 'message error' : 'message';
}

function actionButton(label, action, id) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.dataset.action = action;
  b.dataset.id = id;
  return b;
}

/** The actions cell of a row: admin keys only (the API refuses desk actions to others). */
function actionsFor(entry) {
  if (!isAdmin()) return null;
  const td = document.createElement('td');
  td.className = 'actions';
  td.append(
    actionButton(entry.desk.acknowledged ? 'Acked' : 'Ack', 'acknowledge', entry.id),
    actionButton('Assign', 'assign', entry.id),
    actionButton('TP', 'label-tp', entry.id),
    actionButton('FP', 'label-fp', entry.id),
    actionButton('Silence 1h', 'silence', entry.id),
  );
  if (entry.desk.acknowledged) td.firstChild.disabled = true;
  return td;
}

async function pollSilences() {
  const body = $('silences').querySelector('tbody');
  let data;
  try {
    data = await api('GET', '/api/silences');
  } catch (err) {
    $('silences-hint').textContent = err.message;
    return;
  }
  $('silences-hint').textContent = `${data.silences.length} active`;
  body.replaceChildren();
  for (const s of data.silences) {
    const tr = document.createElement('tr');
    const end = document.createElement('td');
    end.append(actionButton('End', 'end-silence', s.id));
    tr.append(cell(s.matchers.map((m) => `${m.name}${m.op}"${m.value}"`).join(', ')), cell(`${s.ends_at.slice(0, 16).replace('T', ' ')} UTC`), cell(s.created_by), cell(s.comment || ''), end);
    body.append(tr);
  }
}

/** One watch-desk action; free text comes from a prompt (no inline handlers under the CSP). The row stays where it is. */
async function runAction(action, id) {
  const path = `/api/alerts/${encodeURIComponent(id)}`;
  if (action === 'acknowledge') {
    const comment = window.prompt('Acknowledge — comment (optional):', '');
    if (comment === null) return;
    await api('POST', `${path}/acknowledge`, comment ? { comment } : {});
    say(`acknowledged ${id}`);
  } else if (action === 'assign') {
    const assignee = window.prompt('Assign to:', '');
    if (!assignee) return;
    await api('POST', `${path}/assign`, { assignee });
    say(`assigned ${id} to ${assignee}`);
  } else if (action === 'label-tp' || action === 'label-fp') {
    const label = action === 'label-tp' ? 'true_positive' : 'false_positive';
    const comment = window.prompt(`Label ${label.replace('_', ' ')} — comment (optional):`, '');
    if (comment === null) return;
    await api('POST', `${path}/label`, comment ? { label, comment } : { label });
    say(`labelled ${id} ${label.replace('_', ' ')}`);
  } else if (action === 'silence') {
    const s = await api('POST', '/api/silences', { matchers: [{ name: 'alert_id', op: '=', value: id }], duration_seconds: 3600, comment: 'silenced from the watch desk' });
    say(`silenced ${id} until ${s.ends_at.slice(11, 16)} UTC`);
  } else if (action === 'end-silence') {
    await api('DELETE', `/api/silences/${encodeURIComponent(id)}`);
    say(`ended silence ${id}`);
  }
  // The row itself is updated by the change stream; silences are listed here.
  if (action === 'silence' || action === 'end-silence') await pollSilences();
}

function onActionClick(event) {
  const button = event.target.closest('button[data-action]');
  if (!button) return;
  button.disabled = true;
  runAction(button.dataset.action, button.dataset.id)
    .catch((err) => say(`${button.dataset.action} failed: ${err.message}`, true))
    .finally(() => { if (button.isConnected) button.disabled = false; });
}

async function createSilence(event) {
  event.preventDefault();
  const minutes = Number($('silence-minutes').value);
  const comment = $('silence-comment').value.trim();
  try {
    const s = await api('POST', '/api/silences', {
      matchers: [{ name: $('silence-name').value, op: $('silence-op').value, value: $('silence-value').value.trim() }],
      duration_seconds: Math.round(minutes * 60),
      ...(comment ? { comment } : {}),
    });
    say(`silence ${s.id} until ${s.ends_at.slice(0, 16).replace('T', ' ')} UTC`);
    $('silence-value').value = '';
    $('silence-comment').value = '';
  } catch (err) {
    say(`silence failed: ${err.message}`, true);
  }
  await pollSilences();
}

// ---- sign-in ----

function showSignedOut(message) {
  identity = null;
  for (const t of timers) clearInterval(t);
  timers = [];
  if (list) list.stop();
  list = null;
  $('signed-in').hidden = true;
  $('who').hidden = true;
  $('key-form').hidden = false;
  $('sign-in-message').textContent = message || '';
  for (const id of ['signals', 'silences', 'partners']) $(id).querySelector('tbody').replaceChildren();
  $('components').textContent = '';
}

async function signIn() {
  if (!apiKey()) { showSignedOut(); return; }
  let me;
  try {
    me = await api('GET', '/api/me');
  } catch (err) {
    sessionStorage.removeItem(KEY_STORAGE);
    showSignedOut(err.status === 401 ? 'This API key is not accepted (unknown or disabled).' : `Cannot sign in: ${err.message}`);
    return;
  }
  identity = me;
  $('who-text').textContent = `${me.agency} · ${me.country_name || countryName(me.country)} · ${me.scopes.join(', ') || 'no scopes'} · key ${me.key_id}`;
  $('who').hidden = false;
  $('key-form').hidden = true;
  $('sign-in-message').textContent = '';
  $('signed-in').hidden = false;
  // Controls the key may not use are not shown at all (the API refuses them anyway).
  for (const el of document.querySelectorAll('[data-needs="admin"]')) el.hidden = !isAdmin();
  for (const el of document.querySelectorAll('[data-scope]')) el.hidden = !has(el.dataset.scope);
  pollHealth();
  if (has('alerts:read')) {
    list = createAlertList({ identity: me, actionsFor, onError: (err) => say(`cannot list alerts: ${err.message}`, true) });
    list.start().catch((err) => say(`cannot list alerts: ${err.message}`, true));
    pollSignals();
    timers.push(setInterval(pollSignals, SIGNALS_MS));
  } else {
    $('alerts-hint').textContent = 'this key lacks the alerts:read scope';
  }
  if (isAdmin()) {
    pollSilences();
    timers.push(setInterval(pollSilences, SILENCES_MS));
  }
}

// ---- router: hash route → view module under ./views/ (see views/README.md); `#/` is the desk itself ----

const VIEWS = {
  alerts: 'alert-detail',
  routes: 'routes',
  tuning: 'tuning',
};
let leaveView = null;

async function route() {
  if (leaveView) { try { leaveView(); } catch { /* a view's clean-up must not block navigation */ } leaveView = null; }
  const [name, ...rest] = location.hash.replace(/^#\/?/, '').split('/');
  const container = $('view');
  const module = VIEWS[name];
  $('desk').hidden = Boolean(module);
  container.hidden = !module;
  container.replaceChildren();
  if (!module || !identity) return;
  try {
    const view = await import(`./views/${module}.js`);
    const left = await view.mount(container, { args: rest.map(decodeURIComponent), api, apiKey, identity, navigate: (hash) => { location.hash = hash; } });
    if (typeof left === 'function') leaveView = left;
  } catch (err) {
    container.textContent = `cannot show this view: ${err.message}`;
  }
}

document.addEventListener('DOMContentLoaded', () => {
  window.addEventListener('hashchange', () => { route(); });
  $('key-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const value = $('api-key').value.trim();
    $('api-key').value = '';
    if (!value) return;
    sessionStorage.setItem(KEY_STORAGE, value);
    signIn().then(route);
  });
  $('sign-out').addEventListener('click', () => { sessionStorage.removeItem(KEY_STORAGE); showSignedOut(); route(); });
  $('alert-filters').addEventListener('submit', (e) => { e.preventDefault(); if (list) list.reload().catch((err) => say(err.message, true)); });
  $('show-new').addEventListener('click', () => { if (list) list.showNew().catch((err) => say(err.message, true)); });
  $('load-more').addEventListener('click', () => { if (list) list.loadMore().catch((err) => say(err.message, true)); });
  $('mark-seen').addEventListener('click', () => { if (list) list.markSeen(); });
  $('alerts').addEventListener('click', onActionClick);
  $('silences').addEventListener('click', onActionClick);
  $('silence-form').addEventListener('submit', createSilence);
  pollHealth();
  setInterval(pollHealth, HEALTH_MS);
  signIn().then(route);
});
