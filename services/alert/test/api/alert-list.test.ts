// The alert list a desk works with: rows without evidence but with the
// dimension in words, every sort pages through every alert exactly once in its
// order, filters on event time, acknowledgement and silences, and /api/me.
import { describe, expect, it } from 'vitest';
import { AGENCIES, apiHarness, evidence, openAlerts, signalOf, type Harness } from './harness';

interface Row { id: string; level: string; alert: Record<string, unknown> & { severity: string; rank_score: number; opened_at: string }; dimension_label: string; silenced?: boolean; updated_at: string }
interface ListBody { alerts: Row[]; total: number; next_cursor: string | null; sort: string; position: string }

const list = async (h: Harness, who: 'alerts:read' | 'admin', query = ''): Promise<ListBody> => {
  const res = await h.server.inject({ url: `/api/alerts${query}`, headers: h.auth(who) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as ListBody;
};

async function pageThrough(h: Harness, query: string): Promise<Row[]> {
  const rows: Row[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 20; i++) {
    const page = await list(h, 'admin', `?limit=2${query}${cursor ? `&cursor=${cursor}` : ''}`);
    rows.push(...page.alerts);
    cursor = page.next_cursor;
    if (!cursor) break;
  }
  return rows;
}

describe('alert list', () => {
  it('rows carry no evidence, name the dimension in words and say (to admins only) whether a silence holds them', async () => {
    const h = await apiHarness();
    const [tech, method] = await openAlerts(h, [
      signalOf('BE|technology:messenger.encrypted', [evidence(AGENCIES.own.agency, 'NL', 'GREEN')], { dimension: { type: 'country_technology', key: 'BE|technology:messenger.encrypted', attributes: { country: 'BE', technology: 'messenger.encrypted' } } }),
      signalOf('concealment.container', [evidence(AGENCIES.own.agency, 'NL', 'GREEN')]),
    ]);
    const silence = await h.server.inject({ method: 'POST', url: '/api/silences', headers: h.auth('admin'), payload: { matchers: [{ name: 'alert_id', op: '=', value: tech }], duration_seconds: 600 } });
    expect(silence.statusCode).toBe(201);

    const admin = await list(h, 'admin');
    const byId = new Map(admin.alerts.map((r) => [r.id, r]));
    expect(byId.get(tech!)?.dimension_label).toBe('Belgium · Mainstream encrypted messengers');
    expect(byId.get(method!)?.dimension_label).toBe('Concealment in shipping containers');
    expect(byId.get(tech!)?.silenced).toBe(true);
    expect(byId.get(method!)?.silenced).toBe(false);
    for (const row of admin.alerts) for (const heavy of ['evidence', 'history', 'desk']) expect(row.alert, heavy).not.toHaveProperty(heavy);
    expect((await list(h, 'admin', '?silenced=true')).alerts.map((r) => r.id)).toEqual([tech]);
    expect((await list(h, 'admin', '?silenced=false')).alerts.map((r) => r.id)).toEqual([method]);

    const agency = await list(h, 'alerts:read');
    expect(agency.alerts.length).toBe(2);
    for (const row of agency.alerts) {
      expect(row).not.toHaveProperty('silenced');
      expect(row.alert).not.toHaveProperty('evidence');
    }
    const refused = await h.server.inject({ url: '/api/alerts?silenced=true', headers: h.auth('alerts:read') });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.message).toContain('silenced');
    // The detail still has the evidence.
    const detail = (await h.server.inject({ url: `/api/alerts/${method}`, headers: h.auth('alerts:read') })).json();
    expect(detail.alert.evidence.length).toBe(1);
    expect(detail.dimension_label).toBe('Concealment in shipping containers');
  });

  it('pages through every alert exactly once in each sort, and a cursor only with its own sort', async () => {
    const h = await apiHarness();
    const severities = ['low', 'critical', 'medium', 'high', 'low'] as const;
    const ids = await openAlerts(h, severities.map((severity, i) => signalOf(`method.sort${i}`, [evidence(AGENCIES.own.agency, 'NL', 'GREEN')], {
      severity, rank_score: (i * 7) % 5,
      bucket: { granularity: 'day', start: `2026-11-0${i + 1}T00:00:00.000Z`, end: `2026-11-0${i + 2}T00:00:00.000Z` },
    })));
    const rank = { info: 0, low: 1, medium: 2, high: 3, critical: 4 } as Record<string, number>;
    const checks: Array<[string, (a: Row, b: Row) => boolean]> = [
      ['rank', (a, b) => a.alert.rank_score >= b.alert.rank_score],
      ['opened', (a, b) => a.alert.opened_at >= b.alert.opened_at],
      ['updated', (a, b) => a.updated_at >= b.updated_at],
      ['event', (a, b) => (a.alert['bucket'] as { start: string }).start >= (b.alert['bucket'] as { start: string }).start],
      ['severity', (a, b) => rank[a.alert.severity]! >= rank[b.alert.severity]!],
    ];
    for (const [sort, inOrder] of checks) {
      const rows = await pageThrough(h, `&sort=${sort}`);
      expect(rows.map((r) => r.id).sort(), sort).toEqual([...ids].sort());
      for (let i = 1; i < rows.length; i++) expect(inOrder(rows[i - 1]!, rows[i]!), `${sort} at ${i}`).toBe(true);
    }
    expect((await pageThrough(h, '&sort=event')).map((r) => r.id)).toEqual([...ids].reverse());
    const first = await list(h, 'admin', '?limit=2&sort=opened');
    expect(first.sort).toBe('opened');
    const mixed = await h.server.inject({ url: `/api/alerts?limit=2&sort=rank&cursor=${first.next_cursor}`, headers: h.auth('admin') });
    expect(mixed.statusCode).toBe(400);
    expect(mixed.json().error.message).toContain('another sort');
    for (const bad of ['?sort=random', '?silenced=yes', '?acknowledged=1', '?event_from=soon', '?until=later']) {
      const res = await h.server.inject({ url: `/api/alerts${bad}`, headers: h.auth('admin') });
      expect(res.statusCode, bad).toBe(400);
      expect(res.json().error.message, bad).toContain(bad.slice(1, bad.indexOf('=')));
    }
  });

  it('filters on event time, acknowledgement and wall-clock time', async () => {
    const h = await apiHarness();
    const ids = await openAlerts(h, [1, 2, 3].map((d) => signalOf(`method.time${d}`, [evidence(AGENCIES.own.agency, 'NL', 'GREEN')], {
      bucket: { granularity: 'day', start: `2026-11-0${d}T00:00:00.000Z`, end: `2026-11-0${d + 1}T00:00:00.000Z` },
    })));
    const ranged = await list(h, 'admin', '?event_from=2026-11-02T00:00:00Z&event_to=2026-11-03T00:00:00Z');
    expect(ranged.alerts.map((r) => r.id)).toEqual([ids[1]]);
    expect((await list(h, 'admin', '?event_from=2026-11-03T12:00:00Z')).alerts.map((r) => r.id)).toEqual([ids[2]]);
    await h.server.inject({ method: 'POST', url: `/api/alerts/${ids[0]}/acknowledge`, headers: h.auth('admin'), payload: {} });
    expect((await list(h, 'admin', '?acknowledged=true')).alerts.map((r) => r.id)).toEqual([ids[0]]);
    expect((await list(h, 'admin', '?acknowledged=false')).total).toBe(2);
    expect((await list(h, 'admin', '?until=2000-01-01T00:00:00Z')).total).toBe(0);
  });

  it('GET /api/me names the key holder without the secret; no key or a bad one is 401', async () => {
    const h = await apiHarness();
    const me = await h.server.inject({ url: '/api/me', headers: h.auth('alerts:read') });
    expect(me.statusCode).toBe(200);
    const body = me.json();
    expect(body).toMatchObject({ agency: AGENCIES.own.agency, country: 'NL', country_name: 'Netherlands', scopes: ['alerts:read'], admin: false });
    expect(h.auth('alerts:read').authorization).toContain(`tsk_${body.key_id}_`);
    expect(me.body).not.toContain(h.auth('alerts:read').authorization!.slice('Bearer '.length));
    expect((await h.server.inject({ url: '/api/me', headers: h.auth('admin') })).json()).toMatchObject({ agency: 'tocsin-ops', admin: true, scopes: ['admin'] });
    // A key without scopes may still ask who it is.
    expect((await h.server.inject({ url: '/api/me', headers: h.auth('no-scope') })).json().scopes).toEqual([]);
    expect((await h.server.inject({ url: '/api/me' })).statusCode).toBe(401);
    expect((await h.server.inject({ url: '/api/me', headers: { authorization: 'Bearer tsk_000000000000_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' } })).statusCode).toBe(401);
    expect((await h.server.inject({ url: '/api/me?x=1', headers: h.auth('admin') })).statusCode).toBe(400);
  });
});
