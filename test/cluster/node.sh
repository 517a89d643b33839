# shellcheck shell=bash
# The node: containerd (Debian's, with runc and the CNI plugins), kubelet, kube-proxy
# (nftables) and CoreDNS inside the node's network namespace (network.sh), and
# kube-scheduler beside the API server. Binaries are built from the Go module proxy and
# cached like the control plane's; kubelet, kube-proxy and kube-scheduler come from the
# same pinned k8s.io/kubernetes module as kube-apiserver. All state lives in .local/node.

# Host sysctls kubelet (and the bridge plugin, were it on this side) may change;
# snapshotted before the node first starts and put back by down.sh.
HOST_SYSCTLS=(
  net.ipv4.ip_forward vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops
  kernel.keys.root_maxkeys kernel.keys.root_maxbytes net.netfilter.nf_conntrack_max
)
SYSCTL_SNAPSHOT="$LOCAL_DIR/host-sysctls"
PAUSE_IMAGE="knative-ts.local/pause:1"

ensure_node_binaries() {
  GO_MOD_MOD=1 GO_BUILD_ESTIMATE="about 1 min once kube-apiserver is built" \
    go_build_cached kubernetes-node "$CLUSTER_DIR/kube" "$(kube_version_ldflags)" \
    kubelet=k8s.io/kubernetes/cmd/kubelet \
    kube-proxy=k8s.io/kubernetes/cmd/kube-proxy \
    kube-scheduler=k8s.io/kubernetes/cmd/kube-scheduler
  GO_KEY_FILES="$CLUSTER_DIR/coredns/main.go" GO_BUILD_ESTIMATE="~2 min" \
    go_build_cached coredns "$CLUSTER_DIR/coredns" "" coredns=.
  GO_BUILD_ESTIMATE="~1 min" go_build_cached crictl "$CLUSTER_DIR/crictl" "" crictl=sigs.k8s.io/cri-tools/cmd/crictl
  # Static, so the pause image is that one file.
  CGO_ENABLED=0 GO_KEY_FILES="$CLUSTER_DIR/pause/main.go" GO_BUILD_ESTIMATE="seconds" \
    go_build_cached pause "$CLUSTER_DIR/pause" "" pause=.
}

snapshot_host_sysctls() {
  [ -f "$SYSCTL_SNAPSHOT" ] && return
  local name value
  for name in "${HOST_SYSCTLS[@]}"; do
    value=$(sysctl -n "$name" 2>/dev/null) && printf '%s=%s\n' "$name" "$value"
  done >"$SYSCTL_SNAPSHOT.tmp"
  mv "$SYSCTL_SNAPSHOT.tmp" "$SYSCTL_SNAPSHOT"
}

restore_host_sysctls() {
  [ -f "$SYSCTL_SNAPSHOT" ] || return 0
  local line changed=()
  while IFS= read -r line; do
    [ "$(sysctl -n "${line%%=*}" 2>/dev/null)" = "${line#*=}" ] && continue
    sysctl -qw "$line" && changed+=("$line")
  done <"$SYSCTL_SNAPSHOT"
  rm -f "$SYSCTL_SNAPSHOT"
  if [ "${#changed[@]}" -gt 0 ]; then step "host sysctls restored: ${changed[*]}"; fi
}

# --- containerd --------------------------------------------------------------------

write_containerd_config() {
  local dir="$NODE_DIR/containerd"
  mkdir -p "$dir" "$NODE_DIR/cni/net.d" "$NODE_DIR/cni/ipam"
  cat >"$dir/config.toml" <<EOF
# Written by test/cluster/node.sh.
version = 2
root = "$dir/root"
state = "$dir/state"
# Snapshotters and runtimes that would touch this machine outside .local/node.
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.internal.v1.tracing"]
[grpc]
  address = "$CONTAINERD_SOCK"
[ttrpc]
  address = "$dir/containerd.ttrpc.sock"
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$dir/opt"
# Unused (pods run with runc v2) but the task service needs it loaded; keep it in .local.
[plugins."io.containerd.runtime.v1.linux"]
  runtime_root = "$dir/runc-v1"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  # This machine withholds CAP_SYS_RESOURCE: without this every container fails with
  # "can't get final child's PID from pipe: EOF".
  restrict_oom_score_adj = true
  disable_apparmor = true
  # Pod network namespaces under the state directory, not /var/run/netns.
  netns_mounts_under_state_dir = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "$dir/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$NODE_DIR/cni/net.d"
    max_conf_num = 1
EOF
  # No portmap and no ipMasq: both would write iptables rules; pods only talk to this
  # machine and to each other, and kube-proxy does Service NAT in its own tables.
  cat >"$NODE_DIR/cni/net.d/10-knative-ts.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "knative-ts-node",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$NODE_BRIDGE",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{ "subnet": "$POD_CIDR" }]],
        "routes": [{ "dst": "0.0.0.0/0" }],
        "dataDir": "$NODE_DIR/cni/ipam"
      }
    }
  ]
}
EOF
}

