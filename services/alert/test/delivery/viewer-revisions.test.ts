// Revisions are per viewer (issue 9, finding 3): a revision that changed nothing a
// subscriber sees — here a country that joined only through the route of an incident
// it may only count — is not its revision: no webhook, no entry in its revision log,
// no gap in its numbering. A subscriber whose view did change gets the update.
import { viewFor } from '@tocsin/core';
import { describe, expect, it } from 'vitest';
import { detailFor } from '../../src/api/visibility';
import { generateSecret } from '../../src/delivery/signing';
import { eventually, startReceiver, startTestApp } from '../helpers/app';
import { evidence, makeSignal } from '../helpers/signals';

const admin = { kind: 'admin' } as const;
const NL = { agency: 'nl-police', country: 'NL' };
const BE = { agency: 'be-customs', country: 'BE' };
const principal = (s: { agency: string; country: string }) => ({ keyId: 'k', ...s, scopes: ['alerts:read'] }) as never;

describe('per-viewer revisions', () => {
  it('sends an update only to subscribers whose view changed, and lists only their revisions', async () => {
    const secret = generateSecret();
    const [nlHooks, beHooks] = await Promise.all([startReceiver({ secrets: () => [secret] }), startReceiver({ secrets: () => [secret] })]);
    const { app } = await startTestApp();
    await app.subscriptions.create(admin, { agency: NL.agency, agency_country: NL.country, endpoint_url: nlHooks.url, secret });
    await app.subscriptions.create(admin, { agency: BE.agency, agency_country: BE.country, endpoint_url: beHooks.url, secret });

    // TLP:AMBER about BE (route CO>DO>BE): BE sees it in detail, NL (not concerned) may only count it.
    const amber = (transit: string) => evidence(BE.agency, 'BE', 1, { tlp: 'AMBER' }, { route: { origin: 'CO', transit: [transit], destination: 'BE' } });
    await app.engine.ingest([{ signal: makeSignal({ evidence: [amber('DO')] }) }]);
    await eventually(() => nlHooks.received().length === 1 && beHooks.received().length === 1, 'alert.opened to both');
    // The incident is revised: its route now runs through PA. A new country: revision 2 (scope).
    await app.engine.ingest([{ signal: makeSignal({ evidence: [amber('PA')] }) }]);
    await eventually(() => beHooks.received().length === 2, 'alert.updated to BE');
    await new Promise((r) => setTimeout(r, 300)); // well past the group interval (50 ms)

    const alert = app.engine.list().alerts[0]!;
    expect(alert.revision).toBe(2);
    const beUpdate = JSON.parse(beHooks.received()[1]!.body);
    expect(beUpdate).toMatchObject({ type: 'alert.updated', data: { alert: { revision: 2, level: 'full' } } });

    // NL: nothing it sees changed (PA came only with a route it may not see).
    expect(nlHooks.received().map((r) => JSON.parse(r.body).type)).toEqual(['alert.opened']);
    const nlView = viewFor(alert, NL);
    expect(nlView).toMatchObject({ level: 'aggregate', revision: 1 });
    expect(JSON.stringify(nlView)).not.toContain('PA');
    const nlDetail = detailFor(alert, principal(NL))!;
    expect(nlDetail.revisions.map((r) => [r.revision, r.reason])).toEqual([[1, 'opened']]);
    expect(detailFor(alert, principal(BE))!.revisions.map((r) => [r.revision, r.reason])).toEqual([[1, 'opened'], [2, 'scope']]);
  });

  it('remembers across a restart what each subscriber was last told', async () => {
    const secret = generateSecret();
    const [nlHooks, beHooks] = await Promise.all([startReceiver({ secrets: () => [secret] }), startReceiver({ secrets: () => [secret] })]);
    const first = await startTestApp();
    await first.app.subscriptions.create(admin, { agency: NL.agency, agency_country: NL.country, endpoint_url: nlHooks.url, secret });
    await first.app.subscriptions.create(admin, { agency: BE.agency, agency_country: BE.country, endpoint_url: beHooks.url, secret });
    const amber = (transit: string) => evidence(BE.agency, 'BE', 1, { tlp: 'AMBER' }, { route: { origin: 'CO', transit: [transit], destination: 'BE' } });
    await first.app.engine.ingest([{ signal: makeSignal({ evidence: [amber('DO')] }) }]);
    await eventually(() => nlHooks.received().length === 1 && beHooks.received().length === 1, 'alert.opened to both');
    await first.app.stop();

    const { app } = await startTestApp({ bus: first.bus });
    await app.engine.ingest([{ signal: makeSignal({ evidence: [amber('PA')] }) }]);
    await eventually(() => beHooks.received().length === 2, 'alert.updated to BE after the restart');
    await new Promise((r) => setTimeout(r, 300));
    expect(nlHooks.received()).toHaveLength(1);
  });
});
