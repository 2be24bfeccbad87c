//! Environments compared with each other (`plumb parity`), and one state with the next
//! (`plumb diff`), with the normalizers and rules of the drift scan.
//!
//! Resources are matched across environments by address, after the policy's renames and
//! `${env}` key patterns. Each attribute is compared across every environment at once: each
//! environment against the first one that has the resource, so a difference is reported once
//! with every environment's value. Two comparisons are made: one of the values as they are,
//! one of the values with what is unique per environment by nature blanked (ids, ARNs, CIDRs,
//! names; the environment's own name written `${env}` in any string). What only the
//! first finds is expected and listed apart, unless a security rule fires on it: an ingress
//! open to the world is critical whatever CIDR it replaced.

use std::collections::{BTreeMap, BTreeSet};

use plumb_model::config::SourceLocation;
use plumb_model::finding::BySeverity;
use plumb_model::{
    AttrPath, AttributeChangeRecord, ChangeAction, DiffSummary, ExpectedDifference, Kind,
    Observation, ParityFinding, ParityKind, ParitySummary, Resource, ResourceChange, Segment,
    Severity, Value,
};
use plumb_schema::{ProviderSchemas, ResourceSchema};

use crate::compare::{Outcome, compare};
use crate::engine::{
    Verdict, classify, classify_difference, classify_resource, is_sensitive, judged_attributes,
    name_tag, schemaless_warning, shown,
};
use crate::normalize::walk_mut;
use crate::policy::{ParityRule, Policy, glob_match};
use crate::rules::{self, AttributeChange, ParityChange, ResourceEvent};
use crate::{fingerprint, mark_sensitive_object};
use plumb_model::catalog::base_type;

/// Drift rules that also judge a difference between environments: security settings, whose
/// parity finding is as severe as the same change would be as drift.
const SECURITY_RULES: &[&str] = &[
    "aws-sg-ingress-open-world",
    "aws-nacl-allow-open-world",
    "aws-imdsv2-disabled",
    "aws-ebs-encryption-disabled",
    "aws-public-ip-enabled",
    "aws-route-to-internet-added",
];

/// Never compared: the object's own id, and settings of Terraform rather than of the object.
const NOT_COMPARED: &[&str] = &["id", "timeouts"];

/// Attribute names whose values are unique to each environment by nature.
fn is_identity(name: &str) -> bool {
    const EXACT: &[&str] = &[
        "id",
        "arn",
        "owner_id",
        "name",
        "name_prefix",
        "region",
        "availability_zone",
        "cidr_block",
        "cidr_blocks",
        "ipv6_cidr_block",
        "ipv6_cidr_blocks",
        "private_ip",
        "public_ip",
        "private_dns",
        "public_dns",
        "ipv6_addresses",
        "security_groups",
        "password_data",
        "key_name",
        "create_time",
    ];
    const SUFFIXES: &[&str] = &[
        "_id",
        "_ids",
        "_arn",
        "_arns",
        "_ip",
        "_ips",
        "_dns",
        "_dns_name",
        "_address",
        "_addresses",
        "_cidr_block",
        "_cidr_blocks",
        "_time",
    ];
    EXACT.contains(&name)
        || (name != "device_name" && name.ends_with("_name"))
        || SUFFIXES.iter().any(|s| name.ends_with(s))
}

