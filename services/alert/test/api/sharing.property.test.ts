// Property: what the alerts API shows an agency is exactly the sharing-rules
// view a webhook to that agency would carry, and no incident detail its marking
// forbids for that agency's country ever appears — not in the alert, not in the
// list, not in the revision log. Random incidents, markings and agencies.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Evidence } from '@tocsin/core';
import { shareDecision } from '@tocsin/core';
import { viewFor } from '@tocsin/core';
import { apiHarness, signalOf } from './harness';

const READERS = [
  { agency: 'nl-police', country: 'NL' },
  { agency: 'fr-ocrtis', country: 'FR' },
  { agency: 'be-customs', country: 'BE' },
  { agency: 'es-guardia', country: 'ES' },
] as const;
const PARTNERS = [...READERS.map((r) => r.agency), 'ma-dgsn'] as const;
const COUNTRIES = ['NL', 'FR', 'BE', 'ES', 'MA', 'CO'] as const;
const TLPS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'] as const;

const country = fc.constantFrom(...COUNTRIES);
const marking = fc.record(
  {
    tlp: fc.constantFrom(...TLPS),
    share_with: fc.uniqueArray(country, { maxLength: 3 }),
    handling_code: fc.constantFrom('H0', 'H1', 'H2', 'H3'),
    source_reliability: fc.constantFrom('A', 'B', 'C', 'X'),
    information_credibility: fc.constantFrom('1', '2', '3', '4'),
  },
  { requiredKeys: ['tlp', 'source_reliability', 'information_credibility'] },
);
const incident = fc.record({
  partner: fc.constantFrom(...PARTNERS),
  country,
  handling: marking,
  route: fc.option(fc.record({ origin: country, transit: fc.uniqueArray(country, { maxLength: 2 }), destination: country }), { nil: undefined }),
  methods: fc.option(fc.constant(['concealment.container']), { nil: undefined }),
});

let runs = 0;

describe('alerts API sharing rules (property)', () => {
  it('shows each agency exactly its webhook view and never a forbidden detail', async () => {
    const h = await apiHarness({ readers: READERS });
    await fc.assert(
      fc.asyncProperty(fc.array(incident, { minLength: 1, maxLength: 6 }), async (drawn) => {
        const run = ++runs;
        // Unique markers per incident, so "appears in the body" is an exact test.
        const evidence: Evidence[] = drawn.map((d, i) => ({
          incident_id: `${d.partner}:inc${run}x${i}`,
          partner: d.partner,
          country: d.country,
          occurred_at: '2026-11-01T10:00:00.000Z',
          narrative_excerpt: `NARRATIVE-${run}-${i}`,
          // Route.transit is generated as a tuple union (maxItems 16); the drawn array has at most 2.
          ...(d.route ? { route: d.route as NonNullable<Evidence['route']> } : {}),
          ...(d.methods ? { methods: [...d.methods] } : {}),
          handling: d.handling as Evidence['handling'],
        }));
        const key = `method.p${run}`;
        await h.app.engine.ingest([{ signal: signalOf(key, evidence) }]);
        const alert = h.app.engine.select().find((a) => a.dimension.key === key);
        // TLP:RED incidents never reach an alert; a signal resting on them alone makes none.
        if (evidence.every((e) => e.handling.tlp === 'RED')) {
          expect(alert).toBeUndefined();
          return;
        }
        if (!alert) throw new Error(`no alert for ${key}`);
        expect(JSON.stringify(alert)).not.toMatch(new RegExp(evidence.filter((e) => e.handling.tlp === 'RED').map((e) => e.incident_id).join('|') || '^$'));
        for (const reader of READERS) {
          const view = viewFor(alert, reader);
          const res = await h.server.inject({ url: `/api/alerts/${alert.id}`, headers: h.readerAuth(reader.agency) });
          const listed = (await h.server.inject({ url: '/api/alerts?limit=200', headers: h.readerAuth(reader.agency) })).json() as { alerts: Array<{ id: string; alert: unknown }> };
          const inList = listed.alerts.find((a) => a.id === alert.id);
          if (view.level === 'withheld') {
            expect(res.statusCode).toBe(404);
            expect(inList).toBeUndefined();
          } else {
            expect(res.statusCode).toBe(200);
            expect(res.json().alert).toEqual(JSON.parse(JSON.stringify(view)));
            // A list row is the same view without its evidence.
            const { evidence: _e, ...row } = view;
            expect(inList?.alert).toEqual(JSON.parse(JSON.stringify(row)));
          }
          const detailed = new Set(evidence.filter((e) => shareDecision(e, reader).level === 'detail').map((e) => e.partner));
          for (const [i, e] of evidence.entries()) {
            if (shareDecision(e, reader).level === 'detail') continue;
            for (const body of [res.body, JSON.stringify(inList ?? {})]) {
              expect(body).not.toContain(`NARRATIVE-${run}-${i}`);
              expect(body).not.toContain(e.incident_id);
              // A partner is named only when at least one of its incidents may be shown in detail.
              if (!detailed.has(e.partner)) expect(body).not.toContain(`"${e.partner}"`);
            }
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});
