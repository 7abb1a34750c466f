// Encryption at rest under an operator key (AES-256-GCM): webhook signing secrets
// must be stored reversibly (HMAC signing needs the raw key, a hash would not do),
// and dead-lettered payloads may hold details other agencies must not read.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { EncryptedValue } from '@tocsin/core';
import { AlertError } from '../errors';

export interface OperatorKey {
  /** Short public id, recorded next to each ciphertext so keys can rotate. */
  id: string;
  key: Buffer;
}

/** Parses a base64 32-byte key; the id defaults to a fingerprint of the key. */
export function operatorKeyFromBase64(base64: string, id?: string): OperatorKey {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32) throw new AlertError('OPERATOR_KEY_INVALID', `operator key must be 32 bytes of base64, got ${key.length} bytes`);
  return { id: id ?? `k${createHash('sha256').update(key).digest('hex').slice(0, 8)}`, key };
}

export function encrypt(operatorKey: OperatorKey, plaintext: Buffer | string, aad = ''): EncryptedValue {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', operatorKey.key, iv);
  cipher.setAAD(Buffer.from(aad));
  const data = Buffer.concat([cipher.update(typeof plaintext === 'string' ? Buffer.from(plaintext) : plaintext), cipher.final()]);
  return { cipher: 'aes-256-gcm', key_id: operatorKey.id, iv_base64: iv.toString('base64'), tag_base64: cipher.getAuthTag().toString('base64'), data_base64: data.toString('base64') };
}

/** `aad` binds a ciphertext to its owner (e.g. the subscription id) so it cannot be moved to another record. */
export function decrypt(keys: readonly OperatorKey[], value: EncryptedValue, aad = ''): Buffer {
  const key = keys.find((k) => k.id === value.key_id);
  if (!key) throw new AlertError('DECRYPT_FAILED', `no operator key with id ${value.key_id} is configured`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(value.iv_base64, 'base64'));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(Buffer.from(value.tag_base64, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(value.data_base64, 'base64')), decipher.final()]);
  } catch (cause) {
    throw new AlertError('DECRYPT_FAILED', `ciphertext under key ${value.key_id} failed authentication`, { cause });
  }
}
