// Keyset pagination: the cursor is the sort key of the last item served, so a
// page boundary does not shift when items are added or removed between calls
// (offsets would skip or repeat alerts on a busy desk).
import { ApiError } from '@tocsin/http';

export type SortKey = ReadonlyArray<string | number>;
/** Per position of the sort key: 1 ascending, -1 descending. */
export type SortOrder = ReadonlyArray<1 | -1>;

export function compareKeys(a: SortKey, b: SortKey, order: SortOrder): number {
  for (let i = 0; i < order.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    return (x < y ? -1 : 1) * order[i]!;
  }
  return 0;
}

export function encodeCursor(key: SortKey): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** The key in a cursor, unchecked against any order (null when it holds none). */
export function peekCursor(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
}

export function decodeCursor(cursor: string, order: SortOrder): SortKey {
  const key = peekCursor(cursor);
  const ok = Array.isArray(key) && key.length === order.length && key.every((k) => typeof k === 'string' || typeof k === 'number');
  if (!ok) throw new ApiError('bad_request', 'cursor is not one this API returned (pass next_cursor unchanged)');
  return key as SortKey;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/**
 * One page of `items` in `order` of `keyOf`, starting after `cursor`. Keeps only
 * the first limit + 1 items while it reads (O(n log limit)): a page of 50 out
 * of 10,000 alerts must not sort all 10,000.
 */
export function paginate<T>(items: readonly T[], keyOf: (item: T) => SortKey, order: SortOrder, limit: number, cursor?: string): Page<T> {
  const after = cursor === undefined ? null : decodeCursor(cursor, order);
  const best: Array<{ item: T; key: SortKey }> = [];
  for (const item of items) {
    const key = keyOf(item);
    if (after !== null && compareKeys(key, after, order) <= 0) continue;
    if (best.length > limit && compareKeys(key, best[limit]!.key, order) >= 0) continue;
    let lo = 0;
    let hi = best.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareKeys(best[mid]!.key, key, order) <= 0) lo = mid + 1;
      else hi = mid;
    }
    best.splice(lo, 0, { item, key });
    if (best.length > limit + 1) best.pop();
  }
  const page = best.slice(0, limit);
  const last = page.at(-1);
  return { items: page.map((x) => x.item), next_cursor: best.length > limit && last ? encodeCursor(last.key) : null };
}
