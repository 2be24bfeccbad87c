//! Reading a [`Policy`] from `.plumb.hcl`, and from driftctl's `.driftignore` so that driftctl
//! users can move over without rewriting their ignores. The format is in `docs/policy.md`.
//!
//! Every error is one line naming the file and, where there is one, the line.

use std::fmt;
use std::path::Path;

use hcl_edit::Span as _;
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Structure};
use plumb_model::{AttrPath, Segment, Severity};

use crate::policy::{IgnoreRule, Policy, SeverityOverride};

/// Why a policy file could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    pub origin: String,
    /// 1-based; 0 when the problem is the file as a whole.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.origin, self.message)
        } else {
            write!(f, "{}:{}: {}", self.origin, self.line, self.message)
        }
    }
}

impl std::error::Error for PolicyError {}

/// Reads a policy file: `.driftignore` syntax when the file is named so, `.plumb.hcl` syntax
/// otherwise.
pub fn load(path: &Path) -> Result<Policy, PolicyError> {
    let origin = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| PolicyError {
        origin: origin.clone(),
        line: 0,
        message: format!("cannot read: {e}"),
    })?;
    if path.file_name().is_some_and(|n| n == ".driftignore") {
        Ok(Policy {
            ignores: parse_driftignore(&text, &origin)?,
            ..Policy::default()
        })
    } else {
        parse_plumb_hcl(&text, &origin)
    }
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .bytes()
        .filter(|&b| b == b'\n')
        .count()
        + 1
}

/// The string fields of one `override` or `ignore` block, with the line of each.
struct Fields<'a> {
    origin: &'a str,
    block_line: usize,
    values: Vec<(String, String, usize)>,
}

impl Fields<'_> {
    fn error(&self, line: usize, message: String) -> PolicyError {
        PolicyError {
            origin: self.origin.to_owned(),
            line,
            message,
        }
    }

    fn take(&mut self, name: &str) -> Option<(String, usize)> {
        let at = self.values.iter().position(|(k, _, _)| k == name)?;
        let (_, value, line) = self.values.remove(at);
        Some((value, line))
    }

    fn path(&mut self) -> Result<Option<AttrPath>, PolicyError> {
        self.take("path")
            .map(|(text, line)| text.parse().map_err(|e| self.error(line, format!("{e}"))))
            .transpose()
    }

    /// Everything not taken is unknown: a typo must not silently widen or narrow a policy.
    fn finish(self, block: &str) -> Result<(), PolicyError> {
        match self.values.first() {
            Some((name, _, line)) => {
                Err(self.error(*line, format!("unknown attribute `{name}` in `{block}`")))
            }
            None => Ok(()),
        }
    }
}

fn fields<'a>(block: &Block, text: &str, origin: &'a str) -> Result<Fields<'a>, PolicyError> {
    let block_line = block.span().map_or(0, |s| line_of(text, s.start));
    let mut values = Vec::new();
    for structure in &block.body {
        let line = structure
            .span()
            .map_or(block_line, |s| line_of(text, s.start));
        match structure {
            Structure::Attribute(attr) => match &attr.value {
                Expression::String(s) => {
                    values.push((attr.key.as_str().to_owned(), s.value().clone(), line));
                }
                _ => {
                    return Err(PolicyError {
                        origin: origin.to_owned(),
                        line,
                        message: format!("`{}` must be a quoted string", attr.key.as_str()),
                    });
                }
            },
            Structure::Block(inner) => {
                return Err(PolicyError {
                    origin: origin.to_owned(),
                    line,
                    message: format!(
                        "unexpected block `{}` inside `{}`",
                        inner.ident.as_str(),
                        block.ident.as_str()
                    ),
                });
            }
        }
    }
    Ok(Fields {
        origin,
        block_line,
        values,
    })
}

fn is_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return false;
    };
    let number = |s: &str, len: usize| {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    matches!(
        (number(y, 4), number(m, 2), number(d, 2)),
        (Some(_), Some(1..=12), Some(1..=31))
    )
}

