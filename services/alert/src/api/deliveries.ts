// /api/deliveries/dead-letter: deliveries that ran out of retries, for the
// operator (admin): which agency missed which warning, and why.
import type { ApiRoutes } from '@tocsin/http';
import type { AlertApiDeps } from './deps';
import { agencyQuery, limitQuery, operation, ref } from './openapi';
import { agencyParam, scopeOf } from './principal';
import { limitParam, type Query } from './query';

export const DEAD_LETTER_PAGE = { default: 100, max: 1000 } as const;

export function deliveryRoutes(deps: AlertApiDeps): ApiRoutes {
  return {
    name: 'deliveries',
    paths: {
      '/api/deliveries/dead-letter': {
        get: operation({
          tag: 'deliveries', scope: 'admin', summary: 'Dead-lettered deliveries',
          description: 'Deliveries whose every attempt failed within the retry horizon (state exhausted; also written to the dead-letter topic), newest first, with attempts and the body that was not delivered. ?agency= narrows to one agency.',
          parameters: [agencyQuery, limitQuery(DEAD_LETTER_PAGE.default, DEAD_LETTER_PAGE.max)],
          ok: { status: '200', description: 'Exhausted deliveries', schema: { type: 'object', required: ['deliveries'], properties: { deliveries: { type: 'array', items: ref('Delivery') } } } },
          errors: ['400'],
        }),
      },
    },
    register(app, context) {
      app.get('/api/deliveries/dead-letter', { onRequest: context.requireScope('admin') }, async (request) => {
        const principal = context.principalOf(request);
        const limit = limitParam(request.query as Query, DEAD_LETTER_PAGE.default, DEAD_LETTER_PAGE.max);
        return { deliveries: deps.deliveries.deadLetters(scopeOf(principal, agencyParam(request.query)), limit) };
      });
    },
  };
}
