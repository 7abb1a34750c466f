// Signals as the detectors emit them (schemas/signal.v1.schema.json), for tests
// and the benchmark. Every signal made here is validated against the schema, so
// a test cannot pass on a shape the real pipeline would never produce.
import { compileValidator, type Evidence, type Handling, type Signal } from '@tocsin/core';

const validate = compileValidator<Signal>('signal.v1');

export interface SignalSpec {
  detector?: string;
  kind?: Signal['detector']['kind'];
  dimensionType?: string;
  dimensionKey?: string;
  attributes?: Signal['dimension']['attributes'];
  /** Bucket start day, e.g. '2026-11-20' (a Monday for week buckets). */
  day?: string;
  granularity?: 'day' | 'week';
  rankScore?: number;
  severity?: Signal['severity'];
  evidence?: Evidence[];
  observed?: number;
  summary?: string;
}

export function evidence(partner: string, country: string, n: number, handling: Partial<Handling> = {}, extra: Partial<Evidence> = {}): Evidence {
  return {
    incident_id: `${partner}:inc-${n}`,
    partner,
    country,
    occurred_at: '2026-11-19T10:00:00Z',
    category: '0601',
    route: { origin: 'CO', transit: ['DO'], destination: country },
    modality: 'sea',
    methods: ['concealment.container'],
    technologies: [],
    commodities: ['drugs.cocaine'],
    narrative_excerpt: `container seized at port, case ${n}`,
    handling: { tlp: 'GREEN', source_reliability: 'B', information_credibility: '2', ...handling },
    ...extra,
  };
}

export function makeSignal(spec: SignalSpec = {}): Signal {
  const day = spec.day ?? '2026-11-20';
  const start = `${day}T00:00:00Z`;
  const granularity = spec.granularity ?? 'day';
  const end = new Date(Date.parse(start) + (granularity === 'week' ? 7 : 1) * 86_400_000).toISOString().replace('.000Z', 'Z');
  const detector = spec.detector ?? 'ears-c2';
  const dimensionType = spec.dimensionType ?? 'route';
  const dimensionKey = spec.dimensionKey ?? 'CO>DO>NL|sea';
  const ev = spec.evidence ?? [evidence('nl-police', 'NL', 1), evidence('be-customs', 'BE', 2)];
  const signal: Signal = {
    id: `${detector}|${dimensionType}|${dimensionKey}|${start}${granularity === 'week' ? '/P1W' : ''}`,
    type: 'signal',
    schema_version: 1,
    produced_at: end,
    source: 'detect/test',
    detector: { id: detector, version: '1', kind: spec.kind ?? 'count' },
    dimension: { type: dimensionType, key: dimensionKey, attributes: spec.attributes ?? { origin: 'CO', transit: ['DO'], destination: 'NL', modality: 'sea' } },
    bucket: { granularity, start, end },
    observed: spec.observed ?? ev.length,
    expected: 0.4,
    upperbound: 1.2,
    score: 3.1,
    p_value: 0.004,
    q_value: 0.02,
    severity: spec.severity ?? 'high',
    rank_score: spec.rankScore ?? 7.5,
    summary: spec.summary ?? 'Surge on CO>DO>NL by sea',
    countries: [...new Set(ev.flatMap((e) => [e.country, ...(e.route ? [e.route.origin, e.route.destination, ...e.route.transit] : [])]))].sort(),
    partners: [...new Set(ev.map((e) => e.partner))].sort(),
    evidence: ev,
    evidence_total: ev.length,
    config_version: 'test-1',
  };
  const checked = validate(signal);
  if (!checked.ok) throw new Error(`test signal invalid at ${checked.errors[0]?.pointer}: ${checked.errors[0]?.message}`);
  return signal;
}
