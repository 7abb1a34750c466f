// /api/subscriptions: an agency's webhook endpoints. Every call runs in the
// store's scope of the caller (principal.ts), so a foreign id is "not found"
// exactly like an unknown one and ids cannot be probed.
import type { SecretRotationRequest, SubscriptionChangeRequest, SubscriptionFilters, SubscriptionPauseRequest, SubscriptionRequest } from '@tocsin/core';
import { ApiError, type ApiRoutes } from '@tocsin/http';
import { parseBody } from './body';
import type { AlertApiDeps } from './deps';
import { engineCall } from './errors';
import { agencyQuery, cursorQuery, idParam, limitQuery, operation, ref, SUBSCRIPTION_VIEW_SCHEMA } from './openapi';
import { paginate } from './pagination';
import { agencyParam, scopeOf } from './principal';
import { enumParam, limitParam, stringParam, type Query } from './query';

export const SUBSCRIPTIONS_PAGE = { default: 100, max: 500 } as const;
export const DELIVERIES_PAGE = { default: 50, max: 500 } as const;
const DELIVERY_STATES = ['scheduled', 'retrying', 'delivered', 'exhausted', 'abandoned'] as const;

const subId = idParam('id', 'Subscription id (sub_...)');
const scope = 'subscriptions:manage' as const;
const tag = 'subscriptions';
const subscriptionResponse = (description: string, status: '200' | '201' = '200') => ({ status, description, schema: SUBSCRIPTION_VIEW_SCHEMA });
const withSecret = (extra: Record<string, unknown> = {}) => ({
  type: 'object',
  required: ['subscription', 'secret'],
  properties: { subscription: SUBSCRIPTION_VIEW_SCHEMA, secret: { type: 'string', description: 'whsec_... signing secret. Shown this once: store it now.' }, ...extra },
});

/** Rejects filter codes the taxonomy does not know, naming the first by its pointer. */
function checkFilterCodes(filters: SubscriptionFilters | undefined, taxonomy: AlertApiDeps['taxonomy']): void {
  if (!filters || !taxonomy) return;
  for (const kind of ['methods', 'technologies'] as const) {
    const codes: readonly string[] = filters[kind] ?? [];
    const bad = codes.findIndex((code) => !taxonomy.has(kind, code));
    if (bad >= 0) throw new ApiError('bad_request', `/filters/${kind}/${bad} ${JSON.stringify(codes[bad])} is not a code of the ${kind} taxonomy`);
  }
}

