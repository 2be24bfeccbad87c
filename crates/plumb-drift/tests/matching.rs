//! Matching and ownership, through the engine alone, on the golden scenarios' own fixtures
//! (`testdata/scenarios/match-*`): which live object each managed resource is, and which live
//! objects are nobody's.

use std::collections::BTreeSet;
use std::path::PathBuf;

use plumb_drift::{LiveView, Policy, ScanInput, ScanOutput, scan};
use plumb_model::{Kind, Observation, Scope, Value};
use plumb_schema::shipped_ref;

fn scenario(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../../testdata/scenarios/{name}"))
}

/// Scans a scenario's state against its snapshot, as `plumb scan --snapshot` does (without its
/// code: these cases are about matching, not pending changes).
fn run(name: &str) -> ScanOutput {
    let dir = scenario(name);
    let bytes = std::fs::read(dir.join("terraform.tfstate")).expect("the scenario's state");
    let state = plumb_state::read_state(&bytes, name, "default", shipped_ref()).expect("a state");
    let text = std::fs::read_to_string(dir.join("live.json")).expect("the scenario's snapshot");
    let snapshot: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let observations: Vec<Observation> = snapshot["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .map(|r| {
            let mut r = r.clone();
            r["provider"] = "registry.terraform.io/hashicorp/aws".into();
            serde_json::from_value(r).expect("an observation")
        })
        .collect();
    let strings = |key: &str| -> Vec<String> {
        snapshot["scanned"][key]
            .as_array()
            .expect("scanned")
            .iter()
            .map(|v| v.as_str().expect("a string").to_owned())
            .collect()
    };
    let scanned: BTreeSet<Scope> = strings("regions")
        .iter()
        .flat_map(|region| {
            strings("types")
                .into_iter()
                .map(move |t| Scope::new(region, t))
        })
        .collect();
    let unsupported = BTreeSet::new();
    scan(&ScanInput {
        workspace: "default",
        states: std::slice::from_ref(&state),
        config: None,
        live: LiveView {
            observations: &observations,
            scanned: &scanned,
            failed: &[],
            unsupported_types: &unsupported,
            enumerated: true,
        },
        schemas: shipped_ref(),
        policy: &Policy::default(),
        default_region: Some("eu-west-1"),
    })
}

/// Each finding as `KIND ADDRESS-OR-ID`, sorted.
fn findings(output: &ScanOutput) -> Vec<String> {
    let mut out: Vec<String> = output
        .findings
        .iter()
        .map(|f| {
            let subject = f.address.as_ref().map_or_else(
                || format!("{} {}", f.r#type, f.id.as_deref().unwrap_or_default()),
                ToString::to_string,
            );
            format!("{} {subject}", f.kind.as_str())
        })
        .collect();
    out.sort();
    out
}

#[test]
fn resources_that_share_an_id_are_each_matched_by_their_identity_attributes() {
    let output = run("match-duplicate-id-identity");
    assert_eq!(
        findings(&output),
        ["changed aws_iam_policy_attachment.write"],
        "{:#?}",
        output.findings
    );
    let changed = &output.findings[0];
    let paths: Vec<String> = changed
        .attributes
        .iter()
        .map(|a| a.path.to_string())
        .collect();
    assert_eq!(paths, ["roles"]);
    assert_eq!(output.summary.unmanaged, 0);
    assert_eq!(output.summary.in_sync, 3);
    let shared: Vec<&String> = output
        .warnings
        .iter()
        .filter(|w| w.contains("share the"))
        .collect();
    assert_eq!(shared.len(), 2, "{:?}", output.warnings);
    assert!(
        shared
            .iter()
            .any(|w| w.contains("aws_iam_policy_attachment.read")
                && w.contains("aws_iam_policy_attachment.write")),
        "{shared:?}"
    );
}

#[test]
fn an_eip_associated_through_its_own_argument_is_not_an_unmanaged_association() {
    let output = run("match-eip-associated-inline");
    // The association made by hand for `spare` is nobody's; those `aws_eip.web`'s `instance`
    // and the NAT gateway's `allocation_id` make are theirs.
    assert_eq!(
        findings(&output),
        [
            "changed aws_eip.spare",
            "unmanaged aws_eip_association eipassoc-0a1b2c3d4e5f60099"
        ],
        "{:#?}",
        output.findings
    );
    assert_eq!(output.summary.unmanaged, 1);
    // The owned associations are not counted as enumerated objects nobody manages.
    assert_eq!(output.summary.coverage, Some(0.8));
}

#[test]
fn objects_held_by_an_inline_argument_are_owned_by_it_in_every_pair() {
    let output = run("match-separate-resource-owned-inline");
    assert_eq!(
        findings(&output),
        [
            "changed aws_security_group.web",
            "unmanaged aws_vpc_security_group_ingress_rule sgr-0c1d2e3f4a5b60022"
        ],
        "{:#?}",
        output.findings
    );
    let group = output
        .findings
        .iter()
        .find(|f| f.kind == Kind::Changed)
        .expect("the group");
    assert_eq!(group.attributes[0].path.to_string(), "ingress");
    assert!(
        group.attributes[0]
            .added
            .iter()
            .any(|rule| rule.get("from_port") == Some(&Value::from(22))),
        "{:?}",
        group.attributes[0]
    );
}
