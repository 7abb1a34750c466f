import type { Evidence } from '@tocsin/core';
import { describe, expect, it } from 'vitest';
import { KeyState } from '../../src/score/key-state';
import { noveltySignals } from '../../src/score/novelty';
import { PartitionScorer, type ObservationInput } from '../../src/score/partition-scorer';
import { testPlan } from '../plan';

const plan = testPlan({ emergence: { first_seen_learning_days: 10 } });
const START = 20_089; // 2025-01-01

function sighting(day: number, key: string, partner = 'nl-police'): ObservationInput {
  const [country, method] = key.split('|method:');
  const evidence: Evidence = {
    incident_id: `${partner}:${key}-${day}`, partner, country: country!, occurred_at: new Date(day * 86_400_000 + 7_200_000).toISOString(),
    handling: { tlp: 'AMBER', source_reliability: 'B', information_credibility: '2' },
  };
  return { dimType: 'country_method', dimKey: key, attributes: { country: country!, method: method! }, weight: 1, day, evidence };
}

const ctx = (scorer: PartitionScorer) => ({ plan, source: 't', clock: () => 0, markDirty: (k: KeyState) => scorer.markDirty(k) });
const dayStart = (day: number): string => new Date(day * 86_400_000).toISOString();

/** Closes every day bucket up to `day` (lateness 2) with a sighting of an unrelated pattern, and returns the novelty signals. */
function closeThrough(scorer: PartitionScorer, day: number, offset: number): ReturnType<typeof noveltySignals> {
  scorer.apply('country_method|ZZ|method:tick', sighting(day + 3, 'ZZ|method:tick'), offset);
  scorer.advance();
  return noveltySignals(scorer.takeNovelty(), ctx(scorer)).filter((s) => s.dimension.key !== 'ZZ|method:tick');
}

describe('first-seen novelty in the score stage', () => {
  it('signals a pattern first seen after the learning period once, naming who reported it first', () => {
    const scorer = new PartitionScorer(() => plan);
    let offset = 0;
    scorer.apply('country_method|NL|method:a', sighting(START, 'NL|method:a'), offset++);
    scorer.apply('country_method|NL|method:b', sighting(START + 12, 'NL|method:b', 'nl-customs'), offset++);
    scorer.apply('country_method|NL|method:b', sighting(START + 13, 'NL|method:b'), offset++);
    scorer.apply('country_method|NL|method:a', sighting(START + 14, 'NL|method:a'), offset++);
    // Nothing is decided before the day closes.
    expect(scorer.takeNovelty()).toEqual([]);
    const signals = closeThrough(scorer, START + 14, offset++);
    expect(signals.map((s) => s.id)).toEqual([`first-seen|country_method|NL|method:b|${new Date((START + 12) * 86_400_000).toISOString()}`]);
    expect(signals[0]).toMatchObject({
      detector: { id: 'first-seen', kind: 'novelty' },
      first_reported: { partner: 'nl-customs', country: 'NL' },
      severity: 'medium',
      config_version: 'test-1',
    });
  });

  it('keeps the registry record in the key snapshot, so a restored partition does not report the pattern again', () => {
    const scorer = new PartitionScorer(() => plan);
    scorer.apply('country_method|NL|method:a', sighting(START, 'NL|method:a'), 0);
    scorer.apply('country_method|BE|method:c', sighting(START + 20, 'BE|method:c'), 1);
    expect(closeThrough(scorer, START + 20, 2)).toHaveLength(1);
    const records = scorer.takeDirty().map((k) => JSON.parse(JSON.stringify(scorer.snapshot(k))));
    expect(records.find((r) => r.dim_key === 'BE|method:c').first_seen).toMatchObject({ firstPartner: 'nl-police', sightings: 1 });

    const restored = new PartitionScorer(() => plan);
    for (const r of records) restored.restore(`${r.dim_type}|${r.dim_key}`, KeyState.fromRecord(r), r);
    restored.finishRestore();
    restored.apply('country_method|BE|method:c', sighting(START + 24, 'BE|method:c'), 4);
    restored.apply('country_method|DE|method:d', sighting(START + 24, 'DE|method:d'), 5);
    expect(closeThrough(restored, START + 24, 6).map((s) => s.dimension.key)).toEqual(['DE|method:d']);
  });

  it('decides by event time: a sighting that arrives later but happened earlier, within the lateness, is the first one', () => {
    const scorer = new PartitionScorer(() => plan);
    scorer.apply('country_method|NL|method:a', sighting(START, 'NL|method:a'), 0);
    scorer.apply('country_method|NL|method:b', sighting(START + 14, 'NL|method:b', 'nl-customs'), 1);
    // Two days earlier, from another partner, arriving after (lateness is 2 days).
    scorer.apply('country_method|NL|method:b', sighting(START + 12, 'NL|method:b', 'be-police'), 2);
    const signals = closeThrough(scorer, START + 14, 3);
    expect(signals.map((s) => s.id)).toEqual([`first-seen|country_method|NL|method:b|${dayStart(START + 12)}`]);
    expect(signals[0]!.first_reported).toMatchObject({ partner: 'be-police' });
  });

  it('never reports a pattern seen every day as "seen again", whatever the arrival order within the lateness', () => {
    const days = Array.from({ length: 400 }, (_, i) => START + i);
    // Each day swapped with the next two: arrival out of order by up to 2 days.
    const shuffled = days.map((d, i) => ({ d, at: i + ((d * 7) % 3) })).sort((a, b) => a.at - b.at || a.d - b.d).map((x) => x.d);
    for (const order of [days, shuffled]) {
      const scorer = new PartitionScorer(() => plan);
      let offset = 0;
      const out = [];
      for (const d of order) {
        scorer.apply('country_method|NL|method:a', sighting(d, 'NL|method:a'), offset++);
        scorer.advance();
        out.push(...noveltySignals(scorer.takeNovelty(), ctx(scorer)));
      }
      out.push(...closeThrough(scorer, START + 400, offset));
      // Learning period: the pattern is known from the first days; never new, never back from dormancy.
      expect(out.filter((s) => s.dimension.key === 'NL|method:a')).toEqual([]);
    }
  });

  it('a sighting later than the lateness still reaches the registry, also for a key not held yet', () => {
    const scorer = new PartitionScorer(() => plan);
    scorer.apply('country_method|NL|method:a', sighting(START + 30, 'NL|method:a'), 0);
    scorer.advance();
    // Day START + 20 is closed: the sighting is late, its key was never held.
    expect(scorer.apply('country_method|NL|method:z', sighting(START + 20, 'NL|method:z', 'be-police'), 1)).toBe('late');
    const record = scorer.takeDirty().map((k) => scorer.snapshot(k)).find((r) => r.dim_key === 'NL|method:z');
    expect(record?.first_seen).toMatchObject({ firstPartner: 'be-police', firstAt: Date.parse(sighting(START + 20, 'x|method:y').evidence.occurred_at) });
    // Seen again in time: known already, so no first-seen.
    scorer.apply('country_method|NL|method:z', sighting(START + 31, 'NL|method:z'), 2);
    expect(closeThrough(scorer, START + 31, 3).map((s) => s.dimension.key)).toEqual(['NL|method:a']);
  });
});
