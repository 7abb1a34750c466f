// Request bodies are checked against the JSON Schemas in schemas/ (the same
// files the OpenAPI document embeds); the 400 names the first bad field by its
// JSON pointer.
import { compileValidator } from '@tocsin/core';
import { ApiError } from '@tocsin/http';

export type RequestSchema =
  | 'subscription-request.v1'
  | 'subscription-change-request.v1'
  | 'subscription-pause-request.v1'
  | 'secret-rotation-request.v1'
  | 'acknowledge-request.v1'
  | 'assign-request.v1'
  | 'label-request.v1'
  | 'silence-request.v1'
  | 'detector-config-change-request.v1'
  | 'detector-config-dry-run-request.v1';

/**
 * The validated body. `optional` bodies may be absent (a POST without a body
 * arrives as undefined) and then count as `{}`.
 */
export function parseBody<T>(schema: RequestSchema, body: unknown, options: { optional?: boolean } = {}): T {
  const value = body === undefined || body === null ? (options.optional ? {} : undefined) : body;
  if (value === undefined) throw new ApiError('bad_request', 'a JSON body is required');
  const checked = compileValidator<T>(schema)(value);
  if (!checked.ok) {
    const first = checked.errors[0]!;
    throw new ApiError('bad_request', `${first.pointer || '/'} ${first.message}`);
  }
  return checked.value;
}
