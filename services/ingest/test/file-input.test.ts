import { describe, expect, it } from 'vitest';
import { inEventTimeOrder, IncidentFileReader, type FileRecordOutcome } from '../src/file-input';

const incident = (id: string, occurred: string, extra: Record<string, unknown> = {}) => ({
  id, partner: 'fr-ocrtis', occurred_at: occurred, reported_at: '2019-03-09T00:00:00Z', country: 'France', category: '06012',
  route: { origin: 'CO', transit: [], destination: 'FR' }, modality: 'air', methods: [], technologies: [], commodities: ['drug.cocaine'],
  handling: { tlp: 'GREEN', handling_code: 'H0', source_reliability: 'B', information_credibility: '2' },
  persons: [{ role: 'suspect', name: 'Jean Dupont' }], ...extra,
});

describe('IncidentFileReader, canonical incident lines', () => {
  it('accepts old incidents on ingest\'s path, and rejects lines with dead-letter reasons and their line', () => {
    const lines = [
      JSON.stringify(incident('A-1', '2019-03-02T10:00:00Z')),
      '{not json',
      JSON.stringify({ ...incident('A-2', '2019-03-01T10:00:00Z'), partner: undefined }),
      JSON.stringify(incident('A-3', '2019-02-28T10:00:00Z', { country: 'Atlantis' })),
      JSON.stringify(incident('A-1', '2019-03-02T10:00:00Z')),
      JSON.stringify(incident('A-4', '2099-01-01T10:00:00Z')),
    ];
    const outcomes: FileRecordOutcome[] = [...new IncidentFileReader({ now: Date.parse('2026-01-01T00:00:00Z') }).readAll(lines.join('\n'))];
    expect(outcomes.map((o) => [o.kind, o.line, o.kind === 'rejected' ? o.reason : null])).toEqual([
      ['accepted', 1, null], ['rejected', 2, 'malformed_json'], ['rejected', 3, 'schema_violation'], ['rejected', 4, 'unknown_country'],
      ['duplicate', 5, null], ['rejected', 6, 'future_occurred_at'],
    ]);
    const accepted = outcomes[0]!;
    if (accepted.kind !== 'accepted') throw new Error('unreachable');
    expect(accepted.event.incident.country).toBe('FR');
    // Pseudonymised as ingest does: the name never leaves the reader.
    expect(JSON.stringify(accepted.event)).not.toContain('Dupont');
  });

  it('orders events by occurred_at, a revision never before the one it replaces', () => {
    const reader = new IncidentFileReader();
    const events = [...reader.readAll([
      JSON.stringify(incident('B-1', '2019-03-05T00:00:00Z')),
      JSON.stringify(incident('B-2', '2019-03-01T00:00:00Z')),
      JSON.stringify(incident('B-1', '2019-03-02T00:00:00Z', { narrative: { text: 'corrected', lang: 'en' } })),
    ].join('\n'))].flatMap((o) => (o.kind === 'accepted' ? [o.event] : []));
    expect(inEventTimeOrder(events).map((e) => e.id)).toEqual(['fr-ocrtis:B-2:r1', 'fr-ocrtis:B-1:r1', 'fr-ocrtis:B-1:r2']);
  });
});
