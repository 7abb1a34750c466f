// The alert list of the watch desk: one row per alert, in the order the list
// was loaded in (a change updates its row in place; an alert that is new to
// the list is announced, not inserted, until the user asks to see it), kept
// current by the server-sent change stream (GET /api/alerts/events) instead of
// re-reading the list. "New since last look" is remembered per browser.
import { $, api, badge, cell, countryName, eventTime, severityBadge } from './lib.js';

const PAGE_SIZE = 50;
const RECONNECT_MS = 2000;
const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'];
const FILTERS = ['sort', 'status', 'min_severity', 'detector_kind', 'dimension_type', 'country', 'event_from', 'event_to', 'acknowledged', 'silenced'];

export function createAlertList({ identity, actionsFor, onError }) {
  const rows = new Map(); // id → { entry, tr }
  const waiting = new Map(); // alerts the list does not show yet: id → entry
  let position = null;
  let nextCursor = null;
  let source = null;
  let reconnectTimer = null;
  let stopped = false;
  let total = 0;
  const lookKey = `tocsin.lastLook.${identity.key_id}`;
  // Alerts opened after this are "new since your last look" (this browser).
  let lastLook = localStorage.getItem(lookKey);
  const body = $('alerts').querySelector('tbody');

  function filters() {
    const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
    for (const name of FILTERS) {
      const input = $(`f-${name}`);
      if (!input || input.closest('[hidden]')) continue;
      let value = input.value.trim();
      if (!value) continue;
      if (name === 'country') value = value.toUpperCase();
      if (name === 'event_from' || name === 'event_to') value = `${value}T00:00:00Z`;
      params.set(name, value);
    }
    return params;
  }

  /** The list's filters, applied to a row the stream announces (the server applies the same ones to pages). */
  function matches(entry) {
    const f = filters();
    const a = entry.alert;
    if (f.get('status') && a.status !== f.get('status')) return false;
    if (f.get('min_severity') && SEVERITIES.indexOf(a.severity) < SEVERITIES.indexOf(f.get('min_severity'))) return false;
    if (f.get('detector_kind') && a.detector.kind !== f.get('detector_kind')) return false;
    if (f.get('dimension_type') && a.dimension.type !== f.get('dimension_type')) return false;
    if (f.get('country') && !(a.countries || []).includes(f.get('country'))) return false;
    if (f.get('event_from') && a.bucket.end <= new Date(f.get('event_from')).toISOString()) return false;
    if (f.get('event_to') && a.bucket.start >= new Date(f.get('event_to')).toISOString()) return false;
    if (f.get('acknowledged') && Boolean(entry.desk.acknowledged) !== (f.get('acknowledged') === 'true')) return false;
    if (f.get('silenced') && Boolean(entry.silenced) !== (f.get('silenced') === 'true')) return false;
    return true;
  }

  function detectorNames(a) {
    return (a.detectors || [a.detector]).map((d) => (typeof d === 'string' ? d : d.id)).join(', ');
  }

  function deskCell(entry) {
    const td = document.createElement('td');
    const d = entry.desk;
    if (d.acknowledged) td.append(badge(d.acknowledged.by ? `acknowledged by ${d.acknowledged.by}` : 'acknowledged', 'tag ack'));
    if (d.assignee) td.append(badge(`→ ${d.assignee.to}`, 'tag'));
    if (d.label) td.append(badge(d.label.value === 'true_positive' ? 'true positive' : 'false positive', 'tag'));
    return td;
  }

  function renderRow(entry, tr) {
    const a = entry.alert;
    tr.replaceChildren();
    tr.dataset.id = entry.id;
    tr.className = ['alert-row', entry.desk.acknowledged ? 'acked' : '', entry.silenced ? 'silenced' : '', a.status === 'resolved' ? 'resolved' : ''].join(' ').trim();
    const sev = document.createElement('td');
    sev.append(severityBadge(a.severity));
    const what = document.createElement('td');
    const link = document.createElement('a');
    link.href = `#/alerts/${encodeURIComponent(entry.id)}`;
    link.textContent = entry.dimension_label;
    link.title = `${a.dimension.type}: ${a.dimension.key}`;
    what.append(link);
    if (lastLook && a.opened_at && a.opened_at > lastLook) what.append(badge('new', 'tag new'));
    if (entry.silenced) what.append(badge('silenced', 'tag silenced-tag'));
    if (entry.level === 'aggregate') what.append(badge('counts only', 'tag'));
    const countries = cell((a.countries || []).map(countryName).join(', '));
    tr.append(sev, cell(a.status), what, cell(detectorNames(a)), countries, cell(`${eventTime(a.bucket.start)}`), deskCell(entry));
    const actions = actionsFor(entry);
    if (actions) tr.append(actions);
  }

  function addRows(entries) {
    for (const entry of entries) {
      if (rows.has(entry.id)) continue;
      const tr = document.createElement('tr');
      renderRow(entry, tr);
      body.append(tr);
      rows.set(entry.id, { entry, tr });
    }
  }

  function hint() {
    $('alerts-hint').textContent = `${rows.size} of ${total}`;
    $('load-more').hidden = !nextCursor;
    $('new-banner').hidden = waiting.size === 0;
    $('new-count').textContent = `${waiting.size} new alert${waiting.size === 1 ? '' : 's'} —`;
  }

  async function load() {
    const page = await api('GET', `/api/alerts?${filters()}`);
    rows.clear();
    waiting.clear();
    body.replaceChildren();
    addRows(page.alerts);
    nextCursor = page.next_cursor;
    total = page.total;
    position = page.position;
    hint();
    // For measurements (the scale test reads it): when the first page of the list was on screen.
    if (performance.getEntriesByName('tocsin:alerts-rendered').length === 0) performance.mark('tocsin:alerts-rendered');
  }

  async function loadMore() {
    if (!nextCursor) return;
    const params = filters();
    params.set('cursor', nextCursor);
    const page = await api('GET', `/api/alerts?${params}`);
    addRows(page.alerts);
    nextCursor = page.next_cursor;
    hint();
  }

  function onAlert(entry) {
    const row = rows.get(entry.id);
    if (row) {
      row.entry = entry;
      renderRow(entry, row.tr);
      row.tr.classList.add('changed');
      setTimeout(() => row.tr.classList.remove('changed'), 1500);
      return;
    }
    if (!matches(entry)) { waiting.delete(entry.id); return; }
    if (!waiting.has(entry.id)) total++;
    waiting.set(entry.id, entry);
    hint();
  }

  function setLive(text, ok) {
    $('live').textContent = text;
    $('live').className = ok ? 'live on' : 'live';
  }

  async function connect() {
    if (stopped) return;
    try {
      const { url } = await api('POST', '/api/alerts/stream-tickets');
      if (stopped) return;
      source = new EventSource(position ? `${url}&last_event_id=${encodeURIComponent(position)}` : url);
    } catch (err) {
      setLive('○ offline', false);
      reconnectTimer = setTimeout(connect, RECONNECT_MS * 2);
      return;
    }
    source.addEventListener('ready', () => setLive('● live', true));
    source.addEventListener('heartbeat', () => setLive('● live', true));
    source.addEventListener('alert', (e) => onAlert(JSON.parse(e.data)));
    source.addEventListener('position', (e) => { position = JSON.parse(e.data).position; });
    source.addEventListener('reset', () => { load().catch(onError); });
    source.addEventListener('error', () => {
      // A spent ticket cannot reconnect by itself: take a new one and resume from the last position.
      if (source && source.readyState === EventSource.CLOSED) {
        setLive('○ reconnecting', false);
        source = null;
        reconnectTimer = setTimeout(connect, RECONNECT_MS);
      }
    });
  }

  /** Remember now as "last look" when the page is left, so the next visit marks what opened since. */
  function rememberLook() { localStorage.setItem(lookKey, new Date().toISOString()); }
  const onHide = () => { if (document.visibilityState === 'hidden') rememberLook(); };
  document.addEventListener('visibilitychange', onHide);
  window.addEventListener('pagehide', rememberLook);

  return {
    async start() {
      await load();
      connect();
    },
    reload: () => load(),
    loadMore: () => loadMore(),
    showNew() {
      // Shown on request only: the list keeps its order until the user asks.
      return load();
    },
    markSeen() {
      rememberLook();
      lastLook = localStorage.getItem(lookKey);
      for (const { entry, tr } of rows.values()) renderRow(entry, tr);
    },
    /** Applies an entry the page got from an action's answer (the stream will confirm it). */
    update(entry) { onAlert(entry); },
    rowOf: (id) => rows.get(id),
    stop() {
      stopped = true;
      clearTimeout(reconnectTimer);
      if (source) source.close();
      source = null;
      document.removeEventListener('visibilitychange', onHide);
      window.removeEventListener('pagehide', rememberLook);
      body.replaceChildren();
      setLive('○ offline', false);
    },
  };
}
