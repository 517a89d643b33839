#!/usr/bin/env bash
# Stops, starts or restarts only the NATS server of the local control plane (the one
# up.sh started, matched by pid and command line), keeping its JetStream file store:
#   bash test/cluster/nats.sh stop|start|restart
# For tests that must show a JetStream channel surviving a NATS restart.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$CLUSTER_DIR/servers.sh"

stop_nats() {
  if ! is_running nats; then
    step "nats: not running"
    return
  fi
  local pid waited=0
  read -r pid _ <"$(pid_file nats)"
  kill -TERM "$pid"
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$waited" -ge 30 ]; then
      step "nats: did not stop within 15 s of SIGTERM; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
  rm -f "$(pid_file nats)"
  step "nats: stopped (JetStream store kept in $STATE_DIR/nats/jetstream)"
}

start_nats_once() {
  if is_running nats; then
    step "nats: already running"
    return
  fi
  if port_open "$NATS_PORT"; then
    fail "nats cannot start: port $NATS_PORT is taken by a process this checkout did not start." \
      "find it with 'ss -ltnp | grep :$NATS_PORT', or set NATS_PORT to another port."
  fi
  step "nats: starting"
  start_nats
  wait_until nats 30 nats_ready
  step "nats: ready on nats://127.0.0.1:$NATS_PORT"
}

case "${1:-}" in
  stop) stop_nats ;;
  start) start_nats_once ;;
  restart)
    stop_nats
    start_nats_once
    ;;
  *)
    echo "usage: bash test/cluster/nats.sh stop|start|restart" >&2
    exit 2
    ;;
esac
