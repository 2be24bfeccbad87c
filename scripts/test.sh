#!/usr/bin/env bash
# Runs every test of the workspace. This is the README's test command, and .ci/run calls it.
# Tests that read the shared corpus find it through PLUMB_CORPUS (default: ../shared/corpus)
# and fail with a clear message when it is absent. The AWS adapter's tests talk to a real EC2
# API: moto's server, installed into a virtualenv under the build cache, started here on a free
# loopback port and stopped by its PID when the tests end, whichever way they end. The same
# virtualenv holds python-hcl2, which checks the HCL that remediation generates.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z ${PLUMB_CORPUS:-} && -d ../shared/corpus ]]; then
  PLUMB_CORPUS="$(cd ../shared/corpus && pwd)"
fi
export PLUMB_CORPUS="${PLUMB_CORPUS:-../shared/corpus}"
echo "==> corpus: $PLUMB_CORPUS"

# shellcheck source=lib/moto.sh
source scripts/lib/moto.sh
start_moto
export_moto_environment
# The AWS tests name this endpoint explicitly, and fail with a clear message without it.
export PLUMB_MOTO_ENDPOINT="$MOTO_URL"
# Generated HCL is parsed by python-hcl2 too.
export PLUMB_PYTHON_HCL2="$TEST_VENV/bin/python"

echo "==> cargo test --workspace"
cargo test --workspace --locked --no-fail-fast

# The build without the AWS adapter (`--no-default-features`: no AWS SDK) runs every test that
# does not need the adapter; those that do are compiled out there. It builds into a target
# directory of its own, so that neither build invalidates the other's cache or overwrites the
# `plumb` binary the other's tests run.
no_aws_target="${CARGO_TARGET_DIR:-target}/no-aws"
echo "==> cargo test --workspace --exclude plumb-aws --no-default-features (into $no_aws_target)"
CARGO_TARGET_DIR="$no_aws_target" \
  cargo test --workspace --exclude plumb-aws --no-default-features --locked --no-fail-fast
