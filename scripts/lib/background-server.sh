# Sourced by the scripts that run a server in the background for tests (scripts/kafka.sh,
# scripts/minio.sh): waiting for it to answer, and stopping it by pid. Each caller defines is_up.

# wait_until_up NAME PID_FILE TIMEOUT_S INTERVAL_S ON_TIMEOUT LOG... — polls is_up until it answers.
# The server dying during start prints the end of its logs; a timeout runs ON_TIMEOUT (the caller's
# stop) first. Either exits 1.
wait_until_up() {
  local name="$1" pid_file="$2" timeout="$3" interval="$4" on_timeout="$5"
  shift 5
  local started=$SECONDS
  until is_up; do
    if ! kill -0 "$(cat "$pid_file")" 2>/dev/null; then
      echo "$name exited during start; last lines of its log:" >&2
      tail -n 30 "$@" >&2 || true
      exit 1
    fi
    if (( SECONDS - started > timeout )); then echo "$name not ready after $timeout s" >&2; "$on_timeout"; exit 1; fi
    sleep "$interval"
  done
  WAITED_SECONDS=$((SECONDS - started))
}

# stop_by_pid PID_FILE TRIES INTERVAL_S — SIGTERM, then SIGKILL if it is still there after TRIES × INTERVAL_S.
stop_by_pid() {
  local pid_file="$1" tries="$2" interval="$3"
  [ -f "$pid_file" ] || return 0
  local pid
  pid="$(cat "$pid_file")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq "$tries"); do kill -0 "$pid" 2>/dev/null || break; sleep "$interval"; done
    kill -9 "$pid" 2>/dev/null || true
  fi
}
