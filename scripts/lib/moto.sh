# Sourced by scripts that need the test tools from PyPI: moto's server (a real EC2 API) and
# python-hcl2 (the HCL parser checkov uses, an independent check of generated HCL), installed
# into a virtualenv under the build cache. `start_moto` starts moto on a free loopback port,
# sets MOTO_URL and stops the server by its PID when the calling script exits, whichever way it
# exits.

# The virtualenv, made and filled on first use; sets TEST_VENV.
test_venv() {
  local cache="${PLUMB_CACHE:-$HOME/.cache/plumb}"
  TEST_VENV="$cache/moto-venv"
  if [[ ! -x $TEST_VENV/bin/moto_server ]] || ! "$TEST_VENV/bin/python" -c 'import hcl2' 2>/dev/null; then
    echo "==> installing moto's server and python-hcl2 into $TEST_VENV"
    mkdir -p "$cache"
    if [[ ! -x $TEST_VENV/bin/python ]] && ! python3 -m venv "$TEST_VENV" 2>/dev/null; then
      # Debian's python3 keeps venv in a package of its own.
      apt-get update -qq && apt-get install -y -qq python3-venv
      python3 -m venv "$TEST_VENV"
    fi
    "$TEST_VENV/bin/pip" install --quiet --disable-pip-version-check 'moto[server]>=5,<6' 'python-hcl2>=4'
  fi
}

start_moto() {
  test_venv
  local cache="${PLUMB_CACHE:-$HOME/.cache/plumb}"
  local venv="$TEST_VENV"
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
