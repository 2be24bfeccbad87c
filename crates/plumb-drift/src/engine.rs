//! The scan: match, compare, normalize, classify, count.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use plumb_model::config::{ConfigResource, IgnoreChanges};
use plumb_model::finding::{BySeverity, Related};
use plumb_model::observation::meta;
use plumb_model::state::ALWAYS_SENSITIVE_ATTRIBUTES;
use plumb_model::{
    AttrPath, AttributeDiff, Configuration, Finding, Ignored, Kind, Observation, Resource, Scope,
    Severity, StateDoc, Status, Summary, Suppressed, Unverified, Value,
};
use plumb_schema::{ProviderSchemas, ResourceSchema};

use crate::compare::{Difference, Outcome, as_map, compare, one_sided_fields};
use crate::matching::{identity_rank, match_key};
use crate::normalize::{EmptyEqualsNull, Normalizer};
use crate::pending::pending_changes;
use crate::policy::Policy;
use crate::region::{NO_REGION, Regions};
use crate::rules::{self, AttributeChange, ResourceEvent, Rule};
use crate::separate::SeparatelyManaged;
use crate::{
    ScanInput, ScanOutput, Workspace, WorkspaceSummary, WorkspacesInput, WorkspacesOutput,
    fingerprint, judgements, score,
};
use plumb_model::catalog::base_type;

/// Attributes never compared: they identify the object (matched already) or exist only in
/// configuration.
const NOT_COMPARED: &[&str] = &["id", "timeouts"];

/// Why an unmatched live object is not reported as unmanaged, or `None` when it is.
pub fn not_unmanaged(observation: &Observation) -> Option<&'static str> {
    if observation
        .meta
        .get(meta::DEFAULT)
        .is_some_and(|v| v == "true")
    {
        return Some("default");
    }
    if observation.meta.contains_key(meta::OWNER) {
        return Some("owned");
    }
    if observation.meta.contains_key(meta::MANAGED_BY) {
        return Some("elsewhere");
    }
    let tags = observation
        .attributes
        .get("tags_all")
        .or_else(|| observation.attributes.get("tags"))
        .and_then(Value::as_map);
    let by_tag = tags.is_some_and(|tags| {
        tags.keys()
            .any(|k| plumb_model::catalog::ownership::manager_of_tag(k).is_some())
    });
    by_tag.then_some("elsewhere")
}

pub(crate) struct Verdict {
    pub(crate) rule: &'static str,
    pub(crate) severity: Severity,
    pub(crate) reason: String,
}

/// The most severe specific verdict, else the most severe fallback.
pub(crate) fn choose(verdicts: Vec<(bool, Verdict)>) -> Option<Verdict> {
    let (specific, fallback): (Vec<_>, Vec<_>) = verdicts
        .into_iter()
        .partition(|(is_fallback, _)| !is_fallback);
    let pick = |list: Vec<(bool, Verdict)>| {
        list.into_iter()
            .map(|(_, v)| v)
            .reduce(|best, v| if v.severity > best.severity { v } else { best })
    };
    pick(specific).or_else(|| pick(fallback))
}

/// Asks every rule through `check`, applies the policy's severity overrides, and picks the
/// verdict (see [`choose`]).
pub(crate) fn classify(
    policy: &Policy,
    resource_type: &str,
    path: Option<&AttrPath>,
    check: impl Fn(&dyn Rule) -> Option<String>,
) -> Option<Verdict> {
    let verdicts = rules::registry()
        .iter()
        .filter_map(|&rule| {
            let reason = check(rule)?;
            let severity = policy.severity(rule.id(), resource_type, path, rule.severity());
            Some((
                rule.fallback(),
                Verdict {
                    rule: rule.id(),
                    severity,
                    reason,
                },
            ))
        })
        .collect();
    choose(verdicts)
}

pub(crate) fn classify_attribute(policy: &Policy, change: &AttributeChange<'_>) -> Option<Verdict> {
    classify(policy, change.resource_type, Some(change.path), |rule| {
        rule.check_attribute(change)
    })
}

/// The verdict on one difference between a resource's recorded object (`state`) and the one
/// it is compared with (`live`): the scan's, and `plumb diff`'s between two states.
pub(crate) fn classify_difference(
    policy: &Policy,
    schema: Option<&ResourceSchema>,
    resource_type: &str,
    difference: &Difference,
    state: &Value,
    live: &Value,
) -> Option<Verdict> {
    let change = AttributeChange {
        resource_type,
        kind: Kind::Changed,
        path: &difference.path,
        state: difference.state.as_ref(),
        live: difference.live.as_ref(),
        added: &difference.added,
        removed: &difference.removed,
        resource_state: Some(state),
        resource_live: Some(live),
        computed_only: schema
            .and_then(|s| s.node(&difference.path))
            .is_some_and(|n| n.is_computed_only()),
    };
    classify_attribute(policy, &change)
}

pub(crate) fn classify_resource(policy: &Policy, event: &ResourceEvent<'_>) -> Option<Verdict> {
    classify(policy, event.resource_type, None, |rule| {
        rule.check_resource(event)
    })
}

/// Whether the value at `path` may be shown: not when the schema, the state's own marks (or
/// any other mark on either side), the always-sensitive names or the policy say otherwise.
pub(crate) fn is_sensitive(
    policy: &Policy,
    resource_type: &str,
    schema: Option<&ResourceSchema>,
    state: Option<&Value>,
    live: Option<&Value>,
    path: &AttrPath,
) -> bool {
    if path
        .top()
        .is_some_and(|t| ALWAYS_SENSITIVE_ATTRIBUTES.contains(&t))
        || policy.names_sensitive(resource_type, path)
    {
        return true;
    }
    // The value or one of its ancestors marked, or the value holding a marked part (it is
    // then shown whole as `(sensitive)`). A marked sibling is no reason: one secret tag must not
    // hide the others (`tags.Name` beside a sensitive `tags.DbPassword`).
    let marked = |root: Option<&Value>| {
        root.is_some_and(|root| {
            (1..=path.len()).any(|n| {
                root.get_path(&AttrPath(path.segments()[..n].to_vec()))
                    .is_some_and(|v| {
                        v.is_sensitive() || (n == path.len() && v.contains_sensitive())
                    })
            })
        })
    };
    let by_schema = schema.is_some_and(|s| {
        (1..=path.len()).any(|n| {
            s.node(&AttrPath(path.segments()[..n].to_vec()))
                .is_some_and(|n| n.is_sensitive())
        })
    });
    by_schema || marked(state) || marked(live)
}

