// Every Kafka topic Tocsin uses, with its key and why. This is the one place
// topic names live; docs/architecture.md renders the same table.

export const PARTNER_TOPIC_PATTERN = /^partner\.([a-z0-9][a-z0-9-]{1,62})\.incidents$/;

/** Topic a partner agency writes its incident records to (JSON or CSV, as its config says). */
export function partnerTopic(partnerId: string): string {
  return `partner.${partnerId}.incidents`;
}

/** The partner id in a partner topic name, or null when the name is not a partner topic. */
export function partnerOfTopic(topic: string): string | null {
  return PARTNER_TOPIC_PATTERN.exec(topic)?.[1] ?? null;
}

/**
 * Size limits every topic Tocsin creates gets (ensureTopics, deploy/kafka/create-topics.sh),
 * so they do not depend on the broker's defaults (a test broker may have 1 MiB segments).
 * The largest records Tocsin writes are incident events (a partner record is at most
 * TOCSIN_INGEST_MAX_RECORD_BYTES, 256 KiB by default, before pseudonymisation) and dead
 * letters (at most TOCSIN_DLQ_MAX_ORIGINAL_BYTES, 64 KiB, of original, base64): 2 MiB per
 * record batch leaves room for both. A batch never spans segments, so segment.bytes is well
 * above max.message.bytes. The producer splits every send under whatever the topic has.
 */
export const TOPIC_CONFIG_DEFAULTS = {
  'max.message.bytes': String(2 * 1024 * 1024),
  'segment.bytes': String(64 * 1024 * 1024),
} as const;

export interface TopicInfo {
  name: string;
  key: string;
  cleanup: 'delete' | 'compact' | 'compact,delete';
  producer: string;
  consumers: string;
  purpose: string;
}

export const TOPICS = {
  incidents: {
    name: 'incidents.v1',
    key: '<partner>:<incident id>',
    cleanup: 'delete',
    producer: 'ingest',
    consumers: 'detect, ingest (restores its de-duplication state)',
    purpose: 'Validated, normalised, pseudonymised incidents (IncidentEvent). Every revision of one incident stays in order on one partition. Also carries ingest\'s watermark control records (header tocsin-record: watermark), which readers skip.',
  },
  deadLetter: {
    name: 'dead-letter.v1',
    key: '<stage>:<partner>',
    cleanup: 'delete',
    producer: 'ingest, detect, alert',
    consumers: 'operators (tocsin dead-letter), desk',
    purpose: 'Rejected records with a reason code, a message and the original bytes (encrypted).',
  },
  observations: {
    name: 'detect.observations.v1',
    key: '<dimension type>|<dimension key>',
    cleanup: 'delete',
    producer: 'detect (explode stage)',
    consumers: 'detect (score stage)',
    purpose: 'Repartition: one record per (incident, dimension key) so that all state for one key lives on one consumer.',
  },
  detectState: {
    name: 'detect.state.v1',
    key: '<dimension type>|<dimension key>',
    cleanup: 'compact',
    producer: 'detect',
    consumers: 'detect (restores state on assignment)',
    purpose: 'Changelog of per-key bucket counts and emitted-signal marks; a restart neither loses nor repeats signals.',
  },
  detectorConfig: {
    name: 'detector-config.v1',
    key: '<config id>; <config id>@<version> for a history record (DetectorConfigChange)',
    cleanup: 'compact',
    producer: 'alert (PUT /api/detector-config), operators',
    consumers: 'detect (key <config id> only), alert (history)',
    purpose: 'Live detector configuration; every signal names the config version it was scored with. One history record per version (who, when, why) survives compaction.',
  },
  signals: {
    name: 'signals.v1',
    key: '<detector>|<dimension type>|<dimension key>',
    cleanup: 'delete',
    producer: 'detect',
    consumers: 'alert, desk',
    purpose: 'Signal events (Signal).',
  },
  alerts: {
    name: 'alerts.v1',
    key: '<alert id>',
    cleanup: 'compact,delete',
    producer: 'alert',
    consumers: 'desk, alert (restores alert state)',
    purpose: 'Alert revisions: open, update, resolve, with watch-desk actions.',
  },
  subscriptions: {
    name: 'subscriptions.v1',
    key: '<subscription id>',
    cleanup: 'compact',
    producer: 'alert (subscriptions API)',
    consumers: 'alert',
    purpose: 'Webhook subscriptions of agencies (secrets stored encrypted).',
  },
  deliveries: {
    name: 'deliveries.v1',
    key: '<delivery id>',
    cleanup: 'compact,delete',
    producer: 'alert',
    consumers: 'alert (restores pending retries), oversight queries',
    purpose: 'Every webhook delivery scheduled, each attempt and its outcome.',
  },
} as const satisfies Record<string, TopicInfo>;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS]['name'];