/// Replaces `env` where it stands as a word of `text` (between non-alphanumeric characters):
/// the environment's own name, wherever it is written (a name, an endpoint
/// `app-dev.x.rds.amazonaws.com`, a queue ARN), means "this environment". Only whole segments
/// count, so that a short name (`a`, `qa`) does not make `t3a` and `t3b` alike.
fn replace_word(text: &str, env: &str, with: &str) -> String {
    if env.is_empty() {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut before: Option<char> = None;
    while let Some(at) = rest.find(env) {
        let prev = rest[..at].chars().next_back().or(before);
        let next = rest[at + env.len()..].chars().next();
        let bounded =
            prev.is_none_or(|c| !c.is_alphanumeric()) && next.is_none_or(|c| !c.is_alphanumeric());
        out.push_str(&rest[..at]);
        out.push_str(if bounded { with } else { env });
        before = env.chars().next_back();
        rest = &rest[at + env.len()..];
    }
    out.push_str(rest);
    out
}

/// One resource of one environment.
#[derive(Clone, Debug, PartialEq)]
pub struct EnvResource {
    /// As the environment writes it: a state's address, or `TYPE["NAME"]` for a live object
    /// (by its Name tag), or `TYPE["ID"]` where objects are matched by id.
    pub address: String,
    pub r#type: String,
    pub id: Option<String>,
    pub region: Option<String>,
    pub attributes: Value,
    pub source: Option<SourceLocation>,
}

impl EnvResource {
    /// A current managed object of a state (deposed objects are on their way out), taken
    /// over without a copy: three large states are already three copies in memory.
    pub fn from_state(resource: Resource) -> Option<EnvResource> {
        if !resource.is_managed() || resource.deposed.is_some() {
            return None;
        }
        Some(EnvResource {
            address: resource.address.to_string(),
            id: resource.id().map(str::to_owned),
            region: resource
                .attributes
                .get("region")
                .and_then(Value::as_str)
                .map(str::to_owned),
            r#type: resource.address.r#type,
            attributes: resource.attributes,
            source: None,
        })
    }

    /// A live object, by its Name tag (`by_name`: ids differ between environments by nature)
    /// or its id; `None` for an object without a Name tag when matched by name.
    /// Taken over without a copy, as the snapshot hands its observations over.
    pub fn from_observation(observation: Observation, by_name: bool) -> Option<EnvResource> {
        let key = if by_name {
            name_tag(&observation.attributes)?.to_owned()
        } else {
            observation.id.clone()
        };
        let quoted = serde_json::to_string(&key).unwrap_or_default();
        Some(EnvResource {
            address: format!("{}[{quoted}]", observation.r#type),
            r#type: observation.r#type,
            id: Some(observation.id),
            region: Some(observation.region),
            attributes: observation.attributes,
            source: None,
        })
    }
}

/// One environment's resources.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Environment {
    pub name: String,
    pub resources: Vec<EnvResource>,
}

/// What `plumb parity` compares.
#[derive(Clone, Copy, Debug)]
pub struct ParityInput<'a> {
    pub environments: &'a [Environment],
    pub schemas: &'a ProviderSchemas,
    pub policy: &'a Policy,
}

/// What it found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ParityOutput {
    pub summary: ParitySummary,
    pub findings: Vec<ParityFinding>,
    pub expected: Vec<ExpectedDifference>,
    pub schemaless_types: Vec<String>,
    pub warnings: Vec<String>,
}

/// The glob `pattern` (with `${env}`) matches `key` once `env` in it is written `${env}`:
/// the key with that occurrence so written, or `None`.
fn key_by_pattern(key: &str, env: &str, pattern: &str) -> Option<String> {
    if env.is_empty() {
        return None;
    }
    key.match_indices(env).find_map(|(at, _)| {
        let candidate = format!("{}${{env}}{}", &key[..at], &key[at + env.len()..]);
        glob_match(pattern, &candidate).then_some(candidate)
    })
}

/// The address an environment's resource is matched by: renamed as the policy says, and
/// each quoted instance key that a `key` pattern matches written with `${env}`.
fn canonical_address(address: &str, env: &str, policy: &Policy) -> String {
    let mut address = address.to_owned();
    for rule in &policy.parity {
        if let ParityRule::Rename {
            environment,
            from,
            to,
            ..
        } = rule
            && environment.as_deref().is_none_or(|e| e == env)
            && glob_match(from, &address)
        {
            address.clone_from(to);
            break;
        }
    }
    let patterns: Vec<&str> = policy
        .parity
        .iter()
        .filter_map(|r| match r {
            ParityRule::Key { pattern, .. } => Some(pattern.as_str()),
            _ => None,
        })
        .collect();
    if patterns.is_empty() || !address.contains("[\"") {
        return address;
    }
    // Rewrite each `["key"]`, keeping the rest as it is.
    let mut out = String::with_capacity(address.len() + 8);
    let mut rest = address.as_str();
    while let Some(open) = rest.find("[\"") {
        out.push_str(&rest[..open + 2]);
        let body = &rest[open + 2..];
        let mut end = None;
        let mut escaped = false;
        for (i, c) in body.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    end = Some(i);
                    break;
                }
                _ => escaped = false,
            }
        }
        let Some(end) = end else {
            out.push_str(body);
            return out;
        };
        let key = &body[..end];
        let rewritten = patterns
            .iter()
            .find_map(|p| key_by_pattern(key, env, p))
            .unwrap_or_else(|| key.to_owned());
        out.push_str(&rewritten);
        rest = &body[end..];
    }
    out.push_str(rest);
    out
}

