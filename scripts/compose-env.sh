#!/usr/bin/env bash
# Writes .env (git-ignored) beside docker-compose.yml with generated secrets, once: the compose
# file refuses to start without them, and no secret ships in the repository.
#   scripts/compose-env.sh          write .env unless it exists
#   scripts/compose-env.sh --force  write a new one (new keys: tokens signed before stop working)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f .env ] && [ "${1:-}" != "--force" ]; then
  echo ".env exists; keeping it (--force writes a new one)" >&2
  exit 0
fi
random() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }
umask 077
cat > .env <<ENV
POSTGRES_PASSWORD=$(random 24)
AUTH_JWT_KEYS=compose1:$(random 32)
ADMIN_TOKEN=$(random 24)
ENV
echo "wrote .env with generated POSTGRES_PASSWORD, AUTH_JWT_KEYS and ADMIN_TOKEN" >&2
