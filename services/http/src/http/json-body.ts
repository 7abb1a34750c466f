// The only body the API accepts: JSON in strict UTF-8. Invalid UTF-8 is refused
// rather than turned into U+FFFD, prototype keys are refused rather than
// dropped, and no string may hold the characters text-rules.ts forbids. Every
// other media type gets 415 (fastify answers it when no parser matches).
import { isUtf8 } from 'node:buffer';
import type { FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';
import { ApiError } from '../errors';
import { findForbiddenText } from './text-rules';

/** Parses one request body; throws ApiError('bad_request') naming what is wrong. */
export function parseJsonBody(raw: Buffer): unknown {
  // An empty body counts as no body (optional bodies of pause, rotate-secret, ...).
  if (raw.length === 0) return undefined;
  if (!isUtf8(raw)) throw new ApiError('bad_request', 'body is not valid UTF-8');
  let value: unknown;
  try {
    value = secureJson.parse(raw.toString('utf8'), undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (err) {
    throw new ApiError('bad_request', `body is not valid JSON: ${(err as Error).message}`);
  }
  const forbidden = findForbiddenText(value);
  if (forbidden) throw new ApiError('bad_request', forbidden);
  return value;
}

/** Replaces fastify's parsers (JSON and text/plain) with the strict JSON one. */
export function acceptJsonOnly(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  for (const type of ['application/json', /^application\/[\w.+-]+\+json$/]) {
    app.addContentTypeParser(type, { parseAs: 'buffer' }, (_request, body, done) => {
      try {
        done(null, parseJsonBody(body as Buffer));
      } catch (err) {
        done(err as Error, undefined);
      }
    });
  }
}
