#!/usr/bin/env bash
# Benchmark: reading a large state with `plumb inspect`, against serde_json merely validating
# the same bytes. Targets (issue 2): within 5x the validation time, peak memory under 4x the
# file size. Prints the figures; not part of the test command.
#
#   scripts/bench-parse.sh [INSTANCES]           (default 60000, about 120 MB)
#   scripts/bench-parse.sh --small [INSTANCES]   (default 65000 small resources, one instance
#                                                 each: where per-resource overhead shows)
set -euo pipefail
cd "$(dirname "$0")/.."

shape=() suffix=""
if [[ ${1:-} == --small ]]; then
  shape=(--small) suffix="-small"
  shift
fi
instances="${1:-$([[ -n $suffix ]] && echo 65000 || echo 60000)}"
target_dir="${CARGO_TARGET_DIR:-target}"
work="$target_dir/bench-parse"
mkdir -p "$work"
state="$work/state-$instances$suffix.tfstate"

echo "==> building release binaries"
cargo build --release --locked --no-default-features -p plumb-cli -p plumb-state --examples --bins 2>&1 | tail -1

if [[ ! -s $state ]]; then
  echo "==> generating a state of $instances resource instances"
  "$target_dir/release/examples/gen_state" "${shape[@]}" --instances "$instances" "$state"
fi
bytes=$(stat -c %s "$state")
mb=$(python3 -c "print(f'{$bytes/1e6:.1f}')")
echo "    $state: $mb MB"

# Warm the page cache so both sides read from memory.
cat "$state" >/dev/null

measure() { # prints "seconds max_rss_kb" of the best of three runs
  local best_s="" best_kb=""
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >/dev/null
    read -r s kb <"$work/time.txt"
    if [[ -z $best_s ]] || python3 -c "import sys; sys.exit(0 if $s < $best_s else 1)"; then
      best_s=$s best_kb=$kb
    fi
  done
  echo "$best_s $best_kb"
}

echo "==> serde_json validation (IgnoredAny) of the same bytes"
read -r validate_s validate_kb < <(measure "$target_dir/release/examples/bench_read" --validate-only "$state")
echo "==> plumb inspect --format json"
read -r inspect_s inspect_kb < <(measure "$target_dir/release/plumb" inspect --state "$state" --format json)

python3 - "$bytes" "$validate_s" "$inspect_s" "$inspect_kb" "$instances" <<'PY'
import sys
size, validate, inspect, rss_kb, n = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
mb = size / 1e6
print()
print(f"state:              {n} instances, {mb:.1f} MB")
print(f"serde_json validate: {validate:.2f} s  ({mb / max(validate, 1e-9):.0f} MB/s)")
print(f"plumb inspect:       {inspect:.2f} s  ({mb / max(inspect, 1e-9):.0f} MB/s)  = {inspect / max(validate, 1e-9):.1f}x validation (target <= 5x)")
print(f"peak memory:         {rss_kb / 1024:.0f} MiB  = {rss_kb * 1024 / size:.2f}x file size (target < 4x)")
PY
