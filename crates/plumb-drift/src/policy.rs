//! Policy: severity overrides, ignores and sensitive attributes, as read from `.plumb.hcl` (and
//! driftctl's `.driftignore`). The engine only asks the questions below; reading the files lives
//! in `policy_file`.

use plumb_model::{AttrPath, Configuration, Observation, Segment, Severity, StateDoc, Value};

use plumb_model::catalog::base_type;

/// Changes the severity a rule gives, for a rule, a type, an attribute path, or a mix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeverityOverride {
    pub rule: Option<String>,
    pub resource_type: Option<String>,
    pub path: Option<AttrPath>,
    pub severity: Severity,
}

/// Sets a resource or an attribute aside, with the reason a reviewer will read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IgnoreRule {
    /// Glob over the resource address (`module.legacy.*`, `aws_instance.web[*]`).
    pub address: Option<String>,
    /// Glob over the type (driftctl's `.driftignore` writes `aws_*`).
    pub resource_type: Option<String>,
    /// Glob over the provider id.
    pub id: Option<String>,
    /// Without a path the whole resource is ignored.
    pub path: Option<AttrPath>,
    pub reason: String,
    pub owner: Option<String>,
    /// `YYYY-MM-DD`: from that day on the ignore no longer applies (and the report says so).
    pub expires: Option<String>,
    /// Where it was written (`.plumb.hcl:12`), for messages.
    pub origin: String,
}

/// Names an attribute sensitive (ARCHITECTURE.md, "Words"): no output shows its value, only
/// `(sensitive)` and whether it changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SensitiveRule {
    /// Glob over the type; without one, every type. `aws_vpc` also covers `aws_default_vpc`.
    pub resource_type: Option<String>,
    /// The attribute, and everything below it.
    pub path: AttrPath,
    pub reason: Option<String>,
    /// Where it was written (`.plumb.hcl:12`), for messages.
    pub origin: String,
}

/// The attributes that hold an object's tags, as a map from key to value. A tag is one fact
/// whichever of them it is read from: the object's own `tags`, the effective `tags_all`, an
/// instance's `volume_tags`, and the `tags` of nested blocks (a launch template's
/// `tag_specifications[*].tags`, an instance's `root_block_device[*].tags`).
const TAG_MAPS: [&str; 3] = ["tags", "tags_all", "volume_tags"];

impl SensitiveRule {
    fn covers(&self, resource_type: &str) -> bool {
        self.resource_type
            .as_deref()
            .is_none_or(|t| glob_match(t, resource_type) || glob_match(t, base_type(resource_type)))
    }

    /// True when this rule names the value at `path` or one of its ancestors. A rule path that
    /// starts in a tag map (`tags.DbPassword`) names that key in every tag map of the object,
    /// at any depth, since the secret is the same wherever the provider repeats it.
    fn names(&self, path: &[Segment]) -> bool {
        let rule = self.path.segments();
        if names_below(rule, path) {
            return true;
        }
        let [Segment::Attr(top) | Segment::Key(top), key @ ..] = rule else {
            return false;
        };
        TAG_MAPS.contains(&top.as_str())
            && path.iter().enumerate().any(|(at, segment)| {
                segment.as_name().is_some_and(|n| TAG_MAPS.contains(&n))
                    && names_below(key, &path[at + 1..])
            })
    }
}

