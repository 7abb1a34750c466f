// Error codes of the HTTP API. Every 4xx/5xx body is { error: { code, message } }
// with one of these codes; docs/api.md lists them and a test keeps both in step.
export const API_ERROR_CODES = {
  unauthenticated: { status: 401, doc: 'No API key, or an unknown or disabled one.' },
  forbidden: { status: 403, doc: 'The key lacks the scope this route needs, or the resource belongs to another agency.' },
  not_found: { status: 404, doc: 'No such route or resource (resources of other agencies are also reported as not found).' },
  bad_request: { status: 400, doc: 'The request body or query is invalid; the message names the field.' },
  conflict: { status: 409, doc: 'The resource changed or already exists.' },
  request_timeout: { status: 408, doc: 'The request was not received within the request timeout.' },
  payload_too_large: { status: 413, doc: 'The body is larger than the 1 MiB limit.' },
  unsupported_media_type: { status: 415, doc: 'Bodies must be application/json.' },
  rate_limited: { status: 429, doc: 'Too many requests for this key, or too many bad keys from this address; retry after the Retry-After header.' },
  headers_too_large: { status: 431, doc: 'The request headers are larger than the server accepts (16 KiB).' },
  upstream_unavailable: { status: 502, doc: 'The service behind this server (the desk forwards alert routes to the alert service) did not answer or answered malformed.' },
  upstream_timeout: { status: 504, doc: 'The service behind this server did not answer within the forwarding timeout.' },
  unavailable: { status: 503, doc: 'A component this route needs is not running in this process.' },
  internal: { status: 500, doc: 'Unexpected failure; details are in the server log under the request id.' },
} as const;

export type ApiErrorCode = keyof typeof API_ERROR_CODES;

/** Thrown by route handlers; the error handler turns it into the JSON error body. */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly status: number;
  readonly headers: Record<string, string>;
  constructor(code: ApiErrorCode, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = API_ERROR_CODES[code].status;
    this.headers = headers;
  }
}
