// Issue 9, finding 3: one TLP:RED incident from a new partner, added to an alert
// another agency can see, made revision 2 (reason `scope`), turned `statistics`
// null, sent that agency an `alert.updated` webhook and showed the `scope` entry in
// its revision list — revealing that a RED incident exists and when it arrived.
import { viewFor, type Signal } from '@tocsin/core';
import { describe, expect, it } from 'vitest';
import { detailFor } from '../../src/api/visibility';
import { generateSecret } from '../../src/delivery/signing';
import { eventually, startReceiver, startTestApp } from '../helpers/app';
import { evidence, makeSignal } from '../helpers/signals';

const admin = { kind: 'admin' } as const;
const NL = { agency: 'nl-police', country: 'NL' };
const nlPrincipal = { keyId: 'k1', ...NL, scopes: ['alerts:read'] as const };

describe('TLP:RED side channel', () => {
  it('a RED incident of another partner changes nothing an agency sees: revision, statistics, webhooks, revision log', async () => {
    const secret = generateSecret();
    const receiver = await startReceiver({ secrets: () => [secret] });
    const { app } = await startTestApp();
    await app.subscriptions.create(admin, { agency: NL.agency, agency_country: NL.country, endpoint_url: receiver.url, secret });

    const visible = [evidence('nl-police', 'NL', 1), evidence('be-customs', 'BE', 2)];
    const first: Signal = makeSignal({ evidence: visible });
    await app.engine.ingest([{ signal: first }]);
    await eventually(() => receiver.received().length === 1, 'alert.opened to NL');
    const alertId = app.engine.list().alerts[0]!.id;
    const before = { view: viewFor(app.engine.get(alertId), NL), detail: detailFor(app.engine.get(alertId), nlPrincipal as never) };

    // The same bucket again, now also listing a RED incident of a partner from a new country.
    const red = evidence('ma-dgsn', 'MA', 3, { tlp: 'RED' }, { route: { origin: 'MA', transit: [], destination: 'ES' } });
    await app.engine.ingest([{ signal: makeSignal({ evidence: [...visible, red] }) }]);
    // Longer than the group interval (50 ms): an update would have gone out by now.
    await new Promise((r) => setTimeout(r, 400));

    const alert = app.engine.get(alertId);
    expect(alert.revision).toBe(1);
    expect(alert.history.map((h) => h.reason)).toEqual(['opened']);
    expect(JSON.stringify(alert)).not.toContain('ma-dgsn');
    const view = viewFor(alert, NL);
    expect(view.level).toBe('full');
    expect(view).toEqual(before.view);
    expect((view as { statistics: unknown }).statistics).not.toBeNull();
    // updated_at moves with any signal for the alert, RED or not (the same signal without
    // the RED incident would move it too); everything else is as before.
    expect({ ...detailFor(alert, nlPrincipal as never), updated_at: null }).toEqual({ ...before.detail, updated_at: null });
    expect(receiver.received().map((r) => JSON.parse(r.body).type)).toEqual(['alert.opened']);
    expect(app.deliveries.list(admin, { agency: NL.agency })).toHaveLength(1);
  });

  it('a signal resting only on RED incidents makes no alert at all', async () => {
    const { app } = await startTestApp();
    await app.engine.ingest([{ signal: makeSignal({ evidence: [evidence('ma-dgsn', 'MA', 9, { tlp: 'RED' })] }) }]);
    expect(app.engine.list().total).toBe(0);
  });
});
