#!/usr/bin/env bash
# Installs the non-Java programs the integration tests drive against bin/broker:
#   kcat (librdkafka's command-line client)       Debian package kcat
#   confluent-kafka for /usr/bin/python3          Debian package python3-confluent-kafka
#   kafka-python for /usr/bin/python3             Debian package python3-kafka
#   kafkajs (a pure JavaScript client)            npm, into <node dir>/node_modules
#   the Prometheus server and promtool            Debian package prometheus: /usr/bin/prometheus, /usr/bin/promtool
#     (PrometheusIT, GrafanaDashboardIT start their own server on a free port; on a host with systemd the
#     package also enables its own service on :9090, which the tests do not use)
# Usage: install-test-clients.sh <node dir>   (the integration-tests pom passes target/node)
#
# Idempotent: whatever is already present is left alone, so a machine with everything installed needs no
# network. apt-get runs only for a missing package (as root, or through passwordless sudo); npm prefers
# its local cache. A client that cannot be installed is reported here and makes its test fail with a
# message naming this script; the script itself exits 0 so the other integration tests still run.
set -uo pipefail

node_dir="${1:?usage: install-test-clients.sh <node dir>}"
kafkajs_version="2.2.4"
python=/usr/bin/python3
missing=()
apt_updated=false

log() { echo "install-test-clients: $*" >&2; }

apt_install() {
  local apt=(apt-get -o DPkg::Lock::Timeout=120)
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo > /dev/null && sudo -n true 2> /dev/null; then
      apt=(sudo -n apt-get -o DPkg::Lock::Timeout=120)
    else
      log "cannot install $* : not root and no passwordless sudo"
      return 1
    fi
  fi
  if ! command -v apt-get > /dev/null; then
    log "cannot install $* : no apt-get on this machine"
    return 1
  fi
  log "apt-get install $*"
  if DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -q --no-install-recommends "$@" > /dev/null; then
    return 0
  fi
  if [ "$apt_updated" = false ]; then
    apt_updated=true
    "${apt[@]}" update -q > /dev/null || true
    DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -q --no-install-recommends "$@" > /dev/null && return 0
  fi
  return 1
}

if ! command -v kcat > /dev/null; then
  apt_install kcat || missing+=(kcat)
fi

if [ ! -x /usr/bin/prometheus ]; then
  apt_install prometheus || missing+=(prometheus)
fi

if ! "$python" -c 'import confluent_kafka' 2> /dev/null; then
  apt_install python3-confluent-kafka || missing+=(python3-confluent-kafka)
fi

if ! "$python" -c 'import kafka' 2> /dev/null; then
  apt_install python3-kafka || missing+=(python3-kafka)
fi

if [ ! -f "$node_dir/node_modules/kafkajs/package.json" ]; then
  if ! command -v npm > /dev/null; then
    apt_install nodejs npm || true
  fi
  if command -v npm > /dev/null; then
    mkdir -p "$node_dir"
    log "npm install kafkajs@$kafkajs_version into $node_dir"
    [ -f "$node_dir/package.json" ] || echo '{"name":"fjord-it-clients","private":true}' > "$node_dir/package.json"
    npm install --prefix "$node_dir" --prefer-offline --no-audit --no-fund --silent "kafkajs@$kafkajs_version" \
      || missing+=(kafkajs)
  else
    missing+=(kafkajs)
  fi
fi

if [ "${#missing[@]}" -gt 0 ]; then
  log "NOT installed: ${missing[*]} (the tests using them will fail)"
fi
exit 0
