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

describe('first-seen novelty in the score stage', () => {
  it('signals a pattern first seen after the learning period once, naming who reported it first', () => {
    const scorer = new PartitionScorer(() => plan);
    let offset = 0;
    scorer.apply('country_method|NL|method:a', sighting(START, 'NL|method:a'), offset++);
    scorer.apply('country_method|NL|method:b', sighting(START + 12, 'NL|method:b', 'nl-customs'), offset++);
    scorer.apply('country_method|NL|method:b', sighting(START + 13, 'NL|method:b'), offset++);
    scorer.apply('country_method|NL|method:a', sighting(START + 14, 'NL|method:a'), offset++);
    const signals = noveltySignals(scorer.takeNovelty(), ctx(scorer));
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
    expect(noveltySignals(scorer.takeNovelty(), ctx(scorer))).toHaveLength(1);
    const records = scorer.takeDirty().map((k) => JSON.parse(JSON.stringify(scorer.snapshot(k))));
    expect(records.find((r) => r.dim_key === 'BE|method:c').first_seen).toMatchObject({ firstPartner: 'nl-police', sightings: 1 });

    const restored = new PartitionScorer(() => plan);
    for (const r of records) restored.restore(`${r.dim_type}|${r.dim_key}`, KeyState.fromRecord(r), r);
    restored.finishRestore();
    restored.apply('country_method|BE|method:c', sighting(START + 21, 'BE|method:c'), 2);
    restored.apply('country_method|DE|method:d', sighting(START + 21, 'DE|method:d'), 3);
    expect(noveltySignals(restored.takeNovelty(), ctx(restored)).map((s) => s.dimension.key)).toEqual(['DE|method:d']);
  });
});
