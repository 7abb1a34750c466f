// Routes view (#/routes): the route edges of the alerts the viewer may see
// (GET /api/routes) on a world map drawn offline with d3-geo and Natural Earth
// boundaries (world-atlas, vendored). New (first-seen) edges and surging edges are
// highlighted; filters by transport method, criminal method, commodity, status and
// event-time range; clicking an edge lists its alerts, which open their detail view.
import { geoArea, geoCentroid, geoNaturalEarth1, geoPath } from '../vendor/d3-geo/d3-geo.esm.js';
import { badge, cell } from '../lib.js';
import { el, loadStyle, svg } from './view-kit.js';

const WORLD_URL = '/vendor/world-atlas/countries-110m.geo.json';
const RANGES = [['', 'all time'], ['7', 'last 7 days'], ['30', 'last 30 days'], ['90', 'last 90 days'], ['365', 'last year']];
const WIDTH = 960;
const HEIGHT = 520;
let world = null;

async function loadWorld() {
  if (!world) {
    const res = await fetch(WORLD_URL);
    if (!res.ok) throw new Error(`cannot load the map (${res.status})`);
    world = await res.json();
  }
  return world;
}

/** A country's point for edges: the centroid of its largest polygon (France's is in Europe, not pulled to Guiana). */
function anchorOf(feature) {
  const g = feature.geometry;
  if (g.type !== 'MultiPolygon') return geoCentroid(feature);
  let best = null;
  let bestArea = -1;
  for (const coordinates of g.coordinates) {
    const part = { type: 'Polygon', coordinates };
    const area = geoArea(part);
    if (area > bestArea) { bestArea = area; best = part; }
  }
  return geoCentroid(best);
}

function edgeClass(edge) {
  return ['edge', edge.new ? 'edge-new' : '', edge.surging ? 'edge-surging' : '', `edge-${edge.status}`, `edge-sev-${edge.severity}`].filter(Boolean).join(' ');
}

function drawMap(data, features, onEdge) {
  const byCode = new Map(features.filter((f) => f.properties.iso2).map((f) => [f.properties.iso2, f]));
  const involved = data.countries.map((c) => byCode.get(c.code)).filter(Boolean);
  const projection = geoNaturalEarth1();
  // Frame the countries concerned (with their neighbourhood), else the world.
  const frame = involved.length ? { type: 'FeatureCollection', features: involved } : { type: 'Sphere' };
  projection.fitExtent([[40, 30], [WIDTH - 40, HEIGHT - 30]], frame);
  if (involved.length) projection.scale(projection.scale() * 0.85);
  const path = geoPath(projection);
  const countryInfo = new Map(data.countries.map((c) => [c.code, c]));
  const map = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: 'route-map', role: 'img', 'aria-label': `Map of ${data.edges.length} route edges` });
  map.append(svg('defs', {},
    ...['new', 'surging', 'other'].map((kind) => svg('marker', { id: `arrow-${kind}`, viewBox: '0 0 10 10', refX: '9', refY: '5', markerWidth: '7', markerHeight: '7', orient: 'auto-start-reverse' },
      svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: `arrow arrow-${kind}` })))));
  map.append(svg('path', { d: path({ type: 'Sphere' }), class: 'sphere' }));
  const land = svg('g', { class: 'countries' });
  for (const f of features) {
    const info = f.properties.iso2 ? countryInfo.get(f.properties.iso2) : undefined;
    const cls = ['country', info ? 'involved' : '', info && info.displacement_alerts.length ? 'displacement' : ''].filter(Boolean).join(' ');
    const shape = svg('path', { d: path(f) || '', class: cls, 'data-country': f.properties.iso2 || '' }, svg('title', {}, `${f.properties.name}${info ? ` · ${info.edges} edge(s)${info.displacement_alerts.length ? ` · ${info.displacement_alerts.length} displacement alert(s)` : ''}` : ''}`));
    land.append(shape);
  }
  map.append(land);
  const edges = svg('g', { class: 'edges' });
  // Draw quieter edges first so new and surging ones lie on top.
  const ordered = [...data.edges].sort((a, b) => Number(a.new) - Number(b.new) || Number(a.surging) - Number(b.surging));
  for (const edge of ordered) {
    const from = byCode.get(edge.origin);
    const to = byCode.get(edge.destination);
    if (!from || !to) continue;
    const line = { type: 'LineString', coordinates: [anchorOf(from), anchorOf(to)] };
    const kind = edge.new ? 'new' : edge.surging ? 'surging' : 'other';
    const d = path(line);
    if (!d) continue;
    const shape = svg('path', { d, class: edgeClass(edge), 'data-edge': edge.id, tabindex: '0', 'marker-end': `url(#arrow-${kind})` },
      svg('title', {}, `${edge.origin} → ${edge.destination} (${edge.modality})${edge.new ? ' · NEW' : ''}${edge.surging ? ' · surging' : ''} · ${edge.severity} · ${edge.alerts.length} alert(s)`));
    // A wide transparent twin makes a thin line easy to click.
    const hit = svg('path', { d, class: 'edge-hit', 'data-edge': edge.id });
    for (const target of [shape, hit]) target.addEventListener('click', () => onEdge(edge));
    shape.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); onEdge(edge); } });
    edges.append(hit, shape);
  }
  map.append(edges);
  const labels = svg('g', { class: 'labels' });
  for (const f of involved) {
    const [x, y] = projection(anchorOf(f));
    labels.append(svg('text', { x: String(x), y: String(y - 6), class: 'country-label' }, f.properties.iso2));
  }
  map.append(labels);
  return map;
}