/// Each address with every environment's resource (in environment order), and a warning per
/// environment that has addresses more than once.
fn align<'e>(
    environments: &[&'e Environment],
    policy: &Policy,
    warnings: &mut Vec<String>,
) -> BTreeMap<String, Vec<Option<&'e EnvResource>>> {
    let mut aligned: BTreeMap<String, Vec<Option<&EnvResource>>> = BTreeMap::new();
    for (index, environment) in environments.iter().enumerate() {
        let mut repeated: Vec<&str> = Vec::new();
        for resource in &environment.resources {
            let key = canonical_address(&resource.address, &environment.name, policy);
            let slots = aligned
                .entry(key)
                .or_insert_with(|| vec![None; environments.len()]);
            if slots[index].is_some() {
                repeated.push(&resource.address);
                continue;
            }
            slots[index] = Some(resource);
        }
        if let Some(first) = repeated.first() {
            let more = if repeated.len() > 1 { ", ..." } else { "" };
            warnings.push(format!(
                "{}: {} of its addresses stand for one already seen ({first}{more}); the first of each is compared",
                environment.name,
                repeated.len()
            ));
        }
    }
    aligned
}

/// The attributes with what is unique per environment blanked and the environment's own name
/// written `${env}`.
fn without_identity(attributes: &Value, at: AttrPath, env: &str) -> Value {
    let mut value = attributes.clone();
    let mut path = at;
    walk_mut(&mut value, &mut path, &mut |at, v| {
        let Value::String(text) = v else {
            return;
        };
        let leaf = at.last_name().unwrap_or_default();
        let is_name_tag = matches!(at.top(), Some("tags" | "tags_all"))
            && at.segments().get(1).and_then(Segment::as_name) == Some("Name");
        if is_identity(leaf) && !matches!(at.top(), Some("tags" | "tags_all" | "volume_tags"))
            || is_name_tag
        {
            "${identity}".clone_into(text);
        } else {
            *text = replace_word(text, env, "${env}");
        }
    });
    value
}

/// The paths where any environment's value of top-level attribute `key` differs from the
/// reference environment's, after normalization.
fn differing_paths(
    schema: Option<&ResourceSchema>,
    resource_type: &str,
    key: &str,
    values: &[Option<&Value>],
) -> BTreeSet<AttrPath> {
    let mut paths = BTreeSet::new();
    let Some(reference) = values.iter().flatten().next() else {
        return paths;
    };
    let path = AttrPath::attr(key);
    for value in values.iter().skip(1) {
        let other = value.unwrap_or(&Value::Null);
        if let Outcome::Different(found) = compare(schema, resource_type, &path, reference, other) {
            paths.extend(found.into_iter().map(|d| d.path));
        }
    }
    // A difference below one already found says nothing new.
    let all: Vec<AttrPath> = paths.iter().cloned().collect();
    paths.retain(|p| !all.iter().any(|q| q != p && p.starts_with(q)));
    paths
}

/// The top-level attribute names to compare: all of every environment's, `tags_all` only
/// where `tags` is absent (the two repeat each other).
fn compared_keys<'r>(resources: &[&'r EnvResource]) -> BTreeSet<&'r str> {
    let mut keys = BTreeSet::new();
    let mut has_tags = false;
    for resource in resources {
        if let Some(map) = resource.attributes.as_map() {
            has_tags |= map.contains_key("tags");
            keys.extend(map.keys());
        }
    }
    keys.retain(|k| !(NOT_COMPARED.contains(k) || has_tags && *k == "tags_all"));
    keys
}

/// A security rule's verdict on any ordered pair of the environments' values, the most severe.
fn security_verdict(
    policy: &Policy,
    resource_type: &str,
    path: &AttrPath,
    present: &[(&str, &EnvResource)],
) -> Option<Verdict> {
    let mut best: Option<Verdict> = None;
    for (from_env, from) in present {
        for (to_env, to) in present {
            if from_env == to_env {
                continue;
            }
            let (state, live) = (from.attributes.get_path(path), to.attributes.get_path(path));
            if state == live {
                continue;
            }
            let change = AttributeChange {
                resource_type,
                kind: Kind::Changed,
                path,
                state,
                live,
                added: &[],
                removed: &[],
                resource_state: Some(&from.attributes),
                resource_live: Some(&to.attributes),
                computed_only: false,
            };
            for id in SECURITY_RULES {
                let Some(rule) = rules::by_id(id) else {
                    continue;
                };
                let Some(reason) = rule.check_attribute(&change) else {
                    continue;
                };
                let severity = policy.severity(id, resource_type, Some(path), rule.severity());
                if best.as_ref().is_none_or(|b| severity > b.severity) {
                    best = Some(Verdict {
                        rule: rule.id(),
                        severity,
                        reason: format!("in {to_env} as against {from_env}: {reason}"),
                    });
                }
            }
        }
    }
    best
}

