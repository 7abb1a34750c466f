// Alert detail view (#/alerts/<id>): the dimension's series with its expected band,
// alarms and open period (uPlot, vendored), why the alert fired, what it rests on as
// far as the viewer may see, its revision history and desk actions, and — for admin
// keys — acknowledge, assign, label and silence in place.
import uPlot from '../vendor/uplot/uPlot.esm.js';
import { badge, cell, fmt } from '../lib.js';
import { el, loadStyle } from './view-kit.js';

const DETECTOR_NAMES = {
  'ears-c1': 'EARS C1', 'ears-c2': 'EARS C2', 'ears-c3': 'EARS C3', farrington: 'Farrington', 'farrington-flexible': 'Farrington (flexible)',
  cusum: 'CUSUM', glrnb: 'GLR (negative binomial)', ewma: 'EWMA', 'first-seen': 'first sighting', 'emerging-terms': 'emerging terms',
  'cross-border-spread': 'cross-border spread', 'route-displacement': 'route displacement',
};
const detectorName = (id) => DETECTOR_NAMES[id] || id;
const day = (iso) => (iso ? iso.slice(0, 10) : '');
const minute = (iso) => (iso ? iso.slice(0, 16).replace('T', ' ') : '');

/** The alert's numbers: admin keys get the record, agencies the view's `statistics` (null when withheld). */
function statisticsOf(entry) {
  const a = entry.alert;
  if (entry.level === 'admin') return { observed: a.observed, expected: a.expected, upperbound: a.upperbound, p_value: a.p_value, q_value: a.q_value };
  return a.statistics;
}

function whyText(entry, series) {
  const a = entry.alert;
  const detectors = (a.detectors || [a.detector]).map((d) => detectorName(typeof d === 'string' ? d : d.id));
  const s = statisticsOf(entry);
  const parts = [`${detectors.join(', ')} fired on ${entry.dimension_label || `${a.dimension.type} ${a.dimension.key}`} in the ${a.bucket.granularity} of ${day(a.bucket.start)} (event time).`];
  if (s) {
    let numbers = `Observed ${fmt(s.observed, 0)}`;
    if (s.expected !== null && s.expected !== undefined) numbers += ` against an expected ${fmt(s.expected, 1)}`;
    if (s.upperbound !== null && s.upperbound !== undefined) numbers += ` (upper bound ${fmt(s.upperbound, 1)})`;
    if (typeof s.p_value === 'number') numbers += `, p = ${s.p_value.toExponential(1)}`;
    if (typeof s.q_value === 'number') numbers += `, q = ${s.q_value.toExponential(1)} after multiple-testing control`;
    parts.push(`${numbers}.`);
  } else {
    parts.push('The statistics are withheld: an incident behind them is not shared with your agency.');
  }
  parts.push(`Strongest evidence: ${detectorName(a.detector.id)} v${a.detector.version}${series && series.config_version ? `, detector configuration ${series.config_version}` : ''}.`);
  if (a.summary) parts.push(a.summary);
  return parts.join(' ');
}

