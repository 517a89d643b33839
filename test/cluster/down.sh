#!/usr/bin/env bash
# Stops the servers that up.sh started, and only those (each is matched by its pid and
# command line), removes the node's pods, then puts back what the node changed on this
# machine: mounts, cgroups, the network namespace and veth, sysctls. Idempotent: a server
# that is not running is skipped.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$CLUSTER_DIR/network.sh"
source "$CLUSTER_DIR/node.sh"

for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do
  # kubelet is stopped by now, so no pod comes back; containerd still runs to remove them.
  [ "${COMPONENTS[$i]}" = containerd ] && remove_node_pods
  stop_component "${COMPONENTS[$i]}"
done
clean_node_host
step "control plane is down (state kept in $STATE_DIR; 'rm -rf .local/cluster' resets it)"
