import { describe, expect, it } from 'vitest';
import { CrossBorderSpread, RouteGraph, type RisingMark } from '../../src/emergence';

const at = (day: number): string => new Date(Date.UTC(2026, 2, 1) + day * 86_400_000).toISOString();
const mark = (country: string, partner: string, day: number, ids: string[] = []): RisingMark => ({ country, partner, at: at(day), source: 'ears-c2', incidentIds: ids });

function routes(): RouteGraph {
  const g = new RouteGraph();
  for (let i = 0; i < 30; i++) g.observe({ origin: 'CO', transit: ['ES'], destination: 'NL' });
  for (let i = 0; i < 20; i++) g.observe({ origin: 'NL', transit: [], destination: 'DE' });
  for (let i = 0; i < 5; i++) g.observe({ origin: 'ES', transit: [], destination: 'PT' });
  g.observe({ origin: 'FR', transit: [], destination: 'GB' });
  return g;
}

describe('CrossBorderSpread', () => {
  it('is silent while one country rises, signals when a second rises within the window', () => {
    const spread = new CrossBorderSpread({}, routes());
    expect(spread.markRising('technology:crypto.atm', mark('NL', 'nl-police', 0, ['nl-police:1']))).toBeNull();
    expect(spread.markRising('technology:crypto.atm', mark('NL', 'nl-fiod', 3))).toBeNull();
    const s = spread.markRising('technology:crypto.atm', mark('ES', 'es-gc', 10, ['es-gc:9']));
    expect(s).not.toBeNull();
    expect(s!.countries).toEqual(['NL', 'ES']);
    expect(s!.onsets.map((o) => [o.country, o.at])).toEqual([['NL', at(0)], ['ES', at(10)]]);
    expect(s!.partners).toEqual(['es-gc', 'nl-fiod', 'nl-police']);
    expect(s!.incidentIds).toEqual(['nl-police:1', 'es-gc:9']);
    // The warning for the third: linked to NL or ES by reported route edges, heaviest first.
    expect(s!.atRisk.map((n) => n.country)).toEqual(['CO', 'DE', 'PT']);
    expect(s!.atRisk[0]).toMatchObject({ country: 'CO', weight: 30, via: ['ES'] });
  });

  it('signals again only when the number of countries grows', () => {
    const spread = new CrossBorderSpread();
    spread.markRising('method:drone.border', mark('PL', 'pl', 0));
    expect(spread.markRising('method:drone.border', mark('LT', 'lt', 2))).not.toBeNull();
    expect(spread.markRising('method:drone.border', mark('LT', 'lt', 4))).toBeNull();
    expect(spread.markRising('method:drone.border', mark('PL', 'pl2', 5))).toBeNull();
    const third = spread.markRising('method:drone.border', mark('LV', 'lv', 6));
    expect(third?.countries).toEqual(['PL', 'LT', 'LV']);
  });

  it('does not join rises further apart than the window', () => {
    const spread = new CrossBorderSpread({ windowDays: 28 });
    spread.markRising('route_edge:EC>BE|sea', mark('BE', 'be', 0));
    expect(spread.markRising('route_edge:EC>BE|sea', mark('NL', 'nl', 40))).toBeNull();
    expect(spread.rising('route_edge:EC>BE|sea')).toEqual(['NL']);
    // A country that keeps rising stays in: BE again on day 45, then DE.
    spread.markRising('route_edge:EC>BE|sea', mark('BE', 'be', 45));
    expect(spread.rising('route_edge:EC>BE|sea')).toEqual(['NL', 'BE']);
  });

  it('re-arms after an episode has aged out', () => {
    const spread = new CrossBorderSpread({ windowDays: 10 });
    spread.markRising('p', mark('A1', 'a', 0));
    expect(spread.markRising('p', mark('B1', 'b', 1))).not.toBeNull();
    spread.markRising('p', mark('A1', 'a', 100));
    expect(spread.markRising('p', mark('B1', 'b', 101))).not.toBeNull();
  });

  it('needs minCountries countries', () => {
    const spread = new CrossBorderSpread({ minCountries: 3 });
    spread.markRising('p', mark('NL', 'a', 0));
    expect(spread.markRising('p', mark('BE', 'b', 1))).toBeNull();
    expect(spread.markRising('p', mark('DE', 'c', 2))?.countries).toEqual(['NL', 'BE', 'DE']);
    expect(() => new CrossBorderSpread({ minCountries: 1 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });

  it('round-trips through JSON without repeating a signal', () => {
    const spread = new CrossBorderSpread();
    spread.markRising('p', mark('NL', 'a', 0));
    spread.markRising('p', mark('BE', 'b', 1));
    const copy = CrossBorderSpread.fromJSON(JSON.parse(JSON.stringify(spread.toJSON())));
    expect(copy.markRising('p', mark('BE', 'b', 2))).toBeNull();
    expect(copy.markRising('p', mark('DE', 'c', 3))?.countries).toEqual(['NL', 'BE', 'DE']);
  });
});

describe('RouteGraph', () => {
  it('round-trips and ranks neighbours by traffic in both directions', () => {
    const g = RouteGraph.fromJSON(JSON.parse(JSON.stringify(routes().toJSON())));
    expect(g.neighbours(['NL'])).toEqual([
      { country: 'ES', weight: 30, via: ['NL'] },
      { country: 'DE', weight: 20, via: ['NL'] },
    ]);
    expect(g.neighbours(['GB', 'FR'])).toEqual([]);
  });
});
