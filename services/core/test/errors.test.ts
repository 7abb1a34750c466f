import { describe, expect, it } from 'vitest';
import { CodedError } from '../src/index';

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
