#!/usr/bin/env bash
# Starts the local control plane: etcd, kube-apiserver, kube-controller-manager,
# Kafka (KRaft), NATS with JetStream and Redis, kube-scheduler, and a node (containerd,
# kubelet, kube-proxy, CoreDNS) in a network namespace of its own (network.sh).
# Idempotent: servers already running are reported, not restarted.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$CLUSTER_DIR/binaries.sh"
source "$CLUSTER_DIR/pki.sh"
source "$CLUSTER_DIR/servers.sh"
source "$CLUSTER_DIR/prerequisites.sh"
source "$CLUSTER_DIR/network.sh"
source "$CLUSTER_DIR/node.sh"

# ensure NAME PORT_VARIABLE START_FN READY_FN TIMEOUT [HOST]
ensure() {
  local name=$1 port_var=$2 start=$3 ready=$4 timeout=$5 host=${6:-127.0.0.1}
  local port=${!port_var}
  if is_running "$name"; then
    "$ready" >/dev/null 2>&1 || wait_until "$name" "$timeout" "$ready"
    step "$name: already running"
    return
  fi
  if [ -n "$port" ] && port_open "$port" "$host"; then
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
export KAFKA_BROKERS="$HOST_FOR_PODS:$KAFKA_PORT"
export NATS_URL="nats://$HOST_FOR_PODS:$NATS_PORT"
export REDIS_URL="redis://$HOST_FOR_PODS:$REDIS_PORT"
# Where a pod reaches a server listening on this machine (on this address or 0.0.0.0).
export HOST_FOR_PODS="$HOST_FOR_PODS"
export NODE_NAME="$NODE_NAME"
export CONTAINERD_ADDRESS="$CONTAINERD_SOCK"
export PATH="$BIN_DIR:\$PATH"
ENV
}

NO_PORT=""

main() {
  [ "$(id -u)" -eq 0 ] || fail "the local node needs root (network namespace, containerd, kubelet)." "run as root."
  ensure_prerequisites
  mkdir -p "$STATE_DIR" "$BIN_DIR" "$CLUSTER_CACHE"
  ensure_kubectl_helm
  ensure_etcd_binary
  ensure_kube_binaries
  ensure_node_binaries
  ensure_kafka_libs
  snapshot_host_sysctls
  ensure_node_network
  ensure_pki
  write_kubeconfig "$LOCAL_DIR/kubeconfig" admin
  write_env

  ensure etcd ETCD_PORT start_etcd etcd_ready 30
  ensure kube-apiserver APISERVER_PORT start_apiserver apiserver_ready 90 "$HOST_FOR_PODS"
  ensure kube-controller-manager KCM_PORT start_controller_manager controller_manager_ready 60
  ensure kafka KAFKA_PORT start_kafka kafka_ready 90 "$HOST_FOR_PODS"
  ensure nats NATS_PORT start_nats nats_ready 30 "$HOST_FOR_PODS"
  ensure redis REDIS_PORT start_redis redis_ready 30 "$HOST_FOR_PODS"
  ensure kube-scheduler KUBE_SCHEDULER_PORT start_scheduler scheduler_ready 60
  # The node's ports are in its own namespace: nothing of this machine's can hold them.
  ensure containerd NO_PORT start_containerd containerd_ready 30
  ensure_pause_image
  ensure kubelet NO_PORT start_kubelet kubelet_ready 90
  ensure kube-proxy NO_PORT start_kube_proxy kube_proxy_ready 60
  ensure coredns NO_PORT start_coredns coredns_ready 60

  step "control plane is up"
  local name
  for name in "${COMPONENTS[@]}"; do
    printf '  %-24s pid %-7s rss %-9s log %s\n' "$name" "$(cut -d' ' -f1 <"$(pid_file "$name")")" "$(rss_mib "$name")" "$(log_file "$name")"
  done
  cat <<MSG
  kube-apiserver  https://$HOST_FOR_PODS:$APISERVER_PORT   kafka $HOST_FOR_PODS:$KAFKA_PORT
  nats            nats://$HOST_FOR_PODS:$NATS_PORT         redis redis://$HOST_FOR_PODS:$REDIS_PORT
  node            $NODE_NAME at $NODE_IP (netns $NODE_NETNS), pods $POD_CIDR, DNS $NODE_IP:53 ($CLUSTER_DOMAIN only)

  Use it:  source .local/env && kubectl get namespaces
  Stop it: npm run cluster:down
MSG
}

main "$@"
