#!/usr/bin/env bash
# What the shipped provider schema costs at run time: the first lookup (inflate and index), one
# more type, every type, and the memory each adds (release build of one small example).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "building the example (release)..."
cargo build --release --locked -p plumb-schema --example load_schema
echo "running it:"
"${CARGO_TARGET_DIR:-target}/release/examples/load_schema"
