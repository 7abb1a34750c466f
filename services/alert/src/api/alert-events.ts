// Server-sent events for the alert list: POST /api/alerts/stream-tickets trades
// the API key for a one-use ticket (stream-tickets.ts), and
// GET /api/alerts/events?ticket=… streams the changes the key's holder may see
// (change-stream.ts). The page opens the stream once and applies each row in
// place instead of re-reading the list every few seconds.
import { ApiError, errorResponse, type ApiRoutes } from '@tocsin/http';
import type { AlertChangeHub } from './change-stream';
import { operation } from './openapi';
import { stringParam, type Query } from './query';
import type { StreamTickets } from './stream-tickets';

const TICKET = /^tst_[A-Za-z0-9_-]{43}$/;
const POSITION = /^[A-Za-z0-9_-]{1,64}$/;

const TICKET_SCHEMA = { $ref: '#/components/schemas/AlertStreamTicket' };

export function alertEventRoutes(changes: () => AlertChangeHub, tickets: StreamTickets, limits: { ticketTtlMs: number; streamsPerKey: number; heartbeatMs: number; maxStreamMs: number }): ApiRoutes {
  const ttl = Math.round(limits.ticketTtlMs / 1000);
  return {
    name: 'alert-events',
    paths: {
      '/api/alerts/stream-tickets': {
        post: operation({
          tag: 'alerts', scope: 'alerts:read', summary: 'A ticket to open the alert change stream',
          description: `EventSource cannot send an Authorization header, and an API key must not appear in a URL. This call, made with the key, returns a ticket valid for ${ttl} s and one connection to GET /api/alerts/events; the stream then shows what this key may see.`,
          ok: { status: '201', description: 'The ticket', schema: TICKET_SCHEMA },
          errors: ['429'],
        }),
      },
      '/api/alerts/events': {
        get: {
          tags: ['alerts'],
          summary: 'Changes to alerts as server-sent events (text/event-stream)',
          description: [
            'Authenticated by the `ticket` from POST /api/alerts/stream-tickets (not by a key). Events:',
            '`ready` (data: {position, heartbeat_ms}) first;',
            '`alert` (data: a list row as in GET /api/alerts, for every alert the caller may see that changed; one per alert per batch);',
            '`position` (id: the position after the batch);',
            `\`heartbeat\` every ${limits.heartbeatMs / 1000} s;`,
            '`reset` when `last_event_id` cannot be resumed (server restarted or too far behind): reload the list.',
            `At most ${limits.streamsPerKey} open streams per key; a stream ends after ${limits.maxStreamMs / 60_000} min (reconnect with a new ticket and last_event_id).`,
            '\n\nScope: `alerts:read` (of the key that took the ticket).',
          ].join(' '),
          security: [],
          parameters: [
            { name: 'ticket', in: 'query', required: true, description: 'From POST /api/alerts/stream-tickets; one use.', schema: { type: 'string', pattern: TICKET.source } },
            { name: 'last_event_id', in: 'query', description: 'Resume after this position (the `position` of GET /api/alerts or the last event id seen). The Last-Event-ID header does the same.', schema: { type: 'string', pattern: POSITION.source } },
          ],
          responses: {
            '200': { description: 'The event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } },
            '400': errorResponse('Malformed ticket or position'),
            '401': errorResponse('No ticket, or one that is unknown, used or expired'),
            '429': errorResponse(`The key already has ${limits.streamsPerKey} open streams`),
          },
        },
      },
    },
    register(app, context) {
      const hub = changes();
      app.post('/api/alerts/stream-tickets', { onRequest: context.requireScope('alerts:read') }, async (request, reply) => {
        const issued = tickets.issue(context.principalOf(request));
        void reply.code(201);
        return { ...issued, url: `/api/alerts/events?ticket=${issued.ticket}` };
      });

      app.get('/api/alerts/events', async (request, reply) => {
        const query = request.query as Query;
        const ticket = stringParam(query, 'ticket', TICKET, 'must be a ticket from POST /api/alerts/stream-tickets');
        const header = request.headers['last-event-id'];
        const lastEventId = stringParam(query, 'last_event_id', POSITION, 'must be a position from this API') ?? (typeof header === 'string' && POSITION.test(header) ? header : undefined);
        if (!ticket) throw new ApiError('unauthenticated', 'ticket is required: POST /api/alerts/stream-tickets with your API key, then open this URL with ?ticket=');
        const principal = tickets.redeem(ticket);
        if (!principal) throw new ApiError('unauthenticated', 'the ticket is unknown, used or expired; POST /api/alerts/stream-tickets for a new one');
        if (hub.streamCount(principal.keyId) >= limits.streamsPerKey) {
          throw new ApiError('rate_limited', `this key has ${limits.streamsPerKey} open alert streams (the limit); close one first`, { 'retry-after': '5' });
        }
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          'x-accel-buffering': 'no',
          'x-content-type-options': 'nosniff',
        });
        const close = hub.open(principal, { write: (chunk) => void res.write(chunk), buffered: () => res.writableLength, end: () => res.end() }, lastEventId);
        request.raw.on('close', close);
        res.on('close', close);
      });
    },
  };
}
