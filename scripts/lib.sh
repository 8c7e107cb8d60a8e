# Helpers the scripts share: `. scripts/lib.sh` (from the repository's root).

# A TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_for_url URL [SECONDS [CURL_OPTION…]]: until URL answers (with -f among the options: a
# 2xx), polling every 0.1 s for SECONDS (20); says which URL did not, and fails, after that.
wait_for_url() {
  local url=$1 seconds=${2:-20}
  shift $(($# < 2 ? $# : 2))
  for _ in $(seq 1 $((seconds * 10))); do
    curl -s -o /dev/null "$@" "$url" && return 0
    sleep 0.1
  done
  echo "$(basename "$0"): $url did not answer within $seconds s" >&2
  return 1
}

# wait_for_line FILE PATTERN PID [SECONDS]: until a line of FILE matches PATTERN (grep -E),
# polling every 0.1 s for SECONDS (30); fails at once, showing FILE, if PID has exited.
wait_for_line() {
  local file=$1 pattern=$2 pid=$3 seconds=${4:-30}
  for _ in $(seq 1 $((seconds * 10))); do
    grep -qE "$pattern" "$file" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { echo "$(basename "$0"): the process ended:" >&2; cat "$file" >&2; return 1; }
    sleep 0.1
  done
  echo "$(basename "$0"): no line matching '$pattern' in $file within $seconds s" >&2
  return 1
}

# stop_pid PID [SECONDS]: SIGTERM, as systemd would, then SIGKILL if it is still running
# SECONDS (10) later; fails when it had to be killed.
stop_pid() {
  local pid=$1 seconds=${2:-10}
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 $((seconds * 10))); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  return 1
}

# Clean-up on exit: `on_exit COMMAND`, `stop_on_exit PID` and `remove_on_exit PATH` register
# what to run, stop or remove (in that order) when the script ends, however it ends. They own
# the EXIT trap.
exit_commands=()
exit_pids=()
exit_paths=()
on_exit() { exit_commands+=("$1"); trap clean_up_on_exit EXIT; }
stop_on_exit() { exit_pids+=("$1"); trap clean_up_on_exit EXIT; }
remove_on_exit() { exit_paths+=("$1"); trap clean_up_on_exit EXIT; }
clean_up_on_exit() {
  local command pid
  for command in "${exit_commands[@]}"; do eval "$command" || true; done
  for pid in "${exit_pids[@]}"; do stop_pid "$pid" || true; done
  ((${#exit_paths[@]} == 0)) || rm -rf "${exit_paths[@]}"
}
