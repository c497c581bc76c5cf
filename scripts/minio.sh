#!/usr/bin/env bash
# A real S3-compatible server (MinIO) for tests and developers, with nothing but Go: builds MinIO
# from source with `go install` through the Go module proxy into a cache dir (once; several minutes
# and about 2 GB of build cache, run under nice), then runs one single-drive server on 127.0.0.1.
#
#   scripts/minio.sh fetch          build the binary (once; cached)
#   scripts/minio.sh start          start in the background, wait until it answers its health check
#   scripts/minio.sh stop           stop it by pid and remove its data
#   scripts/minio.sh run -- CMD...  start, run CMD with S3_TEST_* set, stop; exits with CMD's code
#
# MINIO_PORT (default 19600; the console is off), MINIO_VERSION (a Go module version of
# github.com/minio/minio), MINIO_HOME (default ~/.cache/cinemaabyss/minio: caches live outside the repository).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/background-server.sh
. scripts/lib/background-server.sh

VERSION="${MINIO_VERSION:-v0.0.0-20260212201848-7aac2a2c5b7c}"
HOME_DIR="$(realpath -m "${MINIO_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/cinemaabyss/minio}")"
BIN_DIR="$HOME_DIR/bin-$VERSION"
PORT="${MINIO_PORT:-19600}"
RUN_DIR="$HOME_DIR/run-$PORT"
PID_FILE="$RUN_DIR/minio.pid"
# Test credentials of a server that only ever listens on 127.0.0.1 and is removed after the run.
ACCESS_KEY="cinemaabyss-test"
SECRET_KEY="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"

fetch() {
  if [ -x "$BIN_DIR/minio" ]; then return; fi
  command -v go >/dev/null || { echo "Go is needed to build MinIO" >&2; exit 1; }
  mkdir -p "$BIN_DIR"
  echo "building MinIO $VERSION with go install into $BIN_DIR (once; several minutes)" >&2
  GOBIN="$BIN_DIR" nice -n 10 go install "github.com/minio/minio@$VERSION" >&2
}

is_up() {
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/minio/health/live" 2>/dev/null
}

start() {
  fetch
  if [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
    echo "MinIO already running on 127.0.0.1:$PORT (pid $(cat "$PID_FILE"))" >&2
    return
  fi
  rm -rf "$RUN_DIR"
  mkdir -p "$RUN_DIR/data"
  echo "$SECRET_KEY" > "$RUN_DIR/secret"
  MINIO_ROOT_USER="$ACCESS_KEY" MINIO_ROOT_PASSWORD="$SECRET_KEY" MINIO_BROWSER=off MINIO_UPDATE=off \
    nohup "$BIN_DIR/minio" server --quiet --address "127.0.0.1:$PORT" "$RUN_DIR/data" >"$RUN_DIR/stdout.log" 2>&1 &
  echo $! > "$PID_FILE"
  wait_until_up MinIO "$PID_FILE" 60 0.3 stop "$RUN_DIR/stdout.log"
  echo "MinIO ready on 127.0.0.1:$PORT in $WAITED_SECONDS s (pid $(cat "$PID_FILE"))" >&2
}

stop() {
  stop_by_pid "$PID_FILE" 40 0.25
  rm -rf "$RUN_DIR"
}

case "${1:-}" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  run)
    shift
    [ "${1:-}" = "--" ] && shift
    start
    trap stop EXIT
    S3_TEST_ENDPOINT="http://127.0.0.1:$PORT" S3_TEST_ACCESS_KEY_ID="$ACCESS_KEY" S3_TEST_SECRET_ACCESS_KEY="$(cat "$RUN_DIR/secret")" "$@"
    ;;
  *) echo "usage: scripts/minio.sh fetch|start|stop|run -- CMD..." >&2; exit 2 ;;
esac