/// The parity rules' verdict (specific first, then fallbacks).
fn parity_verdict(policy: &Policy, change: &ParityChange<'_>) -> Option<Verdict> {
    classify(policy, change.resource_type, change.path, |rule| {
        rule.check_parity(change)
    })
}

fn covers(glob: Option<&String>, text: &str) -> bool {
    glob.is_none_or(|g| glob_match(g, text))
}

/// The policy's `vary` that covers this path, if one does.
fn policy_vary<'p>(
    policy: &'p Policy,
    resource_type: &str,
    address: &str,
    path: &AttrPath,
) -> Option<(&'p str, &'p str)> {
    policy.parity.iter().find_map(|rule| match rule {
        ParityRule::Vary {
            resource_type: type_glob,
            address: address_glob,
            paths,
            reason,
            origin,
        } if covers(type_glob.as_ref(), resource_type)
            && covers(address_glob.as_ref(), address)
            && paths
                .iter()
                .any(|p| path.without_indexes().starts_with(&p.without_indexes())) =>
        {
            Some((origin.as_str(), reason.as_str()))
        }
        _ => None,
    })
}

/// The policy's `only_in` that expects the resource in exactly the environments it is in.
fn policy_only_in<'p>(
    policy: &'p Policy,
    resource_type: &str,
    address: &str,
    environments: &[&str],
    present: &[&str],
) -> Option<(&'p str, &'p str)> {
    policy.parity.iter().find_map(|rule| match rule {
        ParityRule::OnlyIn {
            resource_type: type_glob,
            address: address_glob,
            environments: expected,
            reason,
            origin,
        } if covers(type_glob.as_ref(), resource_type)
            && covers(address_glob.as_ref(), address) =>
        {
            let wanted: Vec<&str> = environments
                .iter()
                .copied()
                .filter(|e| expected.iter().any(|x| x == e))
                .collect();
            (wanted == present).then_some((origin.as_str(), reason.as_str()))
        }
        _ => None,
    })
}

/// What one address contributes to the report.
#[derive(Default)]
struct AddressResult {
    findings: Vec<ParityFinding>,
    expected: Vec<ExpectedDifference>,
    schemaless: Option<String>,
    /// Present in every environment with no finding.
    equal: bool,
}

