// Property (issue 9): adding incidents a viewer may not see changes nothing in what
// that viewer gets. End to end and in process: incidents → detect (the real explode
// and score logic, backtest) → signals → the real alert service (engine, delivery
// records, alerts API) on the in-process bus with a fake clock → for each viewer its
// webhook bodies (the exact payloads recorded in deliveries.v1), its API answers
// (list, and each alert with its revision log) and the counts inside them.
// - Incidents withheld entirely (TLP:RED of another owner): every one of those
//   answers is byte-for-byte the same with and without them.
// - Incidents the viewer may only count (AMBER+STRICT, H3, a share_with list without
//   its country, AMBER outside need-to-know), from partners it cannot otherwise see:
//   none of their identities or details ever appears in those answers.
// Bounded: 12 + 8 runs of ~300 incidents. It fails when RED incidents are counted by
// detect (mutation: make `entersDetection` in services/detect/src/explode/exploder.ts
// return true).
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createMemoryBus, loadTaxonomy, silentLogger, type Handling, type Incident } from '@tocsin/core';
import { buildApiServer, createApiKey, createApiKeyStore } from '@tocsin/http';
import { buildPlan } from '../../services/detect/src/config';
import { backtest } from '../../services/detect/src/evaluation/backtest';
import { alertApiRoutes } from '../../services/alert/src/api/index';
import { buildAlert } from '../../services/alert/src/app';
import { alertConfig } from '../../services/alert/src/config';
import { generateSecret } from '../../services/alert/src/delivery/signing';

const VIEWERS = [
  { agency: 'nl-police', country: 'NL' },
  { agency: 'be-customs', country: 'BE' },
  { agency: 'fr-ocrtis', country: 'FR' },
] as const;
type Viewer = (typeof VIEWERS)[number];
const COUNTRIES = ['NL', 'BE', 'FR'] as const;
const DAYS = 22;
const DAY_MS = 86_400_000;
const START = Date.UTC(2026, 0, 5);

const plan = buildPlan({
  id: 'default',
  version: 'invariance-1',
  buckets: { granularities: ['day'], allowed_lateness_days: 1, min_history_days: 0 },
  dimensions: ['country', 'method', 'country_method', 'route'],
  count_detectors: [{ detector: 'ears-c1', granularity: 'day', history: 8, min_observed: 3, params: { baseline: 7, alpha: 0.01, minSigma: 1 } }],
  multiple_testing: { method: 'benjamini-hochberg', fdr: 0.2, max_signals_per_bucket: 50 },
  evidence_limit: 8,
  overrides: [],
});

interface Draft {
  partner: string;
  country: string;
  day: number;
  method: string;
  transit: string;
  handling: Handling;
}

function incidentOf(d: Draft, id: string): Incident {
  const at = new Date(START + d.day * DAY_MS + 10 * 3_600_000).toISOString();
  return {
    id,
    partner: d.partner,
    occurred_at: at,
    reported_at: at,
    country: d.country,
    category: '0601',
    route: { origin: 'CO', transit: [d.transit], destination: d.country },
    modality: 'sea',
    methods: [d.method],
    technologies: [],
    commodities: ['drug.cocaine'],
    handling: d.handling,
  };
}

// Everyone may count these; who sees details varies with the marking.
const visibleHandling: fc.Arbitrary<Handling> = fc.record(
  {
    tlp: fc.constantFrom('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT'),
    share_with: fc.uniqueArray(fc.constantFrom(...COUNTRIES), { maxLength: 2 }),
    handling_code: fc.constantFrom('H0', 'H1', 'H2', 'H3'),
    source_reliability: fc.constantFrom('A', 'B', 'C'),
    information_credibility: fc.constantFrom('1', '2', '3'),
  },
  { requiredKeys: ['tlp', 'source_reliability', 'information_credibility'] },
) as fc.Arbitrary<Handling>;

