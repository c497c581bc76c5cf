#!/usr/bin/env bash
# Renders the chart with its default values into src/kubernetes/manifests/ for people who apply
# plain YAML (kubectl apply -f). A test fails when the checked-in file is stale.
#   scripts/render-manifests.sh           write the file
#   scripts/render-manifests.sh --print   print what it would write
set -euo pipefail
cd "$(dirname "$0")/.."
render() {
  echo "# Rendered from src/kubernetes/helm/cinemaabyss with its default values by scripts/render-manifests.sh; do not edit."
  scripts/helm.sh template cinemaabyss src/kubernetes/helm/cinemaabyss --namespace cinemaabyss
}
if [ "${1:-}" = "--print" ]; then render; else mkdir -p src/kubernetes/manifests; render > src/kubernetes/manifests/cinemaabyss.yaml; fi
