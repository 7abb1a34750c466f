// A partner's CsvMapping compiled once into one reader per incident field: which columns,
// which missing tokens, value_map, split and pick rule, default, date formats, or a
// constant; plus the named-routes table. mappingProblems says what a schema cannot
// (a required field with no source, a bad date format); the partners file is refused then.
import type { ColumnSpec, CsvMapping, PartnerConfig, RouteEntry, Value } from '@tocsin/core';
import { compileDateFormat } from '../normalise/date-format';
import { missingTokens, partnerMissingTokens, type MissingTokens, DEFAULT_MISSING_TOKENS } from '../normalise/missing';

export type Field = keyof CsvMapping['columns'];
export type Pick = NonNullable<ColumnSpec['pick']>;

/** Fields whose value is a list: split on list_separator unless the column says otherwise. */
export const LIST_FIELDS: ReadonlySet<Field> = new Set<Field>(['transit', 'methods', 'technologies', 'commodities', 'share_with', 'person_name', 'person_document', 'person_phone']);
/** Fields every incident needs. */
export const REQUIRED_FIELDS: readonly Field[] = ['id', 'occurred_at', 'country', 'category', 'origin', 'destination'];
export const ROUTE_FIELDS: ReadonlySet<Field> = new Set<Field>(['origin', 'transit', 'destination']);
export const DATE_FIELDS: ReadonlySet<Field> = new Set<Field>(['occurred_at', 'reported_at']);

export interface ValueTable {
  exact: ReadonlyMap<string, readonly string[] | null>;
  /** Keys lower-cased, for a second, case-insensitive try. */
  folded: ReadonlyMap<string, readonly string[] | null>;
}

export interface FieldReader {
  field: Field;
  /** Column names (numbers without a header); several are joined with `join`. */
  columns: readonly string[];
  join: string;
  missing: MissingTokens;
  split: string | undefined;
  pick: Pick;
  valueMap: ValueTable | undefined;
  fallback: readonly string[] | undefined;
  dateFormats: readonly string[] | undefined;
}

export interface CompiledMapping {
  readers: ReadonlyMap<Field, FieldReader>;
  constants: ReadonlyMap<Field, readonly string[]>;
  /** Route name (trimmed, lower case) → its entry. */
  routes: ReadonlyMap<string, RouteEntry> | undefined;
  listSeparator: string;
}

const asList = (value: Value): readonly string[] => (typeof value === 'string' ? [value] : value);

function valueTable(map: Record<string, string | string[] | null> | undefined): ValueTable | undefined {
  if (!map) return undefined;
  const exact = new Map<string, readonly string[] | null>();
  const folded = new Map<string, readonly string[] | null>();
  for (const [key, value] of Object.entries(map)) {
    const mapped = value === null ? null : asList(value);
    exact.set(key.trim(), mapped);
    if (!folded.has(key.trim().toLowerCase())) folded.set(key.trim().toLowerCase(), mapped);
  }
  return { exact, folded };
}

function compile(partner: PartnerConfig, mapping: CsvMapping): CompiledMapping {
  const partnerMissing = partnerMissingTokens(partner);
  const listSeparator = mapping.list_separator ?? ';';
  const readers = new Map<Field, FieldReader>();
  for (const [field, column] of Object.entries(mapping.columns) as Array<[Field, string | ColumnSpec | undefined]>) {
    if (column === undefined) continue;
    const spec: ColumnSpec = typeof column === 'string' ? { column } : column;
    const own = spec.missing ?? [];
    readers.set(field, {
      field,
      columns: typeof spec.column === 'string' ? [spec.column] : spec.column,
      join: spec.join ?? ' ',
      missing: spec.global_missing === false ? missingTokens([own]) : own.length > 0 ? missingTokens([partner.default_missing_tokens === false ? [] : DEFAULT_MISSING_TOKENS, partner.missing_tokens ?? [], own]) : partnerMissing,
      split: spec.split ?? (LIST_FIELDS.has(field) ? listSeparator : undefined),
      pick: spec.pick ?? 'one',
      valueMap: valueTable(spec.value_map),
      fallback: spec.default === undefined ? undefined : asList(spec.default),
      dateFormats: DATE_FIELDS.has(field) ? (spec.date_formats ?? partner.date_formats) : undefined,
    });
  }
  const constants = new Map<Field, readonly string[]>();
  for (const [field, value] of Object.entries(mapping.constants ?? {}) as Array<[Field, Value | undefined]>) {
    if (value !== undefined) constants.set(field, asList(value));
  }
  let routes: Map<string, RouteEntry> | undefined;
  if (mapping.routes) {
    routes = new Map();
    for (const [name, entry] of Object.entries(mapping.routes)) routes.set(name.trim().toLowerCase(), entry);
  }
  return { readers, constants, routes, listSeparator };
}