/// True when `rule` is `path` or one of its ancestors, segment by segment, where a list index
/// in `path` that `rule` does not write is passed over: `root_block_device.tags` names the tags
/// of every element, and a set's elements, whose indexes mean nothing, can only be named so.
fn names_below(rule: &[Segment], path: &[Segment]) -> bool {
    match (rule.split_first(), path.split_first()) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some((r, rule_rest)), Some((p, path_rest))) => {
            if r == p {
                names_below(rule_rest, path_rest)
            } else {
                matches!(p, Segment::Index(_))
                    && !matches!(r, Segment::Index(_))
                    && names_below(rule, path_rest)
            }
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Policy {
    pub overrides: Vec<SeverityOverride>,
    pub ignores: Vec<IgnoreRule>,
    pub sensitive: Vec<SensitiveRule>,
    /// Today's date (`YYYY-MM-DD`) for `expires`; the caller decides what "today" is.
    pub today: Option<String>,
    /// The workspaces one scan covers (`workspaces = ["dev=envs/dev", ...]`), as written;
    /// the command that reads inputs resolves them, relative to the file.
    pub workspaces: Vec<WorkspaceEntry>,
    /// `parity` blocks: what `plumb parity` expects to differ between environments.
    pub parity: Vec<ParityRule>,
}

/// One `parity` block of a policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParityRule {
    /// Attributes that may differ between environments (sizes, counts).
    Vary {
        /// Globs over the type and the address; without them, every resource.
        resource_type: Option<String>,
        address: Option<String>,
        /// Each covers itself and what is below it.
        paths: Vec<AttrPath>,
        reason: String,
        origin: String,
    },
    /// A resource expected in these environments only (a bastion in prod).
    OnlyIn {
        resource_type: Option<String>,
        address: Option<String>,
        environments: Vec<String>,
        reason: String,
        origin: String,
    },
    /// Instance keys (and the Name tags of live objects) that embed the environment's name:
    /// a glob where `${env}` stands for it (`"${env}-web"`, `"${env}-*"`).
    Key { pattern: String, origin: String },
    /// An address of one environment (or of every one) that stands for another address.
    Rename {
        environment: Option<String>,
        from: String,
        to: String,
        origin: String,
    },
}

/// One element of a policy's `workspaces` list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkspaceEntry {
    /// `NAME=PATH[,state=FILE][,config=DIR]` or a bare `PATH`, as `--workspace` takes it.
    pub spec: String,
    /// Where it was written (`.plumb.hcl:3`), for messages.
    pub origin: String,
}

/// Marks every value below `value` (at `path`) that one of `rules` names, the highest one of a
/// branch only; null values hold nothing to hide and stay as they are.
fn mark_named(rules: &[&SensitiveRule], value: &mut Value, path: &mut Vec<Segment>) {
    if value.is_null() || value.is_sensitive() {
        return;
    }
    if !path.is_empty() && rules.iter().any(|r| r.names(path)) {
        value.mark_sensitive(&[]);
        return;
    }
    match value {
        Value::List(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                path.push(Segment::Index(i));
                mark_named(rules, item, path);
                path.pop();
            }
        }
        Value::Map(map) => {
            for (key, item) in map.iter_mut() {
                path.push(if path.is_empty() {
                    Segment::Attr(key.to_owned())
                } else {
                    Segment::Key(key.to_owned())
                });
                mark_named(rules, item, path);
                path.pop();
            }
        }
        _ => {}
    }
}

/// `*` matches any run of characters, `?` one character; everything else literally.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

impl IgnoreRule {
    pub fn is_expired(&self, today: Option<&str>) -> bool {
        matches!((self.expires.as_deref(), today), (Some(expires), Some(today)) if today >= expires)
    }

    fn matches(&self, address: Option<&str>, resource_type: &str, id: Option<&str>) -> bool {
        self.address
            .as_deref()
            .is_none_or(|g| address.is_some_and(|a| glob_match(g, a)))
            && self
                .resource_type
                .as_deref()
                .is_none_or(|t| glob_match(t, resource_type))
            && self
                .id
                .as_deref()
                .is_none_or(|i| id.is_some_and(|id| glob_match(i, id)))
    }
}

impl Policy {
    /// Adds another file's overrides, ignores and sensitive attributes after this one's (later
    /// ones win ties).
    pub fn extend(&mut self, other: Policy) {
        self.overrides.extend(other.overrides);
        self.ignores.extend(other.ignores);
        self.sensitive.extend(other.sensitive);
        self.workspaces.extend(other.workspaces);
        self.parity.extend(other.parity);
    }

