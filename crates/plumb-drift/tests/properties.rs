//! Properties of the comparison and normalization logic, over generated values: what must hold
//! for every input, not only for the scenarios someone thought of.

use std::collections::BTreeSet;
use std::str::FromStr;

use plumb_drift::compare::{Outcome, compare};
use plumb_drift::normalize::{NormalizeContext, registry};
use plumb_drift::{LiveView, Policy, ScanInput, ScanOutput, scan};
use plumb_model::catalog::values::canonical_cidr;
use plumb_model::state::{ProviderRef, StateFormat, Status};
use plumb_model::{Address, AttrPath, Map, Observation, Resource, Scope, StateDoc, Value};
use plumb_schema::{ProviderSchemas, shipped_ref};
use proptest::prelude::*;

const REGION: &str = "eu-west-1";

fn schemas() -> &'static ProviderSchemas {
    shipped_ref()
}

fn map(entries: Vec<(&str, Value)>) -> Value {
    let mut m = Map::new();
    for (k, v) in entries {
        m.insert(k, v);
    }
    Value::Map(m)
}

fn strings(items: &[String]) -> Value {
    Value::List(items.iter().map(|s| Value::from(s.as_str())).collect())
}

fn cidr() -> impl Strategy<Value = String> {
    (any::<[u8; 4]>(), 0u8..=32)
        .prop_map(|(a, p)| format!("{}.{}.{}.{}/{p}", a[0], a[1], a[2], a[3]))
}

fn id(prefix: &'static str) -> impl Strategy<Value = String> {
    "[0-9a-f]{8}".prop_map(move |s| format!("{prefix}-{s}"))
}

/// An inline security group rule, in the provider's shape.
fn sg_rule() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(vec!["tcp", "udp", "-1", "6", "icmp"]),
        0u16..1024,
        0u16..64,
        prop::collection::btree_set(cidr(), 0..3),
        prop::collection::btree_set(id("sg"), 0..3),
        "[a-zA-Z ]{0,12}",
        any::<bool>(),
    )
        .prop_map(
            |(protocol, from, span, cidrs, groups, description, self_)| {
                let cidrs: Vec<String> = cidrs.into_iter().collect();
                let groups: Vec<String> = groups.into_iter().collect();
                map(vec![
                    ("cidr_blocks", strings(&cidrs)),
                    ("description", Value::from(description.as_str())),
                    ("from_port", Value::from(i64::from(from))),
                    ("ipv6_cidr_blocks", Value::List(Vec::new())),
                    ("prefix_list_ids", Value::List(Vec::new())),
                    ("protocol", Value::from(protocol)),
                    ("security_groups", strings(&groups)),
                    ("self", Value::Bool(self_)),
                    ("to_port", Value::from(i64::from(from + span))),
                ])
            },
        )
}

/// A permutation of `items`, by sorting on generated keys.
fn shuffled<T: Clone>(items: &[T], keys: &[u32]) -> Vec<T> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| keys.get(i).copied().unwrap_or_default());
    order.into_iter().map(|i| items[i].clone()).collect()
}

fn not_different(outcome: &Outcome) -> bool {
    !matches!(outcome, Outcome::Different(_))
}

fn compare_attr(resource_type: &str, attribute: &str, state: &Value, live: &Value) -> Outcome {
    compare(
        schemas().resource(resource_type),
        resource_type,
        &AttrPath::attr(attribute),
        state,
        live,
    )
}

/// A JSON-like value whose strings are the kinds normalizers rewrite: CIDRs, protocol names,
/// enumerations in any case, JSON documents, empties.
fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-2i64..70000).prop_map(Value::from),
        cidr().prop_map(Value::from),
        prop::sample::select(vec![
            "tcp", "TCP", "all", "-1", "6", "udp", "Allow", "GP3", "", "x"
        ])
        .prop_map(Value::from),
        Just(Value::from(
            r#"{"Statement":{"Action":"s3:*","Effect":"Allow","Resource":["b","a"]}}"#
        )),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::List),
            prop::collection::btree_map(
                prop::sample::select(vec![
                    "protocol",
                    "cidr_blocks",
                    "cidr_block",
                    "rule_action",
                    "volume_type",
                    "tags",
                    "description",
                    "from_port",
                ]),
                inner,
                0..4
            )
            .prop_map(|m| {
                let mut out = Map::new();
                for (k, v) in m {
                    out.insert(k, v);
                }
                Value::Map(out)
            }),
        ]
    })
}

