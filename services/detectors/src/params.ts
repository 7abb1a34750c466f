// Parsing of `name=value` detector parameters (CLI `--param`, detect-service configs)
// against a detector's ParamSpec list.
import { DetectorError } from './errors';
import type { CountDetector, ParamSpec, ParamValues } from './types';

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function parseValue(detector: CountDetector, spec: ParamSpec, raw: string): ParamValues[string] {
  const fail = (expected: string): never => {
    throw new DetectorError('PARAM_INVALID', `${detector.id}: parameter ${spec.name}="${raw}" is not ${expected}`);
  };
  const value = raw.trim();
  switch (spec.type) {
    case 'number':
      if (!NUMBER.test(value)) fail('a number');
      return Number(value);
    case 'integer':
      if (!/^[+-]?\d+$/.test(value)) fail('an integer');
      return Number(value);
    case 'boolean':
      if (value === 'true' || value === 'TRUE') return true;
      if (value === 'false' || value === 'FALSE') return false;
      return fail('true or false');
    case 'enum':
      if (!spec.values?.includes(value)) fail(`one of ${spec.values?.join(', ')}`);
      return value;
    case 'range': {
      const match = /^(\d+):(\d+)$/.exec(value);
      if (!match) return fail('a range FROM:TO of 1-based rows');
      const from = Number(match[1]);
      const to = Number(match[2]);
      if (from < 1 || to < from) fail('a range FROM:TO with 1 <= FROM <= TO');
      return [from, to];
    }
    case 'string':
      if (value === '') fail('a non-empty string');
      return value;
  }
}

/**
 * Parses `name=value` pairs (or a name -> value record) for `detector`. Names must be
 * declared in `detector.params`; values are typed by their spec. Unset parameters are
 * absent, so detectors apply R's defaults themselves.
 */
export function parseParams(detector: CountDetector, pairs: readonly string[] | Readonly<Record<string, string>>): ParamValues {
  const entries: [string, string][] = Array.isArray(pairs)
    ? (pairs as readonly string[]).map((pair) => {
        const eq = pair.indexOf('=');
        if (eq <= 0) throw new DetectorError('PARAM_INVALID', `${detector.id}: parameter "${pair}" is not of the form name=value`);
        return [pair.slice(0, eq).trim(), pair.slice(eq + 1)];
      })
    : Object.entries(pairs as Readonly<Record<string, string>>);
  const values: ParamValues = {};
  for (const [name, raw] of entries) {
    const spec = detector.params.find((p) => p.name === name);
    if (!spec) {
      throw new DetectorError(
        'PARAM_UNKNOWN',
        `${detector.id}: unknown parameter "${name}" (known: ${detector.params.map((p) => p.name).join(', ')})`,
      );
    }
    values[name] = parseValue(detector, spec, raw);
  }
  return values;
}
