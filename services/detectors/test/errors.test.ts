// Keeps the error catalogue, its documentation and the error class in agreement.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DETECTOR_ERROR_CODES, DetectorError } from '../src/errors';

const docs = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'detectors.md'), 'utf8');
/** The "## Error codes" section, up to the next section. */
const errorSection = docs.slice(docs.indexOf('## Error codes')).split(/\n## /)[0]!;

describe('DetectorError catalogue', () => {
  it.each(DETECTOR_ERROR_CODES.map((c) => [c]))('%s is documented in docs/detectors.md', (code) => {
    expect(errorSection).toMatch(new RegExp(`^\\| \`${code}\` \\|`, 'm'));
  });

  it('documents no code that does not exist', () => {
    const documented = [...errorSection.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual([...DETECTOR_ERROR_CODES].sort());
  });

  it('carries its code, cause and retryability', () => {
    const cause = new Error('inner');
    const err = new DetectorError('FIT_FAILED', 'fit failed', { cause });
    expect(err.code).toBe('FIT_FAILED');
    expect(err.cause).toBe(cause);
    expect(err.retryable).toBe(false);
    expect(err.name).toBe('DetectorError');
  });
});