fn state_doc(resources: Vec<Resource>) -> StateDoc {
    StateDoc {
        origin: "generated".to_owned(),
        workspace: "default".to_owned(),
        format: StateFormat::V4,
        terraform_version: Some("1.9.8".to_owned()),
        serial: Some(1),
        lineage: None,
        resources,
        outputs: Vec::new(),
        check_results: None,
    }
}

fn resource(address: &str, attributes: Value) -> Resource {
    Resource {
        address: Address::from_str(address).expect("a valid address"),
        provider: ProviderRef::hashicorp("aws"),
        status: Status::Ready,
        deposed: None,
        schema_version: Some(1),
        attributes,
        sensitive_paths: Vec::new(),
        dependencies: Vec::new(),
        identity: None,
    }
}

fn observation(resource_type: &str, attributes: &Value) -> Observation {
    Observation {
        provider: "registry.terraform.io/hashicorp/aws".to_owned(),
        region: REGION.to_owned(),
        r#type: resource_type.to_owned(),
        id: attributes
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        attributes: attributes.clone(),
        unread: Vec::new(),
        meta: std::collections::BTreeMap::new(),
    }
}

fn run(states: &[StateDoc], observations: &[Observation]) -> ScanOutput {
    run_with(states, observations, &Policy::default())
}

