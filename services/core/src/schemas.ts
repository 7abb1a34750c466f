// Validators built from schemas/ (the single source of truth), compiled once per
// process and cached: compiling is slow, validating is fast.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

/** Absolute path of the repository's schemas/ folder. */
export const schemaDir = resolve(import.meta.dirname, '../../../schemas');

const SCHEMA_BASE = 'https://tocsin.dev/schemas/';

export interface ValidationIssue {
  /** JSON pointer (RFC 6901) of the offending value; '' for the whole document. */
  pointer: string;
  message: string;
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: ValidationIssue[] };
export type Validator<T> = (data: unknown) => ValidationResult<T>;

let ajv: Ajv2020 | undefined;
const cache = new Map<string, ValidateFunction>();

function instance(): Ajv2020 {
  if (ajv) return ajv;
  ajv = new Ajv2020({ allErrors: false, strict: true, allowUnionTypes: true });
  // ajv-formats ships CommonJS; under ESM its default export may be wrapped.
  const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv2020) => void;
  addFormats(ajv);
  for (const file of readdirSync(schemaDir).filter((f) => f.endsWith('.schema.json'))) {
    ajv.addSchema(JSON.parse(readFileSync(join(schemaDir, file), 'utf8')) as object);
  }
  return ajv;
}

/** Names of the schemas in schemas/, e.g. 'incident.v1'. */
export function schemaNames(): string[] {
  return readdirSync(schemaDir)
    .filter((f) => f.endsWith('.schema.json'))
    .map((f) => f.replace(/\.schema\.json$/, ''))
    .sort();
}

/** Plain words for the patterns request schemas use, instead of the regular expression. */
const PATTERN_MEANING: Record<string, string> = {
  '^[^\\r\\n]*$': 'must be a single line (no CR or LF)',
  '^\\S+$': 'must not contain spaces or line breaks (no leading or trailing blanks either)',
};

function describe(error: ErrorObject): ValidationIssue {
  let pointer = error.instancePath;
  let message = error.message ?? 'is invalid';
  if (error.keyword === 'additionalProperties') {
    const extra = String((error.params as { additionalProperty?: string }).additionalProperty);
    pointer = `${pointer}/${extra.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    message = 'is not an allowed property';
  } else if (error.keyword === 'required') {
    const missing = String((error.params as { missingProperty?: string }).missingProperty);
    pointer = `${pointer}/${missing}`;
    message = 'is required';
  } else if (error.keyword === 'pattern' && PATTERN_MEANING[String((error.params as { pattern?: string }).pattern)]) {
    message = PATTERN_MEANING[String((error.params as { pattern?: string }).pattern)]!;
  } else if (error.keyword === 'enum') {
    const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues ?? [];
    message = `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return { pointer, message };
}

/**
 * Returns a validator for schemas/<name>.schema.json (e.g. 'incident.v1').
 * The first error is reported with its JSON pointer; validation stops there
 * because hostile input can be arbitrarily wrong and we only need a reason.
 */
export function compileValidator<T>(name: string): Validator<T> {
  let validate = cache.get(name);
  if (!validate) {
    const compiled = instance().getSchema(`${SCHEMA_BASE}${name}.schema.json`);
    if (!compiled) throw new Error(`no schema named ${name} in ${schemaDir}`);
    validate = compiled;
    cache.set(name, validate);
  }
  const fn = validate;
  return (data: unknown) => (fn(data) ? { ok: true, value: data as T } : { ok: false, errors: (fn.errors ?? []).map(describe) });
}
