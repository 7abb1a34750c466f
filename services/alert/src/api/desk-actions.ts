// Watch-desk actions: acknowledge, assign, label, and silences. They change
// state every agency shares — a silence holds notifications to all
// subscribers, an acknowledgement tells every desk "someone has this" — so they
// need the admin scope (the watch desk's operators hold admin keys). Agencies
// see the outcome on the alert (GET /api/alerts/{id}). Each action is recorded
// by the engine with actor (agency/key id) and time.
import type { AcknowledgeRequest, AssignRequest, LabelRequest, SilenceRequest } from '@tocsin/core';
import { ApiError, type ApiRoutes } from '@tocsin/http';
import { parseBody } from './body';
import type { AlertApiDeps } from './deps';
import { engineCall } from './errors';
import { ALERT_DETAIL_SCHEMA, idParam, operation } from './openapi';
import { actorOf } from './principal';
import { detailFor } from './visibility';

const scope = 'admin' as const;
/** Silence is a $defs entry of the AlertAction component (schemas/alert-action.v1). */
const SILENCE_SCHEMA = { $ref: '#/components/schemas/AlertAction/$defs/Silence' };
const tag = 'watch desk';
const alertId = idParam('id', 'Alert id (al_...)');
/** Longest silence, as the engine allows (366 days). */
const MAX_SILENCE_MS = 366 * 86_400_000;

export function deskActionRoutes(deps: AlertApiDeps): ApiRoutes {
  const alertAction = (summary: string, description: string, body: string) =>
    operation({ tag, scope, summary, description, parameters: [alertId], body: { schema: body, optional: body === 'AcknowledgeRequest' }, ok: { status: '200', description: 'The alert with the action recorded', schema: ALERT_DETAIL_SCHEMA }, errors: ['400', '404', '503'] });
  return {
    name: 'desk-actions',
    paths: {
      '/api/alerts/{id}/acknowledge': { post: alertAction('Acknowledge an alert', 'Records who acknowledged it, when, and an optional comment.', 'AcknowledgeRequest') },
      '/api/alerts/{id}/assign': { post: alertAction('Assign an alert', 'Records who works the alert.', 'AssignRequest') },
      '/api/alerts/{id}/label': { post: alertAction('Label an alert true or false positive', 'The verdict feeds detector precision figures.', 'LabelRequest') },
      '/api/silences': {
        post: operation({
          tag, scope, summary: 'Silence alerts by matcher',
          description: 'Holds notifications of every alert all matchers select (Alertmanager semantics; =~ and !~ are anchored regular expressions) from now for duration_seconds, or until ends_at.',
          body: { schema: 'SilenceRequest' },
          ok: { status: '201', description: 'The silence', schema: SILENCE_SCHEMA },
          errors: ['400', '503'],
        }),
        get: operation({
          tag, scope, summary: 'List silences', description: 'Active silences; ?include_expired=true adds those that ended and are still remembered.',
          parameters: [{ name: 'include_expired', in: 'query', schema: { type: 'boolean', default: false } }],
          ok: { status: '200', description: 'Silences', schema: { type: 'object', required: ['silences'], properties: { silences: { type: 'array', items: SILENCE_SCHEMA } } } },
          errors: ['400'],
        }),
      },
      '/api/silences/{id}': {
        delete: operation({ tag, scope, summary: 'End a silence now', description: 'Expires the silence; held notifications go out on the next tick.', parameters: [idParam('id', 'Silence id (sil_...)')], ok: { status: '200', description: 'The ended silence', schema: SILENCE_SCHEMA }, errors: ['404', '503'] }),
      },
    },
    register(app, context) {
      const guard = { onRequest: context.requireScope(scope) };
      const idOf = (request: { params: unknown }): string => (request.params as { id: string }).id;

      app.post('/api/alerts/:id/acknowledge', guard, async (request) => {
        const principal = context.principalOf(request);
        const body = parseBody<AcknowledgeRequest>('acknowledge-request.v1', request.body, { optional: true });
        const alert = await engineCall(() => deps.engine.acknowledge(idOf(request), { actor: actorOf(principal), ...(body.comment ? { comment: body.comment } : {}) }));
        return detailFor(alert, principal);
      });

      app.post('/api/alerts/:id/assign', guard, async (request) => {
        const principal = context.principalOf(request);
        const body = parseBody<AssignRequest>('assign-request.v1', request.body);
        const alert = await engineCall(() => deps.engine.assign(idOf(request), { actor: actorOf(principal), assignee: body.assignee, ...(body.comment ? { comment: body.comment } : {}) }));
        return detailFor(alert, principal);
      });

      app.post('/api/alerts/:id/label', guard, async (request) => {
        const principal = context.principalOf(request);
        const body = parseBody<LabelRequest>('label-request.v1', request.body);
        const alert = await engineCall(() => deps.engine.label(idOf(request), { actor: actorOf(principal), label: body.label, ...(body.comment ? { comment: body.comment } : {}) }));
        return detailFor(alert, principal);
      });

      app.post('/api/silences', guard, async (request, reply) => {
        const principal = context.principalOf(request);
        const body = parseBody<SilenceRequest>('silence-request.v1', request.body);
        if ((body.duration_seconds === undefined) === (body.ends_at === undefined)) throw new ApiError('bad_request', '/duration_seconds or /ends_at: give exactly one');
        const durationMs = body.duration_seconds !== undefined ? body.duration_seconds * 1000 : Date.parse(body.ends_at!) - Date.now();
        if (durationMs <= 0) throw new ApiError('bad_request', '/ends_at must be in the future');
        if (durationMs > MAX_SILENCE_MS) throw new ApiError('bad_request', '/ends_at must be within 366 days');
        const silence = await engineCall(() => deps.engine.silence({ actor: actorOf(principal), matchers: body.matchers, durationMs, ...(body.comment ? { comment: body.comment } : {}) }));
        void reply.code(201);
        return silence;
      });

      app.get('/api/silences', guard, async (request) => {
        const raw = (request.query as Record<string, unknown>)['include_expired'];
        if (raw !== undefined && raw !== 'true' && raw !== 'false') throw new ApiError('bad_request', 'include_expired must be true or false');
        return { silences: deps.engine.silences({ includeExpired: raw === 'true' }) };
      });

      app.delete('/api/silences/:id', guard, async (request) => {
        const principal = context.principalOf(request);
        return engineCall(() => deps.engine.expireSilence(idOf(request), { actor: actorOf(principal) }));
      });
    },
  };
}
