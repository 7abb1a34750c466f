#!/usr/bin/env bash
# Creates Tocsin's Kafka topics and ACLs with the standard Kafka CLI (kafka-topics.sh,
# kafka-acls.sh), from a Kafka distribution or straight from the tools' jars (KAFKA_LIBS).
# Idempotent: existing topics and ACLs are left as they are.
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
#   KAFKA_LIBS            folder of Kafka's tool jars, used instead of the scripts (java -cp); fetch one with
#                         `npx tsx scripts/provision/kafka-tools.ts [version]`, which prints its path
#   TOCSIN_PARTITIONS     partitions of the keyed pipeline topics (default 6; the parallelism limit of ingest/detect)
#   TOCSIN_ALERT_PARTITIONS  partitions of alerts/deliveries/dead letters (default 3)
#   TOCSIN_REPLICATION    replication factor (default 3), or "auto": min(3, brokers in the cluster)
#   TOCSIN_MIN_ISR        min.insync.replicas (default 2; with auto: replication - 1, at least 1)
#                         A cluster with fewer brokers than TOCSIN_REPLICATION is refused before anything is created.
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
MIN_ISR="${TOCSIN_MIN_ISR:-}"
PREFIX="${TOCSIN_TOPIC_PREFIX:-}"
BIN="${KAFKA_BIN:+${KAFKA_BIN%/}/}"
# Size limits of every topic: the same as TOPIC_CONFIG_DEFAULTS in services/core/src/topics.ts
# (records up to 2 MiB per batch; segments well above that, since a batch never spans two).
MAX_MESSAGE_BYTES=2097152
SEGMENT_BYTES=67108864
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

fail() {
  echo "create-topics.sh: $*" >&2
  exit 2
}

# The Kafka CLI: the distribution's scripts, or their main classes straight from the jars.
if [[ -n "${KAFKA_LIBS:-}" ]]; then
  JAVA="${JAVA_HOME:+${JAVA_HOME%/}/bin/}java"
  # Same classes as bin/kafka-*.sh of the distribution; lean JVM flags, these run for seconds.
  tool=("$JAVA" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "${KAFKA_LIBS%/}/*")
  TOPICS_CMD=("${tool[@]}" org.apache.kafka.tools.TopicCommand)
  ACLS_CMD=("${tool[@]}" org.apache.kafka.tools.AclCommand)
  API_VERSIONS_CMD=("${tool[@]}" org.apache.kafka.tools.BrokerApiVersionsCommand)
else
  TOPICS_CMD=("${BIN}kafka-topics.sh")
  ACLS_CMD=("${BIN}kafka-acls.sh")
  API_VERSIONS_CMD=("${BIN}kafka-broker-api-versions.sh")
fi

# Fails early, saying what is missing, instead of half-way through with "command not found".
check_tools() {
  if [[ -n "${KAFKA_LIBS:-}" ]]; then
    [[ -d "$KAFKA_LIBS" ]] || fail "KAFKA_LIBS=$KAFKA_LIBS is not a folder (npx tsx scripts/provision/kafka-tools.ts fetches one and prints it)"
    compgen -G "${KAFKA_LIBS%/}/kafka-tools-*.jar" >/dev/null || fail "KAFKA_LIBS=$KAFKA_LIBS holds no kafka-tools-<version>.jar"
    command -v "$JAVA" >/dev/null || fail "java is needed to run the tools from KAFKA_LIBS (apt-get install -y openjdk-17-jre-headless)"
  else
    command -v "${TOPICS_CMD[0]}" >/dev/null || fail "${TOPICS_CMD[0]} not found: set KAFKA_BIN to the bin folder of a Kafka distribution, or KAFKA_LIBS to a folder of Kafka's tool jars (KAFKA_LIBS=\$(npx tsx scripts/provision/kafka-tools.ts))"
  fi
}

# Brokers in the cluster, from the ApiVersions answer of each (one "(id: N ..." line per broker).
count_brokers() {
  local out
  out="$("${API_VERSIONS_CMD[@]}" --bootstrap-server "$BOOTSTRAP" "${admin_config[@]}" 2>/dev/null)" || fail "cannot reach the cluster at $BOOTSTRAP to count its brokers"
  grep -c '(id: ' <<<"$out" || true
}

# Replication and min ISR must fit the cluster, or every acks=all write would fail later
# with NOT_ENOUGH_REPLICAS (or the topic creation with INVALID_REPLICATION_FACTOR).
check_replication() {
  local brokers=3
  if [[ "$DRY_RUN" == 0 ]]; then brokers="$(count_brokers)"; fi
  if [[ "$REPLICATION" == auto ]]; then
    REPLICATION=$((brokers < 3 ? brokers : 3))
    ((REPLICATION >= 1)) || fail "the cluster at $BOOTSTRAP reports no broker"
    MIN_ISR="${MIN_ISR:-$((REPLICATION > 1 ? REPLICATION - 1 : 1))}"
  fi
  MIN_ISR="${MIN_ISR:-2}"
  [[ "$REPLICATION" =~ ^[1-9][0-9]*$ ]] || fail "TOCSIN_REPLICATION must be a positive number or auto, got \"$REPLICATION\""
  [[ "$MIN_ISR" =~ ^[1-9][0-9]*$ ]] || fail "TOCSIN_MIN_ISR must be a positive number, got \"$MIN_ISR\""
  ((MIN_ISR <= REPLICATION)) || fail "TOCSIN_MIN_ISR=$MIN_ISR is above TOCSIN_REPLICATION=$REPLICATION: no acks=all write could ever succeed"
  if ((brokers < REPLICATION)); then
    fail "replication factor $REPLICATION needs at least $REPLICATION brokers, but the cluster at $BOOTSTRAP has $brokers; nothing was created. For a smaller cluster set TOCSIN_REPLICATION=auto (min(3, brokers), min ISR one less) or TOCSIN_REPLICATION=$brokers TOCSIN_MIN_ISR=$(((brokers > 1) ? brokers - 1 : 1))"
  fi
}

