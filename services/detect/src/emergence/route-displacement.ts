// Route displacement: traffic towards one destination moving from one route to
// others (after enforcement, a closed border, a new corridor). Per destination,
// route shares in a recent window are compared with a baseline window by a
// chi-square test of homogeneity; each route's change by a two-proportion
// z-test; the size of the shift by Jensen–Shannon divergence.
//
// Fires when all hold (defaults):
// - both windows are full of history and hold ≥ 30 incidents each;
// - chi-square p < 0.001 and JSD ≥ 0.02 bits; both tests are corrected for
//   over-dispersion (incidents come in clusters: one seizure, five records),
//   estimated from how much the shares wander between the baseline window's
//   buckets and between its chunks of R buckets (quasi-binomial, the larger
//   of the two, φ ≥ 1);
// - a losing route: share down ≥ 15 points (z-test p < 0.01), and its own rate
//   per bucket down ≥ 25 % (one-sided test of the rate, p < 0.01, with the
//   route's own day-to-day dispersion): traffic left it — a new route growing
//   beside a steady one is a surge for the count detectors, not a displacement;
// - a gaining route: share up, z-test p < 0.01.
// A route reported as losing is not reported again for `cooldownBuckets`.
import { requireOption, EmergenceError } from './errors';
import { routeKey, type RouteLike } from './patterns';
import { chiSquareUpperTail, normalUpperTail } from './stats';

export interface DisplacementOptions {
  /** Buckets in the recent window, ending with the bucket being closed (default 14). */
  recentBuckets: number;
  /** Buckets in the baseline window just before the recent one (default 56). */
  baselineBuckets: number;
  /**
   * Chi-square p-value threshold for the table as a whole (default 0.001: every
   * destination is re-tested each bucket on overlapping windows).
   */
  alpha: number;
  /** z-test p-value a losing or gaining route needs (default 0.01). */
  routeAlpha: number;
  /** Share drop (fraction) a losing route needs (default 0.15). */
  minShareChange: number;
  /** Drop of a losing route's own rate per bucket, recent vs baseline window (default 0.25). */
  minRateDrop: number;
  /** Jensen–Shannon divergence (base 2, 0…1) needed (default 0.02). */
  minDivergence: number;
  /** Incidents needed in each window (default 30). */
  minIncidents: number;
  /** Routes with fewer incidents over both windows are pooled into one "other" column (default 5). */
  minRouteIncidents: number;
  /**
   * Buckets during which a route reported as losing is not reported again (default 70:
   * until the baseline window no longer holds traffic from before the shift).
   */
  cooldownBuckets: number;
  /** Routes tracked per destination; beyond it new routes are pooled (default 32). */
  maxRoutesPerGroup: number;
  /** Incident ids kept per route (default 10). */
  evidencePerRoute: number;
  /**
   * Group by destination and modality (default true). Grouping by destination
   * alone also sees shifts between modalities, but among a destination's many
   * routes a shift between two of them rarely reaches minShareChange.
   */
  byModality: boolean;
  /**
   * Buckets the newest record may be ahead of the bucket being closed (the open
   * buckets of the allowed lateness); the ring keeps them apart (default 7).
   */
  aheadBuckets: number;
}

export const DEFAULT_DISPLACEMENT_OPTIONS: DisplacementOptions = {
  recentBuckets: 14,
  baselineBuckets: 56,
  alpha: 0.001,
  routeAlpha: 0.01,
  minShareChange: 0.15,
  minRateDrop: 0.25,
  minDivergence: 0.02,
  minIncidents: 30,
  minRouteIncidents: 5,
  cooldownBuckets: 70,
  maxRoutesPerGroup: 32,
  evidencePerRoute: 10,
  byModality: true,
  aheadBuckets: 7,
};

/** Pooled column of routes that are too small or beyond `maxRoutesPerGroup`. */
export const OTHER_ROUTES = '*other*';

export interface RouteShift {
  route: string;
  baseline: number;
  recent: number;
  baselineShare: number;
  recentShare: number;
  /** recentShare − baselineShare. */
  change: number;
  /** Two-sided two-proportion z-test, corrected for over-dispersion. */
  pValue: number;
  /** Recent rate per bucket / baseline rate per bucket (Infinity for a route new in the recent window). */
  rateRatio: number;
  /** One-sided p that the route's rate per bucket fell (1 when it did not). */
  rateDropP: number;
}

