#!/usr/bin/env bash
# Plausibility check of plumb's normalization against driftctl's fixtures.
#
# driftctl's `remote/<case>/results.golden.json` hold the attributes the real AWS provider read
# for its enumeration tests; `iac/<case>/terraform.tfstate` are states from its IaC tests. They
# come from different accounts, so they never describe the same objects. For every resource type
# with both, this script pairs the first remote object of the type with the first state instance
# (the second with the second, ...), re-keys the remote object so that it matches (its id, and
# for types matched on identity attributes, those attributes), writes it as a plumb snapshot,
# runs `plumb scan`, and prints per type which attributes differ, classified:
#   account-specific  ids, ARNs, CIDRs, addresses, names, zones, tags: expected, the accounts differ
#   suppressed        judged noise by a normalizer (null vs empty, set order, ...): must be so
#   shape, NOT suppressed  an empty value against another empty value reported as drift: a bug
#   null vs zero value     null against false or 0: reported, as plumb does not assume a default
#   other             a functional value differs (instance state, a flag): plausible between accounts
#
# Usage: scripts/driftctl-plausibility.sh [--keep DIR]
# Needs PLUMB_CORPUS (default: ../shared/corpus beside the workspace) and python3.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
corpus="${PLUMB_CORPUS:-$root/../shared/corpus}"
keep=""
if [[ "${1:-}" == "--keep" ]]; then
  keep="${2:?--keep needs a directory}"
fi
if [[ ! -d "$corpus/states/driftctl/remote" || ! -d "$corpus/states/driftctl/iac" ]]; then
  echo "error: $corpus/states/driftctl/{remote,iac} not found (set PLUMB_CORPUS)" >&2
  exit 1
fi

echo "building plumb (cargo build -p plumb-cli)..." >&2
(cd "$root" && cargo build -q -p plumb-cli)
plumb="${PLUMB_BIN:-$root/target/debug/plumb}"

work="${keep:-$(mktemp -d)}"
mkdir -p "$work"
[[ -z "$keep" ]] && trap 'rm -rf "$work"' EXIT
echo "corpus: $corpus; work: $work" >&2

python3 - "$corpus/states/driftctl" "$plumb" "$work" <<'PY'
import glob, json, os, re, subprocess, sys
from collections import Counter, defaultdict

base, plumb, work = sys.argv[1:4]

BASE_TYPE = {"aws_default_vpc": "aws_vpc", "aws_default_subnet": "aws_subnet",
             "aws_default_security_group": "aws_security_group",
             "aws_default_route_table": "aws_route_table",
             "aws_default_network_acl": "aws_network_acl"}
# Attributes that identify objects of types whose Terraform id is synthetic (plumb matches on
# them): re-keyed from the state like the id.
IDENTITY = {
    "aws_security_group_rule": ["security_group_id", "type", "protocol", "from_port", "to_port",
                                "cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids",
                                "source_security_group_id", "self"],
    "aws_route": ["route_table_id", "destination_cidr_block", "destination_ipv6_cidr_block",
                  "destination_prefix_list_id"],
    "aws_network_acl_rule": ["network_acl_id", "rule_number", "egress"],
    "aws_volume_attachment": ["volume_id", "instance_id", "device_name"],
}

def remote_objects():
    """type -> [(case, attributes)], cases in name order, objects in file order."""
    out = defaultdict(list)
    for case in sorted(os.listdir(os.path.join(base, "remote"))):
        d = os.path.join(base, "remote", case)
        results = os.path.join(d, "results.golden.json")
        if not os.path.isfile(results):
            continue
        types = {os.path.basename(f).split("-", 1)[0] for f in glob.glob(os.path.join(d, "*.res.golden.json"))}
        if len(types) != 1:
            continue
        (t,) = types
        for attrs in json.load(open(results)):
            out[t].append((case, attrs))
    return out

def iac_instances():
    """type -> [(case, resource block, instance)] in name order."""
    out = defaultdict(list)
    for case in sorted(os.listdir(os.path.join(base, "iac"))):
        f = os.path.join(base, "iac", case, "terraform.tfstate")
        if not os.path.isfile(f):
            continue
        state = json.load(open(f))
        for r in state.get("resources", []):
            if r.get("mode") != "managed":
                continue
            for inst in r.get("instances", []):
                out[r["type"]].append((case, state, r, inst))
    return out

def region_of(attrs):
    arn = attrs.get("arn") or ""
    m = re.match(r"arn:aws:[^:]*:([a-z0-9-]+):", arn)
    if m:
        return m.group(1)
    az = attrs.get("availability_zone") or ""
    if re.match(r"^[a-z]+-[a-z]+-\d[a-z]$", az):
        return az[:-1]
    return None

ID_RE = re.compile(r"^(sg|sgr|subnet|vpc|igw|rtb|rtbassoc|acl|aclassoc|eni|vol|snap|ami|i|nat|eipalloc|eipassoc|pcx|lt|key|r|vai|nacl|dopt|eigw|vpce|tgw)-[0-9a-zA-Z]+")
def looks_account_specific(path, values):
    name = next((p for p in reversed(path) if isinstance(p, str)), "")
    if re.search(r"(^|_)(id|ids|arn|owner|owner_id|cidr|cidr_block|cidr_blocks|ip|ips|dns|zone|name|key_name|"
                 r"fingerprint|public_key|tags|tags_all|security_groups|description|device_name|"
                 r"snapshot_id|kms_key_id|image_location|create_time|creation_date|start_time|"
                 r"volume_id|data_encryption_key_id|allocation_id|association_id|address|"
                 r"main_route_table_id|default_[a-z_]+_id|user_data|hash|version)$", name):
        return True
    if path and path[0] in ("tags", "tags_all", "root_block_device", "ebs_block_device",
                            "network_interface", "credit_specification"):
        return True
    text = json.dumps(values)
    return bool(ID_RE.search(text.replace('"', " ").strip()) or "arn:aws:" in text
                or re.search(r"\d+\.\d+\.\d+\.\d+", text))

