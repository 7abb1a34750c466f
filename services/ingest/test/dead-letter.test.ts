import { compileValidator, type DeadLetter } from '@tocsin/core';
import { describe, expect, it } from 'vitest';
import { buildDeadLetter, deadLetterKeyId, decryptDeadLetterOriginal } from '../src/dead-letter';
import { IngestError } from '../src/errors';
import { DLQ_KEY, JSON_TOPIC, NOW, busMessage } from './fixtures';

const validate = compileValidator<DeadLetter>('dead-letter.v1');
const secret = Buffer.from('{"persons":[{"name":"Jan de Vries"}]');

function deadLetter(original = secret, maxOriginalBytes = 1024): DeadLetter {
  return buildDeadLetter({
    record: busMessage(JSON_TOPIC, original, { key: Buffer.from('k1'), partition: 2, offset: '41' }),
    partner: 'nl-police',
    rejection: { reason: 'malformed_json', message: 'the record is not valid JSON', pointer: '/x' },
    key: DLQ_KEY,
    maxOriginalBytes,
    source: 'ingest/test',
    now: NOW,
  });
}

describe('dead letters', () => {
  it('match the schema and name their origin', () => {
    const dl = deadLetter();
    expect(validate(dl)).toEqual({ ok: true, value: dl });
    expect(dl).toMatchObject({
      id: `${JSON_TOPIC}:2:41`,
      stage: 'ingest',
      partner: 'nl-police',
      reason: 'malformed_json',
      pointer: '/x',
      origin: { topic: JSON_TOPIC, partition: 2, offset: '41', key_base64: Buffer.from('k1').toString('base64') },
      original: { cipher: 'aes-256-gcm', key_id: deadLetterKeyId(DLQ_KEY), size: secret.length, truncated: false },
    });
  });

  it('never hold the original bytes in clear', () => {
    const text = JSON.stringify(deadLetter());
    expect(text).not.toContain('Vries');
    expect(text).not.toContain(secret.toString('base64').slice(4, 24));
  });

  it('decrypt with the right key', () => {
    expect(decryptDeadLetterOriginal(deadLetter(), DLQ_KEY)).toEqual(secret);
  });

  it('truncate large originals and keep the full size', () => {
    const big = Buffer.alloc(5000, 'a');
    const dl = deadLetter(big, 100);
    expect(dl.original).toMatchObject({ size: 5000, truncated: true });
    expect(decryptDeadLetterOriginal(dl, DLQ_KEY)).toEqual(big.subarray(0, 100));
  });

  it('refuse another key, altered data and a copied original', () => {
    const dl = deadLetter();
    expect(() => decryptDeadLetterOriginal(dl, Buffer.alloc(32, 1))).toThrow(expect.objectContaining({ code: 'DLQ_KEY_MISMATCH' }) as IngestError);
    const data = Buffer.from(dl.original.data_base64, 'base64');
    data[0] = data[0]! ^ 1;
    expect(() => decryptDeadLetterOriginal({ ...dl, original: { ...dl.original, data_base64: data.toString('base64') } }, DLQ_KEY)).toThrow(/altered/);
    expect(() => decryptDeadLetterOriginal({ ...dl, id: `${dl.id}:9` }, DLQ_KEY)).toThrow(expect.objectContaining({ code: 'DLQ_DECRYPT_FAILED' }) as IngestError);
  });
});