export interface DisplacementSignal {
  /** Destination (or `destination|modality`). */
  group: string;
  bucket: number;
  /** Pearson X² before the dispersion correction. */
  chiSquare: number;
  degreesOfFreedom: number;
  /** Over-dispersion factor φ the tests were divided by (1 = binomial). */
  dispersion: number;
  /** Of X²/φ. */
  pValue: number;
  divergence: number;
  baselineTotal: number;
  recentTotal: number;
  losing: RouteShift[];
  gaining: RouteShift[];
  routes: RouteShift[];
  /** Recent incidents on gaining routes. */
  observed: number;
  /** What gaining routes would carry at their baseline shares. */
  expected: number;
  incidentIds: string[];
}

interface RouteSeries {
  counts: Uint16Array;
  /** Newest bucket the ring has been advanced to. */
  head: number;
  /** [bucket, incident id], newest last. */
  evidence: Array<[number, string]>;
  /** Bucket in which the route was last reported as losing. */
  lostAt: number | null;
}

interface Group {
  routes: Map<string, RouteSeries>;
  /** First bucket with a record: scoring waits until both windows are history. */
  firstBucket: number;
  lastBucket: number;
}

export interface DisplacementState {
  version: 1;
  /** Routes: [route, head, counts (ring), evidence, lostAt]. */
  groups: Array<{ key: string; firstBucket: number; lastBucket: number; routes: Array<[string, number, number[], Array<[number, string]>, number | null]> }>;
}

const MAX_COUNT = 0xffff;

/** The displacement group and route key of an incident. */
export function displacementKeys(route: RouteLike, modality: string, byModality = true): { group: string; route: string } {
  return { group: byModality ? `${route.destination}|${modality}` : route.destination, route: routeKey(route, modality) };
}

export class RouteDisplacement {
  readonly options: DisplacementOptions;
  private readonly groups = new Map<string, Group>();
  /** Buckets in both windows. */
  private readonly window: number;
  /** Ring length: both windows plus the buckets that may be open ahead. */
  private readonly span: number;

  constructor(options: Partial<DisplacementOptions> = {}) {
    const o = { ...DEFAULT_DISPLACEMENT_OPTIONS, ...options };
    requireOption(Number.isInteger(o.recentBuckets) && o.recentBuckets >= 1, 'recentBuckets must be an integer ≥ 1', o.recentBuckets);
    requireOption(Number.isInteger(o.baselineBuckets) && o.baselineBuckets >= 1, 'baselineBuckets must be an integer ≥ 1', o.baselineBuckets);
    requireOption(o.minShareChange > 0 && o.minShareChange < 1, 'minShareChange must be in (0, 1)', o.minShareChange);
    requireOption(o.minRateDrop >= 0 && o.minRateDrop < 1, 'minRateDrop must be in [0, 1)', o.minRateDrop);
    requireOption(o.maxRoutesPerGroup >= 2, 'maxRoutesPerGroup must be ≥ 2', o.maxRoutesPerGroup);
    requireOption(Number.isInteger(o.aheadBuckets) && o.aheadBuckets >= 0, 'aheadBuckets must be an integer ≥ 0', o.aheadBuckets);
    this.options = o;
    this.window = o.recentBuckets + o.baselineBuckets;
    this.span = this.window + o.aheadBuckets;
  }

  /** Count one incident on `route` towards `group` in `bucket`. Records older than both windows are ignored. */
  add(group: string, route: string, bucket: number, incidentId?: string): void {
    let g = this.groups.get(group);
    if (!g) {
      g = { routes: new Map(), firstBucket: bucket, lastBucket: bucket };
      this.groups.set(group, g);
    }
    g.firstBucket = Math.min(g.firstBucket, bucket);
    g.lastBucket = Math.max(g.lastBucket, bucket);
    let series = g.routes.get(route);
    if (!series) {
      const pooled = g.routes.size >= this.options.maxRoutesPerGroup - (g.routes.has(OTHER_ROUTES) ? 0 : 1);
      const name = pooled ? OTHER_ROUTES : route;
      series = g.routes.get(name);
      if (!series) {
        series = { counts: new Uint16Array(this.span), head: bucket, evidence: [], lostAt: null };
        g.routes.set(name, series);
      }
    }
    this.advance(series, bucket);
    if (bucket <= series.head - this.span) return;
    const slot = mod(bucket, this.span);
    if (series.counts[slot]! < MAX_COUNT) series.counts[slot]!++;
    if (incidentId !== undefined) {
      series.evidence.push([bucket, incidentId]);
      if (series.evidence.length > this.options.evidencePerRoute) series.evidence.shift();
    }
  }