pub(crate) fn shown(value: Option<Value>, sensitive: bool) -> Option<Value> {
    match value {
        Some(v) if sensitive => Some(Value::Sensitive(Box::new(v))),
        other => other,
    }
}

/// Everything the engine keeps across resources while it scans one input.
struct Scan<'a> {
    input: &'a ScanInput<'a>,
    separately_managed: &'a SeparatelyManaged,
    findings: Vec<Finding>,
    suppressed: Vec<Suppressed>,
    ignored: Vec<Ignored>,
    unverified: BTreeMap<(String, AttrPath, String), usize>,
    schemaless: BTreeSet<String>,
    summary: Summary,
    /// Changed findings' fingerprints, each with the live object it was compared with.
    compared_with: BTreeMap<String, usize>,
}

/// The parts of a resource every record about it repeats.
struct Subject<'a> {
    workspace: &'a str,
    address: Option<&'a plumb_model::Address>,
    resource_type: &'a str,
    id: Option<&'a str>,
    region: Option<&'a str>,
}

impl Subject<'_> {
    fn address_text(&self) -> Option<String> {
        self.address.map(ToString::to_string)
    }

    fn fingerprint(&self, kind: Kind) -> String {
        let subject = self
            .address_text()
            .unwrap_or_else(|| format!("{}:{}", self.resource_type, self.id.unwrap_or_default()));
        fingerprint::finding(self.workspace, &subject, kind.as_str())
    }

    fn finding(&self, kind: Kind, severity: Option<Severity>, reason: String) -> Finding {
        Finding {
            address: self.address.cloned(),
            id: self.id.map(str::to_owned),
            region: self.region.map(str::to_owned),
            ..Finding::new(
                self.fingerprint(kind),
                self.workspace,
                self.resource_type,
                kind,
                severity,
                reason,
            )
        }
    }
}