const compiled = new WeakMap<PartnerConfig, CompiledMapping>();

/** The partner's mapping compiled (memoised per partner config object). */
export function compiledMapping(partner: PartnerConfig, mapping: CsvMapping): CompiledMapping {
  let c = compiled.get(partner);
  if (!c) compiled.set(partner, (c = compile(partner, mapping)));
  return c;
}

/** What is wrong with a CSV mapping beyond its schema, each naming the path under the partner entry. */
export function mappingProblems(partner: PartnerConfig): string[] {
  const problems: string[] = [];
  for (const [i, format] of (partner.date_formats ?? []).entries()) {
    const c = compileDateFormat(format);
    if (!c.ok) problems.push(`/date_formats/${i}: ${c.problem}`);
  }
  const mapping = partner.csv;
  if (!mapping) return problems;
  const columns = mapping.columns as Record<string, string | ColumnSpec | undefined>;
  const constants = (mapping.constants ?? {}) as Record<string, Value | undefined>;
  for (const field of REQUIRED_FIELDS) {
    if (columns[field] !== undefined || constants[field] !== undefined) continue;
    if (ROUTE_FIELDS.has(field) && mapping.routes) continue;
    problems.push(`/csv/columns/${field} is needed: map a column, set /csv/constants/${field}${ROUTE_FIELDS.has(field) ? ', or give /csv/routes' : ''}`);
  }
  for (const [field, value] of Object.entries(constants)) {
    if (columns[field] !== undefined) problems.push(`/csv/constants/${field}: ${field} is also mapped to a column; a field is a column or a constant`);
    if (Array.isArray(value) && value.length !== 1 && !LIST_FIELDS.has(field as Field)) problems.push(`/csv/constants/${field}: ${field} takes one value, not a list`);
  }
  for (const [name, entry] of Object.entries(mapping.routes ?? {})) {
    if (name.trim() === '') problems.push('/csv/routes: a route name is empty');
    if (Object.keys(entry).length === 0) problems.push(`/csv/routes/${name} gives no origin, transit or destination`);
  }
  if (mapping.routes && columns['route_name'] === undefined && constants['route_name'] === undefined) {
    problems.push('/csv/routes needs /csv/columns/route_name (the column whose value names the route)');
  }
  for (const [field, column] of Object.entries(columns)) {
    if (column === undefined) continue;
    const spec: ColumnSpec = typeof column === 'string' ? { column } : column;
    const names = typeof spec.column === 'string' ? [spec.column] : spec.column;
    if (mapping.header === false && names.some((name) => !/^[1-9][0-9]*$/.test(name))) {
      problems.push(`/csv/columns/${field} must be a 1-based column number when header is false`);
    }
    if (spec.pick !== undefined && LIST_FIELDS.has(field as Field)) problems.push(`/csv/columns/${field}/pick: ${field} is a list field; pick applies to one-value fields`);
    if (spec.date_formats !== undefined && !DATE_FIELDS.has(field as Field)) problems.push(`/csv/columns/${field}/date_formats: only occurred_at and reported_at are dates`);
    for (const [i, format] of (spec.date_formats ?? []).entries()) {
      const c = compileDateFormat(format);
      if (!c.ok) problems.push(`/csv/columns/${field}/date_formats/${i}: ${c.problem}`);
    }
  }
  return problems;
}
