// Live tuning of the detectors: read the configuration and its history, dry-run a
// candidate over the recent incidents, and apply a new version (detect follows it on
// detector-config.v1 without a restart). Scope detectors:tune, an analyst's, not admin's
// alone: the configuration decides what every agency is warned of, so changing it is a
// grant of its own, and every change names who made it and why.
import type { DetectorConfigChangeRequest, DetectorConfigDryRunRequest } from '@tocsin/core';
import { ApiError, type ApiRoutes } from '@tocsin/http';
import type { ChangeOutcome } from '../tuning/config-log';
import { isConfigInvalid, type ScoringPlan } from '../tuning/scoring';
import type { DetectorTuning } from '../tuning/tuning';
import { parseBody } from './body';
import { operation, ref } from './openapi';
import { actorOf } from './principal';

const scope = 'detectors:tune' as const;
const tag = 'detector tuning';
const BUS_RETRY_AFTER_S = '5';

const VERSION_ENTRY_SCHEMA = {
  type: 'object',
  required: ['version', 'previous_version', 'changed_by', 'changed_at', 'reason', 'origin'],
  properties: {
    version: { type: 'string' },
    previous_version: { type: ['string', 'null'] },
    changed_by: { type: ['string', 'null'], description: '<agency>/<key id> of the API key that made the change; null when it did not come through the API.' },
    changed_at: { type: ['string', 'null'], format: 'date-time' },
    reason: { type: ['string', 'null'] },
    origin: { type: 'string', enum: ['api', 'topic', 'file'], description: 'api: PUT /api/detector-config; topic: published on detector-config.v1 directly; file: the start-up configuration.' },
  },
} as const;

const CONFIG_VIEW_SCHEMA = {
  type: 'object',
  required: ['id', 'version', 'config', 'history', 'dry_run_window'],
  properties: {
    id: { type: 'string', description: 'Config id detect follows (the key on detector-config.v1).' },
    version: { type: 'string', description: 'The version in force (or the one asked for with ?version=).' },
    current_version: { type: 'string' },
    config: ref('DetectorConfig'),
    history: { type: 'array', description: 'Every version, newest first.', items: VERSION_ENTRY_SCHEMA },
    dry_run_window: {
      type: 'object',
      description: 'The recent incidents a dry run replays: the last `days` event-time days up to the newest incident, at most `max_bytes` of records.',
      properties: { days: { type: 'integer' }, max_bytes: { type: 'integer' }, incidents: { type: 'integer' }, bytes: { type: 'integer' }, from: { type: ['string', 'null'] }, to: { type: ['string', 'null'] } },
    },
  },
} as const;

const SUMMARY_SCHEMA = {
  type: 'object',
  properties: {
    id: { type: 'string' }, kind: { type: 'string' }, granularity: { type: 'string' },
    dimension: { type: 'object', properties: { type: { type: 'string' }, key: { type: 'string' } } },
    detectors: { type: 'array', items: { type: 'string' } }, severity: { type: 'string' }, status: { type: 'string' }, episode: { type: 'integer' },
    opened: { type: 'string' }, resolved: { type: ['string', 'null'] }, countries: { type: 'array', items: { type: 'string' } },
    subscribers: { type: 'array', items: { type: 'string' }, description: 'Active subscriptions the alert would notify (sharing rules and filters).' },
  },
} as const;

const DRY_RUN_SCHEMA = {
  type: 'object',
  required: ['window', 'current', 'candidate', 'counts', 'appear', 'disappear', 'change', 'subscribers', 'truncated'],
  properties: {
    window: { type: 'object', properties: { from: { type: ['string', 'null'] }, to: { type: ['string', 'null'] }, days: { type: 'integer' }, incidents: { type: 'integer' } } },
    current: { type: 'object', properties: { version: { type: 'string' }, signals: { type: 'integer' }, alerts: { type: 'integer' } } },
    candidate: { type: 'object', properties: { version: { type: 'string' }, signals: { type: 'integer' }, alerts: { type: 'integer' } } },
    counts: { type: 'object', properties: { appear: { type: 'integer' }, disappear: { type: 'integer' }, change: { type: 'integer' }, same: { type: 'integer' } } },
    appear: { type: 'array', items: SUMMARY_SCHEMA, description: 'Alerts only the candidate raises (first 200).' },
    disappear: { type: 'array', items: SUMMARY_SCHEMA, description: 'Alerts only the current configuration raises (first 200).' },
    change: {
      type: 'array', description: 'Alerts both raise that differ (first 200).',
      items: { type: 'object', properties: { id: { type: 'string' }, fields: { type: 'array', items: { type: 'string' } }, before: SUMMARY_SCHEMA, after: SUMMARY_SCHEMA } },
    },
    subscribers: {
      type: 'array', description: 'Subscriptions that would be told about different alerts.',
      items: { type: 'object', properties: { subscription_id: { type: 'string' }, agency: { type: 'string' }, gained: { type: 'array', items: { type: 'string' } }, lost: { type: 'array', items: { type: 'string' } } } },
    },
    truncated: { type: 'boolean' },
    elapsed_ms: { type: 'number' },
  },
} as const;

/** The validated candidate: the body's schema, then detect's own checks (known detectors and parameters). */
function candidateOf(tuning: DetectorTuning, config: unknown): ScoringPlan {
  try {
    return tuning.plan(config);
  } catch (err) {
    if (!isConfigInvalid(err)) throw err;
    // detect's messages start with the pointer inside the configuration ("detector config /x ..." or "/x: ...").
    const message = err.message.replace(/^detector config /, '');
    throw new ApiError('bad_request', `${message.startsWith('/') ? '/config' : '/config: '}${message} (CONFIG_INVALID)`);
  }
}

