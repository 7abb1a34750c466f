// First-seen novelty inside the score stage. The novelty patterns (route edges,
// routes, a method or technology in a country, a commodity on a route) are
// dimension keys with the same formats, so each pattern's registry record lives
// with its key on one partition: the partition's FirstSeenRegistry (E1's module)
// sees every sighting of its patterns and persists with the key's snapshot. Hits are
// decided when the pattern's day bucket closes, on the day's earliest sighting, so
// they depend on event time only (a sighting arriving later but within the allowed
// lateness moves "first seen" back before anything is reported).
import type { Evidence, Signal } from '@tocsin/core';
import { bucketBoundsMs, bucketStartIso } from '../buckets';
import type { DetectorPlan } from '../config';
import { EMERGENCE_DETECTORS, noveltySummary, PATTERN_TYPES, type NoveltyHit, type PatternType } from '../emergence';
import { scoreBucket } from '../ranking';
import type { KeyState } from './key-state';
import { signalSeries, type SeriesSource } from './signal-series';
import { signalId } from './signals';

const PATTERNS: ReadonlySet<string> = new Set(PATTERN_TYPES);
const MARK = `${EMERGENCE_DETECTORS.firstSeen.id}@day`;

export function isNoveltyPattern(dimType: string): dimType is PatternType {
  return PATTERNS.has(dimType);
}

export interface NoveltyCandidate {
  key: KeyState;
  hit: NoveltyHit;
  day: number;
  evidence: Evidence;
}

const settingsOf = new WeakMap<DetectorPlan, { enabled: boolean; learningDays: number }>();

/** Novelty settings from the config's `emergence` block (computed once per plan: this runs per observation). */
export function noveltySettings(plan: DetectorPlan): { enabled: boolean; learningDays: number } {
  let settings = settingsOf.get(plan);
  if (!settings) settingsOf.set(plan, (settings = readSettings(plan)));
  return settings;
}

function readSettings(plan: DetectorPlan): { enabled: boolean; learningDays: number } {
  const e = plan.config.emergence ?? {};
  return {
    enabled: e['first_seen'] !== false,
    // A fresh deployment replaying history would report every known pattern as new.
    learningDays: typeof e['first_seen_learning_days'] === 'number' ? e['first_seen_learning_days'] : plan.minHistoryDays,
  };
}

/** Signals for novelty hits of one batch (not already emitted for the key and day), ranked. */
export function noveltySignals(candidates: readonly NoveltyCandidate[], ctx: { plan: DetectorPlan; source: string; clock: () => number; markDirty(key: KeyState): void; series?: SeriesSource }): Signal[] {
  const fresh = candidates.filter((c) => (c.key.emitted[MARK] ?? Number.NEGATIVE_INFINITY) < c.day);
  if (fresh.length === 0) return [];
  const producedAt = new Date(ctx.clock()).toISOString();
  const { id, version, kind } = EMERGENCE_DETECTORS.firstSeen;
  const scored = scoreBucket(
    fresh.map((c) => ({
      id: signalId(id, c.key.dimType, c.key.dimKey, bucketStartIso('day', c.day)),
      kind,
      pValue: null,
      observed: 1,
      expected: null,
      countries: 1,
      partners: 1,
      novelty: c.hit.kind,
      candidate: c,
    })),
  );
  const out: Signal[] = [];
  for (const s of scored) {
    const { key, hit, day, evidence } = s.candidate;
    if ((key.emitted[MARK] ?? Number.NEGATIVE_INFINITY) >= day) continue; // two hits of one key in one batch
    key.emitted[MARK] = day;
    ctx.markDirty(key);
    const first = hit.firstReported;
    out.push({
      id: s.id,
      type: 'signal',
      schema_version: 1,
      produced_at: producedAt,
      source: ctx.source,
      detector: { id, version, kind },
      dimension: { type: key.dimType, key: key.dimKey, attributes: key.attributes },
      bucket: { granularity: 'day', start: bucketStartIso('day', day), end: new Date(bucketBoundsMs('day', day).endMs).toISOString() },
      observed: 1,
      expected: null,
      upperbound: null,
      score: null,
      p_value: null,
      q_value: null,
      severity: s.severity,
      rank_score: s.rankScore,
      summary: noveltySummary(hit),
      first_reported: { partner: first.partner, country: first.country, at: first.at },
      countries: [evidence.country],
      partners: [evidence.partner],
      evidence: [evidence],
      evidence_total: 1,
      config_version: ctx.plan.version,
      // Counts only: what the pattern's days looked like before and on its first sighting.
      ...(ctx.series ? { series: signalSeries(ctx.series, key, id, null, 'day', day) } : {}),
    });
  }
  return out;
}