/// Reads `.plumb.hcl`.
pub fn parse_plumb_hcl(text: &str, origin: &str) -> Result<Policy, PolicyError> {
    let body = hcl_edit::parser::parse_body(text).map_err(|e| PolicyError {
        origin: origin.to_owned(),
        line: e.location().line(),
        message: e.message().split_whitespace().collect::<Vec<_>>().join(" "),
    })?;
    let mut policy = Policy::default();
    for structure in &body {
        let line = structure.span().map_or(0, |s| line_of(text, s.start));
        let block = match structure {
            // Reserved for multi-workspace scans.
            Structure::Attribute(attr) if attr.key.as_str() == "workspaces" => continue,
            Structure::Attribute(attr) => {
                return Err(PolicyError {
                    origin: origin.to_owned(),
                    line,
                    message: format!("unknown setting `{}`", attr.key.as_str()),
                });
            }
            Structure::Block(block) => block,
        };
        match block.ident.as_str() {
            "override" => {
                let mut f = fields(block, text, origin)?;
                let (severity, severity_line) = f.take("severity").ok_or_else(|| {
                    f.error(f.block_line, "an `override` needs `severity`".to_owned())
                })?;
                let severity: Severity = severity
                    .parse()
                    .map_err(|e: String| f.error(severity_line, e))?;
                let rule = f.take("rule").map(|(v, _)| v);
                if let Some(id) = &rule
                    && crate::rules::by_id(id).is_none()
                {
                    return Err(f.error(
                        f.block_line,
                        format!("unknown rule `{id}` (see `plumb rules`)"),
                    ));
                }
                let resource_type = f.take("type").map(|(v, _)| v);
                let path = f.path()?;
                if rule.is_none() && resource_type.is_none() && path.is_none() {
                    return Err(f.error(
                        f.block_line,
                        "an `override` needs at least one of `rule`, `type`, `path`".to_owned(),
                    ));
                }
                f.finish("override")?;
                policy.overrides.push(SeverityOverride {
                    rule,
                    resource_type,
                    path,
                    severity,
                });
            }
            "ignore" => {
                let mut f = fields(block, text, origin)?;
                let (reason, _) = f
                    .take("reason")
                    .filter(|(r, _)| !r.trim().is_empty())
                    .ok_or_else(|| {
                        f.error(
                            f.block_line,
                            "an `ignore` needs a `reason`: say why, for the next reader".to_owned(),
                        )
                    })?;
                let address = f.take("address").map(|(v, _)| v);
                let resource_type = f.take("type").map(|(v, _)| v);
                let id = f.take("id").map(|(v, _)| v);
                let path = f.path()?;
                let owner = f.take("owner").map(|(v, _)| v);
                let expires = match f.take("expires") {
                    Some((date, line)) if !is_date(&date) => {
                        return Err(f.error(
                            line,
                            format!("`expires` must be a date YYYY-MM-DD, not `{date}`"),
                        ));
                    }
                    other => other.map(|(v, _)| v),
                };
                if address.is_none() && resource_type.is_none() && id.is_none() {
                    return Err(f.error(
                        f.block_line,
                        "an `ignore` needs at least one of `address`, `type`, `id`".to_owned(),
                    ));
                }
                let block_line = f.block_line;
                f.finish("ignore")?;
                policy.ignores.push(IgnoreRule {
                    address,
                    resource_type,
                    id,
                    path,
                    reason,
                    owner,
                    expires,
                    origin: format!("{origin}:{block_line}"),
                });
            }
            // Reserved for environment parity.
            "parity" => {}
            other => {
                return Err(PolicyError {
                    origin: origin.to_owned(),
                    line,
                    message: format!("unknown block `{other}` (expected `override` or `ignore`)"),
                });
            }
        }
    }
    Ok(policy)
}

/// Splits a `.driftignore` line on dots that are not escaped (`\.`).
fn split_unescaped(line: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'.') => {
                chars.next();
                if let Some(last) = parts.last_mut() {
                    last.push('.');
                }
            }
            '.' => parts.push(String::new()),
            c => {
                if let Some(last) = parts.last_mut() {
                    last.push(c);
                }
            }
        }
    }
    parts
}

/// Reads driftctl's `.driftignore`: one rule a line, `TYPE.ID` or `TYPE.ID.attribute.path`, `*`
/// as a wildcard, `\.` for a dot inside an id, `#` for comments.
pub fn parse_driftignore(text: &str, origin: &str) -> Result<Vec<IgnoreRule>, PolicyError> {
    let mut rules = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let number = i + 1;
        let error = |message: String| PolicyError {
            origin: origin.to_owned(),
            line: number,
            message,
        };
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with('!') {
            // Skipping a negation would ignore more than the user meant, which hides drift.
            return Err(error(
                "negated rules (`!`) are not supported; write the ignores you want in .plumb.hcl"
                    .to_owned(),
            ));
        }
        let parts = split_unescaped(line);
        let (resource_type, id, path) = match parts.as_slice() {
            [all] if all == "*" => ("*".to_owned(), "*".to_owned(), Vec::new()),
            [t, id, path @ ..] if !t.is_empty() && !id.is_empty() => {
                (t.clone(), id.clone(), path.to_vec())
            }
            _ => {
                return Err(error(format!(
                    "expected TYPE.ID or TYPE.ID.attribute, found `{line}`"
                )));
            }
        };
        let path =
            (!path.is_empty()).then(|| AttrPath(path.into_iter().map(Segment::Attr).collect()));
        rules.push(IgnoreRule {
            address: None,
            resource_type: Some(resource_type),
            id: Some(id),
            path,
            reason: "listed in .driftignore".to_owned(),
            owner: None,
            expires: None,
            origin: format!("{origin}:{number}"),
        });
    }
    Ok(rules)
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: &str = r#"
# The platform team's drift policy.
override {
  rule     = "tags-changed"
  severity = "medium"
}

