#!/usr/bin/env bash
# Builds the image of every app and test service (every workspace with a src/main.ts; see
# scripts/image-list.mjs) without Docker, from the same inputs as the Dockerfile: the
# Node runtime, the production node_modules of the workspace, the dist/ of the workspace
# packages and of the program itself. Writes them as one docker-archive tar and, when the
# local node runs (CONTAINERD_ADDRESS from .local/env), imports it into the node's
# containerd; records the references in .local/images.json (read by npm start and the
# end-to-end suite, which install the chart with image.tag=<tag>, pullPolicy Never).
#   scripts/build-images.sh [name...]   only these images (default: all)
#   REGISTRY   default ghcr.io/knative-ts (the chart's image.registry)
#   IMAGE_BUILDER=docker   the former path: docker build with the root Dockerfile
# Layers: the Node runtime (node + the libraries ldd lists; cached per node binary), the
# workspace (production node_modules, cached per package-lock.json, and packages/*/dist),
# and the program's package.json + dist. Tars are reproducible, so an unchanged layer has
# the same digest and containerd keeps its copy.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO=$(pwd)
REGISTRY="${REGISTRY:-ghcr.io/knative-ts}"
CACHE="${KNATIVE_TS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/knative-ts}"
OUT="$REPO/.local/images"
T0=$(date +%s)
say() { printf '[images %3ss] %s\n' "$(($(date +%s) - T0))" "$*"; }
fail() { printf '[images] ERROR: %s\n[images] next step: %s\n' "$1" "$2" >&2; exit 1; }

declare -A DIR_OF=()
NAMES=()
while read -r name dir; do DIR_OF[$name]=$dir; NAMES+=("$name"); done < <(node scripts/image-list.mjs)
if [ "$#" -gt 0 ]; then
  for name in "$@"; do [ -n "${DIR_OF[$name]:-}" ] || fail "no image '$name'." "choose from: ${NAMES[*]}"; done
  NAMES=("$@")
fi

