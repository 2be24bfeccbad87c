#!/usr/bin/env bash
# Runs every test of the workspace. This is the README's test command, and .ci/run calls it.
# Tests that read the shared corpus find it through PLUMB_CORPUS (default: ../shared/corpus)
# and fail with a clear message when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z ${PLUMB_CORPUS:-} && -d ../shared/corpus ]]; then
  PLUMB_CORPUS="$(cd ../shared/corpus && pwd)"
fi
export PLUMB_CORPUS="${PLUMB_CORPUS:-../shared/corpus}"
echo "==> corpus: $PLUMB_CORPUS"

echo "==> cargo test --workspace"
cargo test --workspace --locked
