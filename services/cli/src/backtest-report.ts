// report.html of `tocsin backtest`: one self-contained page (inline CSS and SVG, no script,
// no network) with the run's figures, the per-detector tables and, per alert, a chart of its
// key's series (observed, expected, upper bound, alarms), its episode and any true trend.
import type { TrendTruth } from '@tocsin/detect';
import type { AlertEpisode, BacktestRun, SeriesPoint } from './backtest-run';

const DAY_MS = 86_400_000;
/** Alerts drawn as charts (strongest first); every alert is in the table and in alerts.ndjson. */
export const MAX_CHARTS = 200;

export interface ReportContext {
  /** As shown: the input file's name, the mapping's and the detector configuration's. */
  input: string;
  mapping?: string;
  config: string;
  trends: readonly TrendTruth[] | null;
}

const esc = (value: unknown): string => String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const day = (iso: string | null): string => (iso === null ? '—' : iso.slice(0, 10));
const num = (v: number | null, digits = 1): string => (v === null || !Number.isFinite(v) ? '—' : v.toFixed(digits));

/** Detectors whose upper bound is a count threshold (GLR and CUSUM bound their statistic instead), charted first. */
const COUNT_BOUND_DETECTORS = ['farrington-flexible', 'farrington', 'ears-c1', 'ears-c2', 'ears-c3'];

/**
 * The series drawn for an episode: of one of its detectors whose upper bound is a count (else
 * its own detector) on its key and granularity, else another detector of that granularity.
 */
function seriesOf(run: BacktestRun, e: AlertEpisode): { id: string; points: SeriesPoint[] } | null {
  const byDetector = run.series.get(`${e.dimension.type}|${e.dimension.key}`);
  if (!byDetector) return null;
  const preferred = [...COUNT_BOUND_DETECTORS.filter((d) => e.detectors.includes(d)), e.detector];
  for (const detector of preferred) {
    const points = byDetector.get(`${detector}@${e.granularity}`);
    if (points) return { id: `${detector}@${e.granularity}`, points };
  }
  for (const [id, points] of byDetector) if (id.endsWith(`@${e.granularity}`)) return { id, points };
  const first = byDetector.entries().next().value;
  return first ? { id: first[0], points: first[1] } : null;
}

/** Trends on the episode's key or overlapping it, for shading. */
function trendsOf(e: AlertEpisode, trends: readonly TrendTruth[] | null): TrendTruth[] {
  if (!trends) return [];
  return trends.filter((t) => t.id === e.truth || (t.dimension.type === e.dimension.type && t.dimension.key === e.dimension.key));
}

/** Buckets without a scored row (no incident that day, or before a detector's history) drawn as 0 observed, no model. */
function fillGaps(points: readonly SeriesPoint[], step: number): SeriesPoint[] {
  const out: SeriesPoint[] = [];
  for (const p of points) {
    const last = out.at(-1);
    if (last) for (let t = last[0] + step; t < p[0]; t += step) out.push([t, 0, null, null, 0]);
    out.push(p);
  }
  return out;
}

/** Charts first for the strongest evidence: severity, then how many detectors agree, how long it ran, its rank. */
const SEVERITY = ['info', 'low', 'medium', 'high', 'critical'];
function strongestFirst(a: AlertEpisode, b: AlertEpisode): number {
  return SEVERITY.indexOf(b.severity) - SEVERITY.indexOf(a.severity) || b.detectors.length - a.detectors.length || b.signals - a.signals || b.rank_score - a.rank_score;
}

