//! Holds the schema plumb ships (`provider-schemas/aws-resources.txt.gz`, generated from the
//! provider's facts and plumb's own tables) against real `terraform providers schema -json`
//! output of the AWS provider at 6.47.0 and 4.36.1, read from the shared corpus
//! (`$PLUMB_CORPUS/schema/`).
//!
//! - Every attribute (at any depth) of a type shipped from a table must agree in type and flags
//!   (required, optional, computed, sensitive), and every block in nesting mode, with one of the
//!   two versions.
//! - Every attribute and block of the 6.47.0 schema must be in the table, or named in
//!   `NOT_SHIPPED` below with the reason it is left out.
//! - Every type of the 6.47.0 facts is shipped, and the types without a table exactly as the
//!   facts say.
//! - The committed artefact must be exactly what `scripts/gen-provider-schemas.py` makes.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use plumb_schema::{
    Attribute, Block, ProviderSchemas, TABLE_TYPES, parse_shipped_type, shipped_ref, shipped_types,
};

const V6: &str = "6.47.0";
const V4: &str = "4.36.1";

/// Attributes and blocks of the 6.47.0 schema that plumb deliberately does not ship, as
/// `(type, dotted path)`; a block's path covers everything inside it. Each entry says why.
/// The tables are written from the provider's Go source and docs; where the stored source
/// revision predates an attribute and the docs do not say whether the provider computes it,
/// we leave it out rather than guess (a type without the attribute compares it generically).
const NOT_SHIPPED: &[(&str, &str)] = &[
    // aws_launch_template: added after the source revision our table follows (the 4.x/5.x-era
    // schema); their flags are not established from source yet.
    (
        "aws_launch_template",
        "block_device_mappings.ebs.volume_initialization_rate",
    ),
    ("aws_launch_template", "cpu_options.amd_sev_snp"),
    ("aws_launch_template", "cpu_options.nested_virtualization"),
    (
        "aws_launch_template",
        "instance_requirements.max_spot_price_as_percentage_of_optimal_on_demand_price",
    ),
    ("aws_launch_template", "network_interfaces.primary_ipv6"),
    (
        "aws_launch_template",
        "network_interfaces.connection_tracking_specification",
    ),
    (
        "aws_launch_template",
        "network_interfaces.ena_srd_specification",
    ),
    ("aws_launch_template", "network_performance_options"),
    ("aws_launch_template", "placement.group_id"),
    ("aws_launch_template", "secondary_interfaces"),
    // aws_instance: added in 5.x/6.x after the source revision our table follows; the docs
    // name them but do not say which parts are computed.
    ("aws_instance", "enable_primary_ipv6"),
    ("aws_instance", "placement_group_id"),
    ("aws_instance", "primary_network_interface"),
    ("aws_instance", "secondary_network_interface"),
    ("aws_instance", "cpu_options.nested_virtualization"),
    // aws_route_table: `route` is a set of objects whose object type gained `odb_network_arn`
    // in 6.x, after the stored source revision; shipping the older object type would be wrong
    // for 6.x states, so routes compare without a schema until the table catches up.
    ("aws_route_table", "route"),
    // aws_route: the ODB network target arrived in 6.x, after the stored source revision.
    ("aws_route", "odb_network_arn"),
    // aws_network_interface: added in 5.x/6.x after the stored source revision.
    ("aws_network_interface", "enable_primary_ipv6"),
    ("aws_network_interface", "attachment.network_card_index"),
    ("aws_network_interface", "ena_srd_specification"),
    // aws_nat_gateway: regional NAT gateways (late 6.x) postdate the stored source revision;
    // secondary_allocation_ids is optional-only there, but computed in 6.x, so not shipped.
    ("aws_nat_gateway", "secondary_allocation_ids"),
    ("aws_nat_gateway", "auto_provision_zones"),
    ("aws_nat_gateway", "auto_scaling_ips"),
    ("aws_nat_gateway", "availability_mode"),
    ("aws_nat_gateway", "regional_nat_gateway_address"),
    ("aws_nat_gateway", "regional_nat_gateway_auto_mode"),
    ("aws_nat_gateway", "route_table_id"),
    ("aws_nat_gateway", "vpc_id"),
    ("aws_nat_gateway", "availability_zone_address"),
    // aws_route_table_association: the stored source revision declares no Timeouts; the
    // 6.x `timeouts` block is configuration only and never drifts.
    ("aws_route_table_association", "timeouts"),
];

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn corpus() -> PathBuf {
    let dir = std::env::var_os("PLUMB_CORPUS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"),
        PathBuf::from,
    );
    assert!(
        dir.join("schema").is_dir(),
        "the shared corpus is not at {}: set PLUMB_CORPUS to the `corpus` directory of the \
         shared material (the one holding schema/aws-6.47.0-ec2-subset.json)",
        dir.display()
    );
    dir
}

