// Property: no delivered payload ever contains a detail its marking forbids.
// Alerts with random evidence and random markings are pushed through the real
// path (viewFor → webhook body → JSON on the wire) for random subscribers; the
// payload text is then searched for each incident's unique detail tokens. The
// oracle below restates docs/sharing-rules.md independently of src/sharing.
import fc from 'fast-check';
import type { Alert, Evidence, Handling } from '@tocsin/core';
import { describe, expect, it } from 'vitest';
import { alertBody } from '../../src/delivery/payload';
import { applySignal } from '../../src/engine/lifecycle';
import { DEFAULT_LIFECYCLE } from '../../src/config';
import { viewFor, type ViewResult } from '@tocsin/core';
import { makeSignal } from '../helpers/signals';

type Level = 'detail' | 'aggregate' | 'none';
interface Sub { agency: string; country: string }

const COUNTRIES = ['NL', 'BE', 'FR', 'ES', 'CO', 'DO', 'NG', 'MA'] as const;
const PARTNERS = ['nl-police', 'be-customs', 'fr-dgddi', 'es-guardia', 'co-dijin', 'ng-ndlea'] as const;

/** docs/sharing-rules.md, table "Per incident", written out again. */
function oracle(e: Evidence, s: Sub): Level {
  if (e.partner === s.agency) return 'detail';
  const h = e.handling;
  if (h.tlp === 'RED') return 'none';
  if (h.tlp === 'AMBER+STRICT' || h.handling_code === 'H3') return 'aggregate';
  if (h.share_with) return h.share_with.includes(s.country) || e.country === s.country ? 'detail' : 'aggregate';
  if (h.tlp === 'AMBER') {
    const concerned = [e.country, e.route?.origin, e.route?.destination, ...(e.route?.transit ?? [])];
    return concerned.includes(s.country) ? 'detail' : 'aggregate';
  }
  return 'detail';
}

const handlingArb: fc.Arbitrary<Handling> = fc.record(
  {
    tlp: fc.constantFrom('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'),
    share_with: fc.uniqueArray(fc.constantFrom(...COUNTRIES), { maxLength: 3 }),
    handling_code: fc.constantFrom('H0', 'H1', 'H2', 'H3'),
    restrictions: fc.constant('only for the named unit'),
    source_reliability: fc.constantFrom('A', 'B', 'C', 'X'),
    information_credibility: fc.constantFrom('1', '2', '3', '4'),
  },
  { requiredKeys: ['tlp', 'source_reliability', 'information_credibility'] },
) as fc.Arbitrary<Handling>;

const evidenceArb = (i: number): fc.Arbitrary<Evidence> =>
  fc
    .record({
      partner: fc.constantFrom(...PARTNERS),
      country: fc.constantFrom(...COUNTRIES),
      origin: fc.constantFrom(...COUNTRIES),
      transit: fc.uniqueArray(fc.constantFrom(...COUNTRIES), { maxLength: 2 }),
      destination: fc.constantFrom(...COUNTRIES),
      handling: handlingArb,
      nonce: fc.integer({ min: 100_000, max: 999_999 }),
    })
    .map(({ partner, country, origin, transit, destination, handling, nonce }) => ({
      incident_id: `${partner}:SECRETINC${i}x${nonce}`,
      partner,
      country,
      occurred_at: '2026-11-19T10:00:00Z',
      category: '0601',
      route: { origin, transit: transit as NonNullable<Evidence['route']>['transit'], destination, name: `CORRIDOR${i}x${nonce}` },
      modality: 'sea',
      methods: [`method${i}x${nonce}`],
      technologies: [`tech${i}x${nonce}`],
      commodities: ['drugs.cocaine'],
      narrative_excerpt: `NARRATIVE${i}x${nonce} seized in a container`,
      handling,
    }));

const alertArb: fc.Arbitrary<Alert> = fc
  .integer({ min: 1, max: 6 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => evidenceArb(i))))
  .chain((ev) => fc.record({ ev: fc.constant(ev), firstBy: fc.constantFrom(...ev.map((e) => e)) }))
  .map(({ ev, firstBy }) => {
    const signal = makeSignal({
      evidence: ev,
      summary: `Summary mentioning ${ev.map((e) => e.narrative_excerpt).join(' / ')}`,
      attributes: { country: 'NL', method: 'concealment.container' },
      dimensionType: 'country_method',
      dimensionKey: 'NL|method:concealment.container',
    });
    signal.terms = ev.map((e) => `term-${e.incident_id}`);
    signal.first_reported = { partner: firstBy.partner, country: firstBy.country, at: '2026-11-01T00:00:00Z' };
    return applySignal(undefined, signal, { now: Date.parse('2026-11-21T00:00:00Z'), source: 'test' }, DEFAULT_LIFECYCLE).alert;
  });

const subArb: fc.Arbitrary<Sub> = fc.record({ agency: fc.constantFrom(...PARTNERS, 'other-agency'), country: fc.constantFrom(...COUNTRIES) });

/** Details of one incident that only a 'detail' recipient may ever see. */
const detailTokens = (e: Evidence): string[] => [
  e.incident_id.split(':')[1]!,
  e.narrative_excerpt!.split(' ')[0]!,
  e.route!.name!,
  e.methods![0]!,
  e.technologies![0]!,
];

