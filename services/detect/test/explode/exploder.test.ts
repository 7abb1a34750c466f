import { describe, expect, it } from 'vitest';
import { Exploder } from '../../src/explode/exploder';
import { dayAt, event, incident } from '../fixtures';

const dims = new Set(['country', 'method'] as const);

function exploder(): Exploder {
  return new Exploder(() => dims, () => 10);
}

describe('Exploder', () => {
  it('emits one observation per key with the incident as evidence, without narrative or persons', () => {
    const inc = incident({ narrative: { text: 'secret names here', lang: 'en' }, persons: [{ role: 'suspect', name: 'ps1:abc' }] });
    const { outcome, observations } = exploder().explode(event(inc));
    expect(outcome).toBe('new');
    expect(observations.map((o) => o.topicKey)).toEqual(['country|NL', 'method|concealment.container']);
    const evidence = observations[0]!.observation.evidence;
    expect(evidence.incident_id).toBe(`nl-police:${inc.id}`);
    expect(JSON.stringify(evidence)).not.toContain('secret');
    expect(JSON.stringify(evidence)).not.toContain('ps1:abc');
  });

  it('retracts the previous revision before adding a new one, so only the latest counts', () => {
    const e = exploder();
    const first = incident({ methods: ['a'] });
    e.explode(event(first, 1));
    const revised = { ...first, country: 'BE', methods: ['b'] };
    const { outcome, observations } = e.explode(event(revised, 2));
    expect(outcome).toBe('revised');
    expect(observations.map((o) => `${o.observation.weight}${o.topicKey}@r${o.observation.revision}`)).toEqual([
      '-1country|NL@r1', '-1method|a@r1', '1country|BE@r2', '1method|b@r2',
    ]);
  });

  it('drops re-sends of a revision already seen and older revisions', () => {
    const e = exploder();
    const inc = incident();
    e.explode(event(inc, 2));
    expect(e.explode(event(inc, 2)).outcome).toBe('duplicate');
    expect(e.explode(event(inc, 1))).toMatchObject({ outcome: 'stale', observations: [] });
  });

  it('forgets incidents older than the retention, and remembers restored ones', () => {
    const e = exploder();
    e.remember(event(incident({ id: 'old', occurred_at: dayAt(0) })));
    e.explode(event(incident({ occurred_at: dayAt(30) })));
    expect(e.remembered).toBe(2);
    expect(e.prune()).toBe(1);
    const restored = incident({ id: 'r', occurred_at: dayAt(30) });
    e.remember(event(restored, 3));
    expect(e.explode(event(restored, 3)).outcome).toBe('duplicate');
  });

  // Issue 9, findings 3 and 4: RED leaves Tocsin only towards its owner, not even as a
  // count, so it must not move any statistic, severity or first sighting others see.
  it('lets TLP:RED incidents into no count, and retracts an incident that becomes RED', () => {
    const e = exploder();
    const red = incident({ handling: { tlp: 'RED', source_reliability: 'B', information_credibility: '2' } });
    expect(e.explode(event(red)).observations).toEqual([]);
    // RED -> GREEN: counted from now on, with nothing to retract.
    const green = { ...red, handling: { ...red.handling, tlp: 'GREEN' as const } };
    expect(e.explode(event(green, 2)).observations.map((o) => `${o.observation.weight}${o.topicKey}`)).toEqual(['1country|NL', '1method|concealment.container']);
    // GREEN -> RED: its contributions are taken back and none added.
    expect(e.explode(event(red, 3)).observations.map((o) => `${o.observation.weight}${o.topicKey}`)).toEqual(['-1country|NL', '-1method|concealment.container']);
  });
});
