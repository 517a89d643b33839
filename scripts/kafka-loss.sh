#!/usr/bin/env bash
# `npm run loss:kafka`: the KafkaChannel loss test, longer (LOSS_EVENTS events over
# LOSS_SECONDS seconds; defaults 20000 over 180 s): SIGKILL of the dispatcher and a Kafka
# restart mid-stream, then sent / accepted / delivered / lost / duplicates per subscriber.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ -f .local/env ] || { echo "kafka-loss: no .local/env; run 'npm run cluster:up' first" >&2; exit 1; }
source .local/env
npx turbo run build --filter=@knative-ts/kafka-channel-dispatcher --filter=@knative-ts/eventing-controller --output-logs=errors-only
export LOSS_EVENTS="${LOSS_EVENTS:-20000}" LOSS_SECONDS="${LOSS_SECONDS:-180}"
cd test/integration
exec node --experimental-vm-modules ../../node_modules/jest/bin/jest.js src/kafka-channel-loss.test.ts --forceExit
