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
# The CRDs, before any suite: the apps' start-up tests watch Knative's kinds and are only
# ready once their informers sync, which needs the kinds to exist. Integration suites
# install them too, so without this a start-up test passed only after one of them ran.
crd_args=()
for crd in deploy/300-*.yaml; do crd_args+=(-f "$crd"); done
kubectl apply --server-side --force-conflicts --field-manager=knative-ts-tests "${crd_args[@]}" >/dev/null
kubectl wait --for=condition=Established --timeout=60s "${crd_args[@]}" >/dev/null

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
