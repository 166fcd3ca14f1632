#!/bin/bash
# Creates TrendStream's topics on the 3-broker cluster. Idempotent (--if-not-exists), so re-running
# `docker compose up -d` is safe. Run by the one-shot kafka-init service; exits non-zero on failure,
# which keeps everything that depends on it from starting.
set -euo pipefail

BOOTSTRAP_SERVERS="${BOOTSTRAP_SERVERS:?BOOTSTRAP_SERVERS is required}"
TOPICS_CMD=/opt/kafka/bin/kafka-topics.sh

# create_topic NAME PARTITIONS [--config key=value ...]
# Replication factor 3 and min.insync.replicas 2 everywhere: one broker can be lost without
# stopping acks=all / transactional writes.
create_topic() {
  local name="$1" partitions="$2"
  shift 2
  "$TOPICS_CMD" --bootstrap-server "$BOOTSTRAP_SERVERS" --create --if-not-exists \
    --topic "$name" --partitions "$partitions" --replication-factor 3 \
    --config min.insync.replicas=2 "$@"
}

# Inputs: 6 partitions cap the useful source parallelism at 6 (3 TaskManagers x 2 slots).
create_topic orders 6
create_topic product-views 6
# The product catalog: the latest record per product is the product (a tombstone removes it), so compacted.
create_topic products 3 --config cleanup.policy=compact
# Outputs of the exactly-once sinks. window-stats is compacted: the latest revision of each product window.
create_topic trend-alerts 3
create_topic window-stats 6 --config cleanup.policy=compact
# Dead letters are kept 30 days so that malformed input can be inspected and replayed.
create_topic dead-letters 3 --config retention.ms=2592000000
# The schema registry's store: it requires exactly one partition and compaction.
create_topic _schemas 1 --config cleanup.policy=compact

echo "Topics now on the cluster:"
"$TOPICS_CMD" --bootstrap-server "$BOOTSTRAP_SERVERS" --list