/** A steady background for three countries and a surge in NL at the end, so count detectors fire. */
const baseline = fc.array(visibleHandling, { minLength: 40, maxLength: 40 }).map((markings) => {
  const drafts: Draft[] = [];
  let k = 0;
  for (let day = 0; day < DAYS; day++) {
    for (const country of COUNTRIES) {
      const n = day >= DAYS - 3 && country === 'NL' ? 9 : 2 + ((day + country.charCodeAt(0)) % 2);
      for (let i = 0; i < n; i++) {
        const partner = VIEWERS[(day + i) % VIEWERS.length]!.agency;
        drafts.push({ partner, country, day, method: i % 3 === 0 ? 'payment.crypto' : 'concealment.container', transit: i % 2 ? 'PA' : 'DO', handling: markings[k++ % markings.length]! });
      }
    }
  }
  return drafts;
});

const hiddenDraft = (partners: fc.Arbitrary<string>, handling: fc.Arbitrary<Handling>): fc.Arbitrary<Draft> =>
  fc.record({
    partner: partners,
    country: fc.constantFrom(...COUNTRIES, 'MA', 'ES'),
    day: fc.integer({ min: 0, max: DAYS - 1 }),
    method: fc.constantFrom('concealment.container', 'payment.crypto', 'concealment.vehicle'),
    transit: fc.constantFrom('PA', 'DO', 'GH'),
    handling,
  });

/** Incidents in time order, as detect would read them; ids stable per list ("b3", "h0"). */
const ordered = (base: Draft[], added: Draft[] = []): Incident[] =>
  [...base.map((d, i) => incidentOf(d, `b${i}`)), ...added.map((d, i) => incidentOf(d, `h${i}`))].sort((a, b) => (a.occurred_at < b.occurred_at ? -1 : a.occurred_at > b.occurred_at ? 1 : 0));

async function receiver(): Promise<string> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  onTestFinished(() => new Promise<void>((r) => server.close(() => r())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
}

interface ViewerOutputs {
  webhooks: unknown[];
  list: unknown;
  details: unknown[];
}

/** Runs the incidents through detect and the alert service; what each viewer got. */
async function pipeline(incidents: Incident[], url: string): Promise<Map<string, ViewerOutputs>> {
  const { signals } = backtest(incidents, plan, { clock: () => START });
  let now = START;
  const bus = createMemoryBus();
  const config = alertConfig({
    operatorKeyBase64: randomBytes(32).toString('base64'),
    source: 'alert/invariance',
    tickMs: 5_000,
    lifecycle: { groupWaitMs: 0, groupIntervalMs: 60_000 },
    delivery: { ssrf: { allowHttp: true, allowCidrs: ['127.0.0.0/8'] } },
  });
  const app = buildAlert({ bus, config, logger: silentLogger(), clock: () => now });
  await app.start();
  const secret = generateSecret();
  for (const v of VIEWERS) await app.subscriptions.create({ kind: 'admin' }, { agency: v.agency, agency_country: v.country, endpoint_url: url, secret });
  // One batch per closed bucket, a day apart, as detect emits them.
  const byBucket = new Map<string, typeof signals>();
  for (const s of signals) byBucket.set(s.bucket.end, [...(byBucket.get(s.bucket.end) ?? []), s]);
  for (const [end, batch] of [...byBucket].sort(([a], [b]) => (a < b ? -1 : 1))) {
    now = Math.max(now + 3_600_000, Date.parse(end) + 3_600_000);
    await app.engine.ingest(batch.map((signal) => ({ signal })));
    await app.engine.tick();
  }
  now += 3 * DAY_MS; // quiet buckets: resolutions
  await app.engine.tick();

  const keys = VIEWERS.map((v) => createApiKey({ ...v, scopes: ['alerts:read'] }));
  let fakeNow = 0;
  const server = await buildApiServer({ logger: silentLogger(), version: 'test', keys: createApiKeyStore(keys.map((k) => k.record)), routes: alertApiRoutes({ engine: app.engine, subscriptions: app.subscriptions, deliveries: app.deliveries, taxonomy: loadTaxonomy() }), clock: () => (fakeNow += 1000) });
  const out = new Map<string, ViewerOutputs>();
  try {
    for (const [i, v] of VIEWERS.entries()) {
      const headers = { authorization: `Bearer ${keys[i]!.key}` };
      const webhooks = app.deliveries
        .list({ kind: 'admin' }, { agency: v.agency, limit: 10_000 })
        .sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : (a.alert_id ?? '') < (b.alert_id ?? '') ? -1 : 1))
        .map((d) => JSON.parse(d.payload) as unknown);
      // `position` is the change stream's resume token: encrypted with a key made at each server start,
      // so it differs between any two runs and is left out of the comparison.
      const { position: _position, ...list } = (await server.inject({ url: '/api/alerts?limit=200', headers })).json() as { alerts: Array<{ id: string }>; position: string };
      const details = [];
      for (const a of list.alerts) details.push((await server.inject({ url: `/api/alerts/${a.id}`, headers })).json());
      out.set(v.agency, { webhooks, list, details });
    }
  } finally {
    await server.close();
    await app.stop();
    await bus.close();
  }
  return out;
}

