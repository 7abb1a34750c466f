// The error catalogue, the docs table and the class agree.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALERT_ERROR_CODES, AlertError, isAlertError } from '../src/errors';

describe('alert error catalogue', () => {
  const docs = readFileSync(resolve(import.meta.dirname, '../../../docs/alerts.md'), 'utf8');
  const table = docs.slice(docs.indexOf('## Error codes'), docs.indexOf('## Limits'));

  it('documents every code with its retryability, and nothing else', () => {
    const documented = [...table.matchAll(/^\| `([A-Z_]+)` \| (yes|no) \|/gm)].map((m) => [m[1], m[2] === 'yes']);
    expect(Object.fromEntries(documented)).toEqual(Object.fromEntries(Object.entries(ALERT_ERROR_CODES).map(([c, v]) => [c, v.retryable])));
  });

  it('carries code, retryability, pointer and cause', () => {
    const cause = new Error('root');
    const e = new AlertError('BUS_WRITE_FAILED', 'write failed', { cause, pointer: '/x' });
    expect(e).toMatchObject({ code: 'BUS_WRITE_FAILED', retryable: true, pointer: '/x', cause, name: 'AlertError' });
    expect(isAlertError(e, 'BUS_WRITE_FAILED')).toBe(true);
    expect(isAlertError(e, 'ALERT_NOT_FOUND')).toBe(false);
    expect(isAlertError(new Error('x'))).toBe(false);
  });
});
