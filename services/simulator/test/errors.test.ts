import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SIMULATOR_ERRORS, SimulatorError } from '../src/index';

const doc = readFileSync(join(import.meta.dirname, '../../../docs/simulator.md'), 'utf8');

describe('error catalogue', () => {
  it('documents every code in docs/simulator.md, and nothing else', () => {
    const table = doc.slice(doc.indexOf('## Error codes'));
    const documented = [...table.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(SIMULATOR_ERRORS).sort());
  });

  it('carries its code and is never retryable', () => {
    const err = new SimulatorError('bad_flag', 'unknown flag "--x"');
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe('bad_flag');
    expect(err.retryable).toBe(false);
    expect(err.name).toBe('SimulatorError');
  });
});
