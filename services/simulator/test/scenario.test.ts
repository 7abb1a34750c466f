import { compileValidator, loadTaxonomy, type Incident, type PartnerConfig } from '@tocsin/core';
import { describe, expect, it } from 'vitest';
import { createScenario, NARRATIVE_LANGS, SimulatorError } from '../src/index';

const DAYS = 60;
const scenario = createScenario({ seed: 42, start: '2025-03-01', days: DAYS });
const incidents = [...scenario.incidents()];

function bytesOf(seed: number, days: number): Buffer {
  const s = createScenario({ seed, start: '2025-03-01', days });
  return Buffer.concat([...s.incidents()].map((i) => s.encode(i).value));
}

describe('createScenario', () => {
  it('produces identical bytes for the same seed and different bytes for another seed', () => {
    const a = bytesOf(7, 10);
    expect(a.length).toBeGreaterThan(100_000);
    expect(bytesOf(7, 10).equals(a)).toBe(true);
    expect(bytesOf(8, 10).equals(a)).toBe(false);
  });

  it('generates a day the same way whether or not earlier days were generated', () => {
    const slice = [...scenario.incidents(30, 31)];
    const fromFull = incidents.filter((i) => i.occurred_at.startsWith(new Date(scenario.dayStartMs(30)).toISOString().slice(0, 10)));
    expect(slice).toEqual(fromFull);
  });

  it('emits only incidents valid per incident.v1 with known taxonomy codes', () => {
    const validate = compileValidator<Incident>('incident.v1');
    const taxonomy = loadTaxonomy();
    for (const incident of incidents) {
      const result = validate(incident);
      if (!result.ok) throw new Error(`${incident.id}: ${JSON.stringify(result.errors)}`);
      for (const m of incident.methods) expect(taxonomy.has('methods', m), m).toBe(true);
      for (const t of incident.technologies) expect(taxonomy.has('technologies', t), t).toBe(true);
      for (const c of incident.commodities) expect(taxonomy.has('commodities', c), c).toBe(true);
    }
  });

  it('gives partner configs valid per partner-config.v1, with JSON and mapped CSV feeds', () => {
    const validate = compileValidator<PartnerConfig>('partner-config.v1');
    for (const p of scenario.partners) {
      const result = validate(p);
      if (!result.ok) throw new Error(`${p.id}: ${JSON.stringify(result.errors)}`);
    }
    expect(scenario.partners.length).toBeGreaterThanOrEqual(12);
    expect(scenario.partners.length).toBeLessThanOrEqual(20);
    expect(new Set(scenario.partners.map((p) => p.country)).size).toBeGreaterThanOrEqual(12);
    const csv = scenario.partners.filter((p) => p.format === 'csv');
    expect(csv.length).toBeGreaterThanOrEqual(2);
    for (const p of csv) {
      expect(p.csv?.columns.id).toBeTruthy();
      expect(Object.keys(p.code_map?.commodities ?? {}).length).toBeGreaterThan(3);
      expect(Object.keys(p.code_map?.category ?? {}).length).toBeGreaterThan(3);
    }
    // Every partner code maps onto a real Tocsin code.
    const taxonomy = loadTaxonomy();
    for (const p of csv) {
      for (const code of Object.values(p.code_map?.commodities ?? {})) expect(taxonomy.has('commodities', code), code).toBe(true);
      for (const code of Object.values(p.code_map?.methods ?? {})) expect(taxonomy.has('methods', code), code).toBe(true);
      for (const code of Object.values(p.code_map?.technologies ?? {})) expect(taxonomy.has('technologies', code), code).toBe(true);
    }
  });

  it('yields incidents in event-time order with unique ids per partner', () => {
    const seen = new Set<string>();
    let last = '';
    for (const i of incidents) {
      expect(i.occurred_at >= last).toBe(true);
      last = i.occurred_at;
      const key = `${i.partner}:${i.id}`;
      expect(seen.has(key)).toBe(false);
      seen.add(key);
    }
  });

  it('reports with realistic delays: days usually, over a week for a few, weeks late only for the injected share', () => {
    const delays = incidents.map((i) => (Date.parse(i.reported_at) - Date.parse(i.occurred_at)) / 86_400_000);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    const sorted = [...delays].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] as number;
    expect(median).toBeGreaterThan(0.5);
    expect(median).toBeLessThan(5);
    const overAWeek = delays.filter((d) => d >= 7 && d <= 12).length / delays.length;
    expect(overAWeek).toBeGreaterThan(0.01);
    // Beyond the allowed lateness only on purpose: the default lateReportShare of 0.2 %.
    const lateByWeeks = delays.filter((d) => d >= 14).length / delays.length;
    expect(lateByWeeks).toBeGreaterThan(0.0005);
    expect(lateByWeeks).toBeLessThan(0.005);
  });

  it('runs at a few hundred incidents per day by default and scales with ratePerDay', () => {
    const perDay = incidents.length / DAYS;
    expect(perDay).toBeGreaterThan(200);
    expect(perDay).toBeLessThan(600);
    const big = createScenario({ seed: 42, start: '2025-03-01', days: 3, ratePerDay: 3000, trends: 'none' });
    const bigPerDay = [...big.incidents()].length / 3;
    expect(bigPerDay).toBeGreaterThan(2000);
    expect(bigPerDay).toBeLessThan(4500);
  });

  it('mixes categories, modalities, markings, grades, languages and persons', () => {
    const count = <K extends string>(f: (i: Incident) => K | undefined): Map<K, number> => {
      const m = new Map<K, number>();
      for (const i of incidents) {
        const k = f(i);
        if (k !== undefined) m.set(k, (m.get(k) ?? 0) + 1);
      }
      return m;
    };
    const sections = count((i) => i.category.slice(0, 2));
    for (const s of ['02', '06', '07', '08', '09', '10']) expect(sections.get(s) ?? 0, `section ${s}`).toBeGreaterThan(0);
    const tlp = count((i) => i.handling.tlp);
    for (const level of ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'] as const) expect(tlp.get(level) ?? 0, level).toBeGreaterThan(0);
    expect((tlp.get('GREEN') ?? 0) + (tlp.get('AMBER') ?? 0)).toBeGreaterThan(incidents.length * 0.6);
    expect(incidents.some((i) => (i.handling.share_with?.length ?? 0) > 0)).toBe(true);
    expect(count((i) => i.handling.source_reliability).size).toBe(4);
    expect(count((i) => i.handling.information_credibility).size).toBe(4);
    const langs = count((i) => i.narrative?.lang);
    for (const lang of NARRATIVE_LANGS) expect(langs.get(lang) ?? 0, lang).toBeGreaterThan(0);
    expect(count((i) => i.modality).size).toBeGreaterThanOrEqual(5);
    const persons = incidents.flatMap((i) => i.persons ?? []);
    expect(persons.some((p) => p.name && p.document_number && p.phone)).toBe(true);
    expect(incidents.filter((i) => i.quantity).length).toBeGreaterThan(incidents.length * 0.9);
    // Modality follows the category: migrant smuggling never goes by post.
    expect(incidents.filter((i) => i.category === '08071' && i.modality === 'postal')).toHaveLength(0);
  });

  it('keeps narratives varied', () => {
    const texts = new Set(incidents.map((i) => i.narrative?.text));
    expect(texts.size).toBeGreaterThan(incidents.length * 0.5);
  });

  it('restricts itself to the first partners when asked for fewer', () => {
    const small = createScenario({ seed: 1, start: '2025-01-01', days: 5, partners: 4 });
    const ids = new Set(small.partners.map((p) => p.id));
    expect(ids.size).toBe(4);
    for (const i of small.incidents()) expect(ids.has(i.partner)).toBe(true);
  });

  it('rejects bad options with an invalid_option error naming the option', () => {
    const bad = [
      { seed: -1, start: '2025-01-01', days: 5 },
      { seed: 1, start: '2025-02-30', days: 5 },
      { seed: 1, start: '2025-01-01', days: 0 },
      { seed: 1, start: '2025-01-01', days: 5, partners: 1 },
      { seed: 1, start: '2025-01-01', days: 5, ratePerDay: -3 },
    ];
    for (const options of bad) {
      let caught: unknown;
      try {
        createScenario(options);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(SimulatorError);
      expect((caught as SimulatorError).code).toBe('invalid_option');
    }
  });

  it('refuses to encode an incident of a partner it does not have', () => {
    const first = incidents[0] as Incident;
    expect(() => scenario.encode({ ...first, partner: 'xx-nobody' })).toThrow(/xx-nobody/);
  });
});
