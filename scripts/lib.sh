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
