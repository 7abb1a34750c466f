// Route displacement on one route_destination key (`<destination>|<modality>`):
// every route to that destination reaches this key, its observations carry the
// full route in their evidence, so E1's RouteDisplacement sees the whole table
// of route shares here. An observation goes straight into the module's ring when
// its day is within the ring's reach of the next day to close; further ahead (a
// backlog batch spanning more days than the ring) it waits per day and enters
// when its day closes, so days not yet evaluated are never overwritten.

/** Open day → route → [incidents, first incident ids]. */
type Pending = Map<number, Map<string, [number, string[]]>>;
/**
 * Incident ids kept per route and open day: the module keeps the newest 10 per route as
 * evidence, and 2 a day over a 14-day recent window is plenty; memory is per open day.
 */
const IDS_PER_ROUTE = 2;
import type { Evidence } from '@tocsin/core';
import { RouteDisplacement, type DisplacementSignal, type DisplacementState } from '../emergence';
import { routeKey } from '../keys';
import type { DisplacementSettings } from './emergence-settings';

export interface DisplacementDetectorState extends DisplacementState {
  /** Open days: [day, [route, incidents, incident ids][]]. */
  pending?: Array<[number, Array<[string, number, string[]]>]>;
  /** Last day evaluated. */
  lastClosed?: number | null;
}

export class DisplacementDetector {
  private displacement: RouteDisplacement;
  private pending: Pending = new Map();
  /** Last day evaluated (-Infinity before the first). */
  private lastClosed = Number.NEGATIVE_INFINITY;

  constructor(
    /** The route_destination key, the one group of this detector. */
    readonly group: string,
    private readonly settings: DisplacementSettings,
    /** Days that may be open beyond the one closing (allowed lateness). */
    private readonly aheadDays: number,
  ) {
    this.displacement = new RouteDisplacement(this.options());
  }

  private options() {
    const s = this.settings;
    // Signal evidence comes from the closed day's incidents on the gaining routes (with their
    // handling markings), so the module's per-route id lists only need to be short: memory per key.
    return { recentBuckets: s.recentDays, baselineBuckets: s.baselineDays, alpha: s.alpha, minShareChange: s.minShareChange, aheadBuckets: this.aheadDays, evidencePerRoute: 2 };
  }

  observe(day: number, evidence: Evidence): void {
    if (!evidence.route || evidence.modality === undefined) return;
    const route = routeKey(evidence.route, evidence.modality);
    if (day <= this.lastClosed + 1 + this.aheadDays) {
      this.displacement.add(this.group, route, day, evidence.incident_id);
      return;
    }
    let routes = this.pending.get(day);
    if (!routes) this.pending.set(day, (routes = new Map()));
    const entry = routes.get(route);
    if (!entry) routes.set(route, [1, [evidence.incident_id]]);
    else {
      entry[0]++;
      if (entry[1].length < IDS_PER_ROUTE) entry[1].push(evidence.incident_id);
    }
  }

  private flush(through: number): void {
    for (const day of [...this.pending.keys()].sort((a, b) => a - b)) {
      if (day > through) break;
      for (const [route, [n, ids]] of this.pending.get(day)!) {
        for (let i = 0; i < n; i++) this.displacement.add(this.group, route, day, ids[i]);
      }
      this.pending.delete(day);
    }
  }

  /** Day `day` closed: the shift of route shares in the recent window, if any route was left. */
  closeDay(day: number, testable: boolean): DisplacementSignal | null {
    this.flush(day);
    this.lastClosed = Math.max(this.lastClosed, day);
    const found = this.displacement.close(day);
    return testable ? (found[0] ?? null) : null;
  }

  toJSON(): DisplacementDetectorState {
    return { ...this.displacement.toJSON(), lastClosed: Number.isFinite(this.lastClosed) ? this.lastClosed : null, pending: [...this.pending].map(([day, routes]) => [day, [...routes].map(([r, [n, ids]]) => [r, n, ids])]) };
  }

  static fromJSON(group: string, state: DisplacementDetectorState, settings: DisplacementSettings, aheadDays: number): DisplacementDetector {
    const d = new DisplacementDetector(group, settings, aheadDays);
    try {
      d.displacement = RouteDisplacement.fromJSON(state, d.options());
    } catch {
      // Windows of another length (the settings changed): the shares are learnt again.
    }
    if (typeof state.lastClosed === 'number') d.lastClosed = state.lastClosed;
    for (const [day, routes] of state.pending ?? []) d.pending.set(day, new Map(routes.map(([r, n, ids]) => [r, [n, ids]])));
    return d;
  }
}
