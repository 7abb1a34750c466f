// Building blocks of the alerting part of the OpenAPI document. Bodies refer to
// the component schemas (schemas/*.schema.json by title); responses the engine
// shapes for the API (views) are described here.
import { errorResponse } from '@tocsin/http';

export type ErrorStatus = '400' | '401' | '403' | '404' | '409' | '413' | '415' | '429' | '503';

const ERROR_TEXT: Record<ErrorStatus, string> = {
  '400': 'Invalid body or query; the message names the field (JSON pointer)',
  '401': 'No API key, or an unknown or disabled one',
  '403': 'The key lacks the scope this route needs',
  '404': 'No such resource (resources of other agencies are reported as not found)',
  '409': 'The resource changed meanwhile',
  '413': 'Body larger than 1 MiB',
  '415': 'Body is not application/json',
  '429': 'Rate limit of the key exceeded; see Retry-After',
  '503': 'Writing to the event log failed; retry after Retry-After',
};

export const ref = (title: string): { $ref: string } => ({ $ref: `#/components/schemas/${title}` });

export const idParam = (name: string, description: string): Record<string, unknown> => ({ name, in: 'path', required: true, description, schema: { type: 'string', maxLength: 200 } });

export const agencyQuery = {
  name: 'agency',
  in: 'query',
  description: 'Admin keys only: act for this agency. Agency keys may only name their own.',
  schema: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{1,62}$' },
};

export const limitQuery = (fallback: number, max: number): Record<string, unknown> => ({
  name: 'limit',
  in: 'query',
  description: `Page size (default ${fallback}, at most ${max}).`,
  schema: { type: 'integer', minimum: 1, maximum: max, default: fallback },
});

export const cursorQuery = { name: 'cursor', in: 'query', description: 'next_cursor of the previous page, unchanged.', schema: { type: 'string' } };

export interface OperationSpec {
  tag: string;
  summary: string;
  description: string;
  scope: 'alerts:read' | 'subscriptions:manage' | 'detectors:tune' | 'admin';
  parameters?: Array<Record<string, unknown>>;
  /** Title of the request-body component and whether the body may be omitted. */
  body?: { schema: string; optional?: boolean };
  ok: { status: '200' | '201' | '202' | '204'; description: string; schema?: Record<string, unknown> };
  errors: ErrorStatus[];
}

/** One OpenAPI operation; 401 and 429 apply to every authenticated route. */
export function operation(spec: OperationSpec): Record<string, unknown> {
  const responses: Record<string, unknown> = {
    [spec.ok.status]: spec.ok.schema ? { description: spec.ok.description, content: { 'application/json': { schema: spec.ok.schema } } } : { description: spec.ok.description },
  };
  // Every route may refuse a query parameter it does not take (400); body routes also refuse size and media type.
  const common: ErrorStatus[] = ['400', '401', '403', '429', ...(spec.body ? (['413', '415'] as const) : [])];
  for (const status of new Set<ErrorStatus>([...common, ...spec.errors])) responses[status] = errorResponse(ERROR_TEXT[status]);
  return {
    tags: [spec.tag],
    summary: spec.summary,
    description: `${spec.description}\n\nScope: \`${spec.scope}\` (admin holds every scope).`,
    security: [{ apiKey: [] }],
    ...(spec.parameters?.length ? { parameters: spec.parameters } : {}),
    ...(spec.body ? { requestBody: { required: !spec.body.optional, content: { 'application/json': { schema: ref(spec.body.schema) } } } } : {}),
    responses,
  };
}

/** A subscription as the API shows it: the stored record with secrets reduced to ids and dates. */
export const SUBSCRIPTION_VIEW_SCHEMA = {
  type: 'object',
  required: ['id', 'agency', 'agency_country', 'endpoint_url', 'filters', 'status', 'secrets', 'created_at', 'updated_at', 'revision'],
  properties: {
    id: { type: 'string' },
    agency: { type: 'string' },
    agency_country: { type: 'string' },
    description: { type: 'string' },
    endpoint_url: { type: 'string' },
    filters: { $ref: '#/components/schemas/WebhookSubscription/$defs/SubscriptionFilters' },
    status: { type: 'string', enum: ['active', 'paused', 'disabled'] },
    status_reason: { type: 'string' },
    secrets: {
      type: 'array',
      description: 'Secret ids and dates; the secret itself is shown only when created or rotated.',
      items: { type: 'object', required: ['id', 'created_at'], properties: { id: { type: 'string' }, created_at: { type: 'string', format: 'date-time' }, expires_at: { type: 'string', format: 'date-time' } } },
    },
    created_at: { type: 'string', format: 'date-time' },
    updated_at: { type: 'string', format: 'date-time' },
    revision: { type: 'integer' },
  },
} as const;