start_containerd() {
  write_containerd_config
  start_process containerd "$NODE_DIR/containerd/config.toml" \
    nsenter --net="/run/netns/$NODE_NETNS" -- containerd --config "$NODE_DIR/containerd/config.toml"
}
ctr_node() { ctr --address "$CONTAINERD_SOCK" --namespace k8s.io "$@"; }
containerd_ready() { ctr_node version; }

# The pod sandbox image: the static pause binary as a one-layer image, imported once.
ensure_pause_image() {
  ctr_node images ls -q | grep -qx "$PAUSE_IMAGE" && return
  local dir="$NODE_DIR/pause-image" layer_sha config_sha
  rm -rf "$dir" && mkdir -p "$dir/rootfs"
  cp "$BIN_DIR/pause" "$dir/rootfs/pause"
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$dir/rootfs" -cf "$dir/layer.tar" pause
  layer_sha=$(sha256sum "$dir/layer.tar" | cut -d' ' -f1)
  printf '{"architecture":"amd64","os":"linux","config":{"Entrypoint":["/pause"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "$layer_sha" >"$dir/config.json"
  config_sha=$(sha256sum "$dir/config.json" | cut -d' ' -f1)
  mv "$dir/config.json" "$dir/$config_sha.json"
  printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["layer.tar"]}]' "$config_sha" "$PAUSE_IMAGE" >"$dir/manifest.json"
  tar -C "$dir" -cf "$dir/image.tar" manifest.json "$config_sha.json" layer.tar
  ctr_node images import "$dir/image.tar" >/dev/null || fail "could not import the pause image into containerd." "see $(log_file containerd)."
  rm -rf "$dir"
  step "containerd: imported $PAUSE_IMAGE"
}

# --- kubelet -----------------------------------------------------------------------

start_kubelet() {
  local dir="$NODE_DIR/kubelet"
  mkdir -p "$dir/root" "$NODE_DIR/pod-logs"
  write_kubeconfig "$dir/kubeconfig" kubelet
  # Pods resolve cluster names only; nothing of this machine's resolver leaks in.
  : >"$dir/resolv.conf"
  cat >"$dir/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
port: $KUBELET_PORT
readOnlyPort: 0
healthzBindAddress: $NODE_IP
healthzPort: $KUBELET_HEALTHZ_PORT
tlsCertFile: $PKI_DIR/kubelet-serving.crt
tlsPrivateKeyFile: $PKI_DIR/kubelet-serving.key
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $PKI_DIR/ca.crt}
authorization:
  mode: Webhook
cgroupDriver: cgroupfs
failSwapOn: false
failCgroupV1: false
containerRuntimeEndpoint: unix://$CONTAINERD_SOCK
clusterDNS: [$NODE_IP]
clusterDomain: $CLUSTER_DOMAIN
resolvConf: $dir/resolv.conf
podLogsDir: $NODE_DIR/pod-logs
serializeImagePulls: false
# A small shared disk: evict only when it is nearly full.
evictionHard: {memory.available: 100Mi, nodefs.available: 2%, imagefs.available: 2%, nodefs.inodesFree: 2%}
imageGCHighThresholdPercent: 99
imageGCLowThresholdPercent: 98
EOF
  start_process kubelet "$BIN_DIR/kubelet" \
    nsenter --net="/run/netns/$NODE_NETNS" -- "$BIN_DIR/kubelet" \
    --config "$dir/config.yaml" --kubeconfig "$dir/kubeconfig" --root-dir "$dir/root" \
    --node-ip "$NODE_IP" --hostname-override "$NODE_NAME" --v 1
}
kubelet_ready() {
  curl -fsS "http://$NODE_IP:$KUBELET_HEALTHZ_PORT/healthz" | grep -q ok &&
    "$BIN_DIR/kubectl" --kubeconfig "$LOCAL_DIR/kubeconfig" get node "$NODE_NAME" \
      -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' | grep -qx True
}

# --- kube-proxy, CoreDNS, kube-scheduler --------------------------------------------

start_kube_proxy() {
  local dir="$NODE_DIR/kube-proxy"
  mkdir -p "$dir"
  write_kubeconfig "$dir/kubeconfig" kube-proxy
  # conntrack zeros: leave this machine's (global) conntrack sysctls alone.
  cat >"$dir/config.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: nftables
clientConnection: {kubeconfig: $dir/kubeconfig}
hostnameOverride: $NODE_NAME
clusterCIDR: $POD_CIDR
healthzBindAddress: $NODE_IP:$KUBE_PROXY_HEALTHZ_PORT
metricsBindAddress: 127.0.0.1:10249
nodePortAddresses: [$NODE_IP/32]
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
EOF
  start_process kube-proxy "$BIN_DIR/kube-proxy" \
    nsenter --net="/run/netns/$NODE_NETNS" -- "$BIN_DIR/kube-proxy" --config "$dir/config.yaml" --v 1
}
kube_proxy_ready() { curl -fsS "http://$NODE_IP:$KUBE_PROXY_HEALTHZ_PORT/healthz" >/dev/null; }

