// docs/api.md agrees with the code: its error-code table is API_ERROR_CODES
// (codes and statuses), its route table lists every alert API route with the
// scope the route enforces (read from the OpenAPI document), and its limits
// table states the page sizes the routes use.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemaDir } from '@tocsin/core';
import { API_ERROR_CODES, API_LIMITS } from '@tocsin/http';
import { ALERTS_PAGE, DEAD_LETTER_PAGE, DELIVERIES_PAGE, SUBSCRIPTIONS_PAGE, alertApiRoutes } from '../../src/api/index';
import type { AlertApiDeps } from '../../src/api/deps';

const doc = readFileSync(join(schemaDir, '..', 'docs', 'api.md'), 'utf8');

/** Rows of the markdown table that follows `heading`. */
function tableAfter(heading: string): string[][] {
  const start = doc.indexOf(heading);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  let inTable = false;
  for (const line of doc.slice(start).split('\n').slice(1)) {
    if (line.startsWith('|')) {
      inTable = true;
      const cells = line.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());
      if (!cells.every((c) => /^-+$/.test(c))) rows.push(cells);
    } else if (inTable) break;
  }
  return rows.slice(1); // header
}

const strip = (cell: string): string => cell.replace(/`/g, '');

describe('docs/api.md', () => {
  it('lists exactly the error codes of API_ERROR_CODES with their statuses', () => {
    const rows = tableAfter('## Error codes');
    expect(rows.map((r) => strip(r[0]!)).sort()).toEqual(Object.keys(API_ERROR_CODES).sort());
    for (const r of rows) expect(Number(r[1]), r[0]).toBe(API_ERROR_CODES[strip(r[0]!) as keyof typeof API_ERROR_CODES].status);
  });

  it('lists every alert API route with the scope its OpenAPI entry declares', () => {
    // Paths only: the route modules' OpenAPI parts need no engine to be built.
    const parts = alertApiRoutes(null as unknown as AlertApiDeps).map((r) => r.paths);
    const documented = new Map(tableAfter('## Routes').map((r) => [`${r[0]} ${strip(r[1]!)}`, strip(r[2]!)]));
    let count = 0;
    for (const paths of parts) {
      for (const [path, ops] of Object.entries(paths)) {
        for (const [method, op] of Object.entries(ops)) {
          const scope = /Scope: `([^`]+)`/.exec((op as { description: string }).description)?.[1];
          expect(documented.get(`${method.toUpperCase()} ${path}`), `${method} ${path}`).toBe(scope);
          count++;
        }
      }
    }
    expect(count).toBe(23);
  });

  it('states the limits the server and routes apply', () => {
    const limits = new Map(tableAfter('## Limits').map((r) => [r[0]!, r[1]!]));
    expect(limits.get('Request body')).toContain(`${API_LIMITS.bodyBytes / 1024 / 1024} MiB`);
    expect(limits.get('Rate per API key')).toContain(`${API_LIMITS.requestsPerSecondPerKey} requests/s, bursts of ${API_LIMITS.burstPerKey}`);
    const page = (name: string) => limits.get(name)!;
    expect(page('`GET /api/alerts` page')).toBe(`default ${ALERTS_PAGE.default}, at most ${ALERTS_PAGE.max}`);
    expect(page('`GET /api/subscriptions` page')).toBe(`default ${SUBSCRIPTIONS_PAGE.default}, at most ${SUBSCRIPTIONS_PAGE.max}`);
    expect(page('`GET /api/subscriptions/{id}/deliveries`')).toBe(`default ${DELIVERIES_PAGE.default}, at most ${DELIVERIES_PAGE.max}`);
    expect(page('`GET /api/deliveries/dead-letter`')).toBe(`default ${DEAD_LETTER_PAGE.default}, at most ${DEAD_LETTER_PAGE.max}`);
  });
});