function chart(run: BacktestRun, e: AlertEpisode, trends: readonly TrendTruth[] | null): string {
  const found = seriesOf(run, e);
  if (!found) return '<p class="muted">No count series for this key (an emergence or first-seen alert on a key no count detector scores).</p>';
  const opened = Date.parse(e.opened_at);
  const resolved = e.resolved_at === null ? null : Date.parse(e.resolved_at);
  const span = e.granularity === 'week' ? 52 * 7 * DAY_MS : 120 * DAY_MS;
  const from = opened - span;
  const to = (resolved ?? opened) + span / 4;
  const points = fillGaps(found.points, e.granularity === 'week' ? 7 * DAY_MS : DAY_MS).filter((p) => p[0] >= from && p[0] <= to);
  if (points.length === 0) return '<p class="muted">No scored buckets around this alert.</p>';
  const W = 760, H = 190, L = 40, R = 10, T = 10, B = 24;
  const x0 = points[0]![0], x1 = Math.max(points.at(-1)![0], x0 + DAY_MS);
  const yMax = Math.max(1, ...points.map((p) => Math.max(p[1], p[2] ?? 0, p[3] !== null && Number.isFinite(p[3]) ? p[3] : 0))) * 1.1;
  const x = (t: number): number => L + ((t - x0) / (x1 - x0)) * (W - L - R);
  const y = (v: number): number => T + (1 - v / yMax) * (H - T - B);
  const line = (pick: (p: SeriesPoint) => number | null): string => {
    let d = '';
    let pen = false;
    for (const p of points) {
      const v = pick(p);
      if (v === null || !Number.isFinite(v)) { pen = false; continue; }
      d += `${pen ? 'L' : 'M'}${x(p[0]).toFixed(1)},${y(Math.min(v, yMax)).toFixed(1)}`;
      pen = true;
    }
    return d;
  };
  const parts: string[] = [];
  for (const t of trendsOf(e, trends)) {
    const a = Math.max(x0, Date.parse(`${t.start}T00:00:00Z`)), b = Math.min(x1, Date.parse(`${t.end}T00:00:00Z`) + DAY_MS);
    if (b > a) parts.push(`<rect class="truth" x="${x(a).toFixed(1)}" y="${T}" width="${(x(b) - x(a)).toFixed(1)}" height="${H - T - B}"><title>true trend ${esc(t.id)} ${t.start} – ${t.end}</title></rect>`);
  }
  const oa = Math.max(x0, opened), ob = Math.min(x1, resolved ?? x1);
  if (ob >= oa) parts.push(`<rect class="episode" x="${x(oa).toFixed(1)}" y="${T}" width="${Math.max(2, x(ob) - x(oa)).toFixed(1)}" height="${H - T - B}"><title>alert open ${day(e.opened_at)} – ${day(e.resolved_at)}</title></rect>`);
  parts.push(`<path class="upper" d="${line((p) => p[3])}"/>`, `<path class="expected" d="${line((p) => p[2])}"/>`, `<path class="observed" d="${line((p) => p[1])}"/>`);
  for (const p of points) if (p[4]) parts.push(`<circle class="alarm" cx="${x(p[0]).toFixed(1)}" cy="${y(Math.min(p[1], yMax)).toFixed(1)}" r="3.5"><title>alarm ${new Date(p[0]).toISOString().slice(0, 10)}: ${p[1]}</title></circle>`);
  const axis = `<line class="axis" x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}"/><text x="${L}" y="${H - 6}">${new Date(x0).toISOString().slice(0, 10)}</text><text x="${W - R}" y="${H - 6}" text-anchor="end">${new Date(x1).toISOString().slice(0, 10)}</text><text x="${L - 4}" y="${T + 10}" text-anchor="end">${Math.round(yMax)}</text><text x="${L - 4}" y="${H - B}" text-anchor="end">0</text>`;
  return `<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="series of ${esc(e.dimension.key)}">${parts.join('')}${axis}</svg><p class="muted">series: ${esc(found.id)} per ${e.granularity}</p>`;
}

