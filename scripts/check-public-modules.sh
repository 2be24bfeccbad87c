#!/usr/bin/env bash
# Loads every module folder of public Terraform modules with plumb-hcl and compares the number of
# root `resource` blocks with a plain `grep -c '^resource "'`. Needs checkouts made beforehand
# (network), so it is not part of the test suite.
#
# usage: scripts/check-public-modules.sh DIR
#   DIR holds checkouts such as terraform-aws-vpc/ and terraform-aws-security-group/
#   (terraform-aws-modules on GitHub); every folder below DIR with a .tf file is checked.
set -euo pipefail

if [[ $# -ne 1 || ! -d "$1" ]]; then
    echo "usage: $0 DIR  (a directory of Terraform module checkouts)" >&2
    exit 2
fi
base=$1
repo_root=$(cd "$(dirname "$0")/.." && pwd)

echo "==> building the loader example (cargo build -p plumb-hcl --example load)"
(cd "$repo_root" && cargo build --quiet -p plumb-hcl --example load)
loader="$repo_root/target/debug/examples/load"

echo "==> finding module folders under $base"
mapfile -t folders < <(find "$base" -name '*.tf' -not -path '*/.terraform/*' -printf '%h\n' | sort -u)
echo "    ${#folders[@]} folders"

loaded=0 matched=0 mismatched=0 failed=0 blocks=0
for dir in "${folders[@]}"; do
    expected=$(cat "$dir"/*.tf | grep -c '^resource "' || true)
    line=$("$loader" "$dir" || true)
    got=${line#*$'\t'}
    if [[ $got == error:* ]]; then
        echo "FAIL  $dir: ${got#error: }"
        failed=$((failed + 1))
        continue
    fi
    loaded=$((loaded + 1))
    if [[ $got == "$expected" ]]; then
        matched=$((matched + 1))
        blocks=$((blocks + expected))
    else
        echo "DIFF  $dir: loader $got, grep $expected"
        mismatched=$((mismatched + 1))
    fi
done

echo "==> ${#folders[@]} folders: $loaded loaded, $failed failed; $matched matched ($blocks resource blocks), $mismatched differed"
[[ $failed -eq 0 && $mismatched -eq 0 ]]