function alertLinks(edge, ctx) {
  const list = el('ul', { className: 'edge-alerts' });
  for (const a of edge.alerts) {
    const link = el('a', { href: `#/alerts/${encodeURIComponent(a.id)}` }, `${a.kind} alert on ${a.dimension_type}`);
    link.addEventListener('click', (e) => { e.preventDefault(); ctx.navigate(`#/alerts/${encodeURIComponent(a.id)}`); });
    list.append(el('li', {}, badge(a.severity, `sev sev-${a.severity}`), ' ', link, ` · ${a.status}`));
  }
  return list;
}

function edgeTable(data, onEdge) {
  const table = el('table', { className: 'route-edges', id: 'route-edges' });
  table.append(el('thead', {}, el('tr', {}, ...['Edge', 'Method', 'What', 'Severity', 'Status', 'Commodities', 'Alerts', 'Last bucket'].map((h) => el('th', {}, h)))));
  const body = el('tbody');
  for (const edge of data.edges) {
    const what = el('td', {});
    if (edge.new) what.append(badge('new route', 'tag tag-new'));
    if (edge.surging) what.append(badge('surging', 'tag tag-surging'));
    const open = el('button', { type: 'button', dataset: { edge: edge.id } }, `${edge.alerts.length} alert(s)`);
    open.addEventListener('click', () => onEdge(edge));
    const sev = el('td', {}, badge(edge.severity, `sev sev-${edge.severity}`));
    body.append(el('tr', { dataset: { edge: edge.id }, className: edge.new ? 'row-new' : '' }, cell(`${edge.origin} → ${edge.destination}`), cell(edge.modality), what, sev, cell(edge.status), cell(edge.commodities.join(', ')), el('td', {}, open), cell(edge.last_bucket_end.slice(0, 10))));
  }
  table.append(body);
  return table;
}

