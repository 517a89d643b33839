#!/usr/bin/env bash
# Stops the servers that up.sh started, and only those (each is matched by its pid and
# command line). Idempotent: a server that is not running is skipped.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do
  stop_component "${COMPONENTS[$i]}"
done
step "control plane is down (state kept in $STATE_DIR; 'rm -rf .local/cluster' resets it)"
