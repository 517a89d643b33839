#!/usr/bin/env bash
# Starts the local control plane: etcd, kube-apiserver, kube-controller-manager,
# Kafka (KRaft), NATS with JetStream and Redis, as processes on loopback.
# Idempotent: servers already running are reported, not restarted.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$CLUSTER_DIR/binaries.sh"
source "$CLUSTER_DIR/pki.sh"
source "$CLUSTER_DIR/servers.sh"
source "$CLUSTER_DIR/prerequisites.sh"

# ensure NAME PORT_VARIABLE START_FN READY_FN TIMEOUT
ensure() {
  local name=$1 port_var=$2 start=$3 ready=$4 timeout=$5
  local port=${!port_var}
  if is_running "$name"; then
    "$ready" >/dev/null 2>&1 || wait_until "$name" "$timeout" "$ready"
    step "$name: already running"
    return
  fi
  if port_open "$port"; then
    fail "$name cannot start: port $port is taken by a process this checkout did not start (another checkout's cluster?)." \
      "stop it ('npm run cluster:down' in that checkout, or 'ss -ltnp | grep :$port' to find it), or set $port_var to another port."
  fi
  step "$name: starting"
  "$start"
  wait_until "$name" "$timeout" "$ready"
  step "$name: ready"
}

write_env() {
  cat >"$LOCAL_DIR/env" <<ENV
# Written by test/cluster/up.sh: source it to reach the local control plane.
export KUBECONFIG="$LOCAL_DIR/kubeconfig"
export KAFKA_BROKERS="127.0.0.1:$KAFKA_PORT"
export NATS_URL="nats://127.0.0.1:$NATS_PORT"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
export PATH="$BIN_DIR:\$PATH"
ENV
}

main() {
  ensure_prerequisites
  mkdir -p "$STATE_DIR" "$BIN_DIR" "$CLUSTER_CACHE"
  ensure_kubectl_helm
  ensure_etcd_binary
  ensure_kube_binaries
  ensure_kafka_libs
  ensure_pki
  write_kubeconfig "$LOCAL_DIR/kubeconfig" admin
  write_env

  ensure etcd ETCD_PORT start_etcd etcd_ready 30
  ensure kube-apiserver APISERVER_PORT start_apiserver apiserver_ready 90
  ensure kube-controller-manager KCM_PORT start_controller_manager controller_manager_ready 60
  ensure kafka KAFKA_PORT start_kafka kafka_ready 90
  ensure nats NATS_PORT start_nats nats_ready 30
  ensure redis REDIS_PORT start_redis redis_ready 30

  step "control plane is up"
  local name
  for name in "${COMPONENTS[@]}"; do
    printf '  %-24s pid %-7s rss %-9s log %s\n' "$name" "$(cut -d' ' -f1 <"$(pid_file "$name")")" "$(rss_mib "$name")" "$(log_file "$name")"
  done
  cat <<MSG
  kube-apiserver  https://127.0.0.1:$APISERVER_PORT   kafka 127.0.0.1:$KAFKA_PORT
  nats            nats://127.0.0.1:$NATS_PORT         redis redis://127.0.0.1:$REDIS_PORT

  Use it:  source .local/env && kubectl get namespaces
  Stop it: npm run cluster:down
MSG
}

main "$@"
