#!/usr/bin/env bash
# Builds the image of every app (or of the apps named as arguments) with the root
# Dockerfile: <REGISTRY>/<app>:<TAG>, the names charts/eventing/values.yaml expects.
#   REGISTRY  default ghcr.io/knative-ts (the chart's image.registry)
#   TAG       default the chart's appVersion (its image.tag default)
#   PUSH=1    also docker push each image
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

REGISTRY="${REGISTRY:-ghcr.io/knative-ts}"
TAG="${TAG:-$(sed -n 's/^appVersion: *//p' charts/eventing/Chart.yaml)}"

if ! command -v docker >/dev/null 2>&1; then
  echo "build-images: docker not found on PATH: install Docker (or a compatible CLI) to build images" >&2
  exit 1
fi
if ! docker info >/dev/null 2>&1; then
  echo "build-images: docker has no engine (docker info failed): start the Docker daemon or point DOCKER_HOST at one" >&2
  exit 1
fi

if [ "$#" -gt 0 ]; then
  apps=("$@")
else
  apps=()
  for dir in apps/*/; do apps+=("$(basename "$dir")"); done
fi

for app in "${apps[@]}"; do
  [ -f "apps/$app/package.json" ] || { echo "build-images: no app apps/$app" >&2; exit 1; }
  image="$REGISTRY/$app:$TAG"
  echo "build-images: $image"
  docker build --build-arg APP="$app" --tag "$image" .
  if [ "${PUSH:-0}" = "1" ]; then docker push "$image"; fi
done
echo "build-images: built ${#apps[@]} image(s) tagged $TAG"
