// The alerting part of the OpenAPI document: every local $ref resolves, every
// body names its component schema by title, path parameters are declared, and
// each error status points at the shared error body.
import { describe, expect, it } from 'vitest';
import { apiHarness } from './harness';

type Json = Record<string, unknown>;

function resolvePointer(doc: Json, ref: string): unknown {
  return ref
    .slice(2)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Json)[key] : undefined), doc);
}

function localRefs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) localRefs(n, out);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/')) out.push(v);
      else localRefs(v, out);
    }
  }
  return out;
}

describe('alert API OpenAPI entries', () => {
  it('resolve, name their bodies and parameters, and document errors', async () => {
    const h = await apiHarness();
    const doc = (await h.server.inject({ url: '/docs/json' })).json() as Json & { paths: Record<string, Record<string, Json>> };
    const apiPaths = Object.entries(doc.paths).filter(([p]) => p.startsWith('/api/'));
    expect(apiPaths.length).toBeGreaterThanOrEqual(11);
    for (const [path, ops] of apiPaths) {
      for (const [method, op] of Object.entries(ops)) {
        const where = `${method.toUpperCase()} ${path}`;
        for (const ref of localRefs(op)) expect(resolvePointer(doc, ref), `${where}: ${ref}`).toBeDefined();
        const declared = ((op['parameters'] as Json[] | undefined) ?? []).filter((p) => p['in'] === 'path').map((p) => p['name']);
        expect(declared, where).toEqual([...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]));
        const body = op['requestBody'] as { content: { 'application/json': { schema: { $ref: string } } } } | undefined;
        if (body) expect(body.content['application/json'].schema.$ref, where).toMatch(/^#\/components\/schemas\/[A-Z]\w+Request$/);
        for (const [status, response] of Object.entries(op['responses'] as Record<string, Json>)) {
          if (Number(status) >= 400) expect(localRefs(response), `${where} ${status}`).toEqual(['#/components/schemas/Error']);
        }
      }
    }
  });
});
