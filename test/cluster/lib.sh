# shellcheck shell=bash
# Shared settings and helpers for the local control plane scripts (up.sh, down.sh).
# Everything runs as plain processes on loopback; state lives in .local/ of the repo,
# and what is slow to build or download is cached per version under $CLUSTER_CACHE.

CLUSTER_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$CLUSTER_DIR/../.." && pwd)
LOCAL_DIR="$REPO_ROOT/.local"
STATE_DIR="$LOCAL_DIR/cluster"
PKI_DIR="$LOCAL_DIR/pki"
BIN_DIR="$LOCAL_DIR/bin"
CLUSTER_CACHE="${KNATIVE_TS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/knative-ts}"

# Ports are chosen away from each server's default so a developer's own etcd, Kafka or
# Redis on the same machine does not collide with ours.
ETCD_PORT="${ETCD_PORT:-12379}"
ETCD_PEER_PORT="${ETCD_PEER_PORT:-12380}"
APISERVER_PORT="${APISERVER_PORT:-16443}"
KCM_PORT="${KCM_PORT:-20257}"
KAFKA_PORT="${KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19093}"
NATS_PORT="${NATS_PORT:-14222}"
NATS_MONITOR_PORT="${NATS_MONITOR_PORT:-18222}"
REDIS_PORT="${REDIS_PORT:-16379}"

# The node: containerd, kubelet, kube-proxy and CoreDNS run inside a network namespace
# of their own (NODE_NETNS), joined to this machine by a veth pair: NODE_HOST_IF holds
# NODE_HOST_IP on this side (where kube-apiserver, Kafka, NATS and Redis listen, so
# pods reach them: HOST_FOR_PODS), NODE_IP is the node's address inside. Pods get
# addresses from POD_CIDR on a bridge inside the namespace; this machine routes POD_CIDR
# and SERVICE_CIDR to NODE_IP, so tests reach pods and ClusterIPs directly. Nothing in
# the namespace routes anywhere else: pods cannot leave this machine.
NODE_NAME="${NODE_NAME:-knative-ts-node}"
NODE_NETNS="${NODE_NETNS:-knts-node}"
NODE_HOST_IF="${NODE_HOST_IF:-knts-host}"
NODE_IF="${NODE_IF:-knts0}"
NODE_BRIDGE="${NODE_BRIDGE:-knts-br0}"
NODE_HOST_IP="${NODE_HOST_IP:-10.213.0.1}"
NODE_IP="${NODE_IP:-10.213.0.2}"
NODE_PREFIX="${NODE_PREFIX:-24}"
POD_CIDR="${POD_CIDR:-10.214.0.0/24}"
SERVICE_CIDR="${SERVICE_CIDR:-10.96.0.0/16}"
# The kubernetes Service (first address of SERVICE_CIDR) and cluster DNS.
KUBERNETES_SERVICE_IP="${KUBERNETES_SERVICE_IP:-10.96.0.1}"
CLUSTER_DOMAIN="${CLUSTER_DOMAIN:-cluster.local}"
KUBE_SCHEDULER_PORT="${KUBE_SCHEDULER_PORT:-20259}"
# Inside the node's namespace, so these never collide with this machine's ports.
KUBELET_PORT=10250
KUBELET_HEALTHZ_PORT=10248
KUBE_PROXY_HEALTHZ_PORT=10256
COREDNS_READY_PORT=8181
NODE_DIR="$LOCAL_DIR/node"
CONTAINERD_SOCK="$NODE_DIR/containerd/containerd.sock"

# Where pods reach servers on this machine, and where the servers pods use listen.
HOST_FOR_PODS="$NODE_HOST_IP"

# Servers in start order; down.sh stops them in reverse (the node's parts first).
COMPONENTS=(etcd kube-apiserver kube-controller-manager kafka nats redis kube-scheduler containerd kubelet kube-proxy coredns)