/** Chart of the series: observed, expected band (expected → upper bound), alarms, open period shaded. */
function drawChart(container, series) {
  const pts = series.points;
  if (pts.length === 0) {
    container.append(el('p', { className: 'muted' }, series.withheld || 'No series recorded for this alert (alerts opened before series were kept, or an emergence detector without counts).'));
    return null;
  }
  const xs = pts.map((p) => Date.parse(p.start) / 1000);
  const observed = pts.map((p) => p.observed);
  const expected = pts.map((p) => p.expected);
  const upper = pts.map((p) => p.upperbound);
  const alarms = pts.map((p) => (p.alarm ? p.observed : null));
  const step = series.granularity === 'week' ? 7 * 86_400 : 86_400;
  // Each point sits at its bucket's start; the axis reaches half a bucket beyond both ends.
  const xMin = xs[0] - step / 2;
  const xMax = xs[xs.length - 1] + step;
  const open = { from: Date.parse(series.open_period.start) / 1000, to: series.open_period.end ? Date.parse(series.open_period.end) / 1000 : xMax };
  const css = getComputedStyle(document.documentElement);
  const colour = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
  const width = Math.max(320, Math.min(container.clientWidth || 900, 1100));
  const opts = {
    width,
    height: 300,
    title: `${series.dimension.type} ${series.dimension.key} · per ${series.granularity} (event time)`,
    scales: { x: { time: true, range: () => [xMin, xMax] }, y: { range: (u, min, max) => [0, Math.max(1, max) * 1.1] } },
    axes: [{ stroke: colour('--muted', '#8b98a5'), grid: { stroke: '#243040' } }, { stroke: colour('--muted', '#8b98a5'), grid: { stroke: '#243040' }, label: 'incidents' }],
    series: [
      {},
      { label: 'observed', stroke: colour('--text', '#e6e9ec'), width: 2, points: { show: true, size: 4 } },
      { label: 'expected', stroke: colour('--green', '#46a758'), width: 1.5, dash: [6, 4], spanGaps: false },
      { label: 'upper bound', stroke: colour('--accent', '#e8a33d'), width: 1.5, spanGaps: false },
      { label: 'alarm', stroke: colour('--red', '#e5484d'), width: 0, paths: () => null, points: { show: true, size: 11, fill: colour('--red', '#e5484d'), stroke: '#fff', width: 1.5 } },
    ],
    // The expected band: filled between the expected value and the upper bound.
    bands: [{ series: [3, 2], fill: 'rgba(70, 167, 88, 0.18)' }],
    hooks: {
      // The alert's open period, shaded under the lines.
      drawClear: [(u) => {
        const left = u.valToPos(Math.max(open.from, u.scales.x.min), 'x', true);
        const right = u.valToPos(Math.min(open.to, u.scales.x.max), 'x', true);
        if (!(right > left)) return;
        const { top, height } = u.bbox;
        u.ctx.save();
        u.ctx.fillStyle = 'rgba(229, 72, 77, 0.12)';
        u.ctx.fillRect(left, top, right - left, height);
        u.ctx.restore();
      }],
    },
  };
  const chart = new uPlot(opts, [xs, observed, expected, upper, alarms], container);
  container.append(el('p', { className: 'muted legend-note' },
    `Shaded red: the alert's open period (${day(series.open_period.start)} – ${series.open_period.end ? day(series.open_period.end) : 'open'}). Green band: expected value to upper bound of ${detectorName(series.detector)}. Red dots: buckets in which a detector of this alert fired.`));
  return chart;
}

function restsOnList(entry) {
  const a = entry.alert;
  if (entry.level === 'admin') return { partners: a.partners || [], unnamed: 0 };
  return { partners: (a.rests_on && a.rests_on.partners) || [], unnamed: a.rests_on ? a.rests_on.unnamed_partners : 0 };
}

function contributions(entry) {
  const a = entry.alert;
  const box = el('section', { className: 'detail-block' }, el('h3', {}, 'What it rests on'));
  const { partners, unnamed } = restsOnList(entry);
  const facts = el('dl', { className: 'facts' });
  const fact = (term, value) => facts.append(el('dt', {}, term), el('dd', {}, value || '–'));
  fact('Countries', (a.countries || []).join(' '));
  fact('Partners', partners.join(' ') + (unnamed ? ` +${unnamed} unnamed` : ''));
  if (entry.level !== 'admin' && a.counts) {
    fact('Incidents', `${a.counts.incidents} shared with you (${a.counts.incidents_detailed} in detail)${a.counts.incidents_unlisted ? `, ${a.counts.incidents_unlisted} more counted` : ''}`);
    fact('By country', Object.entries(a.counts.by_country).map(([c, n]) => `${c} ${n}`).join(' · '));
    if (a.counts.low_grade) fact('Low-grade', `${a.counts.low_grade} rest on low-grade information`);
  } else {
    fact('Incidents', `${a.evidence_total} contributing, ${(a.evidence || []).length} listed`);
  }
  if (a.terms && a.terms.length) fact('Terms', a.terms.join(', '));
  if (a.first_reported) fact('First reported', `${a.first_reported.partner} (${a.first_reported.country}) ${minute(a.first_reported.at)}`);
  box.append(facts);
  const evidence = a.evidence || [];
  if (evidence.length) {
    const table = el('table', { className: 'evidence' });
    table.append(el('thead', {}, el('tr', {}, ...['Incident', 'Partner', 'Country', 'Occurred', 'Route', 'Methods', 'Commodities', 'Marking'].map((h) => el('th', {}, h)))));
    const body = el('tbody');
    for (const e of evidence.slice(-50).reverse()) {
      const route = e.route ? `${[e.route.origin, ...e.route.transit, e.route.destination].join('→')}${e.modality ? ` (${e.modality})` : ''}` : '';
      const tlp = e.handling ? e.handling.tlp : e.marking.tlp;
      body.append(el('tr', {}, cell(e.incident_id), cell(e.partner), cell(e.country), cell(minute(e.occurred_at)), cell(route), cell((e.methods || []).join(', ')), cell((e.commodities || []).join(', ')), cell(tlp)));
    }
    table.append(body);
    box.append(el('h3', {}, `Incidents (latest ${Math.min(50, evidence.length)} of ${evidence.length} listed)`), table);
  }
  return box;
}