    /// True when the policy names the value at `path` of a `resource_type` sensitive: the path
    /// is a named attribute or lies below one. The one matcher that both the per-path checks of
    /// a scan and [`Policy::mark_sensitive`] ask, so that what a report hides and what a
    /// redacted snapshot leaves out are the same values.
    pub fn names_sensitive(&self, resource_type: &str, path: &AttrPath) -> bool {
        self.sensitive
            .iter()
            .any(|s| s.covers(resource_type) && s.names(path.segments()))
    }

    /// Marks the values the policy names sensitive in one resource's attribute object, at any
    /// depth (blocks, lists, sets, maps). Unlike a state's own `sensitive_attributes`, a policy
    /// path names an attribute that many resources of the type do not have (a tag): where the
    /// path leads to nothing, nothing is marked, rather than the deepest value it reaches (the
    /// whole `tags`), and the other keys of a map stay visible.
    pub fn mark_sensitive(&self, resource_type: &str, attributes: &mut Value) {
        let rules: Vec<&SensitiveRule> = self
            .sensitive
            .iter()
            .filter(|s| s.covers(resource_type))
            .collect();
        if !rules.is_empty() {
            mark_named(&rules, attributes, &mut Vec::new());
        }
    }

    /// Marks the values the policy names sensitive everywhere a scan reads them: the states,
    /// the configuration and the live observations, so that every output (findings, suppressed,
    /// pending, any format) shows `(sensitive)` as it does for schema-sensitive values.
    pub fn mark_inputs(
        &self,
        states: &mut [StateDoc],
        config: Option<&mut Configuration>,
        observations: &mut [Observation],
    ) {
        if self.sensitive.is_empty() {
            return;
        }
        for resource in states.iter_mut().flat_map(|s| s.resources.iter_mut()) {
            self.mark_sensitive(&resource.address.r#type, &mut resource.attributes);
        }
        for resource in config.into_iter().flat_map(|c| c.resources.iter_mut()) {
            self.mark_sensitive(&resource.address.r#type, &mut resource.attributes);
        }
        for observation in observations {
            self.mark_sensitive(&observation.r#type, &mut observation.attributes);
        }
    }

    /// The severity for a rule's verdict after overrides; the most specific override wins
    /// (path over type over rule), later ones over earlier ones.
    pub fn severity(
        &self,
        rule: &str,
        resource_type: &str,
        path: Option<&AttrPath>,
        default: Severity,
    ) -> Severity {
        let mut best: Option<(u8, Severity)> = None;
        for o in &self.overrides {
            let fits = o.rule.as_deref().is_none_or(|r| r == rule)
                && o.resource_type
                    .as_deref()
                    .is_none_or(|t| t == resource_type)
                && o.path
                    .as_ref()
                    .is_none_or(|p| path.is_some_and(|q| q.starts_with(p)));
            if !fits {
                continue;
            }
            let specificity = u8::from(o.path.is_some()) * 4
                + u8::from(o.resource_type.is_some()) * 2
                + u8::from(o.rule.is_some());
            if best.is_none_or(|(s, _)| specificity >= s) {
                best = Some((specificity, o.severity));
            }
        }
        best.map_or(default, |(_, s)| s)
    }

    /// The ignore that sets the whole resource aside, if any (expired ignores do not apply).
    pub fn ignores_resource(
        &self,
        address: Option<&str>,
        resource_type: &str,
        id: Option<&str>,
    ) -> Option<&IgnoreRule> {
        self.ignores.iter().find(|i| {
            i.path.is_none()
                && !i.is_expired(self.today.as_deref())
                && i.matches(address, resource_type, id)
        })
    }

    /// The ignore that sets this attribute difference aside, if any.
    pub fn ignores_path(
        &self,
        address: Option<&str>,
        resource_type: &str,
        id: Option<&str>,
        path: &AttrPath,
    ) -> Option<&IgnoreRule> {
        self.ignores.iter().find(|i| {
            i.path.as_ref().is_some_and(|p| path.starts_with(p))
                && !i.is_expired(self.today.as_deref())
                && i.matches(address, resource_type, id)
        })
    }

    /// Ignores whose date has passed: they no longer apply, and the report says so.
    pub fn expired(&self) -> impl Iterator<Item = &IgnoreRule> {
        self.ignores
            .iter()
            .filter(|i| i.is_expired(self.today.as_deref()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match(
            "module.legacy.*",
            "module.legacy.aws_instance.a[0]"
        ));
        assert!(glob_match("aws_instance.web[?]", "aws_instance.web[1]"));
        assert!(!glob_match("aws_instance.web", "aws_instance.web[0]"));
        assert!(glob_match("*", ""));
    }

    #[test]
    fn most_specific_override_wins() {
        let policy = Policy {
            overrides: vec![
                SeverityOverride {
                    rule: Some("tags-changed".into()),
                    resource_type: None,
                    path: None,
                    severity: Severity::Medium,
                },
                SeverityOverride {
                    rule: None,
                    resource_type: Some("aws_instance".into()),
                    path: Some("tags[\"CostCenter\"]".parse().unwrap()),
                    severity: Severity::High,
                },
            ],
            ..Policy::default()
        };
        let cost: AttrPath = "tags[\"CostCenter\"]".parse().unwrap();
        let name: AttrPath = "tags[\"Name\"]".parse().unwrap();
        assert_eq!(
            policy.severity("tags-changed", "aws_instance", Some(&cost), Severity::Low),
            Severity::High
        );
        assert_eq!(
            policy.severity("tags-changed", "aws_instance", Some(&name), Severity::Low),
            Severity::Medium
        );
        assert_eq!(
            policy.severity("attribute-changed", "aws_vpc", None, Severity::Medium),
            Severity::Medium
        );
    }

    fn sensitive(resource_type: Option<&str>, path: &str) -> SensitiveRule {
        SensitiveRule {
            resource_type: resource_type.map(str::to_owned),
            path: path.parse().unwrap(),
            reason: None,
            origin: ".plumb.hcl:1".into(),
        }
    }

    #[test]
    fn policy_names_paths_sensitive() {
        let policy = Policy {
            sensitive: vec![
                sensitive(Some("aws_instance"), "tags.DbPassword"),
                sensitive(Some("aws_vpc"), "tags.Secret"),
                sensitive(None, "connection[0].secret"),
            ],
            ..Policy::default()
        };
        let names = |ty: &str, path: &str| policy.names_sensitive(ty, &path.parse().unwrap());
        assert!(
            names("aws_instance", "tags[\"DbPassword\"]"),
            "keys and names alike"
        );
        assert!(names("aws_instance", "tags.DbPassword"));
        assert!(!names("aws_instance", "tags[\"Name\"]"));
        assert!(!names("aws_subnet", "tags[\"DbPassword\"]"), "another type");
        assert!(
            names("aws_default_vpc", "tags.Secret"),
            "`aws_vpc` covers the default VPC"
        );
        assert!(
            names("anything", "connection[0].secret.inner"),
            "below the path"
        );
        assert!(!names("anything", "connection[1].secret"));
    }

    #[test]
    fn marking_hides_only_what_is_there() {
        let policy = Policy {
            sensitive: vec![
                sensitive(Some("aws_*"), "tags.DbPassword"),
                sensitive(None, "password"),
            ],
            ..Policy::default()
        };
        let parse = |text: &str| -> Value { serde_json::from_str(text).unwrap() };
        let mut with = parse(r#"{"tags":{"DbPassword":"hunter2","Name":"web"},"password":null}"#);
        policy.mark_sensitive("aws_instance", &mut with);
        let tags = with.get("tags").unwrap();
        assert!(!tags.is_sensitive(), "only the named tag");
        assert!(tags.get("DbPassword").unwrap().is_sensitive());
        assert!(!tags.get("Name").unwrap().is_sensitive());
        assert!(
            !with.get("password").unwrap().is_sensitive(),
            "null shows nothing"
        );
        assert!(!with.to_string().contains("hunter2"), "{with}");
        // A resource without the tag keeps its other tags visible.
        let mut without = parse(r#"{"tags":{"Name":"db"}}"#);
        let before = without.clone();
        policy.mark_sensitive("aws_db_instance", &mut without);
        assert!(!without.contains_sensitive());
        assert_eq!(without, before);
        // Another type is left alone.
        let mut other = parse(r#"{"tags":{"DbPassword":"hunter2"}}"#);
        policy.mark_sensitive("google_compute_instance", &mut other);
        assert!(!other.contains_sensitive());
    }

    #[test]
    fn a_sensitive_tag_is_hidden_in_every_tag_map_at_any_depth_and_only_that_key() {
        let policy = Policy {
            sensitive: vec![
                sensitive(None, "tags.Secret"),
                sensitive(Some("aws_instance"), "ebs_block_device.device_name"),
            ],
            ..Policy::default()
        };
        let names = |ty: &str, path: &str| policy.names_sensitive(ty, &path.parse().unwrap());
        for named in [
            "tags[\"Secret\"]",
            "tags_all[\"Secret\"]",
            "volume_tags[\"Secret\"]",
            "tag_specifications[0].tags[\"Secret\"]",
            "tag_specifications[3].tags[\"Secret\"]",
            "root_block_device[0].tags_all[\"Secret\"]",
            "ebs_block_device[2].device_name",
        ] {
            assert!(names("aws_instance", named), "{named}");
        }
        for shown in [
            "tags[\"Name\"]",
            "tags",
            "tag_specifications[0].tags[\"Name\"]",
            "tag_specifications[0].resource_type",
            "root_block_device[0].tags",
            "Secret",
        ] {
            assert!(!names("aws_instance", shown), "{shown}");
        }

        let mut template: Value = serde_json::from_str(
            r#"{"tags": {"Name": "lt", "Secret": "s-1"},
                "tag_specifications": [
                  {"resource_type": "instance", "tags": {"Name": "web", "Secret": "s-2"}},
                  {"resource_type": "volume", "tags": {"Name": "disk"}}],
                "block_device_mappings": [{"ebs": [{"tags": {"Secret": "s-3", "Team": "a"}}]}]}"#,
        )
        .unwrap();
        policy.mark_sensitive("aws_launch_template", &mut template);
        let text = template.to_string();
        for secret in ["s-1", "s-2", "s-3"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        for visible in ["\"lt\"", "\"web\"", "\"disk\"", "\"instance\"", "\"a\""] {
            assert!(text.contains(visible), "{visible} hidden in {text}");
        }
        let spec = template.get_path(&"tag_specifications[0].tags".parse().unwrap());
        assert!(spec.is_some_and(|tags| !tags.is_sensitive()), "{text}");
    }

    #[test]
    fn expired_ignores_stop_applying() {
        let policy = Policy {
            ignores: vec![IgnoreRule {
                address: Some("aws_instance.*".into()),
                resource_type: None,
                id: None,
                path: None,
                reason: "migration".into(),
                owner: None,
                expires: Some("2026-01-01".into()),
                origin: ".plumb.hcl:3".into(),
            }],
            today: Some("2026-11-22".into()),
            ..Policy::default()
        };
        assert!(
            policy
                .ignores_resource(Some("aws_instance.a"), "aws_instance", None)
                .is_none()
        );
        assert_eq!(policy.expired().count(), 1);
    }
}
