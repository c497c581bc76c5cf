#!/usr/bin/env bash
# Builds (once, cached) the binaries the single-node cluster runs on this machine:
# the Kubernetes control plane and node components from the Go module proxy, CoreDNS,
# helm, and the pause image's static binary. Prints the directory holding them.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

K8S_COMPONENTS=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy)

build_kubernetes() {
  local missing=0 c
  for c in "${K8S_COMPONENTS[@]}"; do [ -x "$BIN_DIR/$c" ] || missing=1; done
  [ $missing -eq 0 ] && return 0
  local mod="$CLUSTER_CACHE/src/k8s-$K8S_VERSION"
  local staging="v0${K8S_VERSION#v1}"
  mkdir -p "$mod" "$BIN_DIR"
  local gomod
  gomod=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  [ -f "$gomod" ] || die "could not download k8s.io/kubernetes@$K8S_VERSION"
  # A throw-away module: kubernetes itself, with every staging module pinned to its matching tag
  # (the kubernetes go.mod points them at ./staging, which a module download cannot follow).
  {
    echo "module cinemaabyss.local/k8s-build"
    echo "go 1.24.0"
    echo "require k8s.io/kubernetes $K8S_VERSION"
    echo "replace ("
    sed -n '/^replace (/,/^)/p' "$gomod" | grep -oE 'k8s.io/[a-z0-9-]+ =>' | sed 's/ =>//' \
      | grep -v '/sample-' | while read -r m; do echo "  $m => $m $staging"; done
    echo ")"
  } > "$mod/go.mod"
  cat > "$mod/tools.go" <<'GO'
//go:build tools

package tools
GO
  local ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=${K8S_VERSION#v1.}"
  ldflags="${ldflags%.*}"
  for c in "${K8S_COMPONENTS[@]}"; do
    [ -x "$BIN_DIR/$c" ] && continue
    log "building $c $K8S_VERSION"
    (cd "$mod" && GOFLAGS=-mod=mod CGO_ENABLED=0 nice -n 10 go build -trimpath -ldflags "$ldflags" \
      -o "$BIN_DIR/$c.tmp.$$" "k8s.io/kubernetes/cmd/$c") && mv "$BIN_DIR/$c.tmp.$$" "$BIN_DIR/$c"
  done
}

build_coredns() {
  [ -x "$BIN_DIR/coredns" ] && return 0
  log "building coredns $COREDNS_VERSION"
  mkdir -p "$BIN_DIR"
  GOBIN="$BIN_DIR" CGO_ENABLED=0 nice -n 10 go install "github.com/coredns/coredns@$COREDNS_VERSION"
}

build_helm() {
  [ -x "$BIN_DIR/helm" ] && return 0
  # scripts/helm.sh caches the same pinned helm for the chart tests: reuse it if present.
  local shared="$HOME/.cache/cinemaabyss/helm-$HELM_VERSION/helm"
  if [ -x "$shared" ]; then cp "$shared" "$BIN_DIR/helm"; return 0; fi
  log "building helm $HELM_VERSION"
  GOBIN="$BIN_DIR" CGO_ENABLED=0 nice -n 10 go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
}

build_pause() {
  [ -x "$BIN_DIR/pause" ] && return 0
  local dir
  dir=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  gcc -Os -static -o "$BIN_DIR/pause" "$dir/build/pause/linux/pause.c"
}

build_kubectl() {
  [ -x "$BIN_DIR/kubectl" ] && return 0
  mkdir -p "$CLUSTER_CACHE/src/k8s-$K8S_VERSION"
  (cd "$CLUSTER_CACHE/src/k8s-$K8S_VERSION" && GOFLAGS=-mod=mod CGO_ENABLED=0 nice -n 10 go build -trimpath \
    -ldflags "-s -w" -o "$BIN_DIR/kubectl" "k8s.io/kubernetes/cmd/kubectl")
}

# The Istio CRDs as released in the istio.io/api module (file path printed).
istio_crds() {
  local dir
  dir=$(go mod download -json "istio.io/api@$ISTIO_API_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  [ -f "$dir/kubernetes/customresourcedefinitions.gen.yaml" ] || die "istio.io/api@$ISTIO_API_VERSION has no CRD file"
  echo "$dir/kubernetes/customresourcedefinitions.gen.yaml"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  command -v go >/dev/null || die "go is needed to build the cluster binaries"
  build_kubernetes
  build_kubectl
  build_pause
  build_coredns
  build_helm
  istio_crds >/dev/null
  echo "$BIN_DIR"
fi