if [ "${IMAGE_BUILDER:-}" = docker ]; then
  TAG="${TAG:-$(sed -n 's/^appVersion: *//p' charts/eventing/Chart.yaml)}"
  command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1 ||
    fail "docker has no engine (docker info failed)." "start the Docker daemon, or build without Docker (unset IMAGE_BUILDER)."
  for name in "${NAMES[@]}"; do
    [[ "${DIR_OF[$name]}" == apps/* ]] || { say "skipping $name (the Dockerfile builds apps only)"; continue; }
    docker build --build-arg APP="$name" --tag "$REGISTRY/$name:$TAG" .
  done
  exit 0
fi

# tar_layer DIR FILE: a reproducible tar of DIR's contents; prints its sha256.
tar_layer() {
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=gnu -C "$1" -cf "$2" .
  sha256sum "$2" | cut -d' ' -f1
}

for name in "${NAMES[@]}"; do
  [ -f "${DIR_OF[$name]}/dist/main.js" ] || fail "${DIR_OF[$name]}/dist/main.js is missing." "build first: npx turbo run build"
done

rm -rf "$OUT" && mkdir -p "$OUT/layers"

# 1. The Node runtime: this machine's node (the version the project is built and tested
#    with) and the shared libraries it loads, at the paths the dynamic loader looks in.
node_bin=$(readlink -f "$(command -v node)")
# (ldd's load addresses change every run: key on the library paths only.)
runtime_key=$({ sha256sum "$node_bin"; ldd "$node_bin" | grep -oE '/[^ ]+'; } | sha256sum | cut -c1-16)
runtime="$CACHE/node-runtime-$runtime_key"
if [ ! -f "$runtime/.complete" ]; then
  say "runtime layer: node $(node --version) and its libraries"
  rm -rf "$runtime" && mkdir -p "$runtime/rootfs/usr/bin" "$runtime/rootfs/tmp" "$runtime/rootfs/etc"
  cp "$node_bin" "$runtime/rootfs/usr/bin/node"
  for lib in $(ldd "$node_bin" | grep -oE '/[^ ]+'); do
    mkdir -p "$runtime/rootfs$(dirname "$lib")"
    cp -L "$lib" "$runtime/rootfs$lib"
  done
  chmod 1777 "$runtime/rootfs/tmp"
  printf 'root:x:0:0:root:/root:/usr/sbin/nologin\nnode:x:1000:1000:node:/app:/usr/sbin/nologin\n' >"$runtime/rootfs/etc/passwd"
  printf 'root:x:0:\nnode:x:1000:\n' >"$runtime/rootfs/etc/group"
  tar_layer "$runtime/rootfs" "$runtime/layer.tar" >"$runtime/sha"
  rm -rf "$runtime/rootfs"
  touch "$runtime/.complete"
fi
runtime_sha=$(cat "$runtime/sha")
ln -f "$runtime/layer.tar" "$OUT/layers/$runtime_sha.tar" 2>/dev/null || cp "$runtime/layer.tar" "$OUT/layers/$runtime_sha.tar"

# 2. The workspace: production dependencies of every workspace (installed from the npm
#    cache `npm ci` filled; workspace links point into packages/ and apps/), and the
#    built packages.
deps_key=$(cat package-lock.json | sha256sum | cut -c1-16)
deps="$CACHE/node-modules-prod-$deps_key"
if [ ! -f "$deps/.complete" ]; then
  say "production node_modules (npm ci --omit=dev, from the npm cache)"
  rm -rf "$deps" && mkdir -p "$deps/app"
  cp package.json package-lock.json "$deps/app/"
  while IFS= read -r manifest; do
    mkdir -p "$deps/app/$(dirname "$manifest")"
    cp "$manifest" "$deps/app/$manifest"
  done < <(git ls-files '*/package.json' | grep -v '/node_modules/')
  (cd "$deps/app" && npm ci --omit=dev --prefer-offline --ignore-scripts --no-audit --no-fund >"$deps/npm.log" 2>&1) ||
    { tail -n 20 "$deps/npm.log" >&2; fail "npm ci --omit=dev failed (log: $deps/npm.log)." "run 'npm ci' in $REPO first, then rerun."; }
  mv "$deps/app/node_modules" "$deps/node_modules" && rm -rf "$deps/app"
  touch "$deps/.complete"
fi
stage="$OUT/stage-workspace"
mkdir -p "$stage/app/packages"
cp package.json "$stage/app/"
cp -a "$deps/node_modules" "$stage/app/node_modules"
for pkg in packages/*/; do
  [ -d "$pkg/dist" ] || continue
  mkdir -p "$stage/app/$pkg"
  cp "$pkg/package.json" "$stage/app/$pkg"
  cp -a "$pkg/dist" "$stage/app/$pkg"
done
workspace_sha=$(tar_layer "$stage" "$OUT/layers/workspace.tar")
mv "$OUT/layers/workspace.tar" "$OUT/layers/$workspace_sha.tar"
rm -rf "$stage"

# 3. One layer per program, then its config; all images in one archive.
manifest="["
configs=()
declare -A CONFIG_OF=() APP_LAYER_OF=()
for name in "${NAMES[@]}"; do
  dir=${DIR_OF[$name]}
  stage="$OUT/stage-$name"
  mkdir -p "$stage/app/$dir"
  cp "$dir/package.json" "$stage/app/$dir/"
  cp -a "$dir/dist" "$stage/app/$dir/"
  find "$stage/app/$dir/dist" \( -name '*.test.*' -o -name '*.d.ts' -o -name '*.map' \) -delete
  app_sha=$(tar_layer "$stage" "$OUT/layers/app.tar")
  mv "$OUT/layers/app.tar" "$OUT/layers/$app_sha.tar"
  rm -rf "$stage"
  config=$(printf '{"architecture":"amd64","os":"linux","config":{"User":"1000:1000","Env":["PATH=/usr/local/bin:/usr/bin:/bin","NODE_ENV=production"],"Entrypoint":["node","dist/main.js"],"WorkingDir":"/app/%s","ExposedPorts":{"8080/tcp":{},"9090/tcp":{}},"Labels":{"org.opencontainers.image.title":"%s"}},"rootfs":{"type":"layers","diff_ids":["sha256:%s","sha256:%s","sha256:%s"]}}' \
    "$dir" "$name" "$runtime_sha" "$workspace_sha" "$app_sha")
  config_sha=$(printf '%s' "$config" | sha256sum | cut -d' ' -f1)
  printf '%s' "$config" >"$OUT/$config_sha.json"
  CONFIG_OF[$name]=$config_sha
  APP_LAYER_OF[$name]=$app_sha
  configs+=("$config_sha")
done
# One tag for the whole set: it changes whenever any image does, so `helm upgrade` with
# the new tag rolls exactly the pods whose image changed... and the others keep theirs.
TAG="dev-$(printf '%s\n' "${configs[@]}" | sha256sum | cut -c1-12)"
sep=""
for name in "${NAMES[@]}"; do
  tags="\"$REGISTRY/$name:$TAG\""
  # The examples' YAML (deploy/examples) names test-services:latest.
  [ "$name" = test-services ] && tags="$tags,\"$REGISTRY/$name:latest\""
  manifest+="$sep{\"Config\":\"${CONFIG_OF[$name]}.json\",\"RepoTags\":[$tags],\"Layers\":[\"layers/$runtime_sha.tar\",\"layers/$workspace_sha.tar\",\"layers/${APP_LAYER_OF[$name]}.tar\"]}"
  sep=","
done
printf '%s]' "$manifest" >"$OUT/manifest.json"
(cd "$OUT" && tar -cf images.tar manifest.json ./*.json layers)
say "built ${#NAMES[@]} images tagged $TAG ($(du -sh "$OUT/images.tar" | cut -f1) archive: $OUT/images.tar)"

{
  printf '{"registry":"%s","tag":"%s","images":{' "$REGISTRY" "$TAG"
  sep=""
  for name in "${NAMES[@]}"; do printf '%s"%s":"%s/%s:%s"' "$sep" "$name" "$REGISTRY" "$name" "$TAG"; sep=","; done
  printf '}}\n'
} >"$OUT/../images.json.tmp"

ctr_node() { ctr --address "$CONTAINERD_ADDRESS" --namespace k8s.io "$@"; }
if [ -n "${CONTAINERD_ADDRESS:-}" ] && [ -S "$CONTAINERD_ADDRESS" ] &&
  missing=$(for name in "${NAMES[@]}"; do echo "$REGISTRY/$name:$TAG"; done | grep -vxF -f <(ctr_node images ls -q) || true) &&
  [ -z "$missing" ]; then
  say "the node already has these images (same content, same tag): nothing to load"
elif [ -n "${CONTAINERD_ADDRESS:-}" ] && [ -S "$CONTAINERD_ADDRESS" ]; then
  ctr --address "$CONTAINERD_ADDRESS" --namespace k8s.io images import "$OUT/images.tar" >"$OUT/import.log" 2>&1 ||
    { tail -n 20 "$OUT/import.log" >&2; fail "ctr images import failed (log: $OUT/import.log)." "check the node: 'npm run cluster:up'."; }
  say "loaded into the node's containerd ($CONTAINERD_ADDRESS)"
else
  say "the local node is not running (no CONTAINERD_ADDRESS socket): archive written, not loaded"
fi
# The archive is loaded (or can be rebuilt in seconds): keep only what names it.
rm -rf "$OUT/layers" "$OUT"/*.json
mv "$OUT/../images.json.tmp" "$REPO/.local/images.json"
