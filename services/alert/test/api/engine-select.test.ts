// AlertEngine.select(), the uncopied listing the API pages from (added by the
// API work): same matches and order as list(), references rather than copies,
// and those references stay consistent snapshots while the engine moves on.
import { describe, expect, it } from 'vitest';
import { AGENCIES, apiHarness, evidence, openAlerts, signalOf } from './harness';

describe('AlertEngine.select', () => {
  it('matches list() in content and order without copying', async () => {
    const h = await apiHarness();
    await openAlerts(h, Array.from({ length: 6 }, (_, i) => signalOf(`method.s${i}`, [evidence(AGENCIES.own.agency, i % 2 ? 'NL' : 'FR', 'GREEN')], { rank_score: i % 3, severity: i < 3 ? 'low' : 'high' })));
    for (const filter of [{}, { severity: 'high' }, { country: 'NL' }, { status: 'resolved' as const }]) {
      const selected = h.app.engine.select(filter);
      const listed = h.app.engine.list({ ...filter, limit: 1000 }).alerts;
      expect(selected.map((a) => a.id)).toEqual(listed.map((a) => a.id));
      expect(selected).toEqual(listed);
    }
    const [first] = h.app.engine.select();
    expect(h.app.engine.select()[0]).toBe(first); // same object: no copy
    expect(h.app.engine.list({ limit: 1 }).alerts[0]).not.toBe(first);
  });

  it('leaves a selected alert unchanged when the engine later acts on it or revises it', async () => {
    const h = await apiHarness();
    const [id] = await openAlerts(h, [signalOf('method.snap', [evidence(AGENCIES.own.agency, 'NL', 'GREEN')])]);
    const before = h.app.engine.select()[0]!;
    const frozen = structuredClone(before);
    await h.app.engine.acknowledge(id!, { actor: 'test', comment: 'x' });
    await h.app.engine.ingest([{ signal: signalOf('method.snap', [evidence(AGENCIES.other.agency, 'FR', 'GREEN')], { severity: 'critical' }) }]);
    await h.app.engine.tick();
    expect(before).toEqual(frozen);
    const after = h.app.engine.select()[0]!;
    expect(after).not.toBe(before);
    expect(after.severity).toBe('critical');
    expect(after.desk.acknowledged?.comment).toBe('x');
  });
});
