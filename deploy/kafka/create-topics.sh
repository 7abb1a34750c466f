#!/usr/bin/env bash
# Creates Tocsin's Kafka topics and ACLs with the standard Kafka CLI (kafka-topics.sh,
# kafka-acls.sh). Idempotent: existing topics and ACLs are left as they are.
#
#   deploy/kafka/create-topics.sh topics              # Tocsin's own topics
#   deploy/kafka/create-topics.sh partner <id>        # one partner agency: its topic and its write ACL
#   deploy/kafka/create-topics.sh acls                # least-privilege ACLs of the four services
#   deploy/kafka/create-topics.sh all                 # topics + acls
#   deploy/kafka/create-topics.sh --dry-run all       # print the commands instead of running them
#
# Environment:
#   KAFKA_BOOTSTRAP       bootstrap servers (default localhost:9092)
#   KAFKA_ADMIN_CONFIG    client properties file of an admin principal (TLS/SASL), passed as --command-config
#   KAFKA_BIN             folder of kafka-topics.sh / kafka-acls.sh (default: found on PATH)
#   TOCSIN_PARTITIONS     partitions of the keyed pipeline topics (default 6; the parallelism limit of ingest/detect)
#   TOCSIN_ALERT_PARTITIONS  partitions of alerts/deliveries/dead letters (default 3)
#   TOCSIN_REPLICATION    replication factor (default 3) — TOCSIN_MIN_ISR min.insync.replicas (default 2)
#   TOCSIN_TOPIC_PREFIX   prefix of every Tocsin topic (default none; alert reads the same variable)
# Service principals (SASL user names or TLS certificate CNs) default to User:tocsin-<service>;
# override with TOCSIN_PRINCIPAL_INGEST / _DETECT / _ALERT / _DESK. A partner's principal is
# User:partner-<id> unless TOCSIN_PARTNER_PRINCIPAL is set.
set -euo pipefail

DRY_RUN=0
if [[ "${1:-}" == "--dry-run" ]]; then
  DRY_RUN=1
  shift
fi

BOOTSTRAP="${KAFKA_BOOTSTRAP:-localhost:9092}"
PARTITIONS="${TOCSIN_PARTITIONS:-6}"
ALERT_PARTITIONS="${TOCSIN_ALERT_PARTITIONS:-3}"
REPLICATION="${TOCSIN_REPLICATION:-3}"
MIN_ISR="${TOCSIN_MIN_ISR:-2}"
PREFIX="${TOCSIN_TOPIC_PREFIX:-}"
BIN="${KAFKA_BIN:+${KAFKA_BIN%/}/}"
INGEST="${TOCSIN_PRINCIPAL_INGEST:-User:tocsin-ingest}"
DETECT="${TOCSIN_PRINCIPAL_DETECT:-User:tocsin-detect}"
ALERT="${TOCSIN_PRINCIPAL_ALERT:-User:tocsin-alert}"
DESK="${TOCSIN_PRINCIPAL_DESK:-User:tocsin-desk}"

DAY_MS=86400000
admin_config=()
if [[ -n "${KAFKA_ADMIN_CONFIG:-}" ]]; then admin_config=(--command-config "$KAFKA_ADMIN_CONFIG"); fi

run() {
  if [[ "$DRY_RUN" == 1 ]]; then
    printf '%q ' "$@"
    printf '\n'
  else
    "$@"
  fi
}

# topic <name> <partitions> <cleanup.policy> [retention days, -1 = forever] [extra --config k=v ...]
topic() {
  local name="$PREFIX$1" partitions="$2" cleanup="$3" days="${4:--1}"
  shift 4 || shift $#
  local retention=-1
  if [[ "$days" != -1 ]]; then retention=$((days * DAY_MS)); fi
  run "${BIN}kafka-topics.sh" --bootstrap-server "$BOOTSTRAP" "${admin_config[@]}" --create --if-not-exists \
    --topic "$name" --partitions "$partitions" --replication-factor "$REPLICATION" \
    --config "cleanup.policy=$cleanup" --config "retention.ms=$retention" --config "min.insync.replicas=$MIN_ISR" "$@"
}

# acl <principal> <operation...> -- <resource options>
acl() {
  local principal="$1"
  shift
  local operations=()
  while [[ "$1" != "--" ]]; do
    operations+=(--operation "$1")
    shift
  done
  shift
  run "${BIN}kafka-acls.sh" --bootstrap-server "$BOOTSTRAP" "${admin_config[@]}" --add --allow-principal "$principal" "${operations[@]}" "$@"
}

