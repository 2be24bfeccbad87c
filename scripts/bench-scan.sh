#!/usr/bin/env bash
# Benchmark: the whole offline scan (`plumb scan --state S --snapshot L --format json`) of a
# large state and its snapshot with 1% drifted, against serde_json merely validating both files.
# Targets (issue 3): within 6x the validation time, peak memory under 4x the two files' size.
# Prints the figures; not part of the test command. The binary is built without the AWS
# adapter (`--no-default-features`): the offline scan does not need the AWS SDK, and its release
# build would take a quarter of an hour.
#
#   scripts/bench-scan.sh [INSTANCES]           (default 50000: a 157 MB state, a 129 MB snapshot)
#   scripts/bench-scan.sh --small [INSTANCES]   (default 65000 small resources, one instance
#                                                each: where per-resource overhead shows)
set -euo pipefail
cd "$(dirname "$0")/.."

shape=() suffix=""
if [[ ${1:-} == --small ]]; then
  shape=(--small) suffix="-small"
  shift
fi
instances="${1:-$([[ -n $suffix ]] && echo 65000 || echo 50000)}"
target_dir="${CARGO_TARGET_DIR:-target}"
work="$target_dir/bench-scan"
mkdir -p "$work"
state="$work/state-$instances$suffix.tfstate"
live="$work/live-$instances$suffix.json"

echo "==> building release binaries"
cargo build --release --locked --no-default-features -p plumb-cli -p plumb-state -p plumb-drift --examples --bins 2>&1 | tail -1

if [[ ! -s $state ]]; then
  echo "==> generating a state of $instances resource instances"
  "$target_dir/release/examples/gen_state" "${shape[@]}" --instances "$instances" "$state"
fi
# The snapshot is derived from the state, so it is regenerated whenever the state is newer.
if [[ ! -s $live || $state -nt $live ]]; then
  echo "==> generating its snapshot (1% drifted, a quarter with noise only)"
  "$target_dir/release/examples/gen_scan" "$state" "$live"
fi
state_bytes=$(stat -c %s "$state")
live_bytes=$(stat -c %s "$live")
echo "    $state: $(python3 -c "print(f'{$state_bytes/1e6:.1f}')") MB"
echo "    $live: $(python3 -c "print(f'{$live_bytes/1e6:.1f}')") MB"

# Warm the page cache so every side reads from memory.
cat "$state" "$live" >/dev/null

measure() { # prints "seconds max_rss_kb" of the best of three runs
  local best_s="" best_kb="" rc
  for _ in 1 2 3; do
    rc=0
    /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >"$work/out.json" || rc=$?
    # `plumb scan` exits 2 when it finds drift, which it must here.
    if ((rc != 0 && rc != 2)); then
      echo "error: $* exited with $rc" >&2
      exit 1
    fi
    read -r s kb < <(tail -1 "$work/time.txt")
    if [[ -z $best_s ]] || python3 -c "import sys; sys.exit(0 if $s < $best_s else 1)"; then
      best_s=$s best_kb=$kb
    fi
  done
  echo "$best_s $best_kb"
}

echo "==> serde_json validation (IgnoredAny) of each file"
read -r validate_state_s _ < <(measure "$target_dir/release/examples/bench_read" --validate-only "$state")
read -r validate_live_s _ < <(measure "$target_dir/release/examples/bench_read" --validate-only "$live")
echo "==> plumb scan --state S --snapshot L --format json"
read -r scan_s scan_kb < <(measure "$target_dir/release/plumb" scan --state "$state" --snapshot "$live" --format json)

python3 - "$state_bytes" "$live_bytes" "$validate_state_s" "$validate_live_s" "$scan_s" "$scan_kb" "$instances" "$work/out.json" <<'PY'
import json, os, sys
state, live = int(sys.argv[1]), int(sys.argv[2])
v_state, v_live, scan = float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
rss_kb, n, report = int(sys.argv[6]), sys.argv[7], sys.argv[8]
size, validate = state + live, v_state + v_live
summary = json.load(open(report))["summary"]
print()
print(f"machine:             {os.cpu_count()} cores")
print(f"state:               {n} instances, {state / 1e6:.1f} MB")
print(f"snapshot:            {live / 1e6:.1f} MB  (together {size / 1e6:.1f} MB)")
print(f"serde_json validate: {validate:.2f} s  ({v_state:.2f} s state + {v_live:.2f} s snapshot, {size / 1e6 / max(validate, 1e-9):.0f} MB/s)")
print(f"plumb scan:          {scan:.2f} s  = {scan / max(validate, 1e-9):.1f}x validation (target <= 6x)")
print(f"peak memory:         {rss_kb / 1024:.0f} MiB  = {rss_kb * 1024 / size:.2f}x the two files (target < 4x)")
print("findings:            " + ", ".join(f"{k} {summary[k]}" for k in
      ("managed", "in_sync", "drifted", "missing", "unmanaged", "tainted", "suppressed")))
print("by severity:         " + ", ".join(f"{k} {v}" for k, v in summary["by_severity"].items()))
PY
