#!/bin/bash
# Submits the TrendStream pipeline to the session cluster, detached. Run by the one-shot
# job-submitter service once Kafka, the registry, TimescaleDB and Flink are healthy.
# FLINK_CONF_DIR (set by compose) gives the client rest.address/rest.port of the JobManager.
set -euo pipefail

JAR=/opt/flink/usrlib/trendstream-job.jar
MAIN_CLASS=io.trendstream.jobs.TrendPipelineJob

if [[ ! -s "$JAR" ]]; then
  echo "ERROR: $JAR is missing or empty. Build it first with 'mvn -B package' (jobs/target/trendstream-job.jar)." >&2
  exit 1
fi

# A restarted job-submitter container must not start a second copy of the pipeline.
if flink list -r 2>/dev/null | grep -Eq '\((RUNNING|RESTARTING|CREATED|INITIALIZING)\)'; then
  echo "A job is already running on the cluster; not submitting again:"
  flink list -r
  exit 0
fi

run_args=(-d -c "$MAIN_CLASS")
if [[ -n "${TRENDSTREAM_PARALLELISM:-}" ]]; then
  run_args+=(-p "$TRENDSTREAM_PARALLELISM")
fi
if [[ -n "${TRENDSTREAM_RESTORE_FROM:-}" ]]; then
  echo "Restoring from $TRENDSTREAM_RESTORE_FROM"
  run_args+=(-s "$TRENDSTREAM_RESTORE_FROM")
fi

# Connection settings go as program arguments (visible in the Flink UI); the JDBC user and password
# stay in the environment (TRENDSTREAM_JDBC_USER / TRENDSTREAM_JDBC_PASSWORD), never on a command line.
exec flink run "${run_args[@]}" "$JAR" \
  --kafka.bootstrap-servers "${TRENDSTREAM_KAFKA_BOOTSTRAP_SERVERS:?}" \
  --schema-registry.url "${TRENDSTREAM_SCHEMA_REGISTRY_URL:?}" \
  --jdbc.url "${TRENDSTREAM_JDBC_URL:?}"