/// Compares one address across the environments.
fn compare_address(
    input: &ParityInput<'_>,
    names: &[&str],
    address: &str,
    slots: &[Option<&EnvResource>],
) -> AddressResult {
    let mut findings = Vec::new();
    let mut expected = Vec::new();
    let mut schemaless = None;
    let mut equal = false;
    let present: Vec<(&str, &EnvResource)> = names
        .iter()
        .zip(slots)
        .filter_map(|(name, slot)| slot.map(|r| (*name, r)))
        .collect();
    let Some((_, first)) = present.first() else {
        return AddressResult::default();
    };
    let resource_type = first.r#type.as_str();
    let base = base_type(resource_type);
    // Built only for a finding: most addresses have none.
    let sources = || -> BTreeMap<String, SourceLocation> {
        present
            .iter()
            .filter_map(|(env, r)| Some(((*env).to_owned(), r.source.clone()?)))
            .collect()
    };
    let mut found_here = 0usize;

    if present.len() < names.len() {
        let values: Vec<(&str, Option<&Value>)> = names
            .iter()
            .zip(slots)
            .map(|(name, slot)| (*name, slot.map(|_| &Value::Null)))
            .collect();
        let ids: BTreeMap<String, Option<Value>> = names
            .iter()
            .zip(slots)
            .map(|(name, slot)| {
                let id =
                    slot.map(|r| Value::string(r.id.clone().unwrap_or_else(|| r.address.clone())));
                ((*name).to_owned(), id)
            })
            .collect();
        let present_names: Vec<&str> = present.iter().map(|(e, _)| *e).collect();
        if let Some((origin, reason)) =
            policy_only_in(input.policy, resource_type, address, names, &present_names)
        {
            expected.push(ExpectedDifference {
                address: address.to_owned(),
                r#type: resource_type.to_owned(),
                kind: ParityKind::Absent,
                path: None,
                values: ids,
                by: format!("policy ({origin})"),
                reason: reason.to_owned(),
            });
        } else {
            let change = ParityChange {
                resource_type,
                kind: ParityKind::Absent,
                path: None,
                values: &values,
            };
            if let Some(verdict) = parity_verdict(input.policy, &change) {
                found_here += 1;
                findings.push(ParityFinding {
                    fingerprint: fingerprint::finding("parity", address, "absent"),
                    address: address.to_owned(),
                    r#type: resource_type.to_owned(),
                    kind: ParityKind::Absent,
                    path: None,
                    values: ids,
                    severity: verdict.severity,
                    rule: verdict.rule.to_owned(),
                    reason: verdict.reason,
                    sources: sources(),
                });
            }
        }
    }

    if present.len() >= 2 {
        let schema = input.schemas.resource(resource_type);
        if schema.is_none() {
            schemaless = Some(resource_type.to_owned());
        }
        let resources: Vec<&EnvResource> = present.iter().map(|(_, r)| *r).collect();
        let regions: BTreeSet<Option<&str>> =
            resources.iter().map(|r| r.region.as_deref()).collect();
        for key in compared_keys(&resources) {
            let raw: Vec<Option<&Value>> =
                resources.iter().map(|r| r.attributes.get(key)).collect();
            let as_is = differing_paths(schema, resource_type, key, &raw);
            if as_is.is_empty() {
                continue;
            }
            // Blanked only where the values differ as they are: the common case is equal.
            let blanked: Vec<Option<Value>> = present
                .iter()
                .map(|(env, r)| {
                    r.attributes
                        .get(key)
                        .map(|v| without_identity(v, AttrPath::attr(key), env))
                })
                .collect();
            let canonical: Vec<Option<&Value>> = blanked.iter().map(Option::as_ref).collect();
            let real = differing_paths(schema, resource_type, key, &canonical);
            for path in &as_is {
                let values: BTreeMap<String, Option<Value>> = present
                    .iter()
                    .map(|(env, r)| {
                        let sensitive = is_sensitive(
                            input.policy,
                            resource_type,
                            schema,
                            Some(&r.attributes),
                            None,
                            path,
                        );
                        let value = shown(r.attributes.get_path(path).cloned(), sensitive);
                        ((*env).to_owned(), value)
                    })
                    .collect();
                let is_real = real
                    .iter()
                    .any(|r| path.starts_with(r) || r.starts_with(path));
                let leaf = path.last_name().unwrap_or_default();
                let all_sensitive = values.values().flatten().all(Value::is_sensitive);
                let across_regions = matches!(leaf, "ami" | "image_id") && regions.len() > 1;
                let varies = policy_vary(input.policy, resource_type, address, path);
                let resolved = security_verdict(input.policy, base, path, &present).or_else(|| {
                    if !is_real || all_sensitive {
                        return None;
                    }
                    if across_regions {
                        return None;
                    }
                    if varies.is_some() {
                        return None;
                    }
                    // In environment order, sensitive values marked.
                    let listed: Vec<(&str, Option<&Value>)> = present
                        .iter()
                        .map(|(env, _)| (*env, values.get(*env).and_then(Option::as_ref)))
                        .collect();
                    let change = ParityChange {
                        resource_type,
                        kind: ParityKind::Differs,
                        path: Some(path),
                        values: &listed,
                    };
                    parity_verdict(input.policy, &change)
                });
                if let Some(verdict) = resolved {
                    found_here += 1;
                    findings.push(ParityFinding {
                        fingerprint: fingerprint::attribute(
                            &fingerprint::finding("parity", address, "differs"),
                            &path.to_string(),
                            "",
                        ),
                        address: address.to_owned(),
                        r#type: resource_type.to_owned(),
                        kind: ParityKind::Differs,
                        path: Some(path.clone()),
                        values,
                        severity: verdict.severity,
                        rule: verdict.rule.to_owned(),
                        reason: verdict.reason,
                        sources: sources(),
                    });
                    continue;
                }
                let (by, reason) = if let Some((origin, reason)) = varies.filter(|_| is_real) {
                    (format!("policy ({origin})"), reason.to_owned())
                } else if all_sensitive {
                    // Before identity: a secret that differs only by the environment's name
                    // (`hunter2-dev`) is still a secret that differs.
                    (
                        "sensitive".to_owned(),
                        "secrets differ per environment; their values are never shown".to_owned(),
                    )
                } else if is_real && across_regions {
                    (
                        "region".to_owned(),
                        "image ids differ between regions by nature".to_owned(),
                    )
                } else {
                    (
                        "identity".to_owned(),
                        "unique to each environment by nature".to_owned(),
                    )
                };
                expected.push(ExpectedDifference {
                    address: address.to_owned(),
                    r#type: resource_type.to_owned(),
                    kind: ParityKind::Differs,
                    path: Some(path.clone()),
                    values,
                    by,
                    reason,
                });
            }
        }
    }
    if found_here == 0 && present.len() == names.len() {
        equal = true;
    }
    AddressResult {
        findings,
        expected,
        schemaless,
        equal,
    }
}