export function subscriptionRoutes(deps: AlertApiDeps): ApiRoutes {
  return {
    name: 'subscriptions',
    paths: {
      '/api/subscriptions': {
        post: operation({
          tag, scope, summary: 'Register a webhook endpoint',
          description: 'Creates a subscription for the caller\'s agency (admin: for ?agency=, giving agency_country). The endpoint URL must pass the SSRF guard (https, public address, unless the operator allow-list permits it). The signing secret is in the response once and never again.',
          parameters: [agencyQuery], body: { schema: 'SubscriptionRequest' },
          ok: { status: '201', description: 'Created; `secret` is shown only now', schema: withSecret() },
          errors: ['400', '503'],
        }),
        get: operation({
          tag, scope, summary: 'List subscriptions',
          description: 'The caller\'s agency\'s subscriptions, oldest first; an admin sees every agency\'s, or one agency\'s with ?agency=.',
          parameters: [agencyQuery, limitQuery(SUBSCRIPTIONS_PAGE.default, SUBSCRIPTIONS_PAGE.max), cursorQuery],
          ok: { status: '200', description: 'A page of subscriptions', schema: { type: 'object', required: ['subscriptions', 'next_cursor'], properties: { subscriptions: { type: 'array', items: SUBSCRIPTION_VIEW_SCHEMA }, next_cursor: { type: ['string', 'null'] } } } },
          errors: ['400'],
        }),
      },
      '/api/subscriptions/{id}': {
        get: operation({ tag, scope, summary: 'Get a subscription', description: 'One subscription of the caller\'s agency.', parameters: [subId, agencyQuery], ok: subscriptionResponse('The subscription'), errors: ['404'] }),
        patch: operation({
          tag, scope, summary: 'Change endpoint, description or filters',
          description: 'Fields given replace the stored ones (filters as a whole). A new endpoint URL is checked like at creation.',
          parameters: [subId, agencyQuery], body: { schema: 'SubscriptionChangeRequest' }, ok: subscriptionResponse('The changed subscription'), errors: ['400', '404', '503'],
        }),
        delete: operation({ tag, scope, summary: 'Delete a subscription', description: 'Deletes it (a tombstone on subscriptions.v1); pending deliveries to it are abandoned.', parameters: [subId, agencyQuery], ok: { status: '204', description: 'Deleted' }, errors: ['404', '503'] }),
      },
      '/api/subscriptions/{id}/pause': {
        post: operation({ tag, scope, summary: 'Pause deliveries', description: 'New notifications are still scheduled but wait (within the retry horizon) until resumed.', parameters: [subId, agencyQuery], body: { schema: 'SubscriptionPauseRequest', optional: true }, ok: subscriptionResponse('The paused subscription'), errors: ['400', '404', '503'] }),
      },
      '/api/subscriptions/{id}/resume': {
        post: operation({ tag, scope, summary: 'Resume deliveries', description: 'Re-activates a paused subscription, or one disabled after its endpoint answered 410 Gone.', parameters: [subId, agencyQuery], ok: subscriptionResponse('The active subscription'), errors: ['404', '503'] }),
      },
      '/api/subscriptions/{id}/rotate-secret': {
        post: operation({
          tag, scope, summary: 'Rotate the signing secret',
          description: 'Makes a new secret (returned once). The previous one keeps signing until `previous_secret_expires_at` (overlap_seconds, default 24 h): meanwhile each webhook carries two v1 signatures, so receivers can switch without losing a delivery.',
          parameters: [subId, agencyQuery], body: { schema: 'SecretRotationRequest', optional: true },
          ok: { status: '200', description: 'The new secret, shown only now', schema: withSecret({ previous_secret_expires_at: { type: ['string', 'null'], format: 'date-time' } }) },
          errors: ['400', '404', '503'],
        }),
      },
      '/api/subscriptions/{id}/test': {
        post: operation({
          tag, scope, summary: 'Send a test event',
          description: 'Schedules a signed `test` event to the endpoint now, through the normal delivery path (retries included). Follow it with GET /api/subscriptions/{id}/deliveries.',
          parameters: [subId, agencyQuery],
          ok: { status: '202', description: 'Scheduled; `delivery_id` is the webhook-id header the receiver will see', schema: { type: 'object', required: ['delivery_id', 'delivery'], properties: { delivery_id: { type: 'string' }, delivery: ref('Delivery') } } },
          errors: ['404', '503'],
        }),
      },
      '/api/subscriptions/{id}/deliveries': {
        get: operation({
          tag, scope, summary: 'Deliveries to this subscription',
          description: 'Each delivery with every attempt and its outcome, newest first, including exhausted (dead-lettered) and abandoned ones, with the exact body sent.',
          parameters: [subId, agencyQuery, limitQuery(DELIVERIES_PAGE.default, DELIVERIES_PAGE.max), { name: 'state', in: 'query', schema: { type: 'string', enum: [...DELIVERY_STATES] } }],
          ok: { status: '200', description: 'Deliveries, newest first', schema: { type: 'object', required: ['deliveries'], properties: { deliveries: { type: 'array', items: ref('Delivery') } } } },
          errors: ['400', '404'],
        }),
      },
    },
    register(app, context) {
      const guard = { onRequest: context.requireScope(scope) };
      const scopeFor = (request: { query: unknown }, principal: Parameters<typeof scopeOf>[0]) => scopeOf(principal, agencyParam(request.query));
      const idOf = (request: { params: unknown }): string => (request.params as { id: string }).id;

      app.post('/api/subscriptions', guard, async (request, reply) => {
        const principal = context.principalOf(request);
        const agency = agencyParam(request.query);
        const storeScope = scopeOf(principal, agency); // 403 before the body is read when an agency names another
        const body = parseBody<SubscriptionRequest>('subscription-request.v1', request.body);
        checkFilterCodes(body.filters, deps.taxonomy);
        const forOther = agency !== undefined && agency !== principal.agency;
        if (!forOther && body.agency_country !== undefined && body.agency_country !== principal.country) {
          throw new ApiError('bad_request', `/agency_country must be your key's country ${principal.country} (it decides what the sharing rules let you see)`);
        }
        if (forOther && body.agency_country === undefined) throw new ApiError('bad_request', '/agency_country is required when creating for another agency');
        const { agency_country, ...rest } = body;
        const created = await engineCall(() =>
          deps.subscriptions.create(storeScope, {
            ...rest,
            agency: agency ?? principal.agency,
            agency_country: agency_country ?? principal.country,
          }),
          { SECRET_INVALID: '/secret' },
        );
        void reply.code(201).header('location', `/api/subscriptions/${created.subscription.id}`);
        return created;
      });

      app.get('/api/subscriptions', guard, async (request) => {
        const principal = context.principalOf(request);
        const query = request.query as Query;
        const s = scopeFor(request, principal);
        const limit = limitParam(query, SUBSCRIPTIONS_PAGE.default, SUBSCRIPTIONS_PAGE.max);
        const page = paginate(deps.subscriptions.list(s), (x) => [x.created_at, x.id], [1, 1], limit, stringParam(query, 'cursor'));
        return { subscriptions: page.items, next_cursor: page.next_cursor };
      });

      app.get('/api/subscriptions/:id', guard, async (request) => {
        const principal = context.principalOf(request);
        return engineCall(() => deps.subscriptions.get(scopeFor(request, principal), idOf(request)));
      });

      app.patch('/api/subscriptions/:id', guard, async (request) => {
        const principal = context.principalOf(request);
        const s = scopeFor(request, principal);
        const body = parseBody<SubscriptionChangeRequest>('subscription-change-request.v1', request.body);
        checkFilterCodes(body.filters, deps.taxonomy);
        return engineCall(() => deps.subscriptions.update(s, idOf(request), body));
      });

      app.delete('/api/subscriptions/:id', guard, async (request, reply) => {
        const principal = context.principalOf(request);
        await engineCall(() => deps.subscriptions.delete(scopeFor(request, principal), idOf(request)));
        return reply.code(204).send();
      });

      app.post('/api/subscriptions/:id/pause', guard, async (request) => {
        const principal = context.principalOf(request);
        const s = scopeFor(request, principal);
        const body = parseBody<SubscriptionPauseRequest>('subscription-pause-request.v1', request.body, { optional: true });
        return engineCall(() => deps.subscriptions.pause(s, idOf(request), body.reason));
      });

      app.post('/api/subscriptions/:id/resume', guard, async (request) => {
        const principal = context.principalOf(request);
        return engineCall(() => deps.subscriptions.resume(scopeFor(request, principal), idOf(request)));
      });

      app.post('/api/subscriptions/:id/rotate-secret', guard, async (request) => {
        const principal = context.principalOf(request);
        const s = scopeFor(request, principal);
        const body = parseBody<SecretRotationRequest>('secret-rotation-request.v1', request.body, { optional: true });
        const rotated = await engineCall(() =>
          deps.subscriptions.rotateSecret(s, idOf(request), {
            ...(body.overlap_seconds !== undefined ? { overlapMs: body.overlap_seconds * 1000 } : {}),
            ...(body.secret !== undefined ? { secret: body.secret } : {}),
          }),
          { SECRET_INVALID: '/secret' },
        );
        // The store keeps the new secret first and the previous one (if still valid) second, with its end.
        const previous = rotated.subscription.secrets[1];
        return { ...rotated, previous_secret_expires_at: previous?.expires_at ?? null };
      });

      app.post('/api/subscriptions/:id/test', guard, async (request, reply) => {
        const principal = context.principalOf(request);
        const delivery = await engineCall(() => deps.deliveries.sendTest(scopeFor(request, principal), idOf(request)));
        void reply.code(202);
        return { delivery_id: delivery.id, delivery };
      });

      app.get('/api/subscriptions/:id/deliveries', guard, async (request) => {
        const principal = context.principalOf(request);
        const query = request.query as Query;
        const s = scopeFor(request, principal);
        const id = idOf(request);
        const limit = limitParam(query, DELIVERIES_PAGE.default, DELIVERIES_PAGE.max);
        const state = enumParam(query, 'state', DELIVERY_STATES);
        await engineCall(() => deps.subscriptions.get(s, id)); // foreign or unknown: 404
        return { deliveries: deps.deliveries.list(s, { subscription_id: id, limit, ...(state ? { state } : {}) }) };
      });
    },
  };
}