# CoreDNS may read what cluster DNS needs, and nothing else.
apply_node_rbac() {
  "$BIN_DIR/kubectl" --kubeconfig "$LOCAL_DIR/kubeconfig" apply -f - >/dev/null <<EOF
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "knative-ts:coredns"}
rules:
  - apiGroups: [""]
    resources: [endpoints, services, pods, namespaces]
    verbs: [list, watch]
  - apiGroups: [discovery.k8s.io]
    resources: [endpointslices]
    verbs: [list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "knative-ts:coredns"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "knative-ts:coredns"}
subjects:
  - {apiGroup: rbac.authorization.k8s.io, kind: User, name: "system:coredns"}
EOF
}

start_coredns() {
  local dir="$NODE_DIR/coredns"
  mkdir -p "$dir"
  write_kubeconfig "$dir/kubeconfig" coredns
  apply_node_rbac || fail "could not grant CoreDNS its read access." "check the API server ('kubectl get --raw /readyz')."
  # The cluster zone only: any other name is refused, never forwarded off the machine.
  cat >"$dir/Corefile" <<EOF
$CLUSTER_DOMAIN:53 {
  bind $NODE_IP
  errors
  kubernetes $CLUSTER_DOMAIN {
    kubeconfig $dir/kubeconfig local
    pods insecure
  }
  cache 5
  ready $NODE_IP:$COREDNS_READY_PORT
}
EOF
  start_process coredns "$BIN_DIR/coredns" \
    nsenter --net="/run/netns/$NODE_NETNS" -- "$BIN_DIR/coredns" -conf "$dir/Corefile"
}
coredns_ready() { curl -fsS "http://$NODE_IP:$COREDNS_READY_PORT/ready" >/dev/null; }

start_scheduler() {
  write_kubeconfig "$STATE_DIR/kube-scheduler.kubeconfig" scheduler
  start_process kube-scheduler "$BIN_DIR/kube-scheduler" "$BIN_DIR/kube-scheduler" \
    --kubeconfig "$STATE_DIR/kube-scheduler.kubeconfig" \
    --authentication-kubeconfig "$STATE_DIR/kube-scheduler.kubeconfig" \
    --authorization-kubeconfig "$STATE_DIR/kube-scheduler.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$KUBE_SCHEDULER_PORT" \
    --leader-elect=false --v 1
}
scheduler_ready() { curl -fsSk "https://127.0.0.1:$KUBE_SCHEDULER_PORT/healthz" | grep -q '^ok$'; }

# --- teardown (down.sh) -------------------------------------------------------------

# Stops and removes every pod sandbox through the CRI while containerd still runs, so
# the CNI plugins release each pod's address and veth and containerd unmounts its files.
remove_node_pods() {
  [ -S "$CONTAINERD_SOCK" ] && is_running containerd || return 0
  local crictl=("$BIN_DIR/crictl" --runtime-endpoint "unix://$CONTAINERD_SOCK" --timeout 30s)
  local pods
  pods=$("${crictl[@]}" pods -q 2>/dev/null) || return 0
  [ -n "$pods" ] || return 0
  step "node: removing $(wc -w <<<"$pods") pod sandboxes"
  # shellcheck disable=SC2086
  "${crictl[@]}" stopp $pods >/dev/null 2>&1 || true
  # shellcheck disable=SC2086
  "${crictl[@]}" rmp -f $pods >/dev/null 2>&1 || true
}

# What containerd and kubelet leave on this machine once stopped: mounts under
# .local/node (image layers, pod volumes, namespaces), kubelet's pod cgroups, CNI
# results, shim sockets; then the network and the sysctls.
clean_node_host() {
  local mounts m
  mounts=$(awk -v d="$NODE_DIR/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r)
  for m in $mounts; do umount -l "$m" 2>/dev/null || true; done
  [ -z "$mounts" ] || step "node: unmounted $(wc -w <<<"$mounts") mounts under $NODE_DIR"
  local cg
  for cg in /sys/fs/cgroup/*/kubepods /sys/fs/cgroup/kubepods; do
    [ -d "$cg" ] || continue
    find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
  rm -rf /var/lib/cni/results/knative-ts-node-* 2>/dev/null || true
  rmdir /var/lib/cni/results /var/lib/cni 2>/dev/null || true
  rmdir /run/containerd/s /run/containerd 2>/dev/null || true
  remove_node_network
  restore_host_sysctls
}