/// Marks every sensitive value of the environments' resources (ARCHITECTURE.md, "Words"): call
/// it before [`parity`] or [`diff`], which compare and show values as they are marked.
pub fn mark_sensitive(
    environments: &mut [Environment],
    policy: &Policy,
    schemas: &ProviderSchemas,
) {
    for resource in environments.iter_mut().flat_map(|e| e.resources.iter_mut()) {
        mark_sensitive_object(policy, schemas, &resource.r#type, &mut resource.attributes);
    }
}

/// Compares the environments; their sensitive values must be marked ([`mark_sensitive`]).
pub fn parity(input: &ParityInput<'_>) -> ParityOutput {
    let mut warnings = Vec::new();
    let names: Vec<&str> = input.environments.iter().map(|e| e.name.as_str()).collect();
    let environments: Vec<&Environment> = input.environments.iter().collect();
    let aligned = align(&environments, input.policy, &mut warnings);
    // Addresses are independent: compared on every core, merged in address order.
    let results: Vec<AddressResult> = {
        use rayon::prelude::*;
        let entries: Vec<(&String, &Vec<Option<&EnvResource>>)> = aligned.iter().collect();
        entries
            .par_iter()
            .map(|(address, slots)| compare_address(input, &names, address, slots))
            .collect()
    };
    let mut findings = Vec::new();
    let mut expected = Vec::new();
    let mut schemaless = BTreeSet::new();
    let mut equal = 0usize;
    for result in results {
        findings.extend(result.findings);
        expected.extend(result.expected);
        schemaless.extend(result.schemaless);
        equal += usize::from(result.equal);
    }

    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.address.cmp(&b.address))
            .then_with(|| a.kind.cmp(&b.kind))
            .then_with(|| a.path.cmp(&b.path))
    });
    let mut by_severity = BySeverity::default();
    for finding in &findings {
        by_severity.add(finding.severity);
    }
    let summary = ParitySummary {
        environments: names.iter().map(|n| (*n).to_owned()).collect(),
        resources: aligned.len(),
        equal,
        differs: findings
            .iter()
            .filter(|f| f.kind == ParityKind::Differs)
            .count(),
        absent: findings
            .iter()
            .filter(|f| f.kind == ParityKind::Absent)
            .count(),
        expected: expected.len(),
        by_severity,
    };
    warnings.extend(schemaless_warning(&schemaless));
    ParityOutput {
        summary,
        findings,
        expected,
        schemaless_types: schemaless.into_iter().collect(),
        warnings,
    }
}

/// What `plumb diff` found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DiffOutput {
    pub summary: DiffSummary,
    pub changes: Vec<ResourceChange>,
    pub warnings: Vec<String>,
}

