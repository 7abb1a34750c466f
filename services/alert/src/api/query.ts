// Query-string parsing with messages that name the parameter.
import { ApiError } from '@tocsin/http';

export type Query = Record<string, unknown>;

export function stringParam(query: Query, name: string, pattern?: RegExp, hint?: string): string | undefined {
  const raw = query[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || (pattern && !pattern.test(raw))) throw new ApiError('bad_request', `${name} ${hint ?? 'is invalid'}`);
  return raw;
}

export function enumParam<T extends string>(query: Query, name: string, allowed: readonly T[]): T | undefined {
  const raw = query[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !allowed.includes(raw as T)) throw new ApiError('bad_request', `${name} must be one of ${allowed.join(', ')}`);
  return raw as T;
}

/** `true` or `false`, spelt exactly so (anything else is a 400, never read as false). */
export function booleanParam(query: Query, name: string): boolean | undefined {
  const raw = enumParam(query, name, ['true', 'false'] as const);
  return raw === undefined ? undefined : raw === 'true';
}

export function limitParam(query: Query, fallback: number, max: number): number {
  const raw = query['limit'];
  if (raw === undefined) return fallback;
  const n = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > max) throw new ApiError('bad_request', `limit must be an integer from 1 to ${max}`);
  return n;
}

/** An ISO 8601 timestamp parameter, normalised to the engine's form (UTC, ms). */
export function timeParam(query: Query, name: string): string | undefined {
  const raw = query[name];
  if (raw === undefined) return undefined;
  const ms = typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(raw) ? Date.parse(raw) : NaN;
  if (!Number.isFinite(ms)) throw new ApiError('bad_request', `${name} must be an ISO 8601 timestamp like 2026-11-01T00:00:00Z`);
  return new Date(ms).toISOString();
}