/** Schema errors of a body carry the pointer; a config error is tagged so clients can tell it. */
function parseTuningBody<T>(schema: 'detector-config-change-request.v1' | 'detector-config-dry-run-request.v1', body: unknown): T {
  try {
    return parseBody<T>(schema, body);
  } catch (err) {
    if (err instanceof ApiError && err.message.startsWith('/config')) throw new ApiError('bad_request', `${err.message} (CONFIG_INVALID)`);
    throw err;
  }
}

function refused(outcome: Exclude<ChangeOutcome, { ok: true }>): ApiError {
  switch (outcome.reason) {
    case 'stale': return new ApiError('conflict', `/previous_version: the configuration changed meanwhile; the current version is ${JSON.stringify(outcome.current)} (VERSION_STALE)`);
    case 'version_used': return new ApiError('conflict', `/config/version: ${JSON.stringify(outcome.version)} was used before; give the new configuration a new version (VERSION_USED)`);
    case 'wrong_id': return new ApiError('bad_request', `/config/id: the service follows the configuration "${outcome.expected}" (CONFIG_INVALID)`);
  }
}

export function detectorConfigRoutes(tuning: DetectorTuning): ApiRoutes {
  const view = (version?: string) => {
    const current = tuning.log.current();
    const shown = version ?? current.version;
    const config = version === undefined ? current.config : tuning.log.configOf(version);
    if (!config) throw new ApiError('not_found', `no kept configuration with version ${JSON.stringify(version)}`);
    const recent = tuning.recent.stats();
    return {
      id: tuning.log.id, version: shown, current_version: current.version, config, history: tuning.log.history(),
      dry_run_window: { days: tuning.recent.limits.days, max_bytes: tuning.recent.limits.maxBytes, incidents: recent.incidents, bytes: recent.bytes, from: recent.fromDay, to: recent.toDay },
    };
  };
  return {
    name: 'detector-config',
    paths: {
      '/api/detector-config': {
        get: operation({
          tag, scope, summary: 'The detector configuration and its history',
          description: 'The configuration detect runs, every version with who changed it, when and why (newest first), and the dry-run window. ?version= shows an earlier version\'s configuration (the last 200 are kept).',
          parameters: [{ name: 'version', in: 'query', description: 'An earlier version to show.', schema: { type: 'string', minLength: 1, maxLength: 80 } }],
          ok: { status: '200', description: 'Configuration and history', schema: CONFIG_VIEW_SCHEMA },
          errors: ['404'],
        }),
        put: operation({
          tag, scope, summary: 'Apply a new detector configuration',
          description: 'Validates the whole configuration (schemas/detector-config.v1, then the detectors and their parameters), checks that previous_version is still current (409 otherwise, so two analysts cannot overwrite each other) and that the version is new, records who, when and why, and publishes it on detector-config.v1: detect applies it to the next buckets it closes, without a restart. 400 messages start with the JSON pointer of the bad value and end with (CONFIG_INVALID) for the configuration itself.',
          body: { schema: 'DetectorConfigChangeRequest' },
          ok: { status: '200', description: 'The version recorded, and the configuration view', schema: CONFIG_VIEW_SCHEMA },
          errors: ['409', '503'],
        }),
      },
      '/api/detector-config/dry-run': {
        post: operation({
          tag, scope, summary: 'Compare a candidate configuration with the current one',
          description: 'Runs the current and the candidate configuration over the recent incidents (dry_run_window of GET) through detect\'s scoring and the alert engine\'s grouping and lifecycle, and answers which alerts would appear, disappear or change and which subscriptions would be notified differently. Nothing is changed. CPU-bound: the window\'s limits bound its cost.',
          body: { schema: 'DetectorConfigDryRunRequest' },
          ok: { status: '200', description: 'The differences', schema: DRY_RUN_SCHEMA },
          errors: [],
        }),
      },
    },
    register(app, context) {
      const guard = { onRequest: context.requireScope(scope) };

      app.get('/api/detector-config', guard, async (request, reply) => {
        const version = (request.query as Record<string, string | undefined>)['version'];
        const body = view(version);
        void reply.header('etag', JSON.stringify(body.current_version));
        return body;
      });

      app.put('/api/detector-config', guard, async (request) => {
        const principal = context.principalOf(request);
        const body = parseTuningBody<DetectorConfigChangeRequest>('detector-config-change-request.v1', request.body);
        const candidate = candidateOf(tuning, body.config);
        let outcome: ChangeOutcome;
        try {
          outcome = await tuning.log.change(candidate, { previousVersion: body.previous_version, actor: actorOf(principal), reason: body.reason.trim() });
        } catch (err) {
          context.logger.error({ err }, 'detector config change not written');
          throw new ApiError('unavailable', 'writing the configuration to detector-config.v1 failed; GET /api/detector-config shows whether it was applied', { 'retry-after': BUS_RETRY_AFTER_S });
        }
        if (!outcome.ok) throw refused(outcome);
        return view();
      });

      app.post('/api/detector-config/dry-run', guard, async (request) => {
        const body = parseTuningBody<DetectorConfigDryRunRequest>('detector-config-dry-run-request.v1', request.body);
        return tuning.dryRun(candidateOf(tuning, body.config));
      });
    },
  };
}