/// What changed from `old` to `new`, each change classified as the same change would be as
/// drift (old as the state, new as the live side); their sensitive values must be marked.
pub fn diff(
    old: &Environment,
    new: &Environment,
    schemas: &ProviderSchemas,
    policy: &Policy,
) -> DiffOutput {
    let mut warnings = Vec::new();
    // Addresses as written: a diff of two states of one workspace renames nothing.
    let aligned = align(&[old, new], &Policy::default(), &mut warnings);
    let mut summary = DiffSummary::default();
    let mut changes = Vec::new();
    for (address, slots) in &aligned {
        let (before, after) = (slots[0], slots[1]);
        let change = match (before, after) {
            (Some(before), Some(after)) => {
                changed_resource(address, before, after, schemas, policy, &mut summary)
            }
            (None, Some(after)) => Some(one_sided(
                address,
                after,
                ChangeAction::Added,
                policy,
                schemas,
            )),
            (Some(before), None) => Some(one_sided(
                address,
                before,
                ChangeAction::Removed,
                policy,
                schemas,
            )),
            (None, None) => None,
        };
        let Some(change) = change else {
            summary.unchanged += 1;
            continue;
        };
        match change.action {
            ChangeAction::Added => summary.added += 1,
            ChangeAction::Removed => summary.removed += 1,
            ChangeAction::Changed => summary.changed += 1,
            ChangeAction::Replaced => summary.replaced += 1,
        }
        summary.by_severity.add(change.severity);
        changes.push(change);
    }
    changes.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.action.cmp(&b.action))
            .then_with(|| a.address.cmp(&b.address))
    });
    DiffOutput {
        summary,
        changes,
        warnings,
    }
}

