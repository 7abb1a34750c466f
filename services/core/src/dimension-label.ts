// Human labels for what a signal or alert counts: country names (ISO 3166-1 via
// the runtime's CLDR data, Intl.DisplayNames) and method, technology, commodity
// and ICCS names from the taxonomies, instead of raw keys such as
// `BE|technology:messenger.encrypted`.
import type { Taxonomy } from './taxonomy';

const REGION_NAMES = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });

/** "Netherlands" for NL; the code itself when it names no region. */
export function countryName(code: string): string {
  try {
    return REGION_NAMES.of(code) ?? code;
  } catch {
    return code; // not a well-formed region code
  }
}

export interface LabelledDimension {
  type: string;
  key: string;
  attributes: Record<string, unknown>;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * One line naming the dimension, e.g. "Belgium · Mainstream encrypted messengers" or
 * "Colombia → Spain → Netherlands (sea) · Cocaine". Unknown codes are shown as
 * they are; a dimension without attributes falls back to its key.
 */
export function dimensionLabel(dimension: LabelledDimension, taxonomy: Pick<Taxonomy, 'label'>): string {
  const a = dimension.attributes;
  const parts: string[] = [];
  const origin = str(a['origin']);
  const destination = str(a['destination']);
  if (origin || destination) {
    const transit = Array.isArray(a['transit']) ? a['transit'].filter((c): c is string => typeof c === 'string') : [];
    const path = [origin, ...transit, destination].filter((c): c is string => c !== undefined).map(countryName).join(' → ');
    const modality = str(a['modality']);
    parts.push(modality ? `${path} (${modality})` : path);
  }
  const country = str(a['country']);
  if (country) parts.push(countryName(country));
  const method = str(a['method']);
  if (method) parts.push(taxonomy.label('methods', method) ?? method);
  const technology = str(a['technology']);
  if (technology) parts.push(taxonomy.label('technologies', technology) ?? technology);
  const commodity = str(a['commodity']);
  if (commodity) parts.push(taxonomy.label('commodities', commodity) ?? commodity);
  const category = str(a['category']);
  if (category) parts.push(taxonomy.label('iccs', category) ?? `ICCS ${category}`);
  const term = str(a['term']);
  if (term) parts.push(`“${term}”`);
  const lang = str(a['lang']);
  if (lang) parts.push(term ? `(${lang})` : `narratives in ${lang}`);
  return parts.length ? parts.join(' · ').replace(' · (', ' (') : dimension.key;
}
