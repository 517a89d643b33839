# shellcheck shell=bash
# The system programs the local control plane needs, and where each comes from.
# As root on a Debian-like machine the missing ones are installed from Debian's
# packages; elsewhere the error names the package to install.

# command:debian-package
PREREQUISITES=(
  go:golang-go java:openjdk-17-jre-headless mvn:maven openssl:openssl curl:curl
  unzip:unzip redis-server:redis-server redis-cli:redis-tools nats-server:nats-server
  containerd:containerd runc:runc nft:nftables nsenter:util-linux
  /usr/lib/cni/bridge:containernetworking-plugins
)

ensure_prerequisites() {
  local entry missing=()
  for entry in "${PREREQUISITES[@]}"; do
    command -v "${entry%%:*}" >/dev/null 2>&1 || missing+=("${entry#*:}")
  done
  if [ "${#missing[@]}" -eq 0 ]; then ensure_go_version; return; fi
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    step "installing missing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
      fail "apt-get could not install: ${missing[*]}." "install them by hand, then rerun."
  else
    fail "missing system programs; install these packages: ${missing[*]}." \
      "on Debian/Ubuntu: sudo apt-get install -y ${missing[*]}; then rerun."
  fi
  ensure_go_version
}

# The kube binaries' go.mod asks for Go 1.24; any Go >= 1.21 fetches that toolchain
# through the Go module proxy by itself (GOTOOLCHAIN=auto), older ones cannot.
ensure_go_version() {
  local minor
  minor=$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')
  [ "${minor:-0}" -ge 21 ] ||
    fail "Go $(go env GOVERSION) is too old to build the kube binaries." "install Go >= 1.21 (https://go.dev/dl), then rerun."
}
