import { describe, expect, it } from 'vitest';
import { EmergenceError, FirstSeenRegistry, type Sighting } from '../../src/emergence';

const at = (day: number): string => new Date(Date.UTC(2026, 0, 1) + day * 86_400_000).toISOString();
const seen = (partner: string, country: string, day: number, id = `${partner}:${day}`): Sighting => ({ partner, country, at: at(day), incidentId: id });

describe('FirstSeenRegistry', () => {
  it('reports a pattern the first time only, keeping who reported it first', () => {
    const r = new FirstSeenRegistry();
    const hit = r.observe('route_edge', 'EC>BE|sea', seen('be-police', 'BE', 10));
    expect(hit).toMatchObject({ kind: 'first-seen', patternKey: 'EC>BE|sea', firstReported: { partner: 'be-police', country: 'BE', at: at(10), incidentId: 'be-police:10' } });
    expect(r.observe('route_edge', 'EC>BE|sea', seen('nl-customs', 'NL', 11))).toBeNull();
    expect(r.observe('route_edge', 'EC>BE|sea', seen('be-police', 'BE', 10))).toBeNull(); // the same record again
    expect(r.firstReported('route_edge', 'EC>BE|sea')).toEqual({ partner: 'be-police', country: 'BE', at: at(10), incidentId: 'be-police:10' });
    expect(r.get('route_edge', 'EC>BE|sea')).toMatchObject({ sightings: 3, lastAt: Date.parse(at(11)) });
  });

  it('keeps pattern types apart', () => {
    const r = new FirstSeenRegistry();
    expect(r.observe('country_method', 'NL|drone.border', seen('a', 'NL', 1))).not.toBeNull();
    expect(r.observe('country_technology', 'NL|drone.border', seen('a', 'NL', 1))).not.toBeNull();
  });

  it('reports a pattern again after the dormancy period of its type, not before', () => {
    const r = new FirstSeenRegistry({ dormancyDays: { route: 30 } });
    r.observe('route', 'MA>ES|sea', seen('es', 'ES', 0));
    expect(r.observe('route', 'MA>ES|sea', seen('es', 'ES', 29))).toBeNull();
    const back = r.observe('route', 'MA>ES|sea', seen('fr', 'FR', 60));
    expect(back).toMatchObject({ kind: 'reappeared', dormantDays: 31, lastSeenAt: at(29), firstReported: { partner: 'es', at: at(0) } });
    // Other types keep their defaults (365 days for a method in a country).
    r.observe('country_method', 'ES|small-aircraft', seen('es', 'ES', 0));
    expect(r.observe('country_method', 'ES|small-aircraft', seen('es', 'ES', 200))).toBeNull();
  });

  it('a late record from before the known first sighting becomes the first report, without a second hit', () => {
    const r = new FirstSeenRegistry();
    r.observe('route_commodity', 'CO>NL|sea|drug.cocaine', seen('nl', 'NL', 20));
    expect(r.observe('route_commodity', 'CO>NL|sea|drug.cocaine', seen('de', 'DE', 5, 'de:late'))).toBeNull();
    expect(r.firstReported('route_commodity', 'CO>NL|sea|drug.cocaine')).toMatchObject({ partner: 'de', incidentId: 'de:late', at: at(5) });
  });

  it('learns silently before quietUntil', () => {
    const r = new FirstSeenRegistry({ quietUntil: at(100) });
    expect(r.observe('route', 'A>B|air', seen('p', 'B', 50))).toBeNull();
    expect(r.observe('route', 'C>B|air', seen('p', 'B', 100))).not.toBeNull();
    expect(r.get('route', 'A>B|air')).toBeDefined();
  });

  it('round-trips through JSON and goes on as if never stopped', () => {
    const r = new FirstSeenRegistry();
    r.observe('route', 'A>B|air', seen('p', 'B', 1));
    const copy = FirstSeenRegistry.fromJSON(JSON.parse(JSON.stringify(r.toJSON())));
    expect(copy.observe('route', 'A>B|air', seen('q', 'B', 2))).toBeNull();
    expect(copy.observe('route', 'A>C|air', seen('q', 'C', 2))).not.toBeNull();
    expect(copy.firstReported('route', 'A>B|air')?.partner).toBe('p');
    expect(() => FirstSeenRegistry.fromJSON({ version: 2 } as never)).toThrow(EmergenceError);
  });

  it('hands out changed records for a changelog, with tombstones for forgotten ones', () => {
    const r = new FirstSeenRegistry({ maxPatterns: 10 });
    for (let i = 0; i < 10; i++) r.observe('route', `R${i}`, seen('p', 'NL', i));
    expect(r.takeChanges()).toHaveLength(10);
    expect(r.takeChanges()).toHaveLength(0);
    r.observe('route', 'R10', seen('p', 'NL', 10)); // 11 > 10: the two least recently seen go
    const changes = r.takeChanges();
    expect(r.size).toBe(9);
    expect(r.forgotten).toBe(2);
    expect(changes.filter(([, , rec]) => rec === null).map(([, k]) => k).sort()).toEqual(['R0', 'R1']);
    const restored = new FirstSeenRegistry({ maxPatterns: 10 });
    for (const [type, key, rec] of changes) restored.restore(type, key, rec);
    expect(restored.get('route', 'R10')).toEqual(r.get('route', 'R10'));
  });

  it('stays within its cap under a stream of distinct patterns', () => {
    const r = new FirstSeenRegistry({ maxPatterns: 1000 });
    for (let i = 0; i < 5000; i++) r.observe('route_edge', `E${i}`, seen('p', 'NL', i % 400));
    expect(r.size).toBeLessThanOrEqual(1000);
  });

  it('rejects bad options with an INVALID_OPTION error', () => {
    expect(() => new FirstSeenRegistry({ maxPatterns: 1 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => new FirstSeenRegistry({ quietUntil: 'yesterday' })).toThrow(/quietUntil/);
  });
});
