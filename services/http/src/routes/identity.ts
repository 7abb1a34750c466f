// GET /api/me: who the presented key belongs to and what it may do, so the page
// can say who is signed in and show only the controls the key may use. Any
// valid key may ask (no scope needed); the secret is never echoed.
import { countryName, type Identity } from '@tocsin/core';
import type { Principal } from '../auth/api-keys';
import { ApiError } from '../errors';
import { errorResponse } from '../openapi';
import type { ApiRoutes } from '../server';

export function identityOf(principal: Principal): Identity {
  return {
    key_id: principal.keyId,
    agency: principal.agency,
    country: principal.country,
    country_name: countryName(principal.country),
    scopes: [...principal.scopes],
    admin: principal.scopes.includes('admin'),
  };
}

export function identityRoutes(): ApiRoutes {
  return {
    name: 'identity',
    paths: {
      '/api/me': {
        get: {
          tags: ['keys'],
          summary: 'Who this API key belongs to',
          description: 'The key id, agency, country and scopes of the presented key (never the secret). Any valid key may ask.',
          security: [{ apiKey: [] }],
          responses: {
            '200': { description: 'The key holder', content: { 'application/json': { schema: { $ref: '#/components/schemas/Identity' } } } },
            '400': errorResponse('A query parameter was given (this route takes none)'),
            '401': errorResponse('No API key, or an unknown or disabled one'),
            '429': errorResponse('Rate limit of the key (or of bad keys from this address) exceeded; see Retry-After'),
          },
        },
      },
    },
    register(app, context) {
      app.get('/api/me', { onRequest: context.acceptKey() }, async (request) => {
        // acceptKey answers a bad key with 401 (and counts it against the address); no key is 401 too.
        if (!request.principal) throw new ApiError('unauthenticated', 'send a valid API key as "Authorization: Bearer <key>"');
        return identityOf(request.principal);
      });
    },
  };
}