function history(detail) {
  const box = el('section', { className: 'detail-block' }, el('h3', {}, 'Revision history'));
  const table = el('table', { className: 'revisions' });
  table.append(el('thead', {}, el('tr', {}, ...['Rev.', 'At (wall clock)', 'Event time', 'Reason', 'Status', 'Severity'].map((h) => el('th', {}, h)))));
  const body = el('tbody');
  for (const r of [...detail.revisions].reverse()) body.append(el('tr', {}, cell(r.revision, 'num'), cell(minute(r.at)), cell(day(r.event_time)), cell(r.reason), cell(r.status), cell(r.severity)));
  table.append(body);
  box.append(table);
  const actions = el('ul', { className: 'desk-actions' });
  for (const a of [...detail.actions].reverse()) {
    const what = a.action === 'label' && a.label ? `labelled ${a.label.replace('_', ' ')}` : a.action === 'assign' && a.assignee ? `assigned to ${a.assignee}` : a.action.replace('_', ' ');
    actions.append(el('li', {}, `${minute(a.at)} · ${a.actor} ${what}${a.comment ? ` — “${a.comment}”` : ''}`));
  }
  box.append(el('h3', {}, 'Desk actions'), detail.actions.length ? actions : el('p', { className: 'muted' }, 'none yet'));
  return box;
}

/** Acknowledge, assign, label and silence, for admin keys (the API refuses others). */
function controls(detail, ctx, refresh) {
  const id = detail.id;
  const box = el('section', { className: 'detail-block desk-controls', 'aria-label': 'Desk actions' }, el('h3', {}, 'Act on this alert'));
  const message = el('div', { className: 'message', role: 'status', 'aria-live': 'polite' });
  const run = async (button, label, call) => {
    button.disabled = true;
    try {
      await call();
      message.className = 'message';
      message.textContent = label;
      await refresh(label);
    } catch (err) {
      message.className = 'message error';
      message.textContent = `${label} failed: ${err.message}`;
    } finally {
      button.disabled = false;
    }
  };
  const path = (action) => `/api/alerts/${encodeURIComponent(id)}/${action}`;
  const comment = el('input', { id: 'detail-comment', placeholder: 'comment (optional)', maxLength: 1000 });
  const assignee = el('input', { id: 'detail-assignee', placeholder: 'assignee', maxLength: 200 });
  const minutes = el('input', { id: 'detail-silence-minutes', type: 'number', min: '1', max: '527040', value: '60' });
  const text = () => comment.value.trim();
  const ack = el('button', { type: 'button', dataset: { action: 'acknowledge' } }, detail.desk.acknowledged ? 'Acknowledge again' : 'Acknowledge');
  ack.addEventListener('click', () => run(ack, 'acknowledged', () => ctx.api('POST', path('acknowledge'), text() ? { comment: text() } : {})));
  const assign = el('button', { type: 'button', dataset: { action: 'assign' } }, 'Assign');
  assign.addEventListener('click', () => {
    if (!assignee.value.trim()) { message.className = 'message error'; message.textContent = 'name an assignee first'; return; }
    run(assign, `assigned to ${assignee.value.trim()}`, () => ctx.api('POST', path('assign'), { assignee: assignee.value.trim(), ...(text() ? { comment: text() } : {}) }));
  });
  const label = (value, name) => {
    const b = el('button', { type: 'button', dataset: { action: `label-${value}` } }, name);
    b.addEventListener('click', () => run(b, `labelled ${name.toLowerCase()}`, () => ctx.api('POST', path('label'), { label: value, ...(text() ? { comment: text() } : {}) })));
    return b;
  };
  const silence = el('button', { type: 'button', dataset: { action: 'silence' } }, 'Silence');
  silence.addEventListener('click', () => run(silence, 'silenced', () => ctx.api('POST', '/api/silences', {
    matchers: [{ name: 'alert_id', op: '=', value: id }], duration_seconds: Math.round(Number(minutes.value) * 60), comment: text() || 'silenced from the alert view',
  })));
  box.append(
    el('div', { className: 'filters' },
      el('label', {}, 'Comment', comment), ack,
      el('label', {}, 'Assignee', assignee), assign,
      label('true_positive', 'True positive'), label('false_positive', 'False positive'),
      el('label', {}, 'Silence minutes', minutes), silence),
    message);
  return box;
}