fn run_with(states: &[StateDoc], observations: &[Observation], policy: &Policy) -> ScanOutput {
    let scanned: BTreeSet<Scope> = observations
        .iter()
        .map(|o| Scope::new(REGION, &o.r#type))
        .collect();
    let unsupported = BTreeSet::new();
    scan(&ScanInput {
        workspace: "default",
        states,
        config: None,
        live: LiveView {
            observations,
            scanned: &scanned,
            failed: &[],
            unsupported_types: &unsupported,
            enumerated: true,
        },
        schemas: schemas(),
        policy,
        default_region: Some(REGION),
    })
}

fn security_group(id: &str, ingress: Vec<Value>, egress: Vec<Value>) -> Value {
    map(vec![
        ("id", Value::from(id)),
        ("name", Value::from("web")),
        ("region", Value::from(REGION)),
        ("vpc_id", Value::from("vpc-0a1b2c3d")),
        ("ingress", Value::List(ingress)),
        ("egress", Value::List(egress)),
        ("tags", map(vec![("Name", Value::from("web"))])),
        ("tags_all", map(vec![("Name", Value::from("web"))])),
    ])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// A set of strings in another order is the same set.
    #[test]
    fn a_shuffled_set_of_strings_never_drifts(
        ids in prop::collection::vec(id("sg"), 0..8),
        keys in prop::collection::vec(any::<u32>(), 8),
    ) {
        let state = strings(&ids);
        let live = strings(&shuffled(&ids, &keys));
        let outcome = compare_attr("aws_instance", "vpc_security_group_ids", &state, &live);
        prop_assert!(not_different(&outcome), "{outcome:?}");
    }

    /// A set of rule objects, and the sets inside each rule, in another order.
    #[test]
    fn a_shuffled_set_of_rules_never_drifts(
        rules in prop::collection::vec(sg_rule(), 0..6),
        keys in prop::collection::vec(any::<u32>(), 6),
        inner in prop::collection::vec(any::<u32>(), 3),
    ) {
        let live: Vec<Value> = shuffled(&rules, &keys)
            .into_iter()
            .map(|mut rule| {
                if let Some(Value::List(groups)) = rule.as_map_mut().and_then(|m| m.get_mut("security_groups")) {
                    *groups = shuffled(groups, &inner);
                }
                rule
            })
            .collect();
        for attribute in ["ingress", "egress"] {
            let outcome = compare_attr(
                "aws_security_group",
                attribute,
                &Value::List(rules.clone()),
                &Value::List(live.clone()),
            );
            prop_assert!(not_different(&outcome), "{attribute}: {outcome:?}");
        }
    }

    /// A state scanned against itself as the live side: nothing found, nothing suppressed.
    #[test]
    fn a_state_against_itself_has_no_findings(
        groups in prop::collection::vec(
            (prop::collection::vec(sg_rule(), 0..4), prop::collection::vec(sg_rule(), 0..3)),
            1..5,
        ),
        instance_type in prop::sample::select(vec!["t3.small", "m6i.large"]),
        user_data in "[ -~]{0,40}",
    ) {
        let mut resources = Vec::new();
        let mut observations = Vec::new();
        for (i, (ingress, egress)) in groups.into_iter().enumerate() {
            let attributes = security_group(&format!("sg-{i:08x}"), ingress, egress);
            observations.push(observation("aws_security_group", &attributes));
            resources.push(resource(&format!("aws_security_group.g{i}"), attributes));
        }
        let instance = map(vec![
            ("id", Value::from("i-0123456789abcdef0")),
            ("region", Value::from(REGION)),
            ("instance_type", Value::from(instance_type)),
            ("user_data", Value::from(user_data.as_str())),
            ("vpc_security_group_ids", strings(&["sg-00000000".to_owned()])),
        ]);
        observations.push(observation("aws_instance", &instance));
        resources.push(resource("aws_instance.web", instance));
        let out = run(&[state_doc(resources)], &observations);
        prop_assert!(out.findings.is_empty(), "{:?}", out.findings);
        prop_assert!(out.suppressed.is_empty(), "{:?}", out.suppressed);
        prop_assert_eq!(out.summary.in_sync, out.summary.managed);
    }

    /// Every normalizer is idempotent: normalizing a normalized value changes nothing.
    #[test]
    fn normalizers_are_idempotent(
        v in value(),
        attribute in prop::sample::select(vec![
            "ingress", "egress", "cidr_block", "protocol", "user_data", "policy", "tags", "rule_action",
        ]),
        resource_type in prop::sample::select(vec!["aws_security_group", "aws_network_acl", "aws_instance", "aws_unknown"]),
    ) {
        let ctx = NormalizeContext { resource_type, schema: schemas().resource(resource_type) };
        let path = AttrPath::attr(attribute);
        for normalizer in registry() {
            let mut once = v.clone();
            normalizer.normalize(&ctx, &path, &mut once);
            let mut twice = once.clone();
            normalizer.normalize(&ctx, &path, &mut twice);
            prop_assert_eq!(&once, &twice, "{} is not idempotent on {:?}", normalizer.id(), v);
        }
    }

    /// The canonical form of a CIDR block is a fixed point, and any address inside the network
    /// canonicalizes to the network.
    #[test]
    fn cidr_canonicalization_is_stable(address in any::<[u8; 4]>(), prefix in 0u32..=32, v6 in any::<[u16; 8]>(), prefix6 in 0u32..=128) {
        let text = format!("{}.{}.{}.{}/{prefix}", address[0], address[1], address[2], address[3]);
        let canonical = canonical_cidr(&text).expect("a valid IPv4 CIDR");
        prop_assert_eq!(canonical_cidr(&canonical), Some(canonical.clone()));
        let (network, _) = canonical.split_once('/').expect("a prefix");
        let mask = if prefix == 0 { 0 } else { u32::MAX << (32 - prefix) };
        let expected = std::net::Ipv4Addr::from(u32::from(std::net::Ipv4Addr::from(address)) & mask);
        prop_assert_eq!(network, expected.to_string());
        let text6 = format!("{}/{prefix6}", std::net::Ipv6Addr::from(v6));
        let canonical6 = canonical_cidr(&text6).expect("a valid IPv6 CIDR");
        prop_assert_eq!(canonical_cidr(&canonical6.to_uppercase()), Some(canonical6.clone()));
    }

    /// No output of a scan shows a sensitive value: user_data (always sensitive), values the
    /// state marks sensitive, in managed and unmanaged objects, drifted or suppressed.
    #[test]
    fn rendering_never_leaks_a_sensitive_value(
        secret in "S3CRET[a-z0-9]{12}",
        other in "0THER[a-z0-9]{12}",
    ) {
        let instance = |id: &str, user_data: &str| map(vec![
            ("id", Value::from(id)),
            ("region", Value::from(REGION)),
            ("instance_type", Value::from("t3.small")),
            ("user_data", Value::from(user_data)),
        ]);
        let mut marked = map(vec![
            ("id", Value::from("thing-1")),
            ("region", Value::from(REGION)),
            ("token", Value::from(secret.as_str())),
            ("nested", map(vec![("password", Value::from(secret.as_str()))])),
        ]);
        for attribute in ["token", "nested"] {
            marked.mark_sensitive(AttrPath::attr(attribute).segments());
        }
        let state = state_doc(vec![
            resource("aws_instance.web", instance("i-1", &secret)),
            resource("aws_custom_thing.t", marked),
        ]);
        let live_thing = map(vec![
            ("id", Value::from("thing-1")),
            ("region", Value::from(REGION)),
            ("token", Value::from(other.as_str())),
            ("nested", map(vec![("password", Value::from(other.as_str()))])),
        ]);
        let observations = vec![
            observation("aws_instance", &instance("i-1", &other)),
            observation("aws_instance", &instance("i-2", &secret)),
            observation("aws_custom_thing", &live_thing),
        ];
        let out = run(&[state], &observations);
        prop_assert!(!out.findings.is_empty());
        let rendered = [
            serde_json::to_string(&out.findings).expect("findings serialize"),
            serde_json::to_string(&out.suppressed).expect("suppressed serialize"),
            serde_json::to_string(&out.pending).expect("pending serialize"),
            format!("{:?}", out.summary),
            out.warnings.join("\n"),
        ]
        .join("\n");
        prop_assert!(!rendered.contains(&secret), "the secret leaked: {rendered}");
        prop_assert!(!rendered.contains(&other), "the live secret leaked: {rendered}");
    }

    /// Nor a value the policy names sensitive (`sensitive { path = "tags.DbPassword" }`), once
    /// the inputs are marked as `plumb scan` marks them: changed, added by hand on an
    /// unmanaged object, or inside a whole `tags` map that a suppression shows.
    #[test]
    fn policy_named_values_never_leak(
        secret in "S3CRET[a-z0-9]{12}",
        other in "0THER[a-z0-9]{12}",
    ) {
        let policy = plumb_drift::policy_file::parse_plumb_hcl(
            "sensitive {\n  type = \"aws_*\"\n  path = \"tags.DbPassword\"\n}\n",
            ".plumb.hcl",
        )
        .expect("a valid policy");
        let tags = |entries: &[(&str, &str)]| {
            map(entries.iter().map(|(k, v)| (*k, Value::from(*v))).collect())
        };
        let instance = |id: &str, tags: Value, tags_all: Value| map(vec![
            ("id", Value::from(id)),
            ("region", Value::from(REGION)),
            ("instance_type", Value::from("t3.small")),
            ("tags", tags),
            ("tags_all", tags_all),
        ]);
        let web = |password: &str| {
            let t = tags(&[("Name", "web"), ("DbPassword", password)]);
            instance("i-1", t.clone(), t)
        };
        // db: the same tags, moved from `tags` to the provider's default tags live.
        let db_state = tags(&[("Name", "db"), ("DbPassword", secret.as_str())]);
        let mut states = vec![state_doc(vec![
            resource("aws_instance.web", web(&secret)),
            resource("aws_instance.db", instance("i-3", db_state.clone(), db_state.clone())),
        ])];
        let mut observations = vec![
            observation("aws_instance", &web(&other)),
            observation("aws_instance", &instance("i-2", web(&secret).get("tags").cloned().unwrap_or_default(), Value::Null)),
            observation("aws_instance", &instance("i-3", tags(&[("Name", "db")]), db_state)),
        ];
        policy.mark_inputs(&mut states, None, &mut observations);
        let out = run_with(&states, &observations, &policy);
        let web_finding = out
            .findings
            .iter()
            .find(|f| f.id.as_deref() == Some("i-1"))
            .expect("the changed password is reported");
        prop_assert!(
            web_finding.attributes.iter().any(|a| a.path.to_string() == "tags[\"DbPassword\"]"),
            "{:?}", web_finding.attributes
        );
        prop_assert!(!out.suppressed.is_empty(), "the tags moved to default tags are suppressed");
        let rendered = [
            serde_json::to_string(&out.findings).expect("findings serialize"),
            serde_json::to_string(&out.suppressed).expect("suppressed serialize"),
            serde_json::to_string(&out.pending).expect("pending serialize"),
            out.warnings.join("\n"),
        ]
        .join("\n");
        prop_assert!(rendered.contains("(sensitive)"), "{rendered}");
        prop_assert!(!rendered.contains(&secret), "the secret leaked: {rendered}");
        prop_assert!(!rendered.contains(&other), "the live secret leaked: {rendered}");
        prop_assert!(rendered.contains(r#""Name":"db""#), "other tags stay visible: {rendered}");
    }
}
