// Alerts API: agencies read exactly the sharing-rules view a webhook would carry,
// filters cannot reveal withheld incidents, pagination is stable, and watch-desk
// actions are recorded with actor and time and visible on the alert.
import { describe, expect, it } from 'vitest';
import { viewFor, type AlertView } from '@tocsin/core';
import { AGENCIES, apiHarness, evidence, openAlerts, signalOf, type Harness } from './harness';

const list = async (h: Harness, who: 'alerts:read' | 'admin', query = '') => {
  const res = await h.server.inject({ url: `/api/alerts${query}`, headers: h.auth(who) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { alerts: Array<{ id: string; level: string; alert: Record<string, unknown>; desk: Record<string, unknown> }>; total: number; next_cursor: string | null };
};

async function fixtures(h: Harness) {
  const [green, red, amber] = await openAlerts(h, [
    signalOf('concealment.container', [evidence(AGENCIES.own.agency, 'NL', 'GREEN')], { rank_score: 30 }),
    // Incidents none of which is listed with its marking: no agency may learn the alert exists.
    // (TLP:RED incidents used to make such alerts; they no longer reach alerts at all.)
    signalOf('concealment.vehicle', [], { rank_score: 20, countries: ['FR'], partners: [AGENCIES.other.agency], evidence_total: 4, summary: `secret detail of ${AGENCIES.other.agency}` }),
    // TLP:AMBER about FR only: NL is outside need-to-know, so counts only.
    signalOf('payment.crypto', [evidence(AGENCIES.other.agency, 'FR', 'AMBER')], { rank_score: 10, severity: 'medium', detector: { id: 'novelty-1', version: '1', kind: 'novelty' } }),
  ]);
  return { green: green!, red: red!, amber: amber! };
}

describe('alerts API', () => {
  it('gives agencies the same view a webhook carries and hides withheld alerts; admin sees records', async () => {
    const h = await apiHarness();
    const ids = await fixtures(h);
    const mine = await list(h, 'alerts:read');
    expect(mine.alerts.map((a) => a.id)).toEqual([ids.green, ids.amber]);
    expect(mine.total).toBe(2);
    // List rows: the webhook view without its evidence (the detail route has it).
    for (const entry of mine.alerts) {
      const { evidence: _e, ...view } = viewFor(h.app.engine.get(entry.id), AGENCIES.own) as AlertView;
      expect(entry.alert).toEqual(JSON.parse(JSON.stringify(view)));
    }
    expect(mine.alerts.map((a) => a.level)).toEqual(['full', 'aggregate']);
    const body = JSON.stringify(mine);
    expect(body).not.toContain(`secret detail of ${AGENCIES.other.agency}`);
    expect(body).not.toContain(ids.red);

    const all = await list(h, 'admin');
    expect(all.alerts.map((a) => a.id)).toEqual([ids.green, ids.red, ids.amber]);
    expect(all.alerts.every((a) => a.level === 'admin')).toBe(true);
    // Admin rows are the stored records, also without evidence; the detail shows it.
    expect(JSON.stringify(all)).not.toContain('narrative_excerpt');
    expect((await h.server.inject({ url: `/api/alerts/${ids.red}`, headers: h.auth('admin') })).body).toContain(`secret detail of ${AGENCIES.other.agency}`);

    // Detail: withheld is "not found", exactly like an unknown id.
    const withheld = await h.server.inject({ url: `/api/alerts/${ids.red}`, headers: h.auth('alerts:read') });
    const unknown = await h.server.inject({ url: '/api/alerts/al_000000000000000000000000', headers: h.auth('alerts:read') });
    expect(withheld.statusCode).toBe(404);
    expect(withheld.json().error.message.replace(ids.red, 'ID')).toBe(unknown.json().error.message.replace('al_000000000000000000000000', 'ID'));
    const other = await h.server.inject({ url: `/api/alerts/${ids.red}`, headers: h.otherAuth('alerts:read') });
    expect(other.statusCode).toBe(404);
  });

  it('filters on what the caller may see, so a filter cannot probe withheld incidents', async () => {
    const h = await apiHarness();
    const ids = await fixtures(h);
    expect((await list(h, 'alerts:read', '?country=FR')).alerts.map((a) => a.id)).toEqual([ids.amber]);
    expect((await list(h, 'admin', '?country=FR')).alerts.map((a) => a.id)).toEqual([ids.red, ids.amber]);
    expect((await list(h, 'alerts:read', '?min_severity=high')).alerts.map((a) => a.id)).toEqual([ids.green]);
    expect((await list(h, 'alerts:read', '?detector_kind=novelty')).alerts.map((a) => a.id)).toEqual([ids.amber]);
    expect((await list(h, 'admin', '?dimension_type=method')).total).toBe(3);
    expect((await list(h, 'admin', '?dimension_type=route')).total).toBe(0);
    expect((await list(h, 'admin', '?status=resolved')).total).toBe(0);
    expect((await list(h, 'admin', '?since=2999-01-01T00:00:00Z')).total).toBe(0);
    expect((await list(h, 'admin', '?since=2000-01-01T00:00:00Z')).total).toBe(3);
    for (const [query, names] of [['?status=closed', 'status'], ['?min_severity=huge', 'min_severity'], ['?country=fr', 'country'], ['?detector_kind=x', 'detector_kind'], ['?since=yesterday', 'since'], ['?limit=0', 'limit'], ['?limit=201', 'limit'], ['?cursor=abc', 'cursor']] as const) {
      const res = await h.server.inject({ url: `/api/alerts${query}`, headers: h.auth('admin') });
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.message, query).toContain(names);
    }
  });

  it('pages with a stable cursor: every alert exactly once, in rank order', async () => {
    const h = await apiHarness();
    const signals = Array.from({ length: 7 }, (_, i) => signalOf(`method.m${i}`, [evidence(AGENCIES.own.agency, 'NL', 'GREEN')], { rank_score: i % 3 }));
    const ids = await openAlerts(h, signals);
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const res = await list(h, 'alerts:read', `?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.alerts.length).toBeLessThanOrEqual(3);
      seen.push(...res.alerts.map((a) => a.id));
      cursor = res.next_cursor;
      if (!cursor) break;
    }
    expect([...seen].sort()).toEqual([...ids].sort());
    expect(new Set(seen).size).toBe(7);
    const ranks = seen.map((id) => h.app.engine.get(id).rank_score);
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
  });

  it('records acknowledge, assign and label with actor and time, visible on the alert', async () => {
    const h = await apiHarness();
    const { green } = await fixtures(h);
    const admin = h.auth('admin');
    const ack = await h.server.inject({ method: 'POST', url: `/api/alerts/${green}/acknowledge`, headers: admin, payload: { comment: 'checking with NL desk' } });
    expect(ack.statusCode, ack.body).toBe(200);
    const assign = await h.server.inject({ method: 'POST', url: `/api/alerts/${green}/assign`, headers: admin, payload: { assignee: 'analyst-7' } });
    expect(assign.statusCode).toBe(200);
    const label = await h.server.inject({ method: 'POST', url: `/api/alerts/${green}/label`, headers: admin, payload: { label: 'false_positive', comment: 'customs exercise' } });
    expect(label.statusCode).toBe(200);
    const detail = (await h.server.inject({ url: `/api/alerts/${green}`, headers: admin })).json();
    expect(detail.actions.map((a: { action: string }) => a.action)).toEqual(['acknowledge', 'assign', 'label']);
    for (const a of detail.actions) {
      expect(a.actor).toMatch(/^tocsin-ops\/[0-9a-f]{12}$/);
      expect(Date.parse(a.at)).toBeGreaterThan(Date.now() - 60_000);
    }
    expect(detail.desk).toMatchObject({ acknowledged: { comment: 'checking with NL desk' }, assignee: { to: 'analyst-7' }, label: { value: 'false_positive', comment: 'customs exercise' } });
    // Agencies see that it happened, not the operators' free-text comments.
    const seenByAgency = await h.server.inject({ url: `/api/alerts/${green}`, headers: h.auth('alerts:read') });
    expect(seenByAgency.json().actions.map((a: { action: string }) => a.action)).toEqual(['acknowledge', 'assign', 'label']);
    expect(seenByAgency.json().desk.label.value).toBe('false_positive');
    expect(seenByAgency.body).not.toContain('customs exercise');
    expect(seenByAgency.body).not.toContain('checking with NL desk');
    // Bodies are validated with the failing field named.
    const bad = await h.server.inject({ method: 'POST', url: `/api/alerts/${green}/label`, headers: admin, payload: { label: 'maybe' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('/label');
    const noAssignee = await h.server.inject({ method: 'POST', url: `/api/alerts/${green}/assign`, headers: admin, payload: {} });
    expect(noAssignee.json().error.message).toContain('/assignee');
    expect((await h.server.inject({ method: 'POST', url: '/api/alerts/al_000000000000000000000000/acknowledge', headers: admin })).statusCode).toBe(404);
  });

  it('creates, lists and ends silences, recorded with actor', async () => {
    const h = await apiHarness();
    const admin = h.auth('admin');
    const created = await h.server.inject({ method: 'POST', url: '/api/silences', headers: admin, payload: { matchers: [{ name: 'country', op: '=~', value: 'NL|BE' }], duration_seconds: 3600, comment: 'exercise week' } });
    expect(created.statusCode, created.body).toBe(201);
    const silence = created.json();
    expect(silence.created_by).toMatch(/^tocsin-ops\//);
    expect(Date.parse(silence.ends_at) - Date.parse(silence.starts_at)).toBe(3_600_000);
    const until = new Date(Date.now() + 7_200_000).toISOString();
    const byEnd = await h.server.inject({ method: 'POST', url: '/api/silences', headers: admin, payload: { matchers: [{ name: 'severity', op: '=', value: 'low' }], ends_at: until } });
    expect(byEnd.statusCode).toBe(201);
    expect((await h.server.inject({ url: '/api/silences', headers: admin })).json().silences).toHaveLength(2);
    const ended = await h.server.inject({ method: 'DELETE', url: `/api/silences/${silence.id}`, headers: admin });
    expect(ended.statusCode).toBe(200);
    expect((await h.server.inject({ url: '/api/silences', headers: admin })).json().silences.map((s: { id: string }) => s.id)).toEqual([byEnd.json().id]);
    expect((await h.server.inject({ method: 'DELETE', url: `/api/silences/${silence.id}`, headers: admin })).statusCode).toBe(404);
    for (const [payload, field] of [
      [{ matchers: [{ name: 'colour', op: '=', value: 'x' }], duration_seconds: 60 }, '/matchers/0/name'],
      [{ matchers: [], duration_seconds: 60 }, '/matchers'],
      [{ matchers: [{ name: 'country', op: '=', value: 'NL' }] }, '/duration_seconds or /ends_at'],
      [{ matchers: [{ name: 'country', op: '=', value: 'NL' }], duration_seconds: 60, ends_at: until }, '/duration_seconds or /ends_at'],
      [{ matchers: [{ name: 'country', op: '=', value: 'NL' }], ends_at: '2000-01-01T00:00:00Z' }, '/ends_at'],
      [{ matchers: [{ name: 'country', op: '=~', value: '(' }], duration_seconds: 60 }, 'regular expression'],
    ] as const) {
      const res = await h.server.inject({ method: 'POST', url: '/api/silences', headers: admin, payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.message, JSON.stringify(payload)).toContain(field);
    }
  });
});
