// Query parameters a route takes come from its OpenAPI operation (the one
// description clients read); every /api route gets a querystring schema that
// refuses any other name, so `?severity=high` is a 400 and not silently ignored.
// Values are checked by the route, with messages that name the parameter.
import type { OpenApiPaths } from '../openapi';

/** "/api/alerts/:id" as OpenAPI writes it: "/api/alerts/{id}". */
export const openApiPath = (url: string): string => url.replace(/:(\w+)/g, '{$1}');

/** Names of the query parameters the OpenAPI document gives `method url`. */
export function queryParameterNames(paths: OpenApiPaths, method: string, url: string): string[] {
  const operation = paths[openApiPath(url)]?.[method.toLowerCase()] as { parameters?: Array<{ in?: string; name?: string }> } | undefined;
  return (operation?.parameters ?? []).filter((p) => p.in === 'query' && typeof p.name === 'string').map((p) => p.name!);
}

export function querystringSchema(names: readonly string[]): Record<string, unknown> {
  return { type: 'object', additionalProperties: false, properties: Object.fromEntries(names.map((n) => [n, {}])) };
}
