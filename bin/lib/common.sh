# shellcheck shell=bash
# Shared by bin/pipeline and bin/flink: where things are, which ports, how Java is started.
# Every setting is an environment variable with a default; see docs/local-stack.md.

TRENDSTREAM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export TRENDSTREAM_ROOT

# State (data directories, logs, pids, secrets) lives here; tests point it at a temporary directory.
TRENDSTREAM_HOME="${TRENDSTREAM_HOME:-$TRENDSTREAM_ROOT/.local}"
mkdir -p "$TRENDSTREAM_HOME"
TRENDSTREAM_HOME="$(cd "$TRENDSTREAM_HOME" && pwd)"
export TRENDSTREAM_HOME

# Ports. The defaults stay clear of a system PostgreSQL (5432), Kafka (9092) or Flink (6123) on the same machine.
: "${TRENDSTREAM_KAFKA_PORT:=19092}"
: "${TRENDSTREAM_KAFKA_CONTROLLER_PORT:=19093}"
: "${TRENDSTREAM_REGISTRY_PORT:=18085}"
: "${TRENDSTREAM_PG_PORT:=15432}"
: "${TRENDSTREAM_FLINK_PORT:=8081}"
: "${TRENDSTREAM_FLINK_RPC_PORT:=16123}"
: "${TRENDSTREAM_GATEWAY_PORT:=8090}"
export TRENDSTREAM_KAFKA_PORT TRENDSTREAM_KAFKA_CONTROLLER_PORT TRENDSTREAM_REGISTRY_PORT TRENDSTREAM_PG_PORT \
    TRENDSTREAM_FLINK_PORT TRENDSTREAM_FLINK_RPC_PORT TRENDSTREAM_GATEWAY_PORT

# Where `bin/flink savepoint <job>` without a directory, and stop-with-savepoint, put savepoints.
: "${TRENDSTREAM_SAVEPOINT_DIR:=$TRENDSTREAM_ROOT/savepoints}"
export TRENDSTREAM_SAVEPOINT_DIR

FLINK_CONF_DIR="$TRENDSTREAM_ROOT/flink-conf"
FLINK_LIB_DIR="$TRENDSTREAM_ROOT/cluster/target/lib"
export TOOLS_LIB_DIR="$TRENDSTREAM_ROOT/tools/target/lib"
LOG_DIR="$TRENDSTREAM_HOME/logs"
RUN_DIR="$TRENDSTREAM_HOME/run"
mkdir -p "$LOG_DIR" "$RUN_DIR"
export FLINK_CONF_DIR

# Messages go to stderr so that stdout stays what the command itself prints (bin/flink's job ids, status tables).
# `|| true`: a closed terminal or pipe (`up | tee` ended by Ctrl-C) must not stop a shutdown half-way.
info() { printf '\033[1m==>\033[0m %s\n' "$*" >&2 || true; }
warn() { printf 'WARNING: %s\n' "$*" >&2 || true; }
die() {
    printf 'ERROR: %s\n' "$1" >&2
    shift
    local line
    for line in "$@"; do printf '       %s\n' "$line" >&2; done
    exit 1
}

require_java() {
    command -v java >/dev/null 2>&1 \
        || die "java not found." "Install a JDK 17, e.g. 'apt-get install openjdk-17-jdk-headless', or put it on PATH."
    local version major
    version="$(java -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n 1)"
    major="${version%%.*}"
    if [ -z "$major" ] || ! [ "$major" -ge 17 ] 2>/dev/null; then
        die "Java 17 or newer is needed, found '${version:-unknown}' ($(command -v java))."
    fi
}

# The JVM flags Flink needs on Java 17, read from env.java.opts.all in flink-conf/config.yaml (one source of truth,
# as the distribution's scripts do): the folded block after the key, up to the first line that is not indented.
flink_java_opts() {
    awk '/^env\.java\.opts\.all:/ {on=1; next} on && /^[[:space:]]+[^[:space:]#]/ {printf "%s ", $1; next} on {exit}' \
        "$FLINK_CONF_DIR/config.yaml"
}

require_flink_lib() {
    compgen -G "$FLINK_LIB_DIR/flink-runtime-*.jar" >/dev/null \
        || die "The Flink classpath is missing ($FLINK_LIB_DIR)." \
            "Build it: mvn -B -q -DskipTests package -pl cluster -am   (or run bin/pipeline up, which builds what is missing)"
}
