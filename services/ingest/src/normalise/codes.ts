// Partner codes to Tocsin taxonomy codes through the partner's code_map. An unmapped
// code must already be a Tocsin code (compared trimmed and lower case).
import type { CodeMap } from '@tocsin/core';

export function mapCode(value: string, map: CodeMap | undefined): string {
  if (map) {
    const mapped = map[value] ?? map[value.trim()];
    if (mapped !== undefined) return mapped;
  }
  return value.trim().toLowerCase();
}

/**
 * Maps a list of codes, dropping duplicates (two partner codes may map to one Tocsin code)
 * and sorting, so that reordering a list is not reported as a changed incident.
 */
export function mapCodeList(values: unknown[], map: CodeMap | undefined): unknown[] {
  const out: unknown[] = [];
  const seen = new Set<unknown>();
  for (const value of values) {
    const code = typeof value === 'string' ? mapCode(value, map) : value;
    if (seen.has(code)) continue;
    seen.add(code);
    out.push(code);
  }
  return out.every((v) => typeof v === 'string') ? (out as string[]).sort() : out;
}
