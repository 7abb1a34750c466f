// Taxonomies of methods, technologies, commodities and ICCS categories. The
// shipped files live in schemas/taxonomy; a deployment extends them with files
// of the same `taxonomy` name in its own folder (TOCSIN_TAXONOMY_DIR).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileValidator, schemaDir } from './schemas';
import type { TaxonomyFile } from './generated/schemas';

export const TAXONOMY_KINDS = ['methods', 'technologies', 'commodities', 'iccs'] as const;
export type TaxonomyKind = (typeof TAXONOMY_KINDS)[number];

export interface Taxonomy {
  has(kind: TaxonomyKind, code: string): boolean;
  label(kind: TaxonomyKind, code: string): string | undefined;
  codes(kind: TaxonomyKind): string[];
  /** Versions of the files loaded, e.g. { methods: '1.0.0+site-2' }. */
  versions(): Record<TaxonomyKind, string>;
}

function readFolder(dir: string): TaxonomyFile[] {
  const validate = compileValidator<TaxonomyFile>('taxonomy.v1');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const result = validate(JSON.parse(readFileSync(join(dir, f), 'utf8')));
      if (!result.ok) {
        const first = result.errors[0];
        throw new Error(`taxonomy file ${join(dir, f)}: ${first?.pointer || '/'} ${first?.message}`);
      }
      return result.value;
    });
}

export function loadTaxonomy(extraDir?: string): Taxonomy {
  const labels = new Map<TaxonomyKind, Map<string, string>>(TAXONOMY_KINDS.map((k) => [k, new Map()]));
  const versions = Object.fromEntries(TAXONOMY_KINDS.map((k) => [k, ''])) as Record<TaxonomyKind, string>;
  const files = [...readFolder(join(schemaDir, 'taxonomy'))];
  if (extraDir) {
    if (!existsSync(extraDir)) throw new Error(`TOCSIN_TAXONOMY_DIR ${extraDir} does not exist`);
    files.push(...readFolder(extraDir));
  }
  for (const file of files) {
    const kind = file.taxonomy;
    versions[kind] = versions[kind] ? `${versions[kind]}+${file.version}` : file.version;
    const map = labels.get(kind)!;
    for (const entry of file.codes) {
      if (entry.deprecated) map.delete(entry.code);
      else map.set(entry.code, entry.label);
    }
  }
  return {
    has: (kind, code) => labels.get(kind)!.has(code),
    label: (kind, code) => labels.get(kind)!.get(code),
    codes: (kind) => [...labels.get(kind)!.keys()],
    versions: () => ({ ...versions }),
  };
}
