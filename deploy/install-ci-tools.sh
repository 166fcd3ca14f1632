#!/bin/bash
# Installs the two external validators the deploy/ tests use, from Debian's packages:
#   promtool        (package prometheus)      -> MonitoringConfigTest.promtoolAcceptsPrometheusYml
#   docker-compose  (package docker-compose)  -> ComposeCliTest (Compose v1; `config` needs no daemon)
# Under CI=true the promtool test fails instead of skipping, so CI must run this first (as root).
# Idempotent: does nothing when both are already on the PATH. About 15 s on a fresh machine.
set -euo pipefail

missing=()
command -v promtool > /dev/null 2>&1 || missing+=(prometheus)
command -v docker-compose > /dev/null 2>&1 || missing+=(docker-compose)
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# --no-install-recommends keeps it to the binaries; the package's service is not started (no init system).
apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
promtool --version | head -n 1
docker-compose version --short
