// Incidents for tests: valid against schemas/incident.v1, varied only where a test says so.
import type { Incident, IncidentEvent } from '@tocsin/core';

let serial = 0;

export function incident(overrides: Partial<Incident> = {}): Incident {
  serial++;
  return {
    id: `inc-${serial}`,
    partner: 'nl-police',
    occurred_at: '2025-03-10T12:00:00Z',
    reported_at: '2025-03-11T08:00:00Z',
    country: 'NL',
    category: '0601',
    route: { origin: 'CO', transit: ['PA'], destination: 'NL' },
    modality: 'sea',
    methods: ['concealment.container'],
    technologies: ['messenger.encrypted'],
    commodities: ['drug.cocaine'],
    handling: { tlp: 'AMBER', source_reliability: 'B', information_credibility: '2' },
    ...overrides,
  };
}

export function event(inc: Incident, revision = 1): IncidentEvent {
  return {
    id: `${inc.partner}:${inc.id}:r${revision}`,
    type: 'incident',
    schema_version: 1,
    produced_at: '2025-03-11T08:00:01.000Z',
    source: 'ingest/test',
    revision,
    received_at: '2025-03-11T08:00:00.000Z',
    content_hash: 'a'.repeat(64),
    incident: inc,
  };
}

/** ISO timestamp at noon of `day` days after 2025-01-01. */
export function dayAt(day: number, hour = 12): string {
  return new Date(Date.UTC(2025, 0, 1 + day, hour)).toISOString();
}
