#!/usr/bin/env bash
# Renders the chart with its default values into src/kubernetes/manifests/ for people who apply
# plain YAML (kubectl apply -f). A test fails when the checked-in file is stale.
#   scripts/render-manifests.sh           write the file
#   scripts/render-manifests.sh --print   print what it would write
set -euo pipefail
cd "$(dirname "$0")/.."
render() {
  echo "# Rendered from src/kubernetes/helm/cinemaabyss with its default values by scripts/render-manifests.sh; do not edit."
  echo "# No secret ships here: make the Secret first, with values of your own, e.g."
  echo "#   PW=\$(openssl rand -hex 24); kubectl -n cinemaabyss create secret generic cinemaabyss-cinemaabyss-secrets \\"
  echo "#     --from-literal=postgres-password=\$PW \\"
  echo "#     --from-literal=database-url=postgres://cinemaabyss:\$PW@cinemaabyss-cinemaabyss-postgresql:5432/cinemaabyss \\"
  echo "#     --from-literal=jwt-keys=k1:\$(openssl rand -hex 32) --from-literal=admin-token=\$(openssl rand -hex 24)"
  scripts/helm.sh template cinemaabyss src/kubernetes/helm/cinemaabyss --namespace cinemaabyss --set secrets.create=false --skip-tests
}
if [ "${1:-}" = "--print" ]; then render; else mkdir -p src/kubernetes/manifests; render > src/kubernetes/manifests/cinemaabyss.yaml; fi