fn load(version: &str) -> ProviderSchemas {
    let path = corpus().join(format!("schema/aws-{version}-ec2-subset.json"));
    ProviderSchemas::load(&path).unwrap_or_else(|e| panic!("{e}"))
}

/// Every resource type of 6.47.0, facts only.
fn load_facts() -> ProviderSchemas {
    let path = corpus().join("schema/aws-6.47.0-resources.json");
    ProviderSchemas::load(&path).unwrap_or_else(|e| panic!("{e}"))
}

fn describe(a: &Attribute) -> String {
    let mut text = a.r#type.to_string();
    for (flag, on) in [
        ("required", a.required),
        ("optional", a.optional),
        ("computed", a.computed),
        ("sensitive", a.sensitive),
    ] {
        if on {
            text.push(' ');
            text.push_str(flag);
        }
    }
    text
}

fn agrees(ours: &Attribute, theirs: &Attribute) -> bool {
    ours.r#type == theirs.r#type
        && ours.required == theirs.required
        && ours.optional == theirs.optional
        && ours.computed == theirs.computed
        && ours.sensitive == theirs.sensitive
}

#[derive(Default)]
struct TypeReport {
    /// Shipped attributes and blocks agreeing with each version (an item may agree with both).
    agree: BTreeMap<&'static str, usize>,
    /// Shipped items that agree with 4.36.1 only.
    only_v4: Vec<String>,
    mismatches: Vec<String>,
    missing: Vec<String>,
    allowed: BTreeSet<String>,
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}.{name}")
    }
}

/// Checks every shipped attribute and block of `ours` against the same place in each version.
fn check_shipped(
    prefix: &str,
    ours: &Block,
    v6: Option<&Block>,
    v4: Option<&Block>,
    report: &mut TypeReport,
) {
    for (name, attribute) in &ours.attributes {
        let path = join(prefix, name);
        let in6 = v6.and_then(|b| b.attributes.get(name));
        let in4 = v4.and_then(|b| b.attributes.get(name));
        let ok6 = in6.is_some_and(|t| agrees(attribute, t));
        let ok4 = in4.is_some_and(|t| agrees(attribute, t));
        record(report, &path, ok6, ok4, || {
            let show = |t: Option<&Attribute>| t.map_or("absent".to_owned(), describe);
            format!(
                "{path}: ours `{}`, {V6} `{}`, {V4} `{}`",
                describe(attribute),
                show(in6),
                show(in4)
            )
        });
    }
    for (name, nested) in &ours.block_types {
        let path = join(prefix, name);
        let in6 = v6.and_then(|b| b.block_types.get(name));
        let in4 = v4.and_then(|b| b.block_types.get(name));
        let ok6 = in6.is_some_and(|t| t.nesting == nested.nesting);
        let ok4 = in4.is_some_and(|t| t.nesting == nested.nesting);
        record(report, &path, ok6, ok4, || {
            let show = |t: Option<&plumb_schema::NestedBlock>| {
                t.map_or("absent".to_owned(), |t| {
                    format!("block {}", t.nesting.as_str())
                })
            };
            format!(
                "{path}: ours `block {}`, {V6} `{}`, {V4} `{}`",
                nested.nesting.as_str(),
                show(in6),
                show(in4)
            )
        });
        check_shipped(
            &path,
            &nested.block,
            in6.map(|t| &t.block),
            in4.map(|t| &t.block),
            report,
        );
    }
}

fn record(report: &mut TypeReport, path: &str, ok6: bool, ok4: bool, why: impl FnOnce() -> String) {
    if ok6 {
        *report.agree.entry(V6).or_default() += 1;
    }
    if ok4 {
        *report.agree.entry(V4).or_default() += 1;
        if !ok6 {
            report.only_v4.push(path.to_owned());
        }
    }
    if !ok6 && !ok4 {
        report.mismatches.push(why());
    }
}

/// Lists what the 6.47.0 schema has and we do not ship, unless allow-listed.
fn check_complete(
    type_name: &str,
    prefix: &str,
    ours: Option<&Block>,
    v6: &Block,
    report: &mut TypeReport,
) {
    let allowed = |path: &str| NOT_SHIPPED.contains(&(type_name, path));
    for name in v6.attributes.keys() {
        let path = join(prefix, name);
        if ours.is_some_and(|b| b.attributes.contains_key(name)) {
            continue;
        }
        if allowed(&path) {
            report.allowed.insert(path);
        } else {
            report.missing.push(path);
        }
    }
    for (name, nested) in &v6.block_types {
        let path = join(prefix, name);
        let inner = ours.and_then(|b| b.block_types.get(name)).map(|n| &n.block);
        if inner.is_none() {
            if allowed(&path) {
                report.allowed.insert(path);
            } else {
                report.missing.push(path);
            }
            continue;
        }
        check_complete(type_name, &path, inner, &nested.block, report);
    }
}

