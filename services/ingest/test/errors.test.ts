import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { schemaDir } from '@tocsin/core';
import { describe, expect, it } from 'vitest';
import { DEAD_LETTER_REASON_CODES, INGEST_ERROR_CODES, IngestError } from '../src/errors';

describe('error catalogues', () => {
  it('lists exactly the reason codes of schemas/dead-letter.v1', () => {
    const schema = JSON.parse(readFileSync(join(schemaDir, 'dead-letter.v1.schema.json'), 'utf8')) as {
      properties: { reason: { enum: string[] } };
    };
    expect([...DEAD_LETTER_REASON_CODES].sort()).toEqual([...schema.properties.reason.enum].sort());
  });

  it('documents every reason code in docs/operations.md', () => {
    const doc = readFileSync(join(schemaDir, '..', 'docs', 'operations.md'), 'utf8');
    for (const code of DEAD_LETTER_REASON_CODES) expect(doc, code).toContain(`\`${code}\``);
  });

  it('gives IngestError its code and retryability', () => {
    const error = new IngestError('CONFIG_INVALID', 'KAFKA_BROKERS is required');
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.retryable).toBe(INGEST_ERROR_CODES.CONFIG_INVALID.retryable);
    expect(error.message).toBe('KAFKA_BROKERS is required');
  });
});
