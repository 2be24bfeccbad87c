#!/usr/bin/env bash
# Benchmark: `plumb parity` over three environments of a large generated state (issue 7: three
# states of 20,000 resources): reading the three states and comparing them, beside serde_json
# merely validating the same bytes, and the peak memory. Release builds of plumb-state and
# plumb-drift only (not the AWS SDK). Prints the figures; not part of the test command.
#
#   scripts/bench-parity.sh [INSTANCES]     (default 20000 per state)
set -euo pipefail
cd "$(dirname "$0")/.."

instances="${1:-20000}"
target_dir="${CARGO_TARGET_DIR:-target}"
work="$target_dir/bench-parity"
mkdir -p "$work"
base="$work/base-$instances.tfstate"

echo "==> building release examples"
cargo build --release --locked -p plumb-state -p plumb-drift --examples 2>&1 | tail -1
if [[ ! -s $base ]]; then
  echo "==> generating a state of $instances resource instances"
  "$target_dir/release/examples/gen_state" --instances "$instances" "$base"
fi
echo "==> deriving dev, staging and prod"
"$target_dir/release/examples/gen_envs" "$base" "$work/$instances" >/dev/null
states=("$work/$instances/dev.tfstate" "$work/$instances/staging.tfstate" "$work/$instances/prod.tfstate")
cat "${states[@]}" >/dev/null
/usr/bin/time -f "peak memory: %M KB" "$target_dir/release/examples/bench_parity" "${states[@]}"
