#!/usr/bin/env bash
# The project's test command (npm test): makes sure the local control plane is up,
# builds, typechecks and lints every workspace through turbo, then runs every Jest
# project (unit tests of each package and app, app start-up tests, integration tests
# against the real servers) in one run and prints the totals.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/ensure-node-deps.sh

echo "[test] 1/3 local control plane"
bash test/cluster/up.sh
# shellcheck source=/dev/null
source .local/env

echo "[test] 2/3 build, typecheck, lint, format check"
npx turbo run build typecheck lint format:check --output-logs=errors-only

echo "[test] 3/3 jest: unit, app start-up and integration tests"
# One suite at a time: integration suites each run their own controller, and two
# controllers at once would reconcile each other's objects (cluster-wide informers).
# --forceExit: a suite whose setup failed may leave a child process or watch open; the
# run must still end (its failures are already counted) instead of hanging CI.
mkdir -p .local
# Every app a test starts keeps its whole log here, to read after a failure.
export APP_LOG_DIR="$PWD/.local/app-logs"
rm -rf "$APP_LOG_DIR"
status=0
NODE_OPTIONS=--experimental-vm-modules npx jest --maxWorkers=1 --forceExit --json --outputFile=.local/test-results.json "$@" || status=$?
node scripts/test-summary.mjs .local/test-results.json
exit "$status"
