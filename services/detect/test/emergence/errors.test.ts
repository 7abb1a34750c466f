import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EMERGENCE_ERROR_CODES, EmergenceError } from '../../src/emergence';

const docs = readFileSync(fileURLToPath(new URL('../../../../docs/detectors.md', import.meta.url)), 'utf8');
const section = docs.slice(docs.indexOf('## Emergence detectors'));

describe('emergence error codes', () => {
  it('every code is documented in docs/detectors.md, and every documented code exists', () => {
    const table = section.slice(section.indexOf('### Error codes'));
    const documented = [...table.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(EMERGENCE_ERROR_CODES).sort());
  });

  it('errors carry their code, a message and retryable = false', () => {
    const e = new EmergenceError('BUCKET_ORDER', 'bucket 3 closed after 4');
    expect(e).toBeInstanceOf(Error);
    expect(e).toMatchObject({ name: 'EmergenceError', code: 'BUCKET_ORDER', retryable: false, message: 'bucket 3 closed after 4' });
  });
});
