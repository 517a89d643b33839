#!/usr/bin/env bash
# The local sandbox (npm start): the local control plane, a build, then the launcher
# (packages/local-sandbox), which installs the chart, runs every app as a local process
# registered for its Service, runs the Sequence example, and writes .local/sandbox.json
# once every app answers its health check. Ctrl-C stops what it started; the control
# plane keeps running ('npm run cluster:down').
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/ensure-node-deps.sh

echo "[start] local control plane (npm run cluster:up; seconds once built, minutes the first time)"
bash test/cluster/up.sh
# shellcheck source=/dev/null
source .local/env

echo "[start] build (turbo, cached)"
npx turbo run build --output-logs=errors-only

exec node packages/local-sandbox/dist/cli.js