create_topics() {
  # Keyed pipeline: incidents, observations and state must have the same partition count
  # (a key's state is read from the partition number of its observations).
  topic incidents.v1 "$PARTITIONS" delete 400          # >= TOCSIN_INGEST_RETENTION_DAYS: ingest rebuilds de-duplication from it
  topic detect.observations.v1 "$PARTITIONS" delete 7  # repartition topic, consumed at once
  topic detect.state.v1 "$PARTITIONS" compact -1 --config min.compaction.lag.ms=3600000
  topic detector-config.v1 1 compact -1
  topic signals.v1 "$PARTITIONS" delete 400
  topic alerts.v1 "$ALERT_PARTITIONS" compact,delete 365
  topic subscriptions.v1 1 compact -1
  topic deliveries.v1 "$ALERT_PARTITIONS" compact,delete 400  # audit trail: who received which warning
  topic dead-letter.v1 "$ALERT_PARTITIONS" delete 90
}

# One partner = one topic = one ACL: the agency may write its own topic and nothing else.
create_partner() {
  local id="$1"
  if [[ ! "$id" =~ ^[a-z0-9][a-z0-9-]{1,62}$ ]]; then
    echo "partner id \"$id\" must match ^[a-z0-9][a-z0-9-]{1,62}\$ (the partner topic pattern)" >&2
    exit 2
  fi
  local principal="${TOCSIN_PARTNER_PRINCIPAL:-User:partner-$id}"
  # Kept 14 days: long enough to replay a feed after fixing its partner config. Ingest
  # accepts records up to 256 KiB (TOCSIN_INGEST_MAX_RECORD_BYTES); the broker default 1 MiB is above it.
  run "${BIN}kafka-topics.sh" --bootstrap-server "$BOOTSTRAP" "${admin_config[@]}" --create --if-not-exists \
    --topic "partner.$id.incidents" --partitions 3 --replication-factor "$REPLICATION" \
    --config cleanup.policy=delete --config "retention.ms=$((14 * DAY_MS))" --config "min.insync.replicas=$MIN_ISR"
  acl "$principal" Write Describe -- --topic "partner.$id.incidents"
}

create_acls() {
  # ingest: reads every partner topic (prefix), writes incidents and dead letters, re-reads
  # incidents.v1 to restore its de-duplication table.
  acl "$INGEST" Read Describe -- --topic partner. --resource-pattern-type prefixed
  acl "$INGEST" Read Write Describe -- --topic "${PREFIX}incidents.v1"
  acl "$INGEST" Write Describe -- --topic "${PREFIX}dead-letter.v1"
  # detect: incidents in, repartition through observations, state changelog, live config, signals out.
  acl "$DETECT" Read Describe -- --topic "${PREFIX}incidents.v1"
  acl "$DETECT" Read Write Describe -- --topic "${PREFIX}detect.observations.v1"
  acl "$DETECT" Read Write Describe -- --topic "${PREFIX}detect.state.v1"
  acl "$DETECT" Read Describe -- --topic "${PREFIX}detector-config.v1"
  acl "$DETECT" Write Describe -- --topic "${PREFIX}signals.v1"
  acl "$DETECT" Write Describe -- --topic "${PREFIX}dead-letter.v1"
  # alert: signals in; alerts, subscriptions and deliveries are its own changelogs (read to restore).
  acl "$ALERT" Read Describe -- --topic "${PREFIX}signals.v1"
  acl "$ALERT" Read Write Describe -- --topic "${PREFIX}alerts.v1"
  acl "$ALERT" Read Write Describe -- --topic "${PREFIX}subscriptions.v1"
  acl "$ALERT" Read Write Describe -- --topic "${PREFIX}deliveries.v1"
  acl "$ALERT" Write Describe -- --topic "${PREFIX}dead-letter.v1"
  # desk: read-only views.
  acl "$DESK" Read Describe -- --topic "${PREFIX}signals.v1"
  acl "$DESK" Read Describe -- --topic "${PREFIX}alerts.v1"
  acl "$DESK" Read Describe -- --topic "${PREFIX}dead-letter.v1"
  # Consumer groups: each service's named groups, plus the throw-away tocsin-reader-<uuid>
  # groups the bus uses to read a topic to its end (and deletes afterwards).
  acl "$INGEST" Read -- --group tocsin-ingest --resource-pattern-type prefixed
  acl "$DETECT" Read -- --group tocsin-detect --resource-pattern-type prefixed
  acl "$ALERT" Read -- --group tocsin-alert --resource-pattern-type prefixed
  acl "$DESK" Read -- --group tocsin-desk --resource-pattern-type prefixed
  for principal in "$INGEST" "$DETECT" "$ALERT" "$DESK"; do
    acl "$principal" Read Delete -- --group tocsin-reader- --resource-pattern-type prefixed
  done
  # Idempotent producers (acks=all): Kafka 3.0+ authorises them through topic Write (KIP-679);
  # older brokers also need IdempotentWrite on the cluster.
}

usage() {
  sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}

case "${1:-}" in
  topics) create_topics ;;
  acls) create_acls ;;
  all)
    create_topics
    create_acls
    ;;
  partner)
    [[ $# -eq 2 ]] || usage
    create_partner "$2"
    ;;
  *) usage ;;
esac
