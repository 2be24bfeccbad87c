//! Planning a scan: what is asked of the adapters follows from the inputs as the engine will
//! read them.

use plumb_model::Scope;
use plumb_scan::inputs::Inputs;
use plumb_scan::{Plan, ScanOptions};

/// A v4 state: a VPC whose ARN says eu-west-1, under the default provider, and a route under
/// an aliased provider that nothing places (no region, ARN or zone, no provider block).
const STATE: &str = r#"{
  "version": 4, "terraform_version": "1.9.0", "serial": 1, "lineage": "x",
  "resources": [
    {"mode": "managed", "type": "aws_vpc", "name": "main",
     "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
     "instances": [{"attributes": {"id": "vpc-1",
        "arn": "arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-1"}}]},
    {"mode": "managed", "type": "aws_route", "name": "out",
     "provider": "provider[\"registry.terraform.io/hashicorp/aws\"].other",
     "instances": [{"attributes": {"id": "r-rtb-1080289494",
        "route_table_id": "rtb-1", "destination_cidr_block": "0.0.0.0/0"}}]}
  ]
}"#;

fn plan(dir: &std::path::Path, regions: &[&str]) -> Plan {
    let state = dir.join("terraform.tfstate");
    std::fs::write(&state, STATE).unwrap();
    Plan::read(ScanOptions {
        inputs: Inputs {
            state: vec![state.display().to_string()],
            ..Inputs::default()
        },
        regions: regions.iter().map(|r| (*r).to_owned()).collect(),
        managed_only: true,
        today: "2026-12-04".to_owned(),
        ..ScanOptions::default()
    })
    .unwrap()
}

/// A managed-only read asks for the states' ids only; an object that only the scan's default
/// region places (the one region read) must be asked for there, or it would look missing.
#[test]
fn a_managed_only_read_asks_for_what_only_the_default_region_places() {
    let dir = tempfile::tempdir().unwrap();
    let plan = plan(dir.path(), &[]);
    let request = plan.request(&[], &|_, _| false);
    assert_eq!(request.regions, ["eu-west-1"]);
    assert_eq!(plan.default_region(&request), Some("eu-west-1"));
    let ids = request.ids.expect("managed-only asks for ids");
    let route = ids
        .get(&Scope::new("eu-west-1", "aws_route"))
        .expect("the route is asked for in the default region");
    assert!(route.contains("r-rtb-1080289494"));
    assert!(ids[&Scope::new("eu-west-1", "aws_vpc")].contains("vpc-1"));
}

/// Types come from the states and from what the adapters serve; `--types` narrows them;
/// per-resource reads are asked where the predicate says.
#[test]
fn the_request_names_the_states_types_and_the_served_ones() {
    let dir = tempfile::tempdir().unwrap();
    let plan = plan(dir.path(), &["us-east-2"]);
    let request = plan.request(&["aws_subnet".to_owned()], &|t, _| t == "aws_vpc");
    assert_eq!(request.types, ["aws_route", "aws_subnet", "aws_vpc"]);
    assert_eq!(request.regions, ["eu-west-1", "us-east-2"]);
    assert_eq!(
        request.details.keys().collect::<Vec<_>>(),
        [&Scope::new("eu-west-1", "aws_vpc")]
    );
    // One --region places what nothing else does.
    let ids = request.ids.unwrap();
    assert!(ids.contains_key(&Scope::new("us-east-2", "aws_route")));
}
