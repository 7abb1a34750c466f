// The API keys file of a deployment: a JSON array of key records as
// `tocsin keys create` prints them (hashes only, never the keys).
import { readFileSync } from 'node:fs';
import { SCOPES, type ApiKeyRecord } from './api-keys';

/** Reads and checks TOCSIN_API_KEYS_FILE; throws an Error naming the bad entry. */
export function loadApiKeyRecords(file: string | undefined): ApiKeyRecord[] {
  if (!file) throw new Error('TOCSIN_API_KEYS_FILE is not set (JSON array of API key records from `tocsin keys create`)');
  let records: unknown;
  try {
    records = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`TOCSIN_API_KEYS_FILE ${file} cannot be read as JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(records)) throw new Error(`TOCSIN_API_KEYS_FILE ${file} must hold a JSON array`);
  const ids = new Set<string>();
  records.forEach((r: Partial<ApiKeyRecord> | null, i) => {
    const valid = r !== null && typeof r === 'object'
      && typeof r.id === 'string' && /^[0-9a-f]{12}$/.test(r.id)
      && typeof r.agency === 'string' && /^[a-z0-9][a-z0-9-]{1,62}$/.test(r.agency)
      && typeof r.country === 'string' && /^[A-Z]{2}$/.test(r.country)
      && typeof r.sha256 === 'string' && /^[0-9a-f]{64}$/.test(r.sha256)
      && Array.isArray(r.scopes) && r.scopes.length > 0 && r.scopes.every((s) => SCOPES.includes(s));
    if (!valid) throw new Error(`TOCSIN_API_KEYS_FILE ${file}: entry ${i} is not a key record {id, agency, country, scopes, sha256}`);
    if (ids.has(r.id!)) throw new Error(`TOCSIN_API_KEYS_FILE ${file}: key id ${r.id} appears twice`);
    ids.add(r.id!);
  });
  return records as ApiKeyRecord[];
}