T0=$(date +%s)
step() { printf '[cluster %4ss] %s\n' "$(($(date +%s) - T0))" "$*"; }
fail() {
  printf '[cluster] ERROR: %s\n' "$1" >&2
  [ -n "${2:-}" ] && printf '[cluster] next step: %s\n' "$2" >&2
  exit 1
}

# require_cmd NAME HOW-TO-GET-IT
require_cmd() {
  command -v "$1" >/dev/null 2>&1 || fail "'$1' is not installed." "$2"
}

pid_file() { echo "$STATE_DIR/$1/pid"; }
log_file() { echo "$STATE_DIR/$1/log"; }

# is_running NAME: true when the recorded pid is alive and is still the process we
# started (its executable or command line contains the marker we recorded), so a
# recycled pid never makes us report or kill a stranger. The executable is checked
# too because some servers (Redis) rewrite their command line once started.
is_running() {
  local pidf pid want
  pidf=$(pid_file "$1")
  [ -f "$pidf" ] || return 1
  read -r pid want <"$pidf"
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  local exe cmdline
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || exe=""
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ "$exe" == *"$want"* || "$cmdline" == *"$want"* ]]
}

# start_process NAME MARKER CMD...: runs CMD detached in its own session, logging to
# .local/cluster/NAME/log; MARKER is a string of its command line used by is_running.
start_process() {
  local name=$1 marker=$2
  shift 2
  mkdir -p "$STATE_DIR/$name"
  setsid nohup "$@" >"$(log_file "$name")" 2>&1 </dev/null &
  echo "$! $marker" >"$(pid_file "$name")"
}

# wait_until NAME TIMEOUT_SECONDS CHECK...: polls CHECK until it succeeds; on timeout
# shows the tail of the server's log so the cause is on screen.
wait_until() {
  local name=$1 timeout=$2 waited=0
  shift 2
  until "$@" >/dev/null 2>&1; do
    # Checked twice: while a launcher (setsid, nohup, nsenter) execs into the server, its
    # /proc entry can be read mid-exec and match neither marker for a moment.
    if ! is_running "$name" && ! { sleep 1 && is_running "$name"; }; then
      tail -n 20 "$(log_file "$name")" >&2
      fail "$name exited during start-up (log: $(log_file "$name"))." "read the log above; 'npm run cluster:down' then 'npm run cluster:up' retries."
    fi
    if [ "$waited" -ge "$timeout" ]; then
      tail -n 20 "$(log_file "$name")" >&2
      fail "$name did not become ready within ${timeout}s (log: $(log_file "$name"))." "read the log above; 'npm run cluster:down' then 'npm run cluster:up' retries."
    fi
    sleep 1
    waited=$((waited + 1))
  done
}

# stop_component NAME: SIGTERM the server we started (SIGKILL after 15 s); skips one not running.
stop_component() {
  local name=$1 pid waited=0
  if ! is_running "$name"; then
    rm -f "$(pid_file "$name")"
    step "$name: not running"
    return
  fi
  read -r pid _ <"$(pid_file "$name")"
  kill -TERM "$pid"
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$waited" -ge 30 ]; then
      step "$name: did not stop within 15 s of SIGTERM; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
  rm -f "$(pid_file "$name")"
  step "$name: stopped"
}

# port_open PORT [HOST]
port_open() { (exec 3<>"/dev/tcp/${2:-127.0.0.1}/$1") 2>/dev/null; }

# in_node CMD...: runs CMD inside the node's network namespace (only the network: the
# mounts kubelet makes must be the ones containerd sees).
in_node() { nsenter --net="/run/netns/$NODE_NETNS" -- "$@"; }

rss_mib() {
  local pid
  read -r pid _ <"$(pid_file "$1")"
  awk '/^VmRSS/ {printf "%d MiB", $2 / 1024}' "/proc/$pid/status" 2>/dev/null
}

# content_hash FILE...: a short key for a cache entry built from these inputs.
content_hash() { cat "$@" | sha256sum | cut -c1-16; }
