#!/usr/bin/env bash
# npm run loss:nats: the NatssChannel loss test with a longer stream (default 20000 events
# at 200/s): dispatcher SIGKILL and NATS restart mid-stream, then sent / accepted /
# delivered / lost / duplicates per subscriber. Needs the local control plane and builds.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ -f .local/env ] || { echo "loss:nats: run 'npm run cluster:up' first" >&2; exit 1; }
source .local/env
npx turbo run build --filter=@knative-ts/eventing-controller --filter=@knative-ts/natss-channel-dispatcher \
  --filter=@knative-ts/imc-dispatcher --filter=@knative-ts/broker-ingress --filter=@knative-ts/broker-filter >/dev/null
LOSS_EVENTS="${LOSS_EVENTS:-20000}" LOSS_RATE="${LOSS_RATE:-200}" NODE_OPTIONS=--experimental-vm-modules \
  npx jest test/integration/src/natss-loss.test.ts --maxWorkers=1 --forceExit --testTimeout=900000
