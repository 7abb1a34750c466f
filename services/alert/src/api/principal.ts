// Who acts, and on whose behalf. Agency keys act for their own agency only; an
// admin key acts for every agency, or for one named with ?agency=.
import { ApiError, type Principal } from '@tocsin/http';
import type { Scope } from '../subscriptions/store';

const AGENCY_ID = /^[a-z0-9][a-z0-9-]{1,62}$/; // common.v1 PartnerId

export const isAdmin = (p: Principal): boolean => p.scopes.includes('admin');

/** "agency/keyId": recorded on every action so an audit can name the key. */
export const actorOf = (p: Principal): string => `${p.agency}/${p.keyId}`;

/** The ?agency= parameter, checked; undefined when absent. */
export function agencyParam(query: unknown): string | undefined {
  const raw = (query as Record<string, unknown> | undefined)?.['agency'];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !AGENCY_ID.test(raw)) throw new ApiError('bad_request', 'agency must be an agency id like "nl-police"');
  return raw;
}

/**
 * The store scope of a request. Naming another agency is an admin's privilege;
 * an agency key doing it gets 403 (which reveals nothing: it names no resource).
 */
export function scopeOf(p: Principal, agency: string | undefined): Scope {
  if (isAdmin(p)) return agency === undefined ? { kind: 'admin' } : { kind: 'agency', agency };
  if (agency !== undefined && agency !== p.agency) throw new ApiError('forbidden', 'only an admin key may act for another agency');
  return { kind: 'agency', agency: p.agency };
}
