#!/usr/bin/env bash
# Stops or starts ONE server of the local control plane, leaving the others running:
# `bash test/cluster/server.sh stop|start|restart kafka`. For tests that must show a
# component surviving a backend outage (Kafka restarted under a KafkaChannel).
# `start` only starts what up.sh would start, with the same settings and state.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$CLUSTER_DIR/binaries.sh"
source "$CLUSTER_DIR/servers.sh"

usage() { fail "usage: server.sh stop|start|restart <kafka|nats|redis>" "pass one of the verbs and a server name"; }
[ $# -eq 2 ] || usage
verb=$1 name=$2

start_one() {
  case "$name" in
    kafka) ensure_kafka_libs >/dev/null; start_kafka; wait_until kafka 90 kafka_ready ;;
    nats) start_nats; wait_until nats 30 nats_ready ;;
    redis) start_redis; wait_until redis 30 redis_ready ;;
    *) usage ;;
  esac
  step "$name: ready"
}

case "$verb" in
  stop) stop_component "$name" ;;
  start)
    if is_running "$name"; then step "$name: already running"; else start_one; fi
    ;;
  restart) stop_component "$name"; start_one ;;
  *) usage ;;
esac
