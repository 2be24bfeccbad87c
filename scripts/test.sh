#!/usr/bin/env bash
# Runs every test of the workspace. This is the README's test command, and .ci/run calls it.
# Tests that read the shared corpus find it through PLUMB_CORPUS (default: ../shared/corpus)
# and fail with a clear message when it is absent. The AWS adapter's tests talk to a real EC2
# API: moto's server, installed into a virtualenv under the build cache, started here on a free
# loopback port and stopped by its PID when the tests end, whichever way they end.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z ${PLUMB_CORPUS:-} && -d ../shared/corpus ]]; then
  PLUMB_CORPUS="$(cd ../shared/corpus && pwd)"
fi
export PLUMB_CORPUS="${PLUMB_CORPUS:-../shared/corpus}"
echo "==> corpus: $PLUMB_CORPUS"

cache="${PLUMB_CACHE:-$HOME/.cache/plumb}"
venv="$cache/moto-venv"
if [[ ! -x $venv/bin/moto_server ]]; then
  echo "==> installing moto's server into $venv"
  mkdir -p "$cache"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'moto[server]>=5,<6'
fi

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
log="$cache/moto-$port.log"
echo "==> starting moto_server on 127.0.0.1:$port (log: $log)"
"$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
moto_pid=$!
trap 'kill "$moto_pid" 2>/dev/null || true; wait "$moto_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  if python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/moto-api/', timeout=1)" 2>/dev/null; then
    break
  fi
  if ! kill -0 "$moto_pid" 2>/dev/null; then
    echo "error: moto_server exited at start; its log:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.2
done

# Only the AWS tests read these: everything else is offline. Dummy credentials, loopback only.
export PLUMB_MOTO_ENDPOINT="http://127.0.0.1:$port"
# Belt and braces: any AWS SDK call a test makes without naming an endpoint goes to moto too.
export AWS_ENDPOINT_URL="$PLUMB_MOTO_ENDPOINT"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN=testing
export AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_DEFAULT_PROFILE

echo "==> cargo test --workspace"
cargo test --workspace --locked
