// Incidents and detector configurations for the tuning tests: NL counts of 4 a day, with
// 10 (2.5x) on surge days, under EARS C1 with an effect-size floor the test chooses.
import type { DetectorConfig, Incident, IncidentEvent } from '@tocsin/core';

export const DAY_MS = 86_400_000;
export const START = Date.UTC(2025, 0, 1);
let serial = 0;

export function incident(day: number, country: string): IncidentEvent {
  serial++;
  const occurred = new Date(START + day * DAY_MS + 12 * 3_600_000).toISOString();
  const inc: Incident = {
    id: `inc-${serial}`, partner: 'nl-police', occurred_at: occurred, reported_at: occurred, country, category: '0601',
    route: { origin: 'CO', transit: [], destination: country }, modality: 'sea', methods: ['concealment.container'], technologies: [], commodities: ['drug.cocaine'],
    handling: { tlp: 'GREEN', source_reliability: 'B', information_credibility: '2' },
  };
  return { id: `nl-police:${inc.id}:r1`, type: 'incident', schema_version: 1, produced_at: occurred, source: 'ingest/test', revision: 1, received_at: occurred, content_hash: 'a'.repeat(64), incident: inc };
}

/** Days [from, to) of NL incidents: 4 a day, 10 on the surge days. */
export function days(from: number, to: number, surges: number[]): IncidentEvent[] {
  const out: IncidentEvent[] = [];
  for (let day = from; day < to; day++) for (let i = 0; i < (surges.includes(day) ? 10 : 4); i++) out.push(incident(day, 'NL'));
  return out;
}

/** Daily EARS C1 on countries, no multiple-testing filter, emergence off: only the floor decides. */
export function floorConfig(version: string, minRatio: number, allowedLatenessDays = 2): DetectorConfig {
  return {
    id: 'default', version,
    buckets: { granularities: ['day'], allowed_lateness_days: allowedLatenessDays, min_history_days: 0 },
    dimensions: ['country'],
    count_detectors: [{ detector: 'ears-c1', granularity: 'day', history: 8, min_observed: 3, min_ratio: minRatio, params: { baseline: 7, alpha: 0.01, minSigma: 1 } }],
    multiple_testing: { method: 'none', fdr: 0.05, max_signals_per_bucket: 50 },
    overrides: [],
    emergence: { first_seen: false, cross_border_spread: false, route_displacement: false, emerging_terms: false },
  };
}
