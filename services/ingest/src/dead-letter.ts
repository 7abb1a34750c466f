// Dead letters: a rejected record with its reason and its original bytes encrypted
// (AES-256-GCM), because the bytes may hold names or phone numbers that must never reach
// a topic in clear. Operators decrypt with decryptDeadLetterOriginal (tocsin dead-letter show).
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { BusMessage, DeadLetter } from '@tocsin/core';
import { IngestError } from './errors';
import type { Rejection } from './rejection';

const CIPHER = 'aes-256-gcm';
const IV_BYTES = 12;

/** First 8 hex digits of sha256(key): tells operators which key a dead letter needs. */
export function deadLetterKeyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/**
 * Encrypts `bytes` (truncated to maxBytes; `size` keeps the full length). The dead letter id
 * is bound as associated data, so an original cannot be moved to another dead letter.
 */
export function encryptOriginal(bytes: Buffer, key: Buffer, maxBytes: number, associatedData: string): DeadLetter['original'] {
  const truncated = bytes.length > maxBytes;
  const plain = truncated ? bytes.subarray(0, maxBytes) : bytes;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(CIPHER, key, iv);
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const data = Buffer.concat([cipher.update(plain), cipher.final()]);
  return {
    cipher: CIPHER,
    key_id: deadLetterKeyId(key),
    iv_base64: iv.toString('base64'),
    tag_base64: cipher.getAuthTag().toString('base64'),
    data_base64: data.toString('base64'),
    size: bytes.length,
    truncated,
  };
}

/**
 * The original bytes of a dead letter (the first maxBytes when `original.truncated`).
 * Throws IngestError DLQ_KEY_MISMATCH for another key, DLQ_DECRYPT_FAILED for tampered data.
 */
export function decryptDeadLetterOriginal(deadLetter: Pick<DeadLetter, 'id' | 'original'>, key: Buffer): Buffer {
  const { original } = deadLetter;
  const keyId = deadLetterKeyId(key);
  if (original.key_id !== keyId) {
    throw new IngestError('DLQ_KEY_MISMATCH', `dead letter ${deadLetter.id} was encrypted with key ${original.key_id}, the key given is ${keyId}`);
  }
  try {
    const decipher = createDecipheriv(CIPHER, key, Buffer.from(original.iv_base64, 'base64'));
    decipher.setAAD(Buffer.from(deadLetter.id, 'utf8'));
    decipher.setAuthTag(Buffer.from(original.tag_base64, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(original.data_base64, 'base64')), decipher.final()]);
  } catch (error) {
    throw new IngestError('DLQ_DECRYPT_FAILED', `dead letter ${deadLetter.id} cannot be decrypted: its data or tag was altered`, { cause: error });
  }
}

export interface DeadLetterInput {
  record: BusMessage;
  /** Partner id taken from the topic name, when it has one. */
  partner: string | null;
  rejection: Rejection;
  /** 1-based CSV data row, when the rejection concerns one row. */
  row?: number;
  /** Bytes to keep; default the whole record value. */
  original?: Buffer;
  key: Buffer;
  maxOriginalBytes: number;
  source: string;
  now: number;
}

/** Messages are bounded by the schema; ours are short, but a pointer may not be. */
const clip = (s: string, max: number): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

export function buildDeadLetter(input: DeadLetterInput): DeadLetter {
  const { record, rejection } = input;
  const id = `${record.topic}:${record.partition}:${record.offset}${input.row === undefined ? '' : `:${input.row}`}`;
  const origin: DeadLetter['origin'] = { topic: record.topic, partition: record.partition, offset: record.offset };
  if (record.key !== null) origin.key_base64 = record.key.toString('base64');
  if (Number.isFinite(record.timestamp) && record.timestamp > 0) origin.timestamp = new Date(record.timestamp).toISOString();
  const deadLetter: DeadLetter = {
    id,
    type: 'dead-letter',
    schema_version: 1,
    produced_at: new Date(input.now).toISOString(),
    source: input.source,
    stage: 'ingest',
    reason: rejection.reason,
    message: clip(rejection.message, 2000),
    origin,
    original: encryptOriginal(input.original ?? record.value ?? Buffer.alloc(0), input.key, input.maxOriginalBytes, id),
  };
  if (input.partner !== null) deadLetter.partner = input.partner;
  if (rejection.pointer !== undefined) deadLetter.pointer = clip(rejection.pointer, 500);
  if (input.row !== undefined) deadLetter.row = input.row;
  return deadLetter;
}
