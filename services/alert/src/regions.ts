// The region table subscriptions filter on (schemas/regions/regions.v1.json).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileValidator, schemaDir, type RegionTable } from '@tocsin/core';
import { AlertError } from './errors';

export interface Regions {
  has(code: string): boolean;
  countries(code: string): readonly string[];
  all(): RegionTable['regions'];
}

export function loadRegions(file = join(schemaDir, 'regions/regions.v1.json')): Regions {
  const checked = compileValidator<RegionTable>('regions.v1')(JSON.parse(readFileSync(file, 'utf8')));
  if (!checked.ok) throw new AlertError('CONFIG_INVALID', `${file}${checked.errors[0]?.pointer}: ${checked.errors[0]?.message}`);
  const byCode = new Map(checked.value.regions.map((r) => [r.code, r.countries]));
  return {
    has: (code) => byCode.has(code),
    countries: (code) => byCode.get(code) ?? [],
    all: () => checked.value.regions,
  };
}
