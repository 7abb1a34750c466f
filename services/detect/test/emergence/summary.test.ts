import { describe, expect, it } from 'vitest';
import { FirstSeenRegistry, displacementSummary, noveltySummary, spreadSummary, type DisplacementSignal, type SpreadSignal } from '../../src/emergence';

describe('one-line summaries for the desk', () => {
  it('novelty: who reported it first and when; reappeared: the gap', () => {
    const r = new FirstSeenRegistry({ dormancyDays: { route: 30 } });
    const first = r.observe('route', 'EC>GW>PT|sea', { partner: 'pt-pj', country: 'PT', at: '2026-03-22T08:00:00Z', incidentId: 'pt-pj:1' })!;
    expect(noveltySummary(first)).toBe('New route EC>GW>PT|sea: first reported by pt-pj (PT) on 2026-03-22.');
    const back = r.observe('route', 'EC>GW>PT|sea', { partner: 'es-gc', country: 'ES', at: '2026-06-01T08:00:00Z', incidentId: 'es-gc:9' })!;
    expect(noveltySummary(back)).toBe('route EC>GW>PT|sea seen again on 2026-06-01 by es-gc after 71 days; first reported by pt-pj (PT) on 2026-03-22.');
  });

  it('spread and displacement name countries, routes and shares, within 500 characters', () => {
    const spread = {
      patternKey: 'technology:nps.nitazene',
      onsets: [
        { country: 'IE', at: '2026-03-05T00:00:00.000Z', partners: ['ie'], sources: ['first-seen'] },
        { country: 'NL', at: '2026-03-17T00:00:00.000Z', partners: ['nl'], sources: ['ears-c2'] },
      ],
      countries: ['IE', 'NL'],
      partners: ['ie', 'nl'],
      atRisk: [{ country: 'DE', weight: 20, via: ['NL'] }],
    } as unknown as SpreadSignal;
    expect(spreadSummary(spread)).toBe('technology:nps.nitazene rising in 2 countries (IE 2026-03-05 → NL 2026-03-17), reported by 2 agencies; next on routes: DE.');
    const shift = (route: string, b: number, r: number) => ({ route, baselineShare: b, recentShare: r });
    const d = { group: 'DE|land', losing: [shift('A>DE|land', 0.39, 0.24)], gaining: [shift('B>DE|land', 0.11, 0.32)], divergence: 0.0541, pValue: 8.7e-13 } as unknown as DisplacementSignal;
    expect(displacementSummary(d)).toBe('Traffic to DE|land shifting from A>DE|land 39%→24% to B>DE|land 11%→32% (JSD 0.054, p=8.7e-13).');
    const long = { ...spread, patternKey: 'x'.repeat(600) } as SpreadSignal;
    expect(spreadSummary(long).length).toBe(500);
  });
});