  /** Evaluate every destination with the recent window ending at `bucket`. */
  close(bucket: number): DisplacementSignal[] {
    const out: DisplacementSignal[] = [];
    for (const [key, g] of this.groups) {
      if (g.lastBucket <= bucket - this.window) {
        this.groups.delete(key); // nothing in either window any more
        continue;
      }
      const signal = this.evaluate(key, g, bucket);
      if (signal) out.push(signal);
    }
    return out.sort((a, b) => a.pValue - b.pValue || (a.group < b.group ? -1 : 1));
  }

  /** The test for one destination without the cooldown, for the desk's drill-down. */
  shares(group: string, bucket: number): { routes: RouteShift[]; recentTotal: number; baselineTotal: number; dispersion: number } | null {
    const g = this.groups.get(group);
    if (!g) return null;
    const t = this.table(g, bucket);
    return { routes: t.shifts, recentTotal: t.recentTotal, baselineTotal: t.baselineTotal, dispersion: t.dispersion };
  }

  private evaluate(key: string, g: Group, bucket: number): DisplacementSignal | null {
    const o = this.options;
    if (bucket - g.firstBucket + 1 < this.window) return null;
    const t = this.table(g, bucket);
    if (t.recentTotal < o.minIncidents || t.baselineTotal < o.minIncidents || t.shifts.length < 2) return null;
    const { chiSquare, df } = chiSquareHomogeneity(
      t.shifts.map((s) => s.baseline),
      t.shifts.map((s) => s.recent),
    );
    const pValue = chiSquareUpperTail(chiSquare / t.dispersion, df);
    if (pValue >= o.alpha) return null;
    const divergence = jensenShannon(
      t.shifts.map((s) => s.baselineShare),
      t.shifts.map((s) => s.recentShare),
    );
    if (divergence < o.minDivergence) return null;
    const coolingDown = (route: string): boolean => {
      const lostAt = g.routes.get(route)?.lostAt ?? null;
      return lostAt !== null && bucket - lostAt < o.cooldownBuckets;
    };
    const losing = t.shifts
      .filter(
        (s) =>
          s.route !== OTHER_ROUTES &&
          s.change <= -o.minShareChange &&
          s.pValue < o.routeAlpha &&
          // A route that lost share but kept its traffic was not left.
          s.rateRatio <= 1 - o.minRateDrop &&
          s.rateDropP < o.routeAlpha &&
          !coolingDown(s.route),
      )
      .sort((a, b) => a.change - b.change);
    const gaining = t.shifts.filter((s) => s.change > 0 && s.pValue < o.routeAlpha).sort((a, b) => b.change - a.change);
    if (losing.length === 0 || gaining.length === 0) return null;
    for (const s of losing) g.routes.get(s.route)!.lostAt = bucket;
    const gainingNames = new Set(gaining.map((s) => s.route));
    const incidentIds: string[] = [];
    for (const [name, series] of g.routes) {
      if (!gainingNames.has(name)) continue;
      for (const [b, id] of series.evidence) if (b > bucket - o.recentBuckets && b <= bucket) incidentIds.push(id);
    }
    const observed = gaining.reduce((n, s) => n + s.recent, 0);
    const expected = gaining.reduce((n, s) => n + s.baselineShare * t.recentTotal, 0);
    return {
      group: key,
      bucket,
      chiSquare,
      degreesOfFreedom: df,
      dispersion: t.dispersion,
      pValue,
      divergence,
      baselineTotal: t.baselineTotal,
      recentTotal: t.recentTotal,
      losing,
      gaining,
      routes: t.shifts,
      observed,
      expected,
      incidentIds,
    };
  }

