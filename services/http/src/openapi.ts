// The OpenAPI 3.1 document served at /docs/json. Each route module contributes
// its paths; components embed the JSON Schemas of schemas/ as they are (OpenAPI
// 3.1 speaks JSON Schema 2020-12), so API bodies and events share one source.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { schemaDir } from '@tocsin/core';
import { API_ERROR_CODES } from './errors';

export type OpenApiPaths = Record<string, Record<string, unknown>>;

function schemaComponents(): Record<string, unknown> {
  const components: Record<string, unknown> = {};
  for (const file of readdirSync(schemaDir).filter((f) => f.endsWith('.schema.json')).sort()) {
    const schema = JSON.parse(readFileSync(join(schemaDir, file), 'utf8')) as { title?: string };
    components[schema.title ?? file.replace(/\.schema\.json$/, '')] = schema;
  }
  components['Error'] = {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: { code: { type: 'string', enum: Object.keys(API_ERROR_CODES) }, message: { type: 'string' } },
      },
    },
  };
  return components;
}

/** A response entry pointing at the shared error body. */
export function errorResponse(description: string): Record<string, unknown> {
  return { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
}

export function buildOpenApiDocument(version: string, parts: OpenApiPaths[]): Record<string, unknown> {
  const paths: OpenApiPaths = {};
  for (const part of parts) {
    for (const [path, operations] of Object.entries(part)) paths[path] = { ...(paths[path] ?? {}), ...operations };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tocsin API',
      version,
      description: 'Early warning of emerging cross-border crime trends. Authenticate with a per-agency API key: `Authorization: Bearer tsk_...`. Errors are `{ "error": { "code", "message" } }`.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'Per-agency API key (tsk_...)' } },
      schemas: schemaComponents(),
    },
    paths,
  };
}
