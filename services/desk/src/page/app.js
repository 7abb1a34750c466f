// Watch-desk page: the desk view (polls the API and renders) and a hash router
// that loads the other views from ./views/. No framework, no inline script.
import { $, KEY_STORAGE, api, apiKey, badge, cell, fmt } from './lib.js';

const POLL_MS = 2000;

function renderPartners(ingest) {
  const body = $('partners').querySelector('tbody');
  body.replaceChildren();
  const partners = (ingest && ingest.partners) || {};
  // Feed health per partner (lag, last record handled, ok/stalled/lagging/silent), when ingest reports it.
  const feeds = (ingest && ingest.feeds) || {};
  const totals = { accepted: 0, updated: 0, duplicate: 0, rejected: 0, lag: 0 };
  for (const id of [...new Set([...Object.keys(partners), ...Object.keys(feeds)])].sort()) {
    const p = partners[id] || {};
    const feed = feeds[id] || {};
    // ingest reports rejections per reason code: { schema_violation: 3, ... }
    const byReason = p.rejected || {};
    const rejected = Object.values(byReason).reduce((a, b) => a + b, 0);
    totals.accepted += p.accepted || 0; totals.updated += p.updated || 0; totals.duplicate += p.duplicate || 0; totals.rejected += rejected;
    totals.lag += feed.lag || 0;
    const reasons = Object.entries(byReason).map(([r, n]) => `${r}: ${n}`).join(', ');
    const tr = document.createElement('tr');
    const lastAt = feed.last_record_at ? new Date(feed.last_record_at).toLocaleTimeString() : '–';
    tr.append(cell(id), cell(feed.status || '', `feed ${feed.status || ''}`), cell(fmt(feed.lag), 'num'), cell(lastAt), cell(fmt(p.accepted), 'num'), cell(fmt(p.updated), 'num'), cell(fmt(p.duplicate), 'num'), cell(fmt(rejected), 'num'), cell(reasons));
    body.append(tr);
  }
  for (const k of Object.keys(totals)) $(`total-${k}`).textContent = fmt(totals[k]);
}

async function pollHealth() {
  try {
    // Signed out, health says only status and version; a key adds component
    // statuses, an admin key the counters behind the partner table.
    const key = apiKey();
    let res = await fetch('/api/health', key ? { headers: { authorization: `Bearer ${key}` } } : {});
    if (res.status === 401) res = await fetch('/api/health'); // a stale key: show what everyone sees
    const health = await res.json();
    const status = $('status');
    status.textContent = health.bus ? `${health.status} · ${health.bus} bus · up ${health.uptime_s}s · v${health.version}` : `${health.status} · v${health.version}`;
    status.className = `status ${health.status}`;
    const components = health.components || {};
    renderPartners(components.ingest && components.ingest.stats);
    const detect = components.detect && components.detect.stats;
    $('total-signals').textContent = detect && detect.score && typeof detect.score.signals === 'number' ? fmt(detect.score.signals) : '–';
    $('components').textContent = JSON.stringify(components, null, 2);
  } catch (err) {
    $('status').textContent = 'unreachable';
    $('status').className = 'status down';
  }
}

function stat(s, name) {
  if (s.statistics !== undefined) return s.statistics ? s.statistics[name] : null;
  return s[name];
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
      // Admin keys get signals as emitted; agency keys get sharing views whose statistics sit under `statistics` (or are withheld).
      cell(fmt(stat(s, 'observed'), 0), 'num'), cell(fmt(stat(s, 'expected'), 2), 'num'), cell(typeof stat(s, 'p_value') === 'number' ? stat(s, 'p_value').toExponential(1) : '', 'num'),
      cell(s.countries.join(' ')), cell(s.summary || ''));
    body.append(tr);
  }
}

// ---- Alerts panel: list, filter, and the watch-desk actions (admin keys). ----

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

function deskText(desk) {
  const parts = [];
  if (desk.acknowledged) parts.push(`ack ${desk.acknowledged.by || ''} ${desk.acknowledged.at.slice(0, 16).replace('T', ' ')}`.replace('  ', ' '));
  if (desk.assignee) parts.push(`→ ${desk.assignee.to}`);
  if (desk.label) parts.push(desk.label.value === 'true_positive' ? 'true positive' : 'false positive');
  return parts.join(' · ');
}

/** Admin keys get the stored record (partners named); agencies the shared view (rests_on). */
// An alert lists every detector of its episode (admin: objects, agency views: ids); older records only one.
function detectorNames(a) {
  const list = a.detectors || [a.detector];
  return list.map((d) => (typeof d === 'string' ? d : d.id)).join(', ');
}

function restsOn(entry) {
  const a = entry.alert;
  if (entry.level === 'admin') return (a.partners || []).join(' ');
  const named = (a.rests_on && a.rests_on.partners) || [];
  const unnamed = a.rests_on ? a.rests_on.unnamed_partners : 0;
  return named.join(' ') + (unnamed ? ` +${unnamed} unnamed` : '');
}

function alertQuery() {
  const params = new URLSearchParams({ limit: '50' });
  const status = $('alert-status').value;
  const severity = $('alert-severity').value;
  const country = $('alert-country').value.trim().toUpperCase();
  if (status) params.set('status', status);
  if (severity) params.set('min_severity', severity);
  if (country) params.set('country', country);
  return params.toString();
}

