// Per-agency API keys. Keys are random 256-bit secrets shown once at creation;
// only their SHA-256 is stored (a slow KDF buys nothing for high-entropy keys),
// and comparison is constant-time. A key belongs to one agency and carries scopes.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

// detectors:tune changes the detector configuration every agency's alerts come from; it is
// an analyst's scope, granted without admin (which holds every scope).
export const SCOPES = ['alerts:read', 'subscriptions:manage', 'detectors:tune', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** Who is calling, after authentication. */
export interface Principal {
  keyId: string;
  agency: string;
  /** The agency's ISO 3166-1 alpha-2 country: sharing rules are decided per country. */
  country: string;
  scopes: readonly Scope[];
}

/** A stored key: everything but the secret. */
export interface ApiKeyRecord {
  id: string;
  agency: string;
  country: string;
  scopes: Scope[];
  /** hex SHA-256 of the full key string. */
  sha256: string;
  created_at: string;
  disabled?: boolean;
}

const KEY_PREFIX = 'tsk_';

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Makes a new key: `tsk_<id>_<secret>`; the id lets logs and audits name a key without its secret. */
export function createApiKey(input: { agency: string; country: string; scopes: Scope[] }, now = new Date()): { key: string; record: ApiKeyRecord } {
  const id = randomBytes(6).toString('hex');
  const key = `${KEY_PREFIX}${id}_${randomBytes(32).toString('base64url')}`;
  return { key, record: { id, agency: input.agency, country: input.country, scopes: [...input.scopes], sha256: hashKey(key), created_at: now.toISOString() } };
}

export interface ApiKeyStore {
  /** The principal for a presented key, or null when unknown or disabled. */
  authenticate(presented: string): Principal | null;
  records(): ApiKeyRecord[];
}

export function createApiKeyStore(records: readonly ApiKeyRecord[]): ApiKeyStore {
  const byId = new Map(records.map((r) => [r.id, r]));
  return {
    authenticate(presented) {
      const match = /^tsk_([0-9a-f]{12})_[A-Za-z0-9_-]{43}$/.exec(presented);
      if (!match) return null;
      const record = byId.get(match[1]!);
      if (!record || record.disabled) return null;
      const expected = Buffer.from(record.sha256, 'hex');
      const actual = Buffer.from(hashKey(presented), 'hex');
      if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
      return { keyId: record.id, agency: record.agency, country: record.country, scopes: record.scopes };
    },
    records: () => [...byId.values()],
  };
}

/** True when the principal holds the scope; admin holds every scope. */
export function hasScope(principal: Principal, scope: Scope): boolean {
  return principal.scopes.includes('admin') || principal.scopes.includes(scope);
}
