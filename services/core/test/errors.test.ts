import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUS_ERROR_CODES, BusError, CodedError, schemaDir, type BusErrorCode } from '../src/index';

class SampleError extends CodedError<'BAD_THING' | 'BUSY'> {
  override readonly name = 'SampleError';
}

describe('CodedError', () => {
  it('carries code, message, cause and retryability, and is an Error', () => {
    const cause = new Error('root');
    const error = new SampleError('BUSY', 'try later', { cause, retryable: true });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'SampleError', code: 'BUSY', message: 'try later', retryable: true, cause });
    expect(new SampleError('BAD_THING', 'no').retryable).toBe(false);
    expect(String(new SampleError('BAD_THING', 'no'))).toBe('SampleError: no');
  });
});

describe('BusError catalogue', () => {
  it('documents every code in docs/operations.md and marks each not retryable, for kafkajs too', () => {
    const doc = readFileSync(join(schemaDir, '..', 'docs', 'operations.md'), 'utf8');
    for (const code of Object.keys(BUS_ERROR_CODES) as BusErrorCode[]) {
      expect(doc, code).toContain(`\`${code}\``);
      expect(new BusError(code, 'x')).toMatchObject({ name: 'BusError', code, retryable: false, retriable: false });
    }
  });
});