impl<'a> Scan<'a> {
    fn schema(&mut self, resource_type: &str) -> Option<&'a ResourceSchema> {
        let schema = self.input.schemas.resource(resource_type);
        if schema.is_none() {
            self.schemaless.insert(resource_type.to_owned());
        }
        schema
    }

    fn config_for(&self, resource: &Resource) -> Option<&'a ConfigResource> {
        self.input
            .config
            .and_then(|c: &Configuration| c.resource(&resource.address.config_address()))
    }

    fn suppress(
        &mut self,
        subject: &Subject<'_>,
        path: AttrPath,
        state: Option<Value>,
        live: Option<Value>,
        rule: &str,
        reason: &str,
    ) {
        self.suppressed.push(Suppressed {
            workspace: subject.workspace.to_owned(),
            address: subject.address.cloned(),
            r#type: subject.resource_type.to_owned(),
            id: subject.id.map(str::to_owned),
            path,
            state,
            live,
            rule: rule.to_owned(),
            reason: reason.to_owned(),
        });
    }

    fn ignore(&mut self, subject: &Subject<'_>, path: Option<AttrPath>, by: &str, reason: &str) {
        self.ignored.push(Ignored {
            workspace: subject.workspace.to_owned(),
            address: subject.address.cloned(),
            r#type: subject.resource_type.to_owned(),
            id: subject.id.map(str::to_owned),
            path,
            by: by.to_owned(),
            reason: reason.to_owned(),
        });
    }

    /// The differences between a managed resource and its live object, each classified; benign
    /// ones and ignored ones are recorded on the side.
    fn compare_resource(
        &mut self,
        subject: &Subject<'_>,
        resource: &Resource,
        observation: &Observation,
        config: Option<&ConfigResource>,
    ) -> Vec<AttributeDiff> {
        let schema = self.schema(&resource.address.r#type);
        let state = &resource.attributes;
        let live = &observation.attributes;
        let empty = plumb_model::Map::new();
        let state_map = state.as_map().unwrap_or(&empty);
        let live_map = live.as_map().unwrap_or(&empty);
        let ignore_changes = config.map(|c| &c.lifecycle.ignore_changes);
        let mut differences: Vec<Difference> = Vec::new();

        for unread in &observation.unread {
            *self
                .unverified
                .entry((
                    subject.resource_type.to_owned(),
                    unread.clone(),
                    "not read live".to_owned(),
                ))
                .or_default() += 1;
        }
        let unread_top: BTreeSet<&str> = observation
            .unread
            .iter()
            .filter_map(AttrPath::top)
            .collect();

        for (key, s, l) in state_map.zip(live_map) {
            if NOT_COMPARED.contains(&key)
                || unread_top.contains(key)
                || key == "tags"
                || key == "tags_all"
            {
                continue;
            }
            let (Some(s), Some(l)) = (s, l) else {
                // Present on one side only: a provider version that adds or drops it.
                let path = AttrPath::attr(key);
                if !s.or(l).is_some_and(Value::is_empty_like) {
                    self.suppress(
                        subject,
                        path,
                        s.cloned(),
                        l.cloned(),
                        judgements::SCHEMA_VERSION.id,
                        judgements::SCHEMA_VERSION.reason,
                    );
                }
                continue;
            };
            let filtered =
                self.separately_managed
                    .filter(&resource.address.r#type, subject.id, key, s, l);
            if filtered.is_none() && s == l {
                // The common case, by far: nothing to normalize, nothing to copy.
                continue;
            }
            let path = AttrPath::attr(key);
            if let Some((filtered_s, filtered_l)) = &filtered
                && (filtered_s != s || filtered_l != l)
                && !matches!(
                    compare(schema, &resource.address.r#type, &path, s, l),
                    Outcome::Equal
                )
            {
                // What the separate resources account for is explained, not dropped silently.
                self.suppress(
                    subject,
                    path.clone(),
                    Some(s.clone()),
                    Some(l.clone()),
                    judgements::SEPARATELY_MANAGED.id,
                    judgements::SEPARATELY_MANAGED.reason,
                );
            }
            let (mut s, mut l) = filtered.unwrap_or_else(|| (s.clone(), l.clone()));
            if s != l {
                let one_sided = one_sided_fields(schema, &path, &mut s, &mut l);
                for (at, state_value, live_value) in one_sided {
                    let sensitive = is_sensitive(
                        self.input.policy,
                        &resource.address.r#type,
                        schema,
                        Some(state),
                        Some(live),
                        &at,
                    );
                    self.suppress(
                        subject,
                        at,
                        shown(state_value, sensitive),
                        shown(live_value, sensitive),
                        judgements::SCHEMA_VERSION.id,
                        judgements::SCHEMA_VERSION.reason,
                    );
                }
            }
            match compare(schema, &resource.address.r#type, &path, &s, &l) {
                Outcome::Equal => {}
                Outcome::Noise { rule, reason } => {
                    let sensitive = is_sensitive(
                        self.input.policy,
                        &resource.address.r#type,
                        schema,
                        Some(state),
                        Some(live),
                        &path,
                    );
                    self.suppress(
                        subject,
                        path,
                        shown(Some(s), sensitive),
                        shown(Some(l), sensitive),
                        rule,
                        reason,
                    );
                }
                Outcome::Different(found) => differences.extend(found),
            }
        }
        self.compare_tags(subject, state, live, &mut differences);

        let mut diffs = Vec::new();
        if differences.is_empty() {
            return diffs;
        }
        let finding_fingerprint = subject.fingerprint(Kind::Changed);
        for difference in differences {
            if let Some(ignore_changes) = ignore_changes
                && ignore_changes.covers(&difference.path)
            {
                let by = match ignore_changes {
                    IgnoreChanges::All => "ignore_changes = all".to_owned(),
                    _ => format!("ignore_changes ({})", difference.path),
                };
                self.ignore(
                    subject,
                    Some(difference.path),
                    &by,
                    "lifecycle.ignore_changes in the configuration",
                );
                continue;
            }
            if let Some(rule) = self.input.policy.ignores_path(
                subject.address_text().as_deref(),
                subject.resource_type,
                subject.id,
                &difference.path,
            ) {
                let (origin, reason) = (rule.origin.clone(), rule.reason.clone());
                self.ignore(
                    subject,
                    Some(difference.path),
                    &format!("policy ({origin})"),
                    &reason,
                );
                continue;
            }
            let Some(verdict) = classify_difference(
                self.input.policy,
                schema,
                &resource.address.r#type,
                &difference,
                state,
                live,
            ) else {
                continue;
            };
            let sensitive = is_sensitive(
                self.input.policy,
                &resource.address.r#type,
                schema,
                Some(state),
                Some(live),
                &difference.path,
            );
            if verdict.severity == Severity::Benign {
                self.suppress(
                    subject,
                    difference.path,
                    shown(difference.state, sensitive),
                    shown(difference.live, sensitive),
                    verdict.rule,
                    &verdict.reason,
                );
                continue;
            }
            let config_value = config
                .and_then(|c| c.attributes.get_path(&difference.path))
                .filter(|v| !v.is_null() && !v.contains_unknown())
                .map(|v| {
                    schema.map_or_else(|| v.clone(), |s| s.convert_config(&difference.path, v))
                });
            let path_text = difference.path.to_string();
            diffs.push(AttributeDiff {
                fingerprint: fingerprint::attribute(&finding_fingerprint, &path_text, verdict.rule),
                path: difference.path,
                state: shown(difference.state, sensitive),
                live: shown(difference.live, sensitive),
                config: shown(config_value, sensitive),
                added: difference
                    .added
                    .into_iter()
                    .map(|v| shown(Some(v), sensitive).unwrap_or_default())
                    .collect(),
                removed: difference
                    .removed
                    .into_iter()
                    .map(|v| shown(Some(v), sensitive).unwrap_or_default())
                    .collect(),
                severity: verdict.severity,
                rule: verdict.rule.to_owned(),
                reason: verdict.reason,
            });
        }
        diffs
    }

    /// Tags are compared once, on the effective map (`tags_all`, which includes the provider's
    /// `default_tags`), and reported per key as `tags["Key"]`.
    fn compare_tags(
        &mut self,
        subject: &Subject<'_>,
        state: &Value,
        live: &Value,
        out: &mut Vec<Difference>,
    ) {
        if ["tags", "tags_all"]
            .iter()
            .all(|key| state.get(key) == live.get(key))
        {
            // Identical on both sides, as almost every resource is: nothing to build or copy.
            return;
        }
        let effective = |v: &Value| {
            let all = v.get("tags_all").filter(|t| !t.is_null());
            crate::compare::unmarked(&Value::Map(as_map(all.or_else(|| v.get("tags")))))
        };
        let (s, l) = (effective(state), effective(live));
        let (s, l) = (as_map(Some(&s)), as_map(Some(&l)));
        if s == l {
            for key in ["tags", "tags_all"] {
                let (a, b) = (state.get(key), live.get(key));
                if let (Some(a), Some(b)) = (a, b)
                    && a != b
                {
                    // `tags = null` against `{}` is the empty-equals-null case, not a tag split.
                    let (rule, reason) = if a.is_empty_like() && b.is_empty_like() {
                        (EmptyEqualsNull.id(), EmptyEqualsNull.reason())
                    } else {
                        (
                            judgements::TAGS_EFFECTIVE.id,
                            judgements::TAGS_EFFECTIVE.reason,
                        )
                    };
                    self.suppress(
                        subject,
                        AttrPath::attr(key),
                        Some(a.clone()),
                        Some(b.clone()),
                        rule,
                        reason,
                    );
                }
            }
            return;
        }
        for (key, a, b) in s.zip(&l) {
            if a != b {
                out.push(Difference {
                    path: AttrPath::attr("tags").child_key(key),
                    state: a.cloned(),
                    live: b.cloned(),
                    added: Vec::new(),
                    removed: Vec::new(),
                });
            }
        }
    }
}

fn summarize_reason(diffs: &[AttributeDiff]) -> String {
    let Some(top) = diffs.iter().max_by_key(|d| d.severity) else {
        return String::new();
    };
    match diffs.len() {
        1 => top.reason.clone(),
        n => format!(
            "{} (and {} more difference{})",
            top.reason,
            n - 1,
            if n == 2 { "" } else { "s" }
        ),
    }
}

/// Runs the scan of one workspace: its unmanaged objects are reported under it.
pub fn run(input: &ScanInput<'_>) -> ScanOutput {
    let workspace = Workspace {
        name: input.workspace,
        states: input.states,
        config: input.config,
        policy: input.policy,
    };
    run_workspaces(&WorkspacesInput {
        workspaces: std::slice::from_ref(&workspace),
        live: input.live,
        schemas: input.schemas,
        default_region: input.default_region,
        unmanaged_workspace: input.workspace,
        unmanaged_policy: input.policy,
    })
    .total
}

impl<'a> Scan<'a> {
    fn new(input: &'a ScanInput<'a>, separately_managed: &'a SeparatelyManaged) -> Self {
        Scan {
            input,
            separately_managed,
            findings: Vec::new(),
            suppressed: Vec::new(),
            ignored: Vec::new(),
            unverified: BTreeMap::new(),
            schemaless: BTreeSet::new(),
            summary: Summary::default(),
            compared_with: BTreeMap::new(),
        }
    }

    /// Takes another workspace's records in; the counters add up.
    fn absorb(&mut self, other: Scan<'_>) {
        self.findings.extend(other.findings);
        self.suppressed.extend(other.suppressed);
        self.ignored.extend(other.ignored);
        for (key, count) in other.unverified {
            *self.unverified.entry(key).or_default() += count;
        }
        self.schemaless.extend(other.schemaless);
        self.summary.add(&other.summary);
        self.compared_with.extend(other.compared_with);
    }
}

/// Runs the scan of many workspaces over one live read: each resource is compared within its
/// own workspace (its code, its policy), and a live object that any workspace manages is not
/// unmanaged.
pub fn run_workspaces(input: &WorkspacesInput<'_>) -> WorkspacesOutput {
    let live = &input.live;
    let separately_managed =
        SeparatelyManaged::from_states(input.workspaces.iter().flat_map(|w| w.states));
    // Live objects by (region, base type, match key).
    let mut live_index: HashMap<(&str, &str, String), usize> =
        HashMap::with_capacity(live.observations.len());
    let mut shared = Shared::default();
    for (i, o) in live.observations.iter().enumerate() {
        let key = (
            plumb_model::catalog::matching_region(&o.r#type, &o.region),
            o.r#type.as_str(),
            match_key(&o.r#type, &o.id, &o.attributes),
        );
        match live_index.entry(key) {
            std::collections::hash_map::Entry::Vacant(entry) => {
                entry.insert(i);
            }
            std::collections::hash_map::Entry::Occupied(entry) => {
                shared.live.entry(entry.key().clone()).or_default().push(i);
            }
        }
    }
    let mut warnings: Vec<String> = Vec::new();
    shared.managed = shared_ids(input, &mut warnings);
    let mut matched = vec![false; live.observations.len()];
    let failures: HashMap<&Scope, &str> =
        live.failed.iter().map(|(s, e)| (s, e.as_str())).collect();

    let inputs: Vec<ScanInput<'_>> = input
        .workspaces
        .iter()
        .map(|w| ScanInput {
            workspace: w.name,
            states: w.states,
            config: w.config,
            live: input.live,
            schemas: input.schemas,
            policy: w.policy,
            default_region: input.default_region,
        })
        .collect();
    let unmanaged_input = ScanInput {
        workspace: input.unmanaged_workspace,
        states: &[],
        config: None,
        live: input.live,
        schemas: input.schemas,
        policy: input.unmanaged_policy,
        default_region: input.default_region,
    };
    let mut total = Scan::new(&unmanaged_input, &separately_managed);
    let mut pending = Vec::new();
    let mut missing_findings: Vec<usize> = Vec::new();
    let mut workspaces = Vec::with_capacity(inputs.len());
    for workspace_input in &inputs {
        let mut scan = Scan::new(workspace_input, &separately_managed);
        let mut missing = Vec::new();
        for state in workspace_input.states {
            let regions = Regions::new(
                &state.resources,
                workspace_input.config,
                workspace_input.default_region,
            );
            for resource in state.resources.iter().filter(|r| r.is_managed()) {
                scan_resource(
                    &mut scan,
                    state,
                    resource,
                    &regions,
                    &live_index,
                    &shared,
                    &mut matched,
                    &failures,
                    &mut missing,
                );
            }
        }
        let workspace_pending = workspace_input
            .config
            .map(|config| pending_changes(workspace_input, config))
            .unwrap_or_default();
        let mut summary = scan.summary.clone();
        count(
            &mut summary,
            &scan.findings,
            scan.ignored.len(),
            scan.suppressed.len(),
            workspace_pending.len(),
        );
        workspaces.push(WorkspaceSummary {
            workspace: workspace_input.workspace.to_owned(),
            summary,
        });
        add_new(&mut warnings, expired_ignores(workspace_input.policy));
        let offset = total.findings.len();
        missing_findings.extend(missing.into_iter().map(|i| i + offset));
        pending.extend(workspace_pending);
        total.absorb(scan);
    }

    // Unmanaged: live objects of scanned scopes that no state matched.
    let mut unmanaged_findings = Vec::new();
    let mut enumerated = 0usize;
    for (i, observation) in live.observations.iter().enumerate() {
        if let Some(why) = not_unmanaged(observation) {
            if why == "elsewhere" && !matched[i] {
                total.summary.managed_elsewhere += 1;
            }
            continue;
        }
        if !matched[i] && separately_managed.owns(observation) {
            // Held through an argument of a managed resource (an EIP associated through
            // `aws_eip`'s `instance`): as an object that goes with its owner, not counted.
            continue;
        }
        enumerated += 1;
        // A read of the states' ids only (managed-only) did not look for unmanaged objects:
        // one an adapter returned anyway (a plugin that ignores the ids) is no finding.
        if matched[i] || !live.enumerated {
            continue;
        }
        let subject = Subject {
            workspace: input.unmanaged_workspace,
            address: None,
            resource_type: &observation.r#type,
            id: Some(&observation.id),
            region: Some(&observation.region),
        };
        if let Some(rule) = input.unmanaged_policy.ignores_resource(
            None,
            &observation.r#type,
            Some(&observation.id),
        ) {
            let (origin, reason) = (rule.origin.clone(), rule.reason.clone());
            total.ignore(&subject, None, &format!("policy ({origin})"), &reason);
            continue;
        }
        let finding = unmanaged_finding(&mut total, &subject, observation);
        unmanaged_findings.push(total.findings.len());
        total.findings.push(finding);
    }
    add_new(&mut warnings, expired_ignores(input.unmanaged_policy));
    link_replacements(
        &mut total.findings,
        &missing_findings,
        &unmanaged_findings,
        input,
    );

    WorkspacesOutput {
        total: finish(total, pending, enumerated, warnings),
        workspaces,
    }
}

#[allow(clippy::too_many_arguments)]
fn scan_resource<'a>(
    scan: &mut Scan<'a>,
    state: &'a StateDoc,
    resource: &'a Resource,
    regions: &Regions<'a>,
    live_index: &HashMap<(&str, &str, String), usize>,
    shared: &Shared<'_>,
    matched: &mut [bool],
    failures: &HashMap<&Scope, &str>,
    missing_findings: &mut Vec<usize>,
) {
    let input = scan.input;
    let resource_type = resource.address.r#type.as_str();
    let region = regions.of(resource);
    let base = base_type(resource_type);
    // The key it is matched under: an object no region is known for is matched only where
    // the live side recorded one under no region (see `NO_REGION`).
    let region_key = region.unwrap_or(NO_REGION);
    let placed = region.is_some() || input.live.scanned.contains(&Scope::new(NO_REGION, base));
    let subject = Subject {
        workspace: &state.workspace,
        address: Some(&resource.address),
        resource_type,
        id: resource.id(),
        region,
    };
    let config = scan.config_for(resource);
    let source = config.map(|c| c.location.clone());
    let push = |scan: &mut Scan<'_>, mut finding: Finding| {
        finding.source.clone_from(&source);
        scan.findings.push(finding);
    };

    // Deposed, tainted and ignored objects are still Terraform's: their live objects must not
    // come back as unmanaged.
    let observations = input.live.observations;
    let claim = |matched: &mut [bool]| {
        if placed {
            let key = match_key(base, subject.id.unwrap_or_default(), &resource.attributes);
            if let Some(index) = find_live(
                resource,
                &(region_key, base, key),
                live_index,
                shared,
                observations,
                matched,
            ) {
                matched[index] = true;
            }
        }
    };
    if resource.deposed.is_some() {
        claim(matched);
        scan.summary.deposed += 1;
        let reason =
            "a deposed object left by create_before_destroy; the next apply destroys it".to_owned();
        push(
            scan,
            subject.finding(Kind::Deposed, Some(Severity::Benign), reason),
        );
        return;
    }
    scan.summary.managed += 1;
    if resource.status == Status::Tainted {
        claim(matched);
        scan.summary.tainted += 1;
        let reason = "tainted: the next apply replaces it".to_owned();
        push(
            scan,
            subject.finding(Kind::Tainted, Some(Severity::Benign), reason),
        );
        return;
    }
    if let Some(rule) =
        input
            .policy
            .ignores_resource(subject.address_text().as_deref(), resource_type, subject.id)
    {
        let (origin, reason) = (rule.origin.clone(), rule.reason.clone());
        scan.ignore(&subject, None, &format!("policy ({origin})"), &reason);
        claim(matched);
        return;
    }
    if !placed {
        scan.summary.not_checked += 1;
        let reason = "its region is unknown: no region attribute, ARN or zone, and neither its provider block nor its provider's other resources name one (pass --region)".to_owned();
        push(scan, subject.finding(Kind::NotChecked, None, reason));
        return;
    }
    let region = region_key;
    let scope = Scope::new(region, base);
    if !input.live.scanned.contains(&scope) {
        scan.summary.not_checked += 1;
        let reason = match failures.get(&scope) {
            Some(error) => format!("{base} in {region} could not be read: {error}"),
            None if input.live.unsupported_types.contains(base) => {
                format!("no adapter reads {base}")
            }
            None => format!("{base} in {region} was not scanned"),
        };
        push(scan, subject.finding(Kind::NotChecked, None, reason));
        return;
    }
    let key = match_key(base, subject.id.unwrap_or_default(), &resource.attributes);
    let assembled;
    let mut compared_with = None;
    let found = match find_live(
        resource,
        &(region, base, key),
        live_index,
        shared,
        observations,
        matched,
    ) {
        Some(index) => {
            matched[index] = true;
            compared_with = Some(index);
            Some(&observations[index])
        }
        None => match assemble_rule(resource, region, base, live_index, input.live.observations) {
            Some((parts, observation)) => {
                for index in parts {
                    matched[index] = true;
                }
                assembled = observation;
                Some(&assembled)
            }
            None => None,
        },
    };
    let Some(observation) = found else {
        let event = ResourceEvent {
            resource_type,
            kind: Kind::Missing,
            attributes: &resource.attributes,
        };
        let verdict = classify_resource(input.policy, &event).unwrap_or(Verdict {
            rule: "aws-resource-missing",
            severity: Severity::High,
            reason: "deleted outside Terraform".to_owned(),
        });
        scan.summary.missing += 1;
        let reason = match gone_rule_sources(resource, region, base, live_index) {
            Some(gone) => format!("{}: {gone}", verdict.reason),
            None => verdict.reason,
        };
        let mut finding = subject.finding(Kind::Missing, Some(verdict.severity), reason);
        finding.rules.push(verdict.rule.to_owned());
        missing_findings.push(scan.findings.len());
        push(scan, finding);
        return;
    };
    let diffs = scan.compare_resource(&subject, resource, observation, config);
    if diffs.is_empty() {
        scan.summary.in_sync += 1;
        return;
    }
    scan.summary.drifted += 1;
    let severity = diffs.iter().map(|d| d.severity).max();
    let mut finding = subject.finding(Kind::Changed, severity, summarize_reason(&diffs));
    let mut fired: Vec<String> = diffs.iter().map(|d| d.rule.clone()).collect();
    fired.sort();
    fired.dedup();
    finding.rules = fired;
    finding.attributes = diffs;
    if let Some(index) = compared_with {
        scan.compared_with
            .insert(finding.fingerprint.clone(), index);
    }
    push(scan, finding);
}

/// Where one (region, type, match key) stands for several objects: the live objects beyond
/// the first that have it, and the keys that several managed resources hold (resources that
/// share an id, such as two `aws_iam_policy_attachment` with the same `name`).
#[derive(Default)]
struct Shared<'a> {
    live: HashMap<(&'a str, &'a str, String), Vec<usize>>,
    managed: HashSet<(&'a str, &'a str, String)>,
}

/// The live object a managed resource is: the one with its key, or, where several could be
/// (resources or live objects that share an id), the one whose identity attributes agree with
/// it ([`identity_rank`]), a free one before one another resource took already.
fn find_live(
    resource: &Resource,
    key: &(&str, &str, String),
    live_index: &HashMap<(&str, &str, String), usize>,
    shared: &Shared<'_>,
    observations: &[Observation],
    matched: &[bool],
) -> Option<usize> {
    let &first = live_index.get(key)?;
    let more = shared.live.get(key);
    if more.is_none() && !shared.managed.contains(key) {
        return Some(first);
    }
    std::iter::once(first)
        .chain(more.into_iter().flatten().copied())
        .filter_map(|i| {
            let rank = identity_rank(key.1, &resource.attributes, &observations[i].attributes)?;
            Some((rank, !matched[i], std::cmp::Reverse(i)))
        })
        .max()
        .map(|(_, _, std::cmp::Reverse(i))| i)
}

/// The (region, type, id) that several current managed resources hold, across every
/// workspace, each with a warning naming them: they are matched on their identity attributes
/// ([`find_live`]) instead of all on the first live object with the id. Types matched on
/// identity already (synthetic ids) are not concerned.
fn shared_ids<'a>(
    input: &WorkspacesInput<'a>,
    warnings: &mut Vec<String>,
) -> HashSet<(&'a str, &'a str, String)> {
    // Counted first on borrowed (type, id), so that the common case allocates nothing per
    // resource.
    let mut counts: HashMap<(&str, &str), u32> = HashMap::new();
    let current = input
        .workspaces
        .iter()
        .flat_map(|w| w.states.iter().flat_map(|s| s.resources.iter()))
        .filter(|r| r.is_managed() && r.deposed.is_none());
    for resource in current {
        let base = base_type(&resource.address.r#type);
        if let Some(id) = resource
            .id()
            .filter(|_| !plumb_model::catalog::identity::is_synthetic(base))
        {
            *counts.entry((base, id)).or_default() += 1;
        }
    }
    if counts.values().all(|&n| n < 2) {
        return HashSet::new();
    }
    let mut groups: BTreeMap<(&str, &str, &str), Vec<String>> = BTreeMap::new();
    for workspace in input.workspaces {
        for state in workspace.states {
            let regions = Regions::new(&state.resources, workspace.config, input.default_region);
            for resource in state
                .resources
                .iter()
                .filter(|r| r.is_managed() && r.deposed.is_none())
            {
                let base = base_type(&resource.address.r#type);
                let Some(id) = resource.id() else { continue };
                if counts.get(&(base, id)).is_none_or(|&n| n < 2) {
                    continue;
                }
                let region = regions.of(resource).unwrap_or(NO_REGION);
                let address = if input.workspaces.len() > 1 {
                    format!("{} ({})", resource.address, workspace.name)
                } else {
                    resource.address.to_string()
                };
                groups.entry((region, base, id)).or_default().push(address);
            }
        }
    }
    let mut out = HashSet::new();
    for ((region, base, id), addresses) in groups {
        if addresses.len() < 2 {
            continue;
        }
        let by = plumb_model::catalog::identity::identity(base)
            .filter(|i| !i.attributes.is_empty())
            .map_or_else(
                || "the attributes they agree on".to_owned(),
                |i| i.attributes.join(", "),
            );
        warnings.push(format!(
            "{} managed resources share the {base} id \"{id}\" in {region} ({}): each is matched to its own live object by {by}",
            addresses.len(),
            addresses.join(", ")
        ));
        out.insert((region, base, id.to_owned()));
    }
    out
}

/// For a multi-source `aws_security_group_rule` of which some sources are still live, which
/// ones are gone (`"192.0.2.128/25 of its 2 sources is gone"`): the rule is missing as the
/// provider's Read finds it, but the report says what was removed.
fn gone_rule_sources(
    resource: &Resource,
    region: &str,
    base: &str,
    live_index: &HashMap<(&str, &str, String), usize>,
) -> Option<String> {
    let keys = crate::matching::split_source_keys(base, &resource.attributes)?;
    let total = keys.len();
    let gone: Vec<String> = keys
        .into_iter()
        .filter(|(_, key)| !live_index.contains_key(&(region, base, key.clone())))
        .map(|(source, _)| source)
        .collect();
    if gone.is_empty() || gone.len() == total {
        return None;
    }
    let verb = if gone.len() == 1 { "is" } else { "are" };
    Some(format!(
        "{} of its {total} sources {verb} gone",
        gone.join(", ")
    ))
}

/// The live form of a multi-source `aws_security_group_rule`, assembled from the one-source
/// rules EC2 keeps for it (see [`crate::matching::split_source_keys`]): found when every source
/// is there, as the provider's Read finds it. The sources are the state's, since all are
/// present; what can differ is the description, which EC2 keeps per source.
fn assemble_rule(
    resource: &Resource,
    region: &str,
    base: &str,
    live_index: &HashMap<(&str, &str, String), usize>,
    observations: &[Observation],
) -> Option<(Vec<usize>, Observation)> {
    let keys = crate::matching::split_source_keys(base, &resource.attributes)?;
    let parts: Vec<usize> = keys
        .into_iter()
        .map(|(_, key)| live_index.get(&(region, base, key)).copied())
        .collect::<Option<_>>()?;
    let first = observations.get(*parts.first()?)?;
    let mut observation = first.clone();
    let state_description = resource.attributes.get("description");
    let description = parts
        .iter()
        .filter_map(|&i| observations[i].attributes.get("description"))
        .find(|d| Some(*d) != state_description)
        .or(state_description)
        .cloned()
        .unwrap_or(Value::Null);
    if let Some(map) = observation.attributes.as_map_mut() {
        for key in [
            "cidr_blocks",
            "ipv6_cidr_blocks",
            "prefix_list_ids",
            "source_security_group_id",
            "self",
            "security_group_rule_id",
        ] {
            if (parts.len() > 1 || !map.contains_key(key))
                && let Some(value) = resource.attributes.get(key)
            {
                map.insert(key, value.clone());
            }
        }
        map.insert("description", description);
    }
    Some((parts, observation))
}

fn unmanaged_finding(
    scan: &mut Scan<'_>,
    subject: &Subject<'_>,
    observation: &Observation,
) -> Finding {
    let policy = scan.input.policy;
    let event = ResourceEvent {
        resource_type: &observation.r#type,
        kind: Kind::Unmanaged,
        attributes: &observation.attributes,
    };
    let resource_verdict = classify_resource(policy, &event).unwrap_or(Verdict {
        rule: "aws-unmanaged-resource",
        severity: Severity::Medium,
        reason: "exists live but no state manages it".to_owned(),
    });
    let mut finding = subject.finding(
        Kind::Unmanaged,
        Some(resource_verdict.severity),
        resource_verdict.reason,
    );
    finding.rules.push(resource_verdict.rule.to_owned());
    // Attribute rules apply to unmanaged objects too: an open port is critical wherever it is.
    let schema = scan.schema(&observation.r#type);
    for (path, value, verdict, sensitive) in
        judged_attributes(policy, schema, &observation.r#type, &observation.attributes)
    {
        finding.attributes.push(AttributeDiff {
            fingerprint: fingerprint::attribute(
                &finding.fingerprint,
                &path.to_string(),
                verdict.rule,
            ),
            path,
            state: None,
            live: shown(Some(value.clone()), sensitive),
            config: None,
            added: Vec::new(),
            removed: Vec::new(),
            severity: verdict.severity,
            rule: verdict.rule.to_owned(),
            reason: verdict.reason.clone(),
        });
        if Some(verdict.severity) > finding.severity {
            finding.severity = Some(verdict.severity);
            finding.reason = format!("unmanaged: {}", verdict.reason);
        }
        if !finding.rules.iter().any(|r| r == verdict.rule) {
            finding.rules.push(verdict.rule.to_owned());
        }
    }
    finding
}

/// The top-level attributes of an object no state holds (unmanaged, or added between two
/// states) that a specific attribute rule judges above benign, each with its verdict and
/// whether it is sensitive.
pub(crate) fn judged_attributes<'v>(
    policy: &Policy,
    schema: Option<&ResourceSchema>,
    resource_type: &str,
    attributes: &'v Value,
) -> Vec<(AttrPath, &'v Value, Verdict, bool)> {
    let Some(map) = attributes.as_map() else {
        return Vec::new();
    };
    let mut judged = Vec::new();
    for (key, value) in map {
        let path = AttrPath::attr(key);
        let change = AttributeChange {
            resource_type,
            kind: Kind::Unmanaged,
            path: &path,
            state: None,
            live: Some(value),
            added: &[],
            removed: &[],
            resource_state: None,
            resource_live: Some(attributes),
            computed_only: false,
        };
        let Some(verdict) = classify_attribute(policy, &change) else {
            continue;
        };
        let is_fallback = rules::by_id(verdict.rule).is_some_and(Rule::fallback);
        if is_fallback || verdict.severity <= Severity::Benign {
            continue;
        }
        let sensitive = is_sensitive(policy, resource_type, schema, None, Some(attributes), &path);
        judged.push((path, value, verdict, sensitive));
    }
    judged
}

/// An object's Name tag, from its effective tags; `None` when it has none or an empty one.
pub(crate) fn name_tag(attributes: &Value) -> Option<&str> {
    ["tags_all", "tags"]
        .iter()
        .find_map(|k| {
            attributes
                .get(k)
                .and_then(|t| t.get("Name"))
                .and_then(Value::as_str)
        })
        .filter(|n| !n.is_empty())
}

/// A resource deleted and recreated by hand: one `missing` and one `unmanaged` finding of the
/// same type with the same Name tag, linked both ways.
fn link_replacements(
    findings: &mut [Finding],
    missing: &[usize],
    unmanaged: &[usize],
    input: &WorkspacesInput<'_>,
) {
    // Nothing to pair: the whole-input indexes below would be built for nothing.
    if missing.is_empty() || unmanaged.is_empty() {
        return;
    }
    let state_attributes: HashMap<(&str, String), &Value> = input
        .workspaces
        .iter()
        .flat_map(|w| w.states)
        .flat_map(|s| s.resources.iter().map(move |r| (s.workspace.as_str(), r)))
        .map(|(workspace, r)| ((workspace, r.address.to_string()), &r.attributes))
        .collect();
    let live_attributes: HashMap<(&str, &str), &Value> = input
        .live
        .observations
        .iter()
        .map(|o| ((o.r#type.as_str(), o.id.as_str()), &o.attributes))
        .collect();
    for &m in missing {
        let Some(address) = findings[m].address.as_ref().map(ToString::to_string) else {
            continue;
        };
        let workspace = findings[m].workspace.as_str();
        let Some(name) = state_attributes
            .get(&(workspace, address.clone()))
            .and_then(|a| name_tag(a))
        else {
            continue;
        };
        let base = base_type(&findings[m].r#type).to_owned();
        let partner = unmanaged.iter().copied().find(|&u| {
            findings[u].r#type == base
                && findings[u].related.is_empty()
                && findings[u]
                    .id
                    .as_deref()
                    .and_then(|id| live_attributes.get(&(base.as_str(), id)))
                    .and_then(|a| name_tag(a))
                    == Some(name)
        });
        if let Some(u) = partner {
            let (missing_fp, unmanaged_fp) = (
                findings[m].fingerprint.clone(),
                findings[u].fingerprint.clone(),
            );
            let new_id = findings[u].id.clone().unwrap_or_default();
            findings[m].related.push(Related {
                fingerprint: unmanaged_fp,
                relation: "replaced_by".to_owned(),
            });
            findings[m].reason = format!(
                "replaced outside Terraform: deleted, and {new_id} created with the same Name tag ({name})"
            );
            findings[u].related.push(Related {
                fingerprint: missing_fp,
                relation: "replaces".to_owned(),
            });
            findings[u].reason =
                format!("replaced outside Terraform: created by hand in place of {address}");
        }
    }
}

/// The counts that follow from the findings and the records beside them, and the score.
fn count(
    summary: &mut Summary,
    findings: &[Finding],
    ignored: usize,
    suppressed: usize,
    pending: usize,
) {
    summary.unmanaged = findings
        .iter()
        .filter(|f| f.kind == Kind::Unmanaged)
        .count();
    let mut by_severity = BySeverity::default();
    for finding in findings {
        if let Some(severity) = finding.severity {
            by_severity.add(severity);
        }
    }
    summary.by_severity = by_severity;
    summary.ignored = ignored;
    summary.suppressed = suppressed;
    summary.pending = pending;
    summary.score = score::score(summary);
}

fn expired_ignores(policy: &Policy) -> impl Iterator<Item = String> + '_ {
    policy.expired().map(|i| {
        format!(
            "{}: the ignore expired on {} and no longer applies ({})",
            i.origin,
            i.expires.as_deref().unwrap_or_default(),
            i.reason
        )
    })
}

/// The warning that names the types compared without a provider schema, if any was.
pub(crate) fn schemaless_warning(types: &BTreeSet<String>) -> Option<String> {
    (!types.is_empty()).then(|| {
        format!(
            "compared without a provider schema (lists in order, null and empty alike): {}",
            types.iter().cloned().collect::<Vec<_>>().join(", ")
        )
    })
}

/// Workspaces that share a policy file share its warnings: each is said once, in order.
fn add_new(warnings: &mut Vec<String>, more: impl Iterator<Item = String>) {
    for warning in more {
        if !warnings.contains(&warning) {
            warnings.push(warning);
        }
    }
}

fn finish(
    scan: Scan<'_>,
    pending: Vec<plumb_model::Pending>,
    enumerated: usize,
    mut warnings: Vec<String>,
) -> ScanOutput {
    let Scan {
        input,
        mut findings,
        suppressed,
        ignored,
        unverified,
        schemaless,
        mut summary,
        compared_with,
        ..
    } = scan;
    count(
        &mut summary,
        &findings,
        ignored.len(),
        suppressed.len(),
        pending.len(),
    );
    let matched_live = enumerated.saturating_sub(summary.unmanaged);
    summary.coverage = (input.live.enumerated && enumerated > 0).then(|| {
        #[allow(clippy::cast_precision_loss)]
        let share = matched_live as f64 / enumerated as f64;
        (share * 1000.0).round() / 1000.0
    });
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.kind.cmp(&b.kind))
            .then_with(|| a.address.cmp(&b.address))
            .then_with(|| a.r#type.cmp(&b.r#type))
            .then_with(|| a.id.cmp(&b.id))
            .then_with(|| a.workspace.cmp(&b.workspace))
    });
    let unverified = unverified
        .into_iter()
        .map(|((r#type, path, reason), count)| Unverified {
            r#type,
            path,
            reason,
            count,
        })
        .collect();
    warnings.extend(schemaless_warning(&schemaless));
    ScanOutput {
        summary,
        findings,
        suppressed,
        ignored,
        pending,
        unverified,
        schemaless_types: schemaless.into_iter().collect(),
        warnings,
        compared_with,
    }
}

#[allow(dead_code)]
fn _assert_send(schemas: &ProviderSchemas) -> &ProviderSchemas {
    schemas
}
