import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DETECT_ERROR_CODES, DetectError } from '../src/errors';

const doc = readFileSync(resolve(import.meta.dirname, '../../../docs/detect.md'), 'utf8');

describe('error catalogue', () => {
  it('documents exactly the codes the package uses', () => {
    const table = doc.slice(doc.indexOf('## Error codes'));
    const documented = [...table.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented).toEqual([...DETECT_ERROR_CODES]);
  });

  it('carries its code, cause and that retrying does not help', () => {
    const cause = new Error('boom');
    const error = new DetectError('CONFIG_INVALID', 'bad config', { cause });
    expect(error).toMatchObject({ name: 'DetectError', code: 'CONFIG_INVALID', retryable: false, cause });
  });
});
