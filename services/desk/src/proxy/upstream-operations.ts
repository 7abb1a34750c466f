// Which requests the desk forwards: exactly the operations the upstream service's
// own OpenAPI document lists (method + path template), so a route the alert
// service adds is reachable through the desk without a change here, and nothing
// it does not document is ever sent to it.
import type { OpenApiPaths } from '@tocsin/http';

export interface UpstreamOperation {
  method: string;
  /** OpenAPI path template, e.g. "/api/alerts/{id}". */
  template: string;
  /** False when the operation documents that it takes no key (security: [] or an empty alternative). */
  keyRequired: boolean;
  pattern: RegExp;
}

export interface UpstreamDocument {
  paths: OpenApiPaths;
  components: { schemas: Record<string, unknown> };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
/** Dot segments would let a documented prefix reach undocumented paths upstream. */
const DOT_SEGMENT = /(^|\/)(\.|%2e){1,2}(\/|$)/i;

function templatePattern(template: string): RegExp {
  const parts = template.split(/\{[^}/]+\}/).map((literal) => literal.replace(/[.*+?^$()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('[^/]+')}$`);
}

/** Checks the shape of a fetched document; throws naming what is wrong. */
export function readUpstreamDocument(value: unknown): UpstreamDocument {
  const doc = value as { paths?: unknown; components?: { schemas?: unknown } } | null;
  if (!doc || typeof doc !== 'object' || !doc.paths || typeof doc.paths !== 'object') throw new Error('the OpenAPI document has no paths object');
  const schemas = doc.components?.schemas;
  return { paths: doc.paths as OpenApiPaths, components: { schemas: schemas && typeof schemas === 'object' ? (schemas as Record<string, unknown>) : {} } };
}

/** The /api operations of `paths` except those under templates the desk serves itself. */
export function upstreamOperations(paths: OpenApiPaths, servedHere: ReadonlySet<string>): UpstreamOperation[] {
  const operations: UpstreamOperation[] = [];
  for (const [template, byMethod] of Object.entries(paths)) {
    if (!template.startsWith('/api/') || servedHere.has(template) || DOT_SEGMENT.test(template)) continue;
    for (const method of METHODS) {
      const operation = byMethod[method] as { security?: unknown[] } | undefined;
      if (!operation) continue;
      const security = Array.isArray(operation.security) ? operation.security : undefined;
      const keyOptional = security !== undefined && (security.length === 0 || security.some((s) => s && typeof s === 'object' && Object.keys(s).length === 0));
      operations.push({ method: method.toUpperCase(), template, keyRequired: !keyOptional, pattern: templatePattern(template) });
    }
  }
  // Literal segments win over parameters, as in the upstream's router: /api/alerts/events is
  // not /api/alerts/{id} (and may differ in whether it takes a key).
  const parameters = (template: string) => template.split('{').length;
  return operations.sort((a, b) => parameters(a.template) - parameters(b.template));
}

/**
 * The operation `method path` (path without query, as received) is, or null.
 * HEAD matches GET. Paths with dot segments never match.
 */
export function matchOperation(operations: readonly UpstreamOperation[], method: string, path: string): UpstreamOperation | null {
  if (DOT_SEGMENT.test(path)) return null;
  const wanted = method === 'HEAD' ? 'GET' : method;
  return operations.find((op) => op.method === wanted && op.pattern.test(path)) ?? null;
}
