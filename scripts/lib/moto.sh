# Sourced by scripts that need a real EC2 API: moto's server, installed into a virtualenv under
# the build cache and started on a free loopback port. `start_moto` sets MOTO_URL and stops the
# server by its PID when the calling script exits, whichever way it exits.

start_moto() {
  local cache="${PLUMB_CACHE:-$HOME/.cache/plumb}"
  local venv="$cache/moto-venv"
  if [[ ! -x $venv/bin/moto_server ]]; then
    echo "==> installing moto's server into $venv"
    mkdir -p "$cache"
    if ! python3 -m venv "$venv" 2>/dev/null; then
      # Debian's python3 keeps venv in a package of its own.
      apt-get update -qq && apt-get install -y -qq python3-venv
      python3 -m venv "$venv"
    fi
    "$venv/bin/pip" install --quiet --disable-pip-version-check 'moto[server]>=5,<6'
  fi
  local port
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  local log="$cache/moto-$port.log"
  echo "==> starting moto_server on 127.0.0.1:$port (log: $log)"
  "$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
  MOTO_PID=$!
  trap 'kill "$MOTO_PID" 2>/dev/null || true; wait "$MOTO_PID" 2>/dev/null || true' EXIT
  local _
  for _ in $(seq 1 100); do
    if python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/moto-api/', timeout=1)" 2>/dev/null; then
      MOTO_URL="http://127.0.0.1:$port"
      return 0
    fi
    if ! kill -0 "$MOTO_PID" 2>/dev/null; then
      echo "error: moto_server exited at start; its log:" >&2
      cat "$log" >&2
      return 1
    fi
    sleep 0.2
  done
  echo "error: moto_server did not answer on 127.0.0.1:$port within 20 s" >&2
  return 1
}

# Dummy credentials and the loopback endpoint for every AWS SDK call of this shell's children.
export_moto_environment() {
  export AWS_ENDPOINT_URL="$MOTO_URL"
  export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN=testing
  export AWS_EC2_METADATA_DISABLED=true
  unset AWS_PROFILE AWS_DEFAULT_PROFILE
}