def empty(v):
    return v in (None, "", [], {}) or (isinstance(v, list) and all(empty(x) for x in v))

remote, iac = remote_objects(), iac_instances()
types = sorted(set(remote) & set(iac))
print(f"driftctl plausibility: {len(types)} types with both remote goldens and an iac state")
print(f"(remote-only: {', '.join(sorted(set(remote) - set(iac))) or '-'}; iac-only: {', '.join(sorted(set(iac) - set(remote))) or '-'})")
totals = Counter()
for t in types:
    pairs = list(zip(iac[t], remote[t]))
    states, snapshot = {}, []
    region = next((region_of(inst["attributes"]) for _, _, _, inst in iac[t] if region_of(inst["attributes"])), "us-east-1")
    for (case, state, block, inst), (rcase, rattrs) in pairs:
        doc = states.setdefault(case, dict(state, resources=[]))
        rb = next((b for b in doc["resources"] if b["name"] == block["name"] and b["type"] == block["type"] and b.get("module") == block.get("module")), None)
        if rb is None:
            rb = dict(block, instances=[])
            doc["resources"].append(rb)
        rb["instances"].append(inst)
        live = dict(rattrs)
        sid = inst["attributes"].get("id")
        live["id"] = sid
        for k in IDENTITY.get(t, []):
            if k in inst["attributes"]:
                live[k] = inst["attributes"][k]
        snapshot.append({"region": region, "type": BASE_TYPE.get(t, t), "id": sid, "attributes": live})
    d = os.path.join(work, t)
    os.makedirs(d, exist_ok=True)
    state_files = []
    for case, doc in states.items():
        f = os.path.join(d, f"{case}.tfstate")
        json.dump(doc, open(f, "w"), indent=1)
        state_files.append(f)
    snap = os.path.join(d, "live.json")
    json.dump({"format_version": "1", "scanned": {"regions": [region], "types": [BASE_TYPE.get(t, t)]},
               "resources": snapshot}, open(snap, "w"), indent=1)
    cmd = [plumb, "scan", "--snapshot", snap, "--format", "json", "--fail-on", "none", "--region", region]
    for f in state_files:
        cmd += ["--state", f]
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode not in (0, 2):
        print(f"\n{t}: plumb failed ({run.returncode}): {run.stderr.strip()}")
        totals["failed types"] += 1
        continue
    report = json.loads(run.stdout)
    s = report["summary"]
    account, shape_bad, other, zero = Counter(), Counter(), Counter(), Counter()
    suppressed = Counter()
    for x in report["suppressed"]:
        suppressed[(x["rule"], "/".join(str(p) for p in x["path"]))] += 1
    unmatched = []
    for f in report["findings"]:
        if f["kind"] != "changed":
            unmatched.append(f"{f['kind']} {f.get('address') or f.get('id')}")
            continue
        for a in f["attributes"]:
            key = "/".join(str(p) for p in a["path"])
            st, lv = a.get("state"), a.get("live")
            if empty(st) and empty(lv):
                shape_bad[key] += 1
            elif (st is None and lv in (False, 0)) or (lv is None and st in (False, 0)):
                zero[f"{key} ({json.dumps(st)} -> {json.dumps(lv)})"] += 1
            elif looks_account_specific(a["path"], [st, lv, a.get("added"), a.get("removed")]):
                account[key] += 1
            else:
                other[f"{key} ({json.dumps(st)[:40]} -> {json.dumps(lv)[:40]})"] += 1
    print(f"\n{t}: {len(pairs)} pair(s) [{region}]; managed {s['managed']}, in_sync {s['in_sync']}, drifted {s['drifted']}, "
          f"missing {s['missing']}, unmanaged {s['unmanaged']}, suppressed {s['suppressed']}")
    if account:
        print("  account-specific: " + ", ".join(f"{k}×{n}" if n > 1 else k for k, n in sorted(account.items())))
    if suppressed:
        print("  suppressed (shape noise): " + ", ".join(f"{p} [{r}]" + (f"×{n}" if n > 1 else "") for (r, p), n in sorted(suppressed.items(), key=lambda x: (x[0][1], x[0][0]))))
    if zero:
        print("  null vs zero value (reported): " + ", ".join(sorted(zero)))
    if other:
        print("  other differences: " + "; ".join(sorted(other)))
    if shape_bad:
        print("  SHAPE NOISE NOT SUPPRESSED: " + ", ".join(sorted(shape_bad)))
    if unmatched:
        print("  not matched: " + ", ".join(unmatched))
    if report.get("warnings"):
        print("  warnings: " + "; ".join(report["warnings"]))
    totals["types"] += 1
    totals["pairs"] += len(pairs)
    totals["account-specific differences"] += sum(account.values())
    totals["suppressed differences"] += sum(suppressed.values())
    totals["other differences"] += sum(other.values())
    totals["null vs zero value"] += sum(zero.values())
    totals["unsuppressed shape noise"] += sum(shape_bad.values())
    totals["unmatched findings"] += len(unmatched)
    totals["pairs in sync"] += s["in_sync"]
print("\ntotals: " + ", ".join(f"{k} {v}" for k, v in totals.items()))
sys.exit(1 if totals["unsuppressed shape noise"] or totals["failed types"] else 0)
PY