function header(detail, ctx) {
  const a = detail.alert;
  const desk = detail.desk;
  const tags = [badge(a.severity, `sev sev-${a.severity}`), badge(a.status || 'open', `tag status-${a.status}`)];
  if (detail.level !== 'admin') tags.push(badge(`${detail.level} view`, 'tag'));
  if (desk.acknowledged) tags.push(badge(`acknowledged ${minute(desk.acknowledged.at)}`, 'tag ack'));
  if (desk.assignee) tags.push(badge(`→ ${desk.assignee.to}`, 'tag'));
  if (desk.label) tags.push(badge(desk.label.value.replace('_', ' '), 'tag'));
  if (a.notify && a.notify.held_by) tags.push(badge(a.notify.held_by === 'flapping' ? 'flapping' : 'silenced', 'tag silenced'));
  const back = el('a', { href: '#/', className: 'back' }, '← all alerts');
  back.addEventListener('click', (e) => { e.preventDefault(); ctx.navigate('#/'); });
  return el('div', { className: 'detail-head' }, back, el('h2', { id: 'detail-title', title: `${a.dimension.type}: ${a.dimension.key}` }, detail.dimension_label || `${a.dimension.type}: ${a.dimension.key}`), el('div', { className: 'tags' }, ...tags),
    el('p', { className: 'muted' }, `${detail.id} · opened ${minute(a.opened_at)} · updated ${minute(detail.updated_at)} (wall clock)`));
}

export async function mount(container, ctx) {
  loadStyle('/vendor/uplot/uPlot.min.css');
  loadStyle('/views/detail.css');
  const id = ctx.args[0];
  container.classList.add('alert-detail');
  if (!id) { ctx.navigate('#/'); return; }
  if (!ctx.apiKey()) { container.append(el('p', {}, 'Sign in to see this alert.')); return; }
  let chart = null;
  const render = async (note) => {
    let detail;
    let series;
    try {
      [detail, series] = await Promise.all([ctx.api('GET', `/api/alerts/${encodeURIComponent(id)}`), ctx.api('GET', `/api/alerts/${encodeURIComponent(id)}/series`)]);
    } catch (err) {
      container.replaceChildren(el('p', { className: 'message error' }, err.status === 404 ? `No alert ${id} that you may see.` : `Cannot load the alert: ${err.message}`));
      return;
    }
    if (chart) chart.destroy();
    const chartBox = el('div', { className: 'chart', id: 'series-chart' });
    container.replaceChildren(
      header(detail, ctx),
      el('section', { className: 'detail-block' }, el('h3', {}, 'Series'), chartBox),
      el('section', { className: 'detail-block why' }, el('h3', {}, 'Why it fired'), el('p', { id: 'why' }, whyText(detail, series))),
      contributions(detail),
      ...(detail.level === 'admin' ? [controls(detail, ctx, render)] : []),
      history(detail),
    );
    chart = drawChart(chartBox, series);
    if (note) {
      const m = container.querySelector('.desk-controls .message');
      if (m) m.textContent = note;
    }
  };
  await render();
  return () => { if (chart) chart.destroy(); };
}
