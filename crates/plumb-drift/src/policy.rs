//! Policy: severity overrides and ignores, as read from `.plumb.hcl` (and driftctl's
//! `.driftignore`). The engine only asks the two questions below; reading the files lives in
//! `policy_file`.

use plumb_model::{AttrPath, Severity};

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

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Policy {
    pub overrides: Vec<SeverityOverride>,
    pub ignores: Vec<IgnoreRule>,
    /// Today's date (`YYYY-MM-DD`) for `expires`; the caller decides what "today" is.
    pub today: Option<String>,
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
    /// Adds another file's overrides and ignores after this one's (later ones win ties).
    pub fn extend(&mut self, other: Policy) {
        self.overrides.extend(other.overrides);
        self.ignores.extend(other.ignores);
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