  // Recent = (bucket − R, bucket]; baseline = (bucket − R − B, bucket − R].
  // How much shares wander between baseline buckets, and between chunks of R
  // buckets (the scale of the comparison), gives the dispersion φ.
  private table(g: Group, bucket: number): { shifts: RouteShift[]; recentTotal: number; baselineTotal: number; dispersion: number } {
    const { recentBuckets: R, baselineBuckets: B, minRouteIncidents } = this.options;
    const chunks = Math.floor(B / R);
    const rows: Array<{ route: string; baseline: number; recent: number; chunks: number[]; buckets: number[] }> = [];
    const emptyRow = (route: string) => ({ route, baseline: 0, recent: 0, chunks: new Array<number>(chunks).fill(0), buckets: new Array<number>(B).fill(0) });
    const pooled = emptyRow(OTHER_ROUTES);
    for (const [route, series] of g.routes) {
      this.advance(series, bucket);
      const row = emptyRow(route);
      for (let b = bucket - this.window + 1; b <= bucket; b++) {
        if (b <= series.head - this.span) continue; // slot already reused by a newer bucket
        const n = series.counts[mod(b, this.span)]!;
        if (n === 0) continue;
        if (b > bucket - R) row.recent += n;
        else {
          row.baseline += n;
          row.buckets[bucket - R - b]! += n;
          const c = Math.floor((bucket - R - b) / R);
          if (c < chunks) row.chunks[c]! += n;
        }
      }
      if (route === OTHER_ROUTES || row.recent + row.baseline < minRouteIncidents) {
        pooled.baseline += row.baseline;
        pooled.recent += row.recent;
        row.chunks.forEach((n, c) => (pooled.chunks[c]! += n));
        row.buckets.forEach((n, c) => (pooled.buckets[c]! += n));
      } else rows.push(row);
    }
    if (pooled.baseline + pooled.recent > 0) rows.push(pooled);
    const dispersion = Math.max(
      chunkDispersion(rows.map((r) => r.chunks)),
      chunkDispersion(rows.map((r) => r.buckets)),
    );
    const baselineTotal = rows.reduce((n, r) => n + r.baseline, 0);
    const recentTotal = rows.reduce((n, r) => n + r.recent, 0);
    const shifts = rows
      .map((r) => {
        const baselineShare = baselineTotal > 0 ? r.baseline / baselineTotal : 0;
        const recentShare = recentTotal > 0 ? r.recent / recentTotal : 0;
        return {
          route: r.route,
          baseline: r.baseline,
          recent: r.recent,
          baselineShare,
          recentShare,
          change: recentShare - baselineShare,
          pValue: twoProportionP(r.recent, recentTotal, r.baseline, baselineTotal, dispersion),
          rateRatio: r.baseline === 0 ? Infinity : r.recent / R / (r.baseline / B),
          rateDropP: rateDropP(r.recent, r.baseline, R, B, varianceToMean(r.buckets)),
        };
      })
      .sort((a, b) => (a.route < b.route ? -1 : 1));
    return { shifts, recentTotal, baselineTotal, dispersion };
  }

  // Moves the ring forward to `bucket`, zeroing the slots it reuses.
  private advance(series: RouteSeries, bucket: number): void {
    if (bucket <= series.head) return;
    if (bucket - series.head >= this.span) series.counts.fill(0);
    else for (let b = series.head + 1; b <= bucket; b++) series.counts[mod(b, this.span)] = 0;
    series.head = bucket;
  }

  toJSON(): DisplacementState {
    return {
      version: 1,
      groups: [...this.groups].map(([key, g]) => ({
        key,
        firstBucket: g.firstBucket,
        lastBucket: g.lastBucket,
        routes: [...g.routes].map(([route, s]) => [route, s.head, [...s.counts], s.evidence.map(([b, id]) => [b, id] as [number, string]), s.lostAt]),
      })),
    };
  }