# topic <name> <partitions> <cleanup.policy> [retention days, -1 = forever] [extra --config k=v ...]
topic() {
  local name="$PREFIX$1" partitions="$2" cleanup="$3" days="${4:--1}"
  shift 4 || shift $#
  local retention=-1
  if [[ "$days" != -1 ]]; then retention=$((days * DAY_MS)); fi
  run "${TOPICS_CMD[@]}" --bootstrap-server "$BOOTSTRAP" "${admin_config[@]}" --create --if-not-exists \
    --topic "$name" --partitions "$partitions" --replication-factor "$REPLICATION" \
    --config "cleanup.policy=$cleanup" --config "retention.ms=$retention" --config "min.insync.replicas=$MIN_ISR" \
    --config "max.message.bytes=$MAX_MESSAGE_BYTES" --config "segment.bytes=$SEGMENT_BYTES" "$@"
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
  run "${ACLS_CMD[@]}" --bootstrap-server "$BOOTSTRAP" "${admin_config[@]}" --add --allow-principal "$principal" "${operations[@]}" "$@"
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
  # accepts records up to 256 KiB (TOCSIN_INGEST_MAX_RECORD_BYTES); the topic takes up to 2 MiB.
  run "${TOPICS_CMD[@]}" --bootstrap-server "$BOOTSTRAP" "${admin_config[@]}" --create --if-not-exists \
    --topic "partner.$id.incidents" --partitions 3 --replication-factor "$REPLICATION" \
    --config cleanup.policy=delete --config "retention.ms=$((14 * DAY_MS))" --config "min.insync.replicas=$MIN_ISR" \
    --config "max.message.bytes=$MAX_MESSAGE_BYTES" --config "segment.bytes=$SEGMENT_BYTES"
  acl "$principal" Write Describe -- --topic "partner.$id.incidents"
}

create_acls() {
  # ingest: reads every partner topic (prefix), writes incidents and dead letters, re-reads
  # incidents.v1 to restore its de-duplication table.
  acl "$INGEST" Read Describe -- --topic partner. --resource-pattern-type prefixed
  acl "$INGEST" Read Write Describe DescribeConfigs -- --topic "${PREFIX}incidents.v1"
  acl "$INGEST" Write Describe DescribeConfigs -- --topic "${PREFIX}dead-letter.v1"
  # detect: incidents in, repartition through observations, state changelog, live config, signals out.
  acl "$DETECT" Read Describe -- --topic "${PREFIX}incidents.v1"
  acl "$DETECT" Read Write Describe DescribeConfigs -- --topic "${PREFIX}detect.observations.v1"
  acl "$DETECT" Read Write Describe DescribeConfigs -- --topic "${PREFIX}detect.state.v1"
  acl "$DETECT" Read Describe -- --topic "${PREFIX}detector-config.v1"
  acl "$DETECT" Write Describe DescribeConfigs -- --topic "${PREFIX}signals.v1"
  acl "$DETECT" Write Describe DescribeConfigs -- --topic "${PREFIX}dead-letter.v1"
  # alert: signals in; alerts, subscriptions and deliveries are its own changelogs (read to restore).
  acl "$ALERT" Read Describe -- --topic "${PREFIX}signals.v1"
  acl "$ALERT" Read Write Describe DescribeConfigs -- --topic "${PREFIX}alerts.v1"
  acl "$ALERT" Read Write Describe DescribeConfigs -- --topic "${PREFIX}subscriptions.v1"
  acl "$ALERT" Read Write Describe DescribeConfigs -- --topic "${PREFIX}deliveries.v1"
  acl "$ALERT" Write Describe DescribeConfigs -- --topic "${PREFIX}dead-letter.v1"
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
  # DescribeConfigs on the topics a service writes: its producer reads their max.message.bytes
  # and segment.bytes to split sends under them (without it, 1 MiB or KAFKA_MAX_BATCH_BYTES is assumed).
  # Idempotent producers (acks=all): Kafka 3.0+ authorises them through topic Write (KIP-679);
  # older brokers also need IdempotentWrite on the cluster.
}

usage() {
  sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}

prepare() {
  if [[ "$DRY_RUN" == 0 ]]; then check_tools; fi
  if [[ "$1" != acls ]]; then check_replication; fi
}

case "${1:-}" in
  topics)
    prepare topics
    create_topics
    ;;
  acls)
    prepare acls
    create_acls
    ;;
  all)
    prepare all
    create_topics
    create_acls
    ;;
  partner)
    [[ $# -eq 2 ]] || usage
    prepare partner
    create_partner "$2"
    ;;
  *) usage ;;
esac