/** Returns a description of the first leak in `payload`, or null. */
function leak(alert: Alert, sub: Sub, view: ViewResult, payload: string | null): string | null {
  const levels = alert.evidence.map((e) => oracle(e, sub));
  if (levels.every((l) => l === 'none')) return view.level === 'withheld' && payload === null ? null : 'all incidents withheld, yet something was sent';
  if (payload === null) return 'visible incidents, yet nothing was sent';
  for (const [i, e] of alert.evidence.entries()) {
    if (levels[i] === 'detail' && view.level === 'full') continue;
    for (const token of detailTokens(e)) if (payload.includes(token)) return `incident ${i} (${levels[i]}) leaked ${token}`;
  }
  const detailPartners = new Set(alert.evidence.filter((_, i) => levels[i] === 'detail').map((e) => e.partner));
  for (const p of PARTNERS) if (!detailPartners.has(p) && payload.includes(`"${p}`)) return `partner ${p} named without a detail-level incident`;
  // Every country in the payload must be justified by the dimension or a visible incident.
  const allowed = new Set<string>(['NL']);
  alert.evidence.forEach((e, i) => {
    if (levels[i] === 'none') return;
    allowed.add(e.country);
    if (levels[i] === 'detail') [e.route!.origin, e.route!.destination, ...e.route!.transit].forEach((c) => allowed.add(c));
  });
  const parsed = JSON.parse(payload) as { data: { alert: { countries: string[]; counts: { by_country: Record<string, number> }; statistics: unknown } } };
  for (const c of [...parsed.data.alert.countries, ...Object.keys(parsed.data.alert.counts.by_country)]) if (!allowed.has(c)) return `country ${c} not justified by any visible incident`;
  if (levels.some((l) => l === 'none') && parsed.data.alert.statistics !== null) return 'statistics include a withheld incident';
  return null;
}

function deliver(alert: Alert, sub: Sub): { view: ViewResult; payload: string | null } {
  const view = viewFor(alert, sub);
  return { view, payload: view.level === 'withheld' ? null : alertBody('alert.opened', view, 0, Date.parse('2026-11-21T00:00:00Z')) };
}

describe('sharing rules at delivery (property-based)', () => {
  it('no delivered payload contains a detail its marking forbids', () => {
    fc.assert(
      fc.property(alertArb, subArb, (alert, sub) => {
        const { view, payload } = deliver(alert, sub);
        const problem = leak(alert, sub, view, payload);
        if (problem) throw new Error(problem);
        // Positive side: names exactly the partners whose incidents it may detail.
        if (view.level !== 'withheld') {
          const named = [...new Set(alert.evidence.filter((e) => oracle(e, sub) === 'detail').map((e) => e.partner))].sort();
          expect(view.rests_on.partners).toEqual(named);
          expect(view.level === 'full').toBe(alert.evidence.every((e) => oracle(e, sub) === 'detail'));
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('the checker catches a view that ignores markings (the property can fail)', () => {
    const naive = (alert: Alert, sub: Sub) => {
      const everyone = viewFor({ ...alert, evidence: alert.evidence.map((e) => ({ ...e, partner: sub.agency })) }, sub);
      return everyone.level === 'withheld' ? null : alertBody('alert.opened', everyone, 0, 0);
    };
    const result = fc.check(
      fc.property(alertArb, subArb, (alert, sub) => leak(alert, sub, viewFor(alert, sub), naive(alert, sub)) === null),
      { numRuns: 300 },
    );
    expect(result.failed).toBe(true);
  });

  it('examples from the rules table', () => {
    const base = makeSignal().evidence[0]!;
    const nl = { agency: 'nl-police', country: 'NL' };
    const fr = { agency: 'fr-dgddi', country: 'FR' };
    const of = (h: Partial<Handling>, extra: Partial<Evidence> = {}): Evidence => ({ ...base, partner: 'be-customs', country: 'BE', ...extra, handling: { ...base.handling, ...h } });
    const alertWith = (e: Evidence[]) => applySignal(undefined, makeSignal({ evidence: e }), { now: 0, source: 't' }, DEFAULT_LIFECYCLE).alert;
    expect(viewFor(alertWith([of({ tlp: 'RED' })]), nl).level).toBe('withheld');
    expect(viewFor(alertWith([of({ tlp: 'RED' })]), { agency: 'be-customs', country: 'BE' }).level).toBe('full');
    expect(viewFor(alertWith([of({ tlp: 'AMBER+STRICT' })]), nl).level).toBe('aggregate');
    // AMBER without a list: the route (CO → DO → NL) makes NL need-to-know, FR not.
    expect(viewFor(alertWith([of({ tlp: 'AMBER' }, { route: { origin: 'CO', transit: ['DO'], destination: 'NL' } })]), nl).level).toBe('full');
    expect(viewFor(alertWith([of({ tlp: 'AMBER' }, { route: { origin: 'CO', transit: ['DO'], destination: 'NL' } })]), fr).level).toBe('aggregate');
    expect(viewFor(alertWith([of({ tlp: 'GREEN', share_with: ['FR'] })]), fr).level).toBe('full');
    expect(viewFor(alertWith([of({ tlp: 'GREEN', share_with: ['FR'] })]), nl).level).toBe('aggregate');
    const mixed = viewFor(alertWith([of({ tlp: 'RED' }), of({ tlp: 'GREEN', source_reliability: 'X' }, { incident_id: 'be-customs:inc-9', partner: 'es-guardia' })]), nl);
    expect(mixed.level).toBe('aggregate');
    if (mixed.level !== 'withheld') {
      expect(mixed.counts).toMatchObject({ incidents: 1, incidents_detailed: 1, low_grade: 1 });
      expect(mixed.rests_on).toEqual({ partners: ['es-guardia'], unnamed_partners: 0 });
      expect(mixed.statistics).toBeNull();
      expect(mixed.evidence).toBeUndefined();
    }
  });
});
