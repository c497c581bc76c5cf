#!/usr/bin/env bash
# Runs helm, building it once with `go install` into a cache outside the repository (the Go module
# proxy is the only place it can come from here). Usage: scripts/helm.sh <helm args...>
set -euo pipefail
VERSION="${HELM_VERSION:-v3.22.0}"
BIN_DIR="${HELM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cinemaabyss/helm-$VERSION}"
if [ ! -x "$BIN_DIR/helm" ]; then
  echo "building helm $VERSION with go install (once; cached in $BIN_DIR)" >&2
  mkdir -p "$BIN_DIR"
  GOBIN="$BIN_DIR" GOFLAGS=-mod=mod go install "helm.sh/helm/v3/cmd/helm@$VERSION"
fi
exec "$BIN_DIR/helm" "$@"
