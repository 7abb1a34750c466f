import { describe, expect, it } from 'vitest';
import { DEFAULT_LIFECYCLE } from '../../src/config';
import { applySignal } from '../../src/engine/lifecycle';
import { loadRegions } from '../../src/regions';
import { viewFor, type AlertView } from '@tocsin/core';
import { matchesFilters } from '../../src/subscriptions/filters';
import { evidence, makeSignal } from '../helpers/signals';

const regions = loadRegions();

function viewOf(spec: Parameters<typeof makeSignal>[0], country = 'NL'): AlertView {
  const alert = applySignal(undefined, makeSignal(spec), { now: 0, source: 't' }, DEFAULT_LIFECYCLE).alert;
  const v = viewFor(alert, { agency: 'someone', country });
  if (v.level === 'withheld') throw new Error('withheld');
  return v;
}

describe('subscription filters', () => {
  // Route CO → DO → NL, incidents in NL and BE, ICCS 0601, method concealment.container, severity high.
  const view = viewOf({});

  it('an empty filter takes everything', () => {
    expect(matchesFilters({}, 'FR', view, regions)).toBe(true);
  });

  it('touches_territory matches origin, transit and destination countries', () => {
    expect(matchesFilters({ touches_territory: true }, 'CO', view, regions)).toBe(true);
    expect(matchesFilters({ touches_territory: true }, 'DO', view, regions)).toBe(true);
    expect(matchesFilters({ touches_territory: true }, 'NL', view, regions)).toBe(true);
    expect(matchesFilters({ touches_territory: true }, 'FR', view, regions)).toBe(false);
  });

  it('countries and regions match any of the alert countries', () => {
    expect(matchesFilters({ countries: ['BE'] }, 'FR', view, regions)).toBe(true);
    expect(matchesFilters({ countries: ['FR'] }, 'FR', view, regions)).toBe(false);
    expect(matchesFilters({ regions: ['caribbean'] }, 'FR', view, regions)).toBe(true); // DO
    expect(matchesFilters({ regions: ['andean'] }, 'FR', view, regions)).toBe(true); // CO
    expect(matchesFilters({ regions: ['west-africa'] }, 'FR', view, regions)).toBe(false);
    expect(matchesFilters({ regions: ['west-africa'], touches_territory: true }, 'NL', view, regions)).toBe(true);
  });

  it('categories match by ICCS prefix; methods, technologies, detector kinds and severity exactly', () => {
    expect(matchesFilters({ categories: ['06'] }, 'FR', view, regions)).toBe(true);
    expect(matchesFilters({ categories: ['0601'] }, 'FR', view, regions)).toBe(true);
    expect(matchesFilters({ categories: ['08'] }, 'FR', view, regions)).toBe(false);
    expect(matchesFilters({ methods: ['concealment.container'] }, 'FR', view, regions)).toBe(true);
    expect(matchesFilters({ methods: ['body-packing'] }, 'FR', view, regions)).toBe(false);
    expect(matchesFilters({ technologies: ['crypto.mixer'] }, 'FR', view, regions)).toBe(false);
    expect(matchesFilters({ detector_kinds: ['count'] }, 'FR', view, regions)).toBe(true);
    expect(matchesFilters({ detector_kinds: ['novelty'] }, 'FR', view, regions)).toBe(false);
    expect(matchesFilters({ min_severity: 'high' }, 'FR', view, regions)).toBe(true);
    expect(matchesFilters({ min_severity: 'critical' }, 'FR', view, regions)).toBe(false);
  });

  it('matches on what the subscriber may see: a route known only from an AMBER+STRICT incident does not select it', () => {
    const strict = viewOf({ attributes: { country: 'BE' }, dimensionType: 'country', dimensionKey: 'BE', evidence: [evidence('be-customs', 'BE', 1, { tlp: 'AMBER+STRICT' }, { route: { origin: 'CO', transit: [], destination: 'BE' } })] }, 'CO');
    expect(strict.level).toBe('aggregate');
    expect(matchesFilters({ touches_territory: true }, 'CO', strict, regions)).toBe(false);
    expect(matchesFilters({ touches_territory: true }, 'BE', strict, regions)).toBe(true);
  });
});