#[test]
fn shipped_schema_agrees_with_the_real_provider_schemas() {
    let v6 = load(V6);
    let v4 = load(V4);
    let ours = shipped_ref();
    let mut failures = String::new();
    let mut summary = String::new();
    let mut used_allowances = BTreeSet::new();
    for &type_name in TABLE_TYPES {
        let Some(schema) = ours.resource(type_name) else {
            writeln!(failures, "{type_name}: not in the shipped schema").unwrap();
            continue;
        };
        let in6 = v6.resource(type_name);
        let in4 = v4.resource(type_name);
        let mut report = TypeReport::default();
        check_shipped(
            "",
            &schema.block,
            in6.map(|s| &s.block),
            in4.map(|s| &s.block),
            &mut report,
        );
        if let Some(in6) = in6 {
            check_complete(type_name, "", Some(&schema.block), &in6.block, &mut report);
        }
        let total = count(&schema.block);
        let agree6 = report.agree.get(V6).copied().unwrap_or(0);
        let verdict = if report.mismatches.is_empty() && agree6 == total {
            format!("agrees with {V6}")
        } else if report.mismatches.is_empty() {
            format!(
                "agrees with {V6} except {} item(s) that follow {V4}: {}",
                report.only_v4.len(),
                report.only_v4.join(", ")
            )
        } else {
            format!("{} mismatch(es)", report.mismatches.len())
        };
        writeln!(
            summary,
            "{type_name} (version {}): {total} items shipped, {verdict}; {} left out by NOT_SHIPPED",
            schema.version,
            report.allowed.len()
        )
        .unwrap();
        for path in &report.allowed {
            used_allowances.insert((type_name, path.clone()));
        }
        if !report.mismatches.is_empty() || !report.missing.is_empty() {
            writeln!(failures, "{type_name}:").unwrap();
            for m in &report.mismatches {
                writeln!(failures, "  disagrees with both versions: {m}").unwrap();
            }
            for m in &report.missing {
                writeln!(
                    failures,
                    "  in {V6} but not shipped (ship it or add it to NOT_SHIPPED): {m}"
                )
                .unwrap();
            }
        }
    }
    for &(type_name, path) in NOT_SHIPPED {
        if !used_allowances.contains(&(type_name, path.to_owned())) {
            writeln!(
                failures,
                "NOT_SHIPPED names {type_name} {path}, which is shipped or not in {V6}: remove it"
            )
            .unwrap();
        }
    }
    println!("{summary}");
    assert!(failures.is_empty(), "{summary}\n{failures}");
}

fn count(block: &Block) -> usize {
    block.attributes.len()
        + block
            .block_types
            .values()
            .map(|b| 1 + count(&b.block))
            .sum::<usize>()
}

#[test]
fn shipped_schema_knows_every_resource_type_of_the_facts() {
    let facts = load_facts();
    let expected: BTreeSet<&str> = facts
        .providers
        .values()
        .flat_map(|p| p.resources.keys())
        .map(String::as_str)
        .collect();
    let shipped: BTreeSet<&str> = shipped_types().collect();
    let missing: Vec<_> = expected.difference(&shipped).collect();
    let extra: Vec<_> = shipped.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "the facts have {} types, plumb ships {}: missing {missing:?}, not in the facts {extra:?}",
        expected.len(),
        shipped.len()
    );
    let mut failures = String::new();
    for &type_name in &expected {
        let ours = match parse_shipped_type(type_name) {
            Some(Ok(schema)) => schema,
            Some(Err(e)) => {
                writeln!(failures, "{e}").unwrap();
                continue;
            }
            None => unreachable!("listed above"),
        };
        if TABLE_TYPES.contains(&type_name) {
            continue;
        }
        let theirs = facts.resource(type_name).expect("listed above");
        if &ours != theirs {
            writeln!(failures, "{type_name}: shipped differs from the facts").unwrap();
        }
    }
    assert!(failures.is_empty(), "{failures}");
    for type_name in TABLE_TYPES {
        assert!(
            shipped_ref().resource(type_name).is_some(),
            "{type_name} has a table but does not ship"
        );
    }
    println!("{} resource types shipped", shipped.len());
}

#[test]
fn shipped_artefact_is_what_the_generator_makes() {
    let root = workspace_root();
    let facts = corpus().join("schema/aws-6.47.0-resources.json");
    let output = Command::new("python3")
        .arg("scripts/gen-provider-schemas.py")
        .arg("--check")
        .arg("--facts")
        .arg(&facts)
        .current_dir(&root)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run python3 (needed to check provider-schemas/aws-resources.txt.gz \
                 against the tables and facts): {e}; install python3"
            )
        });
    assert!(
        output.status.success(),
        "provider-schemas/aws-resources.txt.gz is stale: run scripts/gen-provider-schemas.py\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