  static fromJSON(state: DisplacementState, options: Partial<DisplacementOptions> = {}): RouteDisplacement {
    if (state.version !== 1) throw new EmergenceError('STATE_VERSION', `displacement state version ${String(state.version)}; this code reads 1`);
    const d = new RouteDisplacement(options);
    for (const g of state.groups) {
      const routes = new Map<string, RouteSeries>();
      for (const [route, head, counts, evidence, lostAt] of g.routes) {
        if (counts.length !== d.span) {
          throw new EmergenceError('STATE_VERSION', `displacement state has windows of ${counts.length} buckets; options say ${d.span}`);
        }
        routes.set(route, { counts: Uint16Array.from(counts), head, evidence: evidence.map(([b, id]) => [b, id]), lostAt });
      }
      d.groups.set(g.key, { routes, firstBucket: g.firstBucket, lastBucket: g.lastBucket });
    }
    return d;
  }
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

/** Pearson's X² for a 2×k table (baseline row, recent row); columns with no counts are skipped. */
export function chiSquareHomogeneity(baseline: readonly number[], recent: readonly number[]): { chiSquare: number; df: number } {
  const nb = baseline.reduce((a, b) => a + b, 0);
  const nr = recent.reduce((a, b) => a + b, 0);
  const n = nb + nr;
  let chiSquare = 0;
  let columns = 0;
  for (let i = 0; i < baseline.length; i++) {
    const col = baseline[i]! + recent[i]!;
    if (col === 0) continue;
    columns++;
    const eb = (nb * col) / n;
    const er = (nr * col) / n;
    chiSquare += (baseline[i]! - eb) ** 2 / eb + (recent[i]! - er) ** 2 / er;
  }
  return { chiSquare, df: Math.max(1, columns - 1) };
}

/**
 * Two-sided p of the two-proportion z-test (pooled variance, times `dispersion`
 * for over-dispersed counts); 1 when undefined.
 */
export function twoProportionP(x1: number, n1: number, x2: number, n2: number, dispersion = 1): number {
  if (n1 === 0 || n2 === 0) return 1;
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(dispersion * pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (se === 0) return 1;
  const z = Math.abs(x1 / n1 - x2 / n2) / se;
  return Math.min(1, 2 * normalUpperTail(z));
}

/**
 * Pearson's dispersion estimate φ = X² / ((k − 1)(C − 1)) of a routes × chunks
 * table (each row one route's counts per chunk), at least 1; 1 when there are
 * fewer than two chunks or routes with counts.
 */
export function chunkDispersion(rows: readonly (readonly number[])[]): number {
  const used = rows.filter((r) => r.some((n) => n > 0));
  const chunks = used[0]?.length ?? 0;
  if (used.length < 2 || chunks < 2) return 1;
  const colTotals = new Array<number>(chunks).fill(0);
  const rowTotals = used.map((r) => r.reduce((a, b) => a + b, 0));
  used.forEach((r) => r.forEach((n, c) => (colTotals[c]! += n)));
  const total = rowTotals.reduce((a, b) => a + b, 0);
  const liveChunks = colTotals.filter((n) => n > 0).length;
  if (liveChunks < 2) return 1;
  let x2 = 0;
  used.forEach((r, i) =>
    r.forEach((n, c) => {
      const e = (rowTotals[i]! * colTotals[c]!) / total;
      if (e > 0) x2 += (n - e) ** 2 / e;
    }),
  );
  return Math.max(1, x2 / ((used.length - 1) * (liveChunks - 1)));
}

/**
 * One-sided p that a route's rate fell: given x = recent + baseline incidents,
 * recent ~ Binomial(x, R / (R + B)) if the rate held; normal approximation with
 * the variance scaled by `dispersion`. 1 when the recent count is not below
 * expectation.
 */
export function rateDropP(recent: number, baseline: number, recentBuckets: number, baselineBuckets: number, dispersion = 1): number {
  const n = recent + baseline;
  if (n === 0) return 1;
  const p0 = recentBuckets / (recentBuckets + baselineBuckets);
  const expected = n * p0;
  if (recent >= expected) return 1;
  const z = (expected - recent) / Math.sqrt(dispersion * n * p0 * (1 - p0));
  return normalUpperTail(z);
}

/** Variance over mean of per-bucket counts, at least 1 (1 for Poisson). */
export function varianceToMean(counts: readonly number[]): number {
  if (counts.length < 2) return 1;
  const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
  if (mean === 0) return 1;
  const variance = counts.reduce((a, b) => a + (b - mean) ** 2, 0) / (counts.length - 1);
  return Math.max(1, variance / mean);
}

/** Jensen–Shannon divergence in bits (0 = same shares, 1 = disjoint). */
export function jensenShannon(p: readonly number[], q: readonly number[]): number {
  let d = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i]!;
    const b = q[i]!;
    const m = (a + b) / 2;
    if (a > 0) d += 0.5 * a * Math.log2(a / m);
    if (b > 0) d += 0.5 * b * Math.log2(b / m);
  }
  return Math.max(0, d);
}
