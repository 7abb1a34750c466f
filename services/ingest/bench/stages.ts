// Where a JSON partner record's time goes, stage by stage (the profile's view, in µs per
// record): decode, normalise (validation included, and alone), pseudonymise, canonical copy,
// serialisation, content hash. Run: npx tsx services/ingest/bench/stages.ts
// Wall time of warm passes; each timer call adds ~0.1 µs, so read the split, not the sum.
import { randomBytes } from 'node:crypto';
import { compileValidator, loadTaxonomy, type Incident, type PartnerConfig } from '@tocsin/core';
import { createScenario } from '@tocsin/simulator';
import { canonicalise, contentHashOfJson } from '../src/content-hash';
import { decodeJsonRecord } from '../src/decode/json';
import { countryIndex } from '../src/normalise/country';
import { normaliseIncident } from '../src/normalise/incident';
import { createPseudonymiser } from '../src/pseudonymise';

const RECORDS = 20_000;
const PASSES = 4;

function jsonRecords(): Array<{ partner: PartnerConfig; value: Buffer }> {
  const start = new Date(Date.now() - 400 * 86_400_000).toISOString().slice(0, 10);
  const scenario = createScenario({ seed: 11, start, days: 300, partners: 4, ratePerDay: 300, trends: 'none' });
  const byId = new Map(scenario.partners.map((p) => [p.id, p]));
  const records: Array<{ partner: PartnerConfig; value: Buffer }> = [];
  for (const incident of scenario.arrivals()) {
    const record = scenario.encode(incident);
    const partner = byId.get(record.partner)!;
    if (partner.format === 'json') records.push({ partner, value: record.value });
    if (records.length >= RECORDS) break;
  }
  return records;
}

const records = jsonRecords();
countryIndex();
const context = { taxonomy: loadTaxonomy(), validateIncident: compileValidator<Incident>('incident.v1'), now: Date.now(), futureSkewMs: 900_000 };
const pseudonymiser = createPseudonymiser(randomBytes(32));
const spent = new Map<string, number>();
function timed<T>(stage: string, work: () => T): T {
  const started = performance.now();
  const result = work();
  spent.set(stage, (spent.get(stage) ?? 0) + performance.now() - started);
  return result;
}

console.log(`${records.length} JSON records, ${Math.round(records.reduce((sum, r) => sum + r.value.length, 0) / records.length)} bytes on average`);
for (let pass = 0; pass < PASSES; pass++) {
  spent.clear();
  for (const { partner, value } of records) {
    const decoded = timed('decode', () => decodeJsonRecord(value));
    if (!decoded.ok) continue;
    const normalised = timed('normalise (with validation)', () => normaliseIncident(decoded.value, partner, context));
    if (!normalised.ok) continue;
    timed('validation alone', () => context.validateIncident(normalised.value));
    const pseudonymised = timed('pseudonymise', () => pseudonymiser.incident(normalised.value));
    const canonical = timed('canonical copy', () => canonicalise(pseudonymised));
    const text = timed('JSON.stringify', () => JSON.stringify(canonical));
    timed('SHA-256', () => contentHashOfJson(text));
  }
  console.log(`pass ${pass + 1}: ${[...spent].map(([stage, ms]) => `${stage} ${((ms / records.length) * 1000).toFixed(1)} µs`).join(' | ')}`);
}
