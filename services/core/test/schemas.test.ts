import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileValidator, schemaNames, type Incident } from '../src/index';

const root = resolve(import.meta.dirname, '../../..');

function validIncident(): Incident {
  return {
    id: 'NL-2026-0001', partner: 'nl-fiod', occurred_at: '2026-11-01T10:00:00Z', reported_at: '2026-11-03T08:00:00Z',
    country: 'NL', category: '06012', route: { origin: 'EC', transit: ['PA'], destination: 'NL', name: 'Andes – Caribbean – Europe by container' },
    modality: 'sea', methods: ['concealment.container'], technologies: ['encrypted-phone-network'], commodities: ['drug.cocaine'],
    quantity: { value: 412, unit: 'kg' }, handling: { tlp: 'AMBER', source_reliability: 'B', information_credibility: '2' },
  };
}

describe('schemas', () => {
  it('generated TypeScript types match the JSON Schemas (no drift)', () => {
    // Regenerates in memory and compares with the committed file; exits 1 on drift.
    const out = execFileSync('npx', ['tsx', 'scripts/gen-types.ts', '--check'], { cwd: root, encoding: 'utf8' });
    expect(out).toContain('match');
  }, 60_000);

  it('every schema compiles', () => {
    for (const name of schemaNames()) expect(() => compileValidator(name)).not.toThrow();
  });

  it('accepts a valid incident', () => {
    expect(compileValidator<Incident>('incident.v1')(validIncident())).toEqual({ ok: true, value: validIncident() });
  });

  it('names the JSON pointer of the first problem', () => {
    const bad = { ...validIncident(), route: { origin: 'ecuador', transit: [], destination: 'NL' } };
    const result = compileValidator('incident.v1')(bad);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]).toMatchObject({ pointer: '/route/origin' });
  });

  it('reports unknown and missing properties with their pointer', () => {
    const { category: _dropped, ...rest } = validIncident();
    const missing = compileValidator('incident.v1')(rest);
    expect(missing.ok === false && missing.errors[0]).toEqual({ pointer: '/category', message: 'is required' });
    const extra = compileValidator('incident.v1')({ ...validIncident(), ssn: 'x' });
    expect(extra.ok === false && extra.errors[0]).toEqual({ pointer: '/ssn', message: 'is not an allowed property' });
  });

  it('enforces the TLP and grading vocabularies', () => {
    const bad = { ...validIncident(), handling: { tlp: 'WHITE', source_reliability: 'B', information_credibility: '2' } };
    const result = compileValidator('incident.v1')(bad);
    expect(result.ok === false && result.errors[0]?.pointer).toBe('/handling/tlp');
  });
});
