#!/usr/bin/env bash
# The local sandbox (npm start): the local control plane and its node, a build, the images
# of every app and test service built and loaded into the node, then the launcher
# (packages/local-sandbox), which `helm upgrade --install --wait`s the chart, applies the
# Sequence example, writes .local/sandbox.json once everything is Ready, and awaits the
# example's result. Ctrl-C deletes what it installed; the control plane and node keep
# running ('npm run cluster:down').
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/ensure-node-deps.sh

echo "[start] local control plane and node (npm run cluster:up; seconds once built, minutes the first time)"
bash test/cluster/up.sh
# shellcheck source=/dev/null
source .local/env

echo "[start] build (turbo, cached)"
npx turbo run build --output-logs=errors-only

echo "[start] images (scripts/build-images.sh: every app and test service, loaded into the node)"
bash scripts/build-images.sh

exec node packages/local-sandbox/dist/cli.js