export function renderReport(run: BacktestRun, ctx: ReportContext): string {
  const reasons = Object.entries(run.read.byReason).sort((a, b) => b[1] - a[1]).map(([r, n]) => `<li><code>${esc(r)}</code> ${n}</li>`).join('');
  const scoring = run.scoredBy === 'truth' ? 'Scored against the ground truth given with --truth' : run.scoredBy === 'labels' ? "Scored against the watch desk's TP/FP labels given with --labels" : 'Not scored (give --truth or --labels)';
  const alertRows = run.alertTable.map((r) => `<tr><td>${esc(r.detector)}</td><td>${r.alerts}</td><td>${run.scoredBy ? r.truePositives : '—'}</td><td>${run.scoredBy ? r.falsePositives : '—'}</td>${run.scoredBy === 'labels' ? `<td>${r.unlabelled}</td>` : ''}${run.scoredBy === 'truth' ? `<td>${r.trendsFound}</td><td>${num(r.medianDelayDays)}</td>` : ''}</tr>`).join('');
  const alertHead = `<tr><th>detector</th><th>alerts</th><th>true positives</th><th>false positives</th>${run.scoredBy === 'labels' ? '<th>unlabelled</th>' : ''}${run.scoredBy === 'truth' ? '<th>trends alerted</th><th>median delay (days)</th>' : ''}</tr>`;
  let truth = '';
  if (run.truthTable) {
    const t = run.truthTable;
    const row = (name: string, r: { granularity: string; detectedInTime: number; trends: number; medianDelay: number | null; falseAlarms: number }, scale: number, fa: string): string =>
      `<tr><td>${esc(name)}</td><td>${r.granularity}</td><td>${r.detectedInTime}/${r.trends}</td><td>${num(r.medianDelay)}</td><td>${num(r.medianDelay === null ? null : r.medianDelay * scale)}</td><td>${r.falseAlarms}</td><td>${fa}</td></tr>`;
    truth = `<h2>Signals against the ground truth</h2><p class="muted">The detection benchmark's table (<code>npm run bench -- detection</code>): trends ≥ ${t.minMultiplier}× on their key flagged within ${t.maxDelayBuckets} buckets, delays from the trend's start.</p>
<table><tr><th>detector</th><th>bucket</th><th>detected in time</th><th>median delay (buckets)</th><th>(days)</th><th>false alarms</th><th>per key-year / year</th></tr>
${t.rows.map((r) => row(r.detector, r, r.granularity === 'week' ? 7 : 1, r.falseAlarmsPerKeyYear.toFixed(4))).join('')}
${t.noveltyRows.map((r) => row(`${r.detector} (novel)`, r, 1, r.falseAlarmsPerKeyYear.toFixed(4))).join('')}
${t.emergenceRows.map((r) => row(r.detector, r, r.granularity === 'week' ? 7 : 1, `${r.falseAlarmsPerYear.toFixed(2)}/year`)).join('')}
</table><p>any count detector: ${t.combined.detectedInTime}/${t.combined.trends} trends in time${t.combined.missed.length ? `; missed: ${t.combined.missed.map(esc).join(', ')}` : ''}</p>`;
  }
  const charted = [...run.episodes].sort(strongestFirst).slice(0, MAX_CHARTS);
  const cards = charted.map((e) => `<section class="alert"><h3><span class="sev sev-${esc(e.severity)}">${esc(e.severity)}</span> ${esc(e.dimension.type)} <code>${esc(e.dimension.key)}</code></h3>
<p>${esc(e.kind)} · ${e.detectors.map(esc).join(', ')} · per ${e.granularity} · opened ${day(e.opened_at)} · resolved ${day(e.resolved_at)} · countries ${e.countries.map(esc).join(', ') || '—'} · partners ${e.partners.map(esc).join(', ') || '—'}${e.truth !== undefined ? ` · ${e.truth ? `<b class="tp">true: ${esc(e.truth)}</b>` : '<b class="fp">no true trend</b>'}` : ''}${e.label !== undefined ? ` · desk label: ${esc(e.label ?? 'none')}` : ''}</p>
${e.summary ? `<p class="muted">${esc(e.summary)}</p>` : ''}${chart(run, e, ctx.trends)}</section>`).join('\n');
  const list = run.episodes.map((e) => `<tr><td>${day(e.opened_at)}</td><td>${day(e.resolved_at)}</td><td>${esc(e.severity)}</td><td>${e.detectors.map(esc).join(', ')}</td><td>${esc(e.dimension.type)}</td><td><code>${esc(e.dimension.key)}</code></td><td>${e.countries.map(esc).join(' ')}</td>${e.truth !== undefined ? `<td>${e.truth ? esc(e.truth) : 'FP'}</td>` : ''}</tr>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tocsin backtest — ${esc(ctx.input)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1000px;color:#1b1f24;padding:0 16px}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #d0d7de}h3{font-size:15px;margin:0 0 4px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #d0d7de;padding:3px 8px;text-align:left}th{background:#f6f8fa}
.muted{color:#57606a;font-size:12px}.alert{border:1px solid #d0d7de;border-radius:6px;padding:10px 12px;margin:12px 0}
.sev{display:inline-block;padding:0 6px;border-radius:8px;background:#ddf4ff;font-size:12px}.sev-high,.sev-critical{background:#ffebe9}.sev-medium{background:#fff8c5}
.tp{color:#1a7f37}.fp{color:#cf222e}
svg text{font-size:10px;fill:#57606a}.observed{fill:none;stroke:#0969da;stroke-width:1.5}.expected{fill:none;stroke:#8c959f;stroke-width:1.2}
.upper{fill:none;stroke:#bf8700;stroke-width:1.2;stroke-dasharray:4 3}.alarm{fill:#cf222e}.episode{fill:#cf222e;opacity:.10}.truth{fill:#1a7f37;opacity:.15}.axis{stroke:#8c959f}
.key span{display:inline-block;margin-right:14px}.sw{display:inline-block;width:18px;height:3px;vertical-align:middle;margin-right:4px}
</style></head><body>
<h1>Backtest of ${esc(ctx.input)}</h1>
<p>Event time ${day(run.firstEvent)} – ${day(run.lastEvent)}${ctx.mapping ? ` · mapping ${esc(ctx.mapping)}` : ''} · detector config ${esc(ctx.config)} · multiple-testing families ${run.families} (as the services)</p>
<h2>Input</h2>
<p>${run.read.records} records read: ${run.read.accepted} accepted, ${run.read.duplicates} duplicates skipped, ${run.read.rejected} rejected (in <code>rejected.ndjson</code>, same reason codes as the dead-letter topic)${reasons ? ':' : ''}</p>${reasons ? `<ul>${reasons}</ul>` : ''}
<p>${run.incidents} incidents replayed in event-time order, ${run.lateDropped} observations later than the allowed lateness dropped, ${run.signals.length} signals, ${run.episodes.length} alerts${run.deliveries ? `, ${run.deliveries.length} deliveries` : ''}; ${Math.round(run.rate)} records/s (${run.seconds.total.toFixed(1)} s).</p>
<h2>Alerts per detector</h2><p class="muted">${scoring}. An alert counts for every detector that fired in it; delay: days from a trend's start to the first bucket of its first alert.</p>
<table>${alertHead}${alertRows}</table>
${truth}
<h2>Alerts</h2>
<p class="key muted"><span><i class="sw" style="background:#0969da"></i>observed</span><span><i class="sw" style="background:#8c959f"></i>expected</span><span><i class="sw" style="background:#bf8700"></i>upper bound</span><span><i class="sw" style="background:#cf222e;height:8px;width:8px;border-radius:4px"></i>alarm</span><span><i class="sw" style="background:#f5d0cd;height:10px"></i>alert open</span><span><i class="sw" style="background:#c6e6cd;height:10px"></i>true trend</span></p>
<p class="muted">${charted.length} of ${run.episodes.length} alerts charted (strongest first: severity, detectors agreeing, signals, rank; at most ${MAX_CHARTS}); every alert is in the table below and in alerts.ndjson.</p>
${cards}
<h2>Every alert</h2>
<table><tr><th>opened</th><th>resolved</th><th>severity</th><th>detectors</th><th>dimension</th><th>key</th><th>countries</th>${run.scoredBy === 'truth' ? '<th>truth</th>' : ''}</tr>${list}</table>
</body></html>
`;
}