export async function mount(container, ctx) {
  loadStyle('/views/detail.css');
  container.classList.add('routes-view');
  if (!ctx.apiKey()) { container.append(el('p', {}, 'Sign in to see the route map.')); return; }
  const modality = el('select', { id: 'routes-modality' }, el('option', { value: '' }, 'any'));
  const method = el('input', { id: 'routes-method', placeholder: 'concealment.container', size: 18 });
  const commodity = el('input', { id: 'routes-commodity', placeholder: 'drugs.cocaine', size: 14 });
  const status = el('select', { id: 'routes-status' }, el('option', { value: '' }, 'any'), el('option', { value: 'open' }, 'open'), el('option', { value: 'resolved' }, 'resolved'));
  const range = el('select', { id: 'routes-range' }, ...RANGES.map(([v, label]) => el('option', { value: v }, label)));
  const form = el('form', { className: 'filters', id: 'routes-filters', autocomplete: 'off' },
    el('label', {}, 'Transport', modality), el('label', {}, 'Method', method), el('label', {}, 'Commodity', commodity),
    el('label', {}, 'Status', status), el('label', {}, 'Event time', range), el('button', { type: 'submit' }, 'Show'));
  const hint = el('span', { className: 'hint', id: 'routes-hint' });
  const mapBox = el('div', { className: 'map-box', id: 'route-map' });
  const edgePanel = el('section', { className: 'detail-block edge-panel', id: 'edge-panel', 'aria-live': 'polite' });
  const tableBox = el('div', {});
  container.append(
    el('h2', {}, 'Routes', hint),
    el('p', { className: 'muted' }, 'Route edges of the alerts you may see. Red dashed: a route seen for the first time; orange: a surge against the expected count; grey: other route alerts. Ringed countries have route-displacement alerts. Time ranges are in event time (simulated time in the demo), ending at the newest route alert.'),
    form, mapBox, edgePanel, tableBox,
  );
  let latest = null;
  const showEdge = (edge) => {
    for (const node of mapBox.querySelectorAll('.edge.selected')) node.classList.remove('selected');
    const shape = mapBox.querySelector(`.edge[data-edge="${CSS.escape(edge.id)}"]`);
    if (shape) shape.classList.add('selected');
    edgePanel.replaceChildren(el('h3', {}, `${edge.origin} → ${edge.destination} (${edge.modality})${edge.new ? ' · new route' : ''}${edge.surging ? ' · surging' : ''}`), alertLinks(edge, ctx));
  };
  const load = async () => {
    const params = new URLSearchParams();
    if (modality.value) params.set('modality', modality.value);
    if (method.value.trim()) params.set('method', method.value.trim());
    if (commodity.value.trim()) params.set('commodity', commodity.value.trim());
    if (status.value) params.set('status', status.value);
    if (range.value && latest) params.set('since', new Date(Date.parse(latest) - Number(range.value) * 86_400_000).toISOString());
    let data;
    let features;
    try {
      [data, { features }] = await Promise.all([ctx.api('GET', `/api/routes${params.size ? `?${params}` : ''}`), loadWorld()]);
    } catch (err) {
      hint.textContent = `cannot load routes: ${err.message}`;
      return;
    }
    if (data.latest_bucket_end) latest = data.latest_bucket_end;
    // Transport methods seen so far become the filter's choices.
    const known = new Set([...modality.options].map((o) => o.value));
    for (const e of data.edges) if (!known.has(e.modality)) { known.add(e.modality); modality.append(el('option', { value: e.modality }, e.modality)); }
    const fresh = data.edges.filter((e) => e.new).length;
    const surging = data.edges.filter((e) => e.surging).length;
    hint.textContent = `${data.edges.length} edges from ${data.alerts} alerts · ${fresh} new · ${surging} surging${latest ? ` · newest bucket ${latest.slice(0, 10)} (event time)` : ''}`;
    mapBox.replaceChildren(drawMap(data, features, showEdge));
    tableBox.replaceChildren(data.edges.length ? edgeTable(data, showEdge) : el('p', { className: 'muted' }, 'No route alerts match.'));
    edgePanel.replaceChildren();
  };
  form.addEventListener('submit', (e) => { e.preventDefault(); load(); });
  await load();
}
