import { compileValidator, loadTaxonomy, type Incident, type PartnerConfig } from '@tocsin/core';
import { describe, expect, it } from 'vitest';
import { normaliseIncident, type NormaliseContext } from '../../src/normalise/incident';
import { JSON_PARTNER, NOW, partnerIncident } from '../fixtures';

const ctx: NormaliseContext = { taxonomy: loadTaxonomy(), validateIncident: compileValidator<Incident>('incident.v1'), now: NOW, futureSkewMs: 15 * 60_000 };
const normalise = (draft: unknown, partner: PartnerConfig = JSON_PARTNER) => normaliseIncident(draft, partner, ctx);

function rejectionOf(draft: unknown) {
  const result = normalise(draft);
  if (result.ok) throw new Error('expected a rejection');
  return result.rejection;
}

describe('normaliseIncident', () => {
  it('normalises timestamps, countries and codes', () => {
    const result = normalise(partnerIncident());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toMatchObject({
      occurred_at: '2026-11-20T09:15:00.000Z',
      reported_at: '2026-11-21T09:00:00.000Z',
      country: 'NL',
      category: '06',
      route: { origin: 'CO', transit: ['ES'], destination: 'NL' },
      methods: ['concealment.container'],
      handling: { share_with: ['BE', 'DE'] },
      persons: [{ nationality: 'NL' }],
    });
  });

  it('fills in a missing partner from the topic and reads zone-less times in the partner offset', () => {
    const draft = partnerIncident({ occurred_at: '2026-11-20 10:15' });
    delete draft['partner'];
    const result = normalise(draft, { ...JSON_PARTNER, timezone_offset: '+02:00' });
    expect(result.ok && result.value.partner).toBe('nl-police');
    expect(result.ok && result.value.occurred_at).toBe('2026-11-20T08:15:00.000Z');
  });

  it.each([
    ['not an object', [1, 2], 'schema_violation', ''],
    ['another partner', partnerIncident({ partner: 'be-police' }), 'partner_mismatch', '/partner'],
    ['a bad date', partnerIncident({ occurred_at: '2026-02-30' }), 'schema_violation', '/occurred_at'],
    ['an unknown country', partnerIncident({ country: 'Atlantis' }), 'unknown_country', '/country'],
    ['an unknown transit country', partnerIncident({ route: { origin: 'CO', transit: ['ES', 'Mordor'], destination: 'NL' } }), 'unknown_country', '/route/transit/1'],
    ['an unknown nationality', partnerIncident({ persons: [{ name: 'A B', nationality: 'Narnia' }] }), 'unknown_country', '/persons/0/nationality'],
    ['a wrong type', partnerIncident({ methods: 'CONT' }), 'schema_violation', '/methods'],
    ['a missing field', partnerIncident({ handling: undefined }), 'schema_violation', '/handling'],
    ['an unknown method', partnerIncident({ methods: ['CONT', 'teleportation'] }), 'unknown_code', '/methods/1'],
    ['an unknown category', partnerIncident({ category: '99' }), 'schema_violation', '/category'],
    ['a category outside the taxonomy', partnerIncident({ category: '0699' }), 'unknown_code', '/category'],
    ['a future occurred_at', partnerIncident({ occurred_at: new Date(NOW + 16 * 60_000).toISOString() }), 'future_occurred_at', '/occurred_at'],
  ])('rejects %s', (_name, draft, reason, pointer) => {
    const rejection = rejectionOf(draft);
    expect(rejection.reason).toBe(reason);
    expect(rejection.pointer).toBe(pointer);
  });

  it('accepts occurred_at within the clock skew', () => {
    expect(normalise(partnerIncident({ occurred_at: new Date(NOW + 14 * 60_000).toISOString() })).ok).toBe(true);
  });

  it('quotes unknown codes but never person values', () => {
    expect(rejectionOf(partnerIncident({ methods: ['teleportation'] })).message).toContain('"teleportation"');
    const person = rejectionOf(partnerIncident({ persons: [{ name: 'Jan de Vries', nationality: 'Narnia' }] }));
    expect(person.message).not.toContain('Narnia');
    const extra = rejectionOf(partnerIncident({ persons: [{ 'Jan de Vries': 'x' }] }));
    expect(extra.pointer).toBe('/persons/0/*');
    expect(extra.message).not.toContain('Vries');
  });
});
