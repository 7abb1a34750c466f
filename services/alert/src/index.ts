// Public surface of @tocsin/alert.
//
// ENGINE INTERFACES FOR THE HTTP API (src/api/**, fastify). Build the app with
// `buildAlert({ bus, config, logger })`, `await app.start()`, then use:
//
// app.subscriptions: SubscriptionStore   (persisted on compacted subscriptions.v1)
//   Every call takes a Scope: { kind: 'agency', agency } for an agency's API key,
//   { kind: 'admin' } for admin keys. An agency scope never sees or changes another
//   agency's subscription: foreign ids throw AlertError SUBSCRIPTION_NOT_FOUND.
//   create(scope, { agency, agency_country, endpoint_url, description?, filters?, secret? })
//       → { subscription: SubscriptionView, secret }   secret is shown ONLY here
//   update(scope, id, { endpoint_url?, description?, filters? }) → SubscriptionView
//   get(scope, id) → SubscriptionView          list(scope, agency?) → SubscriptionView[]
//   pause(scope, id, reason?) / resume(scope, id) → SubscriptionView
//   rotateSecret(scope, id, { overlapMs?, secret? }) → { subscription, secret }
//       (new secret signs at once; the old one keeps signing until overlap ends)
//   delete(scope, id)
//   SubscriptionView never contains secret material (ids and dates only).
//   Endpoint URLs are SSRF-checked (ENDPOINT_REFUSED); bodies validated against
//   schemas/subscription.v1.schema.json (SUBSCRIPTION_INVALID with a pointer).
//
// app.deliveries: DeliveryService        (deliveries.v1)
//   sendTest(scope, subscriptionId) → Delivery      ("send test event")
//   get(id, scope) / list(scope, { subscription_id?, alert_id?, state?, limit? })
//   deadLetters(scope) → exhausted deliveries (also on dead-letter.v1)
//   Delivery records hold the exact payload sent and every attempt.
//
// app.engine: AlertEngine                (alerts.v1)
//   list(filter: AlertFilter) → { total, alerts }   get(id) → Alert (with history)
//   select(filter) → every match, uncopied and read-only (the API views them all to serve a page)
//   acknowledge(id, { actor, comment? })  unacknowledge(id, { actor })
//   assign(id, { actor, assignee })       unassign(id, { actor })
//   label(id, { actor, label: 'true_positive'|'false_positive', comment? })
//   silence({ actor, matchers, durationMs, comment? }) → Silence
//   expireSilence(silenceId, { actor })   silences({ includeExpired? })
//   Every action is recorded with actor and time (AlertAction events, also in
//   alert.desk.actions). Unknown alert → ALERT_NOT_FOUND; bad input → ACTION_INVALID.
//
// Sharing: viewFor(alert, { agency, country }) is what an agency may see of an
// alert; the API should use it when an agency scope reads alerts.
// Errors: AlertError with `code` from ALERT_ERROR_CODES (stable, documented).
export { buildAlert, alertTopicSpecs, type AlertApp, type AlertDeps, type AlertStats } from './app';
export { alertConfig, alertConfigFromEnv, topicsWithPrefix, DEFAULT_DELIVERY, DEFAULT_LIFECYCLE, type AlertConfig, type AlertTopics, type ConfigOverrides, type DeliveryConfig, type LifecycleConfig } from './config';
export { AlertError, ALERT_ERROR_CODES, isAlertError, type AlertErrorCode } from './errors';
export { AlertEngine, type AlertFilter, type EngineStats, type IncomingSignal, type Notifier } from './engine/engine';
export { MATCHER_LABELS } from './engine/silences';
export { replayAlerts, type ReplayOptions, type ReplayResult, type ReplayRevision } from './engine/replay';
export { withoutRedEvidence } from './engine/red-guard';
export { isNews } from './delivery/service';
export { SubscriptionStore, publicView, type Scope, type SubscriptionInput, type SubscriptionPatch, type SubscriptionView } from './subscriptions/store';
export { matchesFilters, SEVERITY_ORDER } from './subscriptions/filters';
export { DeliveryService, type DeliveryFilter, type DeliveryStats } from './delivery/service';
export { SsrfGuard, type SsrfPolicy } from './delivery/ssrf';
export { generateSecret, sign, signedHeaders, verify } from './delivery/signing';
// Sharing rules live in @tocsin/core (every stage that shows incident detail applies them).
export { viewFor, type AlertView, type ViewResult, type EvidenceView } from '@tocsin/core';
export { shareDecision, type ShareLevel, type Subscriber } from '@tocsin/core';
export { loadRegions, type Regions } from './regions';
export { startDemoReceiver, type DemoReceiver, type ReceivedWebhook } from './demo-receiver';
export { startAlertDemo, type AlertDemo, type AlertDemoOptions } from './demo';
export { runAlertService, type AlertServiceOptions } from './service';
export { runAlertProcess } from './process';
export { alertApiRoutes, ALERTS_PAGE, SUBSCRIPTIONS_PAGE, DELIVERIES_PAGE, DEAD_LETTER_PAGE, type AlertApiDeps } from './api/index';
export { detectorConfigRoutes } from './api/detector-config';
export { DetectorTuning, type DetectorTuningDeps } from './tuning/tuning';
export { isConfigInvalid, type DetectorScoring, type ScoringPlan } from './tuning/scoring';
export { DetectorConfigLog, HISTORY_LIMIT, type ConfigVersion } from './tuning/config-log';
export { RecentIncidents, DEFAULT_RECENT_LIMITS, type RecentIncidentsLimits } from './tuning/recent-incidents';
export { dryRun, DRY_RUN_LIST_LIMIT, type DryRunResult, type AlertSummary } from './tuning/dry-run';
