# Shared settings of scripts/images.sh and scripts/cluster.sh (sourced, not run).
# Everything downloaded or built lives under CLUSTER_CACHE, outside the repository;
# everything a running cluster needs lives under CLUSTER_RUN and is removed by `down`.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CLUSTER_CACHE="${CLUSTER_CACHE:-$HOME/.cache/cinemaabyss/cluster}"
CLUSTER_RUN="${CLUSTER_RUN:-/run/cinemaabyss-cluster}"
REFERENCE_DIR="$REPO_ROOT/scripts/cluster/config"

K8S_VERSION="${K8S_VERSION:-v1.34.4}"
COREDNS_VERSION="${COREDNS_VERSION:-v1.15.0}"
HELM_VERSION="${HELM_VERSION:-v3.22.0}"
ISTIO_API_VERSION="${ISTIO_API_VERSION:-v1.32.0}"
PAUSE_IMAGE="registry.k8s.io/pause:3.10"

BIN_DIR="$CLUSTER_CACHE/bin/k8s-$K8S_VERSION"
IMAGE_TAG="${IMAGE_TAG:-local}"

# The Go module proxy the machine is configured with (go env), never a host written here.
export GOFLAGS="${GOFLAGS:-}"
export GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# phase <name> <command...>: runs one phase and prints how long it took.
phase() {
  local name="$1"; shift
  local start=$SECONDS
  log "phase $name: start"
  "$@"
  log "phase $name: done in $((SECONDS - start)) s"
  echo "$name $((SECONDS - start))" >> "${PHASE_TIMES_FILE:-/dev/null}"
}

# Substitutes $RUN_DIR (and other named variables) in a reference config file.
render_config() {
  local src="$1" dest="$2"
  mkdir -p "$(dirname "$dest")"
  RUN_DIR="$CLUSTER_RUN" envsubst '$RUN_DIR $BRIDGE_IP $POD_SUBNET' < "$src" > "$dest"
}

# Files whose content decides whether a cached build is still valid.
inputs_hash() {
  cat "$@" | sha256sum | cut -c1-16
}

apt_install() {
  local missing=()
  local pkg
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing from apt: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || true
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The Debian mirror this machine already uses (deb822 or one-line sources).
apt_mirror() {
  local uri
  uri=$(grep -rhoE '^(URIs:\s*|deb\s+(\[[^]]*\]\s+)?)\S+' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null \
    | sed -E 's/^(URIs:\s*|deb\s+(\[[^]]*\]\s+)?)//' \
    | grep -E '/debian/?$' | head -n1 || true)
  [ -n "$uri" ] || die "no Debian mirror found in the machine's apt sources"
  echo "${uri%/}"
}