/** What one agency sees of an alert: the sharing-rules view (the same body a webhook carries). */
export const ALERT_VIEW_SCHEMA = {
  type: 'object',
  description: 'level full: every contributing incident may be shown; aggregate: counts and dimensions only. Fields follow services/alert/src/sharing/view.ts.',
  required: ['level', 'detector', 'detectors', 'dimension', 'severity', 'countries', 'counts', 'rests_on'],
  properties: {
    level: { type: 'string', enum: ['full', 'aggregate'] },
    detectors: { type: 'array', items: { type: 'string' }, description: 'Ids of every detector that fired in the alert\'s episode; detector is the one whose statistics are shown.' },
    alert_id: { type: 'string' },
    revision: { type: 'integer' },
    status: { type: 'string', enum: ['open', 'resolved'] },
    severity: { type: 'string' },
    countries: { type: 'array', items: { type: 'string' } },
    statistics: { type: ['object', 'null'] },
    counts: { type: 'object' },
    rests_on: { type: 'object', properties: { partners: { type: 'array', items: { type: 'string' } }, unnamed_partners: { type: 'integer' } } },
    evidence: { type: 'array', items: { type: 'object' } },
  },
  additionalProperties: true,
} as const;

const DESK_SUMMARY_SCHEMA = {
  type: 'object',
  description: 'Watch-desk state. Comments are shown to admin keys only.',
  properties: {
    acknowledged: { type: 'object', properties: { by: { type: 'string' }, at: { type: 'string' }, comment: { type: 'string' } } },
    assignee: { type: 'object', properties: { to: { type: 'string' }, by: { type: 'string' }, at: { type: 'string' } } },
    label: { type: 'object', properties: { value: { type: 'string', enum: ['true_positive', 'false_positive'] }, by: { type: 'string' }, at: { type: 'string' }, comment: { type: 'string' } } },
  },
} as const;

const ALERT_ENTRY_PROPERTIES = {
  id: { type: 'string' },
  level: { type: 'string', enum: ['admin', 'full', 'aggregate'], description: 'admin: the stored alert record; full/aggregate: the sharing-rules view for the caller\'s country.' },
  updated_at: { type: 'string', format: 'date-time' },
  alert: { oneOf: [ref('Alert'), ALERT_VIEW_SCHEMA] },
  desk: DESK_SUMMARY_SCHEMA,
} as const;

/** One list row (and the data of an `alert` event on the change stream). */
export const ALERT_LIST_ENTRY_SCHEMA = {
  type: 'object',
  required: ['id', 'level', 'updated_at', 'alert', 'desk', 'dimension_label'],
  properties: {
    ...ALERT_ENTRY_PROPERTIES,
    alert: {
      type: 'object',
      description: 'As in GET /api/alerts/{id} but without `evidence` (and, for admin keys, without `history` and `desk`, which is summarised beside it).',
      additionalProperties: true,
    },
    dimension_label: { type: 'string', description: 'The dimension in words: country names, and method, technology, commodity and ICCS names from the taxonomies.' },
    silenced: { type: 'boolean', description: 'Admin keys only: an active silence selects the alert.' },
  },
} as const;

export const ALERT_LIST_SCHEMA = {
  type: 'object',
  required: ['alerts', 'next_cursor', 'total', 'sort', 'position'],
  properties: {
    alerts: { type: 'array', items: ALERT_LIST_ENTRY_SCHEMA },
    total: { type: 'integer', description: 'Alerts matching the filters that the caller may see.' },
    next_cursor: { type: ['string', 'null'], description: 'Opaque; pass it unchanged as cursor (with the same sort and filters) for the next page.' },
    sort: { type: 'string', description: 'The order served.' },
    position: { type: 'string', description: 'Opaque position in the change stream: open GET /api/alerts/events with last_event_id=position to receive every change after this list was read.' },
  },
} as const;

export const ALERT_DETAIL_SCHEMA = {
  type: 'object',
  required: ['id', 'level', 'updated_at', 'alert', 'desk', 'dimension_label', 'revisions', 'actions'],
  properties: {
    ...ALERT_ENTRY_PROPERTIES,
    dimension_label: { type: 'string' },
    revisions: { type: 'array', description: 'Revision log; countries and partners for admin keys only.', items: { type: 'object' } },
    actions: { type: 'array', description: 'Watch-desk actions with actor and time; comments for admin keys only.', items: { type: 'object' } },
  },
} as const;