async function pollAlerts() {
  const body = $('alerts').querySelector('tbody');
  if (!apiKey()) { $('alerts-hint').textContent = 'sign in to see alerts'; body.replaceChildren(); return; }
  let page;
  try {
    page = await api('GET', `/api/alerts?${alertQuery()}`);
  } catch (err) {
    $('alerts-hint').textContent = `cannot list alerts: ${err.message}`;
    body.replaceChildren();
    return;
  }
  $('alerts-hint').textContent = `${page.alerts.length} of ${page.total}`;
  body.replaceChildren();
  for (const entry of page.alerts) {
    const a = entry.alert;
    const tr = document.createElement('tr');
    const sev = document.createElement('td');
    sev.append(badge(a.severity, `sev sev-${a.severity}`));
    if (entry.level === 'aggregate') sev.append(' ', badge('aggregate', 'tag'));
    const actions = document.createElement('td');
    actions.className = 'actions';
    // Desk actions need an admin key; the API answers admin keys with level "admin".
    if (entry.level === 'admin') {
      actions.append(
        actionButton('Ack', 'acknowledge', entry.id),
        actionButton('Assign', 'assign', entry.id),
        actionButton('TP', 'label-tp', entry.id),
        actionButton('FP', 'label-fp', entry.id),
        actionButton('Silence 1h', 'silence', entry.id),
      );
    } else {
      actions.textContent = 'admin key needed';
      actions.classList.add('muted');
    }
    tr.append(sev, cell(a.status), cell(detectorNames(a)), cell(`${a.dimension.type}: ${a.dimension.key}`), cell((a.countries || []).join(' ')),
      cell(restsOn(entry)), cell(entry.updated_at.slice(0, 16).replace('T', ' ')), cell(deskText(entry.desk)), actions);
    body.append(tr);
  }
}

async function pollSilences() {
  const body = $('silences').querySelector('tbody');
  if (!apiKey()) { $('silences-hint').textContent = ''; body.replaceChildren(); return; }
  let data;
  try {
    data = await api('GET', '/api/silences');
  } catch (err) {
    $('silences-hint').textContent = err.message;
    body.replaceChildren();
    return;
  }
  $('silences-hint').textContent = `${data.silences.length} active`;
  body.replaceChildren();
  for (const s of data.silences) {
    const tr = document.createElement('tr');
    const end = document.createElement('td');
    end.append(actionButton('End', 'end-silence', s.id));
    tr.append(cell(s.matchers.map((m) => `${m.name}${m.op}"${m.value}"`).join(', ')), cell(s.ends_at.slice(0, 16).replace('T', ' ')), cell(s.created_by), cell(s.comment || ''), end);
    body.append(tr);
  }
}

/** One watch-desk action; free text comes from a prompt (no inline handlers under the CSP). */
async function runAction(action, id) {
  if (action === 'acknowledge') {
    const comment = window.prompt('Acknowledge — comment (optional):', '');
    if (comment === null) return;
    await api('POST', `/api/alerts/${encodeURIComponent(id)}/acknowledge`, comment ? { comment } : {});
    say(`acknowledged ${id}`);
  } else if (action === 'assign') {
    const assignee = window.prompt('Assign to:', '');
    if (!assignee) return;
    await api('POST', `/api/alerts/${encodeURIComponent(id)}/assign`, { assignee });
    say(`assigned ${id} to ${assignee}`);
  } else if (action === 'label-tp' || action === 'label-fp') {
    const label = action === 'label-tp' ? 'true_positive' : 'false_positive';
    const comment = window.prompt(`Label ${label.replace('_', ' ')} — comment (optional):`, '');
    if (comment === null) return;
    await api('POST', `/api/alerts/${encodeURIComponent(id)}/label`, comment ? { label, comment } : { label });
    say(`labelled ${id} ${label.replace('_', ' ')}`);
  } else if (action === 'silence') {
    const s = await api('POST', '/api/silences', { matchers: [{ name: 'alert_id', op: '=', value: id }], duration_seconds: 3600, comment: 'silenced from the watch desk' });
    say(`silenced ${id} until ${s.ends_at.slice(11, 16)} UTC`);
  } else if (action === 'end-silence') {
    await api('DELETE', `/api/silences/${encodeURIComponent(id)}`);
    say(`ended silence ${id}`);
  }
  await Promise.all([pollAlerts(), pollSilences()]);
}

function onActionClick(event) {
  const button = event.target.closest('button[data-action]');
  if (!button) return;
  button.disabled = true;
  runAction(button.dataset.action, button.dataset.id)
    .catch((err) => say(`${button.dataset.action} failed: ${err.message}`, true))
    .finally(() => { button.disabled = false; });
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

function tick() { pollHealth(); pollSignals().catch(() => {}); pollAlerts().catch(() => {}); pollSilences().catch(() => {}); }

// Hash route → view module under ./views/ (see views/README.md). `#/` is the desk itself.
const VIEWS = {
  alerts: 'alert-detail',
  routes: 'routes',
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
  if (!module) return;
  try {
    const view = await import(`./views/${module}.js`);
    const left = await view.mount(container, { args: rest.map(decodeURIComponent), api, apiKey, navigate: (hash) => { location.hash = hash; } });
    if (typeof left === 'function') leaveView = left;
  } catch (err) {
    container.textContent = `cannot show this view: ${err.message}`;
  }
}

document.addEventListener('DOMContentLoaded', () => {
  window.addEventListener('hashchange', () => { route(); });
  route();
  $('key-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const value = $('api-key').value.trim();
    if (value) sessionStorage.setItem(KEY_STORAGE, value);
    $('api-key').value = '';
    tick();
  });
  $('sign-out').addEventListener('click', () => { sessionStorage.removeItem(KEY_STORAGE); tick(); });
  $('alert-filters').addEventListener('submit', (e) => { e.preventDefault(); pollAlerts().catch(() => {}); });
  $('alerts').addEventListener('click', onActionClick);
  $('silences').addEventListener('click', onActionClick);
  $('silence-form').addEventListener('submit', createSilence);
  tick();
  setInterval(tick, POLL_MS);
});