/// An added or removed resource: classified as an unmanaged or a missing one would be,
/// attribute rules included for an added one (an open port is critical wherever it is).
fn one_sided(
    address: &str,
    resource: &EnvResource,
    action: ChangeAction,
    policy: &Policy,
    schemas: &ProviderSchemas,
) -> ResourceChange {
    let kind = if action == ChangeAction::Added {
        Kind::Unmanaged
    } else {
        Kind::Missing
    };
    let base = base_type(&resource.r#type);
    let event = ResourceEvent {
        resource_type: base,
        kind,
        attributes: &resource.attributes,
    };
    let verdict = classify_resource(policy, &event);
    let mut severity = verdict.as_ref().map_or(Severity::Low, |v| v.severity);
    let mut rule = verdict.as_ref().map(|v| v.rule.to_owned());
    let mut reason = action.as_str().to_owned();
    let mut attributes = Vec::new();
    if action == ChangeAction::Added {
        let schema = schemas.resource(&resource.r#type);
        for (path, value, verdict, sensitive) in
            judged_attributes(policy, schema, base, &resource.attributes)
        {
            if verdict.severity > severity {
                severity = verdict.severity;
                rule = None;
                reason = format!("added: {}", verdict.reason);
            }
            attributes.push(AttributeChangeRecord {
                path,
                old: None,
                new: shown(Some(value.clone()), sensitive),
                added: Vec::new(),
                removed: Vec::new(),
                severity: verdict.severity,
                rule: verdict.rule.to_owned(),
                reason: verdict.reason,
            });
        }
    }
    ResourceChange {
        address: address.to_owned(),
        r#type: resource.r#type.clone(),
        action,
        old_id: (action == ChangeAction::Removed)
            .then(|| resource.id.clone())
            .flatten(),
        new_id: (action == ChangeAction::Added)
            .then(|| resource.id.clone())
            .flatten(),
        severity,
        rule,
        reason,
        attributes,
    }
}

/// A resource in both states: its attribute differences, classified; `None` when nothing
/// above benign changed.
fn changed_resource(
    address: &str,
    before: &EnvResource,
    after: &EnvResource,
    schemas: &ProviderSchemas,
    policy: &Policy,
    summary: &mut DiffSummary,
) -> Option<ResourceChange> {
    let resource_type = before.r#type.as_str();
    let base = base_type(resource_type);
    let schema = schemas.resource(resource_type);
    let replaced = before.id != after.id;
    let mut attributes = Vec::new();
    let empty = plumb_model::Map::new();
    let (old_map, new_map) = (
        before.attributes.as_map().unwrap_or(&empty),
        after.attributes.as_map().unwrap_or(&empty),
    );
    for (key, old, new) in old_map.zip(new_map) {
        if NOT_COMPARED.contains(&key) || (key == "tags_all" && old_map.contains_key("tags")) {
            continue;
        }
        let (old, new) = (old.unwrap_or(&Value::Null), new.unwrap_or(&Value::Null));
        let path = AttrPath::attr(key);
        let found = match compare(schema, resource_type, &path, old, new) {
            Outcome::Equal => continue,
            Outcome::Noise { .. } => {
                summary.suppressed += 1;
                continue;
            }
            Outcome::Different(found) => found,
        };
        for difference in found {
            // A new object has new ids and ARNs: that is the replacement, said once.
            let leaf = difference.path.last_name().unwrap_or_default();
            if replaced && is_identity(leaf) {
                continue;
            }
            let Some(verdict) = classify_difference(
                policy,
                schema,
                base,
                &difference,
                &before.attributes,
                &after.attributes,
            ) else {
                continue;
            };
            if verdict.severity == Severity::Benign {
                summary.suppressed += 1;
                continue;
            }
            let sensitive = is_sensitive(
                policy,
                resource_type,
                schema,
                Some(&before.attributes),
                Some(&after.attributes),
                &difference.path,
            );
            let mark = |items: Vec<Value>| -> Vec<Value> {
                items
                    .into_iter()
                    .map(|v| shown(Some(v), sensitive).unwrap_or_default())
                    .collect()
            };
            attributes.push(AttributeChangeRecord {
                path: difference.path,
                old: shown(difference.state, sensitive),
                new: shown(difference.live, sensitive),
                added: mark(difference.added),
                removed: mark(difference.removed),
                severity: verdict.severity,
                rule: verdict.rule.to_owned(),
                reason: verdict
                    .reason
                    .replace(" outside Terraform", "")
                    .replace(" by hand", ""),
            });
        }
    }
    if attributes.is_empty() && !replaced {
        return None;
    }
    let top = attributes.iter().max_by_key(|a| a.severity);
    // Destroyed and created again: at least medium, for the downtime it may have been.
    let floor = if replaced {
        Severity::Medium
    } else {
        Severity::Low
    };
    let severity = top.map_or(floor, |a| a.severity.max(floor));
    let reason = match (replaced, top) {
        (true, _) => format!(
            "replaced: {} → {}",
            before.id.as_deref().unwrap_or("?"),
            after.id.as_deref().unwrap_or("?")
        ),
        (false, Some(top)) if attributes.len() == 1 => top.reason.clone(),
        (false, Some(top)) => format!("{} (and {} more)", top.reason, attributes.len() - 1),
        (false, None) => String::new(),
    };
    Some(ResourceChange {
        address: address.to_owned(),
        r#type: resource_type.to_owned(),
        action: if replaced {
            ChangeAction::Replaced
        } else {
            ChangeAction::Changed
        },
        old_id: before.id.clone(),
        new_id: after.id.clone(),
        severity,
        rule: None,
        reason,
        attributes,
    })
}

/// An environment of the managed, current objects of its states.
pub fn environment_from_states(
    name: &str,
    states: impl IntoIterator<Item = plumb_model::StateDoc>,
) -> Environment {
    Environment {
        name: name.to_owned(),
        resources: states
            .into_iter()
            .flat_map(|s| s.resources)
            .filter_map(EnvResource::from_state)
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_replaced_only_whole() {
        assert_eq!(replace_word("dev-web", "dev", "${env}"), "${env}-web");
        assert_eq!(replace_word("device", "dev", "${env}"), "device");
        assert_eq!(
            replace_word("web for dev", "dev", "${env}"),
            "web for ${env}"
        );
        assert_eq!(replace_word("prod", "dev", "${env}"), "prod");
    }

    #[test]
    fn keys_that_embed_the_environment() {
        let policy = Policy {
            parity: vec![
                ParityRule::Key {
                    pattern: "${env}-*".into(),
                    origin: "p:1".into(),
                },
                ParityRule::Rename {
                    environment: Some("prod".into()),
                    from: "aws_instance.web_v2".into(),
                    to: "aws_instance.web".into(),
                    origin: "p:2".into(),
                },
            ],
            ..Policy::default()
        };
        assert_eq!(
            canonical_address(r#"aws_instance.web["dev-a"]"#, "dev", &policy),
            r#"aws_instance.web["${env}-a"]"#
        );
        assert_eq!(
            canonical_address(
                r#"module.app["dev-x"].aws_instance.web["b"]"#,
                "dev",
                &policy
            ),
            r#"module.app["${env}-x"].aws_instance.web["b"]"#
        );
        // Only where the pattern says: `a-dev` is not `${env}-*`.
        assert_eq!(
            canonical_address(r#"aws_instance.web["a-dev"]"#, "dev", &policy),
            r#"aws_instance.web["a-dev"]"#
        );
        assert_eq!(
            canonical_address("aws_instance.web_v2", "prod", &policy),
            "aws_instance.web"
        );
        assert_eq!(
            canonical_address("aws_instance.web_v2", "dev", &policy),
            "aws_instance.web_v2"
        );
    }
}