describe('sharing views are invariant under incidents the viewer may not see (property)', () => {
  it('TLP:RED incidents of other owners change nothing in any other viewer’s webhooks, API answers, revision log or counts', { timeout: 120_000 }, async () => {
    const url = await receiver();
    let nonEmpty = 0;
    await fc.assert(
      fc.asyncProperty(
        baseline,
        fc.constantFrom(...VIEWERS),
        fc.array(hiddenDraft(fc.constantFrom('ma-dgsn', 'es-guardia', ...VIEWERS.map((v) => v.agency)), fc.constant({ tlp: 'RED', source_reliability: 'B', information_credibility: '2' } as Handling)), { minLength: 1, maxLength: 25 }),
        async (base, viewer: Viewer, red) => {
          const hidden = red.filter((d) => d.partner !== viewer.agency);
          const without = await pipeline(ordered(base), url);
          const withHidden = await pipeline(ordered(base, hidden), url);
          const a = without.get(viewer.agency)!;
          const b = withHidden.get(viewer.agency)!;
          if (a.webhooks.length > 0) nonEmpty++;
          expect(b.webhooks).toEqual(a.webhooks);
          expect(b.list).toEqual(a.list);
          expect(b.details).toEqual(a.details);
        },
      ),
      { numRuns: 12 },
    );
    // Not vacuous: the viewers did get alerts.
    expect(nonEmpty).toBeGreaterThan(6);
  });

  it('incidents a viewer may only count never show their identity or details to it', { timeout: 120_000 }, async () => {
    const url = await receiver();
    const countOnly = (viewer: Viewer): fc.Arbitrary<Handling> =>
      fc.oneof(
        fc.constant({ tlp: 'AMBER+STRICT', source_reliability: 'B', information_credibility: '2' } as Handling),
        fc.constant({ tlp: 'GREEN', handling_code: 'H3', source_reliability: 'B', information_credibility: '2' } as Handling),
        fc.constant({ tlp: 'GREEN', share_with: COUNTRIES.filter((c) => c !== viewer.country).slice(0, 1), source_reliability: 'B', information_credibility: '2' } as Handling),
      );
    await fc.assert(
      fc.asyncProperty(baseline, fc.constantFrom(...VIEWERS), fc.integer({ min: 1, max: 20 }), fc.nat(), async (base, viewer: Viewer, n, seed) => {
        // Fresh partners, in countries other than the viewer's (a share_with list always includes the incident's own country).
        const drafts = fc.sample(hiddenDraft(fc.constantFrom('xx-hidden-a', 'xx-hidden-b'), countOnly(viewer)), { numRuns: n, seed }).map((d) => ({ ...d, country: d.country === viewer.country ? 'MA' : d.country }));
        const incidents = ordered(base, drafts);
        const outputs = (await pipeline(incidents, url)).get(viewer.agency)!;
        const everything = JSON.stringify(outputs);
        expect(everything).not.toContain('xx-hidden');
        for (const i of incidents.filter((x) => x.partner.startsWith('xx-hidden'))) expect(everything).not.toContain(`"${i.partner}:${i.id}"`);
      }),
      { numRuns: 8 },
    );
  });
});
