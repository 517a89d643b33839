#!/usr/bin/env bash
# The local sandbox (npm start): the local control plane, then every app built and
# run as a local process. Writes .local/sandbox.json once every app answers /healthz.
# Ctrl-C stops the apps; the control plane keeps running ('npm run cluster:down').
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/ensure-node-deps.sh

APPS=(eventing-controller imc-dispatcher kafka-channel-dispatcher natss-channel-dispatcher
  broker-ingress broker-filter ping-adapter apiserver-adapter)
FIRST_ADMIN_PORT="${SANDBOX_FIRST_ADMIN_PORT:-19101}"

echo "[start] 1/3 local control plane"
bash test/cluster/up.sh
# shellcheck source=/dev/null
source .local/env

echo "[start] 2/3 build"
npx turbo run build --output-logs=errors-only

echo "[start] 3/3 apps"
mkdir -p .local/apps
pids=()
stop_apps() {
  trap - INT TERM EXIT
  echo "[start] stopping the apps"
  [ "${#pids[@]}" -gt 0 ] && kill -TERM "${pids[@]}" 2>/dev/null
  wait
  rm -f .local/sandbox.json
}
trap stop_apps INT TERM EXIT

for i in "${!APPS[@]}"; do
  app=${APPS[$i]}
  ADMIN_PORT=$((FIRST_ADMIN_PORT + i)) node "apps/$app/dist/main.js" >".local/apps/$app.log" 2>&1 &
  pids+=("$!")
done

entries=()
for i in "${!APPS[@]}"; do
  app=${APPS[$i]}
  url="http://127.0.0.1:$((FIRST_ADMIN_PORT + i))"
  for _ in $(seq 1 60); do
    curl -fsS "$url/healthz" >/dev/null 2>&1 && break
    kill -0 "${pids[$i]}" 2>/dev/null || { tail -n 20 ".local/apps/$app.log" >&2; echo "[start] $app exited; its log is above (.local/apps/$app.log)" >&2; exit 1; }
    sleep 0.5
  done
  curl -fsS "$url/healthz" >/dev/null || { echo "[start] $app did not answer $url/healthz within 30 s (.local/apps/$app.log)" >&2; exit 1; }
  printf '  %-26s %s   log .local/apps/%s.log\n' "$app" "$url" "$app"
  entries+=("\"$app\": \"$url\"")
done
(IFS=,; printf '{"apps": {%s}, "kubeconfig": "%s"}\n' "${entries[*]}" "$KUBECONFIG") >.local/sandbox.json

cat <<MSG
[start] sandbox ready (.local/sandbox.json). Try:
  source .local/env && kubectl get namespaces
  curl http://127.0.0.1:$FIRST_ADMIN_PORT/metrics
Ctrl-C stops the apps; 'npm run cluster:down' stops the control plane.
MSG
wait
