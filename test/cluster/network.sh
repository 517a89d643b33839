# shellcheck shell=bash
# The node's private network: a network namespace of its own (NODE_NETNS) joined to this
# machine by a veth pair. This side (NODE_HOST_IF) holds NODE_HOST_IP, the address the
# servers pods use listen on; inside, NODE_IF holds NODE_IP, the node's address. The
# namespace routes nothing but this link, so pods can reach this machine and nothing
# else; this machine routes POD_CIDR and SERVICE_CIDR into the namespace. Everything
# the node changes on the network (the pod bridge, pod veths, kube-proxy's nftables
# tables, ip_forward) happens inside the namespace and goes away with it.

network_ready() {
  [ -e "/run/netns/$NODE_NETNS" ] && ip -br addr show dev "$NODE_HOST_IF" 2>/dev/null | grep -q "$NODE_HOST_IP/"
}

ensure_node_network() {
  if network_ready; then
    step "node network: present ($NODE_HOST_IF $NODE_HOST_IP <-> $NODE_NETNS $NODE_IP)"
    return
  fi
  if ip -o addr show | grep -v " $NODE_HOST_IF " | grep -q "inet $NODE_HOST_IP/"; then
    fail "NODE_HOST_IP $NODE_HOST_IP is already on another interface of this machine." \
      "set NODE_HOST_IP, NODE_IP and POD_CIDR to a free private range, then rerun."
  fi
  step "node network: creating netns $NODE_NETNS, veth $NODE_HOST_IF ($NODE_HOST_IP) <-> $NODE_IF ($NODE_IP), routes to $POD_CIDR and $SERVICE_CIDR"
  [ -e "/run/netns/$NODE_NETNS" ] || ip netns add "$NODE_NETNS" ||
    fail "could not create network namespace $NODE_NETNS." "run as root ('ip netns add' needs CAP_SYS_ADMIN)."
  ip link show "$NODE_HOST_IF" >/dev/null 2>&1 ||
    ip link add "$NODE_HOST_IF" type veth peer name "$NODE_IF" netns "$NODE_NETNS" ||
    fail "could not create veth $NODE_HOST_IF." "check 'ip link' for a leftover $NODE_HOST_IF ('npm run cluster:down' removes it)."
  ip addr replace "$NODE_HOST_IP/$NODE_PREFIX" dev "$NODE_HOST_IF"
  ip link set "$NODE_HOST_IF" up
  ip netns exec "$NODE_NETNS" ip link set lo up
  ip netns exec "$NODE_NETNS" ip addr replace "$NODE_IP/$NODE_PREFIX" dev "$NODE_IF"
  ip netns exec "$NODE_NETNS" ip link set "$NODE_IF" up
  ip route replace "$POD_CIDR" via "$NODE_IP" dev "$NODE_HOST_IF"
  ip route replace "$SERVICE_CIDR" via "$NODE_IP" dev "$NODE_HOST_IF"
  # Inside the namespace only: pods' traffic is routed by the node to this machine, and
  # bridged pod-to-pod replies pass kube-proxy's NAT (both sysctls are per namespace).
  ip netns exec "$NODE_NETNS" sysctl -qw net.ipv4.ip_forward=1
  modprobe br_netfilter 2>/dev/null || true
  ip netns exec "$NODE_NETNS" sysctl -qw net.bridge.bridge-nf-call-iptables=1 2>/dev/null ||
    step "node network: warning: net.bridge.bridge-nf-call-iptables unavailable (br_netfilter); pod-to-Service traffic on the node may fail"
}

remove_node_network() {
  if ip link show "$NODE_HOST_IF" >/dev/null 2>&1; then
    # The routes go with the interface; deleting one end deletes the pair.
    ip link del "$NODE_HOST_IF"
    step "node network: removed $NODE_HOST_IF"
  fi
  if [ -e "/run/netns/$NODE_NETNS" ]; then
    # With it go the pod bridge, what is left of pod veths and kube-proxy's tables.
    ip netns del "$NODE_NETNS"
    step "node network: removed netns $NODE_NETNS"
  fi
}