override {
  type     = "aws_instance"
  path     = "tags[\"CostCenter\"]"
  severity = "high"
}

ignore {
  address = "module.legacy.*"
  reason  = "being migrated by hand"
  owner   = "platform"
  expires = "2027-01-31"
}

ignore {
  type   = "aws_instance"
  path   = "tags[\"LastPatched\"]"
  reason = "the patch robot retags nightly"
}

parity {
  vary = ["tags"]
}
"#;

    #[test]
    fn reads_overrides_and_ignores() {
        let policy = parse_plumb_hcl(POLICY, ".plumb.hcl").unwrap();
        assert_eq!(policy.overrides.len(), 2);
        assert_eq!(policy.overrides[0].rule.as_deref(), Some("tags-changed"));
        assert_eq!(
            policy.overrides[1].path.as_ref().unwrap().to_string(),
            "tags[\"CostCenter\"]"
        );
        assert_eq!(policy.ignores.len(), 2);
        assert_eq!(policy.ignores[0].origin, ".plumb.hcl:14");
        assert_eq!(policy.ignores[0].expires.as_deref(), Some("2027-01-31"));
        assert_eq!(
            policy.ignores[1].path.as_ref().unwrap().to_string(),
            "tags[\"LastPatched\"]"
        );
    }

    #[test]
    fn errors_name_the_line() {
        let cases: &[(&str, &str)] = &[
            (
                "ignore {\n  type = \"aws_vpc\"\n}\n",
                ".plumb.hcl:1: an `ignore` needs a `reason`",
            ),
            (
                "ignore {\n  type = \"x\"\n  reason = \"r\"\n  expires = \"next week\"\n}\n",
                ".plumb.hcl:4: `expires` must be a date",
            ),
            (
                "override {\n  rule = \"tags-changed\"\n  severity = \"urgent\"\n}\n",
                ".plumb.hcl:3: unknown severity",
            ),
            (
                "override {\n  rule = \"no-such-rule\"\n  severity = \"low\"\n}\n",
                ".plumb.hcl:1: unknown rule `no-such-rule`",
            ),
            (
                "ignore {\n  type = \"x\"\n  reason = \"r\"\n  typo = \"y\"\n}\n",
                ".plumb.hcl:4: unknown attribute `typo`",
            ),
            ("ignroe {\n}\n", ".plumb.hcl:1: unknown block `ignroe`"),
            (
                "ignore {\n  type = \"x\"\n  reason = \"r\"\n  path = \"tags[\"\n}\n",
                ".plumb.hcl:4: invalid attribute path",
            ),
            (
                "ignore {\n  type = var.x\n  reason = \"r\"\n}\n",
                ".plumb.hcl:2: `type` must be a quoted string",
            ),
            ("ignore {\n", ".plumb.hcl:1: invalid block body"),
        ];
        for (text, expected) in cases {
            let err = parse_plumb_hcl(text, ".plumb.hcl").unwrap_err().to_string();
            assert!(err.starts_with(expected), "{text:?}: {err}");
        }
    }

    #[test]
    fn reads_driftignore() {
        let text = "# comment\n\naws_s3_bucket.my\\.bucket\naws_instance.*\naws_instance.i-123.tags.Name\n*\n";
        let rules = parse_driftignore(text, ".driftignore").unwrap();
        assert_eq!(rules.len(), 4);
        assert_eq!(rules[0].id.as_deref(), Some("my.bucket"));
        assert_eq!(rules[1].id.as_deref(), Some("*"));
        assert_eq!(rules[2].path.as_ref().unwrap().to_string(), "tags.Name");
        assert_eq!(rules[2].origin, ".driftignore:5");
        assert_eq!(rules[3].resource_type.as_deref(), Some("*"));
        let err = parse_driftignore("!aws_instance.i-1\n", ".driftignore").unwrap_err();
        assert!(
            err.to_string().starts_with(".driftignore:1: negated rules"),
            "{err}"
        );
        let err = parse_driftignore("aws_instance\n", ".driftignore").unwrap_err();
        assert!(
            err.to_string()
                .starts_with(".driftignore:1: expected TYPE.ID"),
            "{err}"
        );
    }

    #[test]
    fn driftignore_wildcards_match_types_and_ids() {
        let policy = Policy {
            ignores: parse_driftignore("aws_instance.*\n", ".driftignore").unwrap(),
            ..Policy::default()
        };
        assert!(
            policy
                .ignores_resource(None, "aws_instance", Some("i-1"))
                .is_some()
        );
        assert!(
            policy
                .ignores_resource(None, "aws_vpc", Some("vpc-1"))
                .is_none()
        );
    }
}
