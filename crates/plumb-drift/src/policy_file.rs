//! Reading a [`Policy`] from files: plumb's own `.plumb.hcl`, and driftctl's `.driftignore` so
//! that a team moving over from driftctl keeps its ignores. The formats, and how `.driftignore`
//! lines map onto plumb's ignores, are in `docs/policy.md`.
//!
//! A policy decides what a scan hides, so this reader is strict: an unknown block or attribute,
//! a missing `reason`, a malformed severity, path or date is an error, never a silent default.
//! Every error is one line naming the file and line (`.plumb.hcl:7: ...`).

use hcl_edit::Span as _;
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Structure};
use plumb_model::{AttrPath, Segment, Severity};

use crate::policy::{IgnoreRule, ParityRule, Policy, SensitiveRule, SeverityOverride, glob_match};

/// Why a policy file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("{file}:{line}: {message}")]
    Invalid {
        file: String,
        line: usize,
        message: String,
    },
}

fn invalid(file: &str, line: usize, message: impl Into<String>) -> PolicyError {
    PolicyError::Invalid {
        file: file.to_owned(),
        line,
        message: message.into(),
    }
}

/// Parses a policy file's text: `.driftignore` syntax when `driftignore`, `.plumb.hcl` syntax
/// otherwise. `file` names it in messages and in the report (the path as given). Reading the
/// file is the caller's: the engine does no I/O.
pub fn parse(text: &str, file: &str, driftignore: bool) -> Result<Policy, PolicyError> {
    let text = plumb_model::bom::strip_str(text);
    if driftignore {
        Ok(Policy {
            ignores: parse_driftignore(text, file)?,
            ..Policy::default()
        })
    } else {
        parse_plumb_hcl(text, file)
    }
}

/// True for a real calendar date written `YYYY-MM-DD`. Expiry compares these as text, which is
/// only sound when both sides have exactly this shape; `2027-02-30` would quietly never expire
/// as intended, so it is refused.
pub fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return false;
    }
    let number = |range: std::ops::Range<usize>| {
        text.get(range)
            .filter(|s| s.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|s| s.parse::<u16>().ok())
    };
    let (Some(year), Some(month), Some(day)) = (number(0..4), number(5..7), number(8..10)) else {
        return false;
    };
    let (Ok(month), Ok(day)) = (u8::try_from(month), u8::try_from(day)) else {
        return false;
    };
    time::Month::try_from(month)
        .and_then(|month| time::Date::from_calendar_date(i32::from(year), month, day))
        .is_ok()
}

// ---------------------------------------------------------------------------------------------
// .plumb.hcl

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .unwrap_or(text)
        .bytes()
        .filter(|&b| b == b'\n')
        .count()
        + 1
}

/// Block attributes written as lists of strings.
const LIST_ATTRIBUTES: &[&str] = &["vary", "only_in"];

/// The string attributes of one `override`, `ignore` or `sensitive` block, each with its line. Attributes
/// are taken out one by one; whatever is left at the end is unknown.
struct Fields<'a> {
    file: &'a str,
    block: &'a str,
    line: usize,
    values: Vec<(String, String, usize)>,
    /// Attributes written as a list of quoted strings.
    lists: Vec<(String, Vec<String>, usize)>,
}

impl<'a> Fields<'a> {
    fn read(block: &'a Block, text: &str, file: &'a str) -> Result<Self, PolicyError> {
        let kind = block.ident.as_str();
        let line = block.span().map_or(1, |s| line_of(text, s.start));
        if let Some(label) = block.labels.first() {
            let at = label.span().map_or(line, |s| line_of(text, s.start));
            return Err(invalid(file, at, format!("`{kind}` blocks take no label")));
        }
        let mut values: Vec<(String, String, usize)> = Vec::new();
        let mut lists: Vec<(String, Vec<String>, usize)> = Vec::new();
        for structure in &block.body {
            let at = structure.span().map_or(line, |s| line_of(text, s.start));
            match structure {
                Structure::Attribute(attr) => {
                    let name = attr.key.as_str();
                    // Only the attributes that are lists take one; elsewhere a list is the
                    // "must be a quoted string" error below.
                    if let Expression::Array(items) = &attr.value
                        && LIST_ATTRIBUTES.contains(&name)
                    {
                        let strings: Option<Vec<String>> = items
                            .iter()
                            .map(|item| match item {
                                Expression::String(s) => Some(s.value().clone()),
                                _ => None,
                            })
                            .collect();
                        let Some(strings) = strings else {
                            return Err(invalid(
                                file,
                                at,
                                format!("`{name}` must be a list of quoted strings"),
                            ));
                        };
                        lists.push((name.to_owned(), strings, at));
                        continue;
                    }
                    // `"${env}-web"`: the one interpolation a policy knows, kept as text for
                    // parity keys to match against.
                    if let Expression::StringTemplate(_) = &attr.value
                        && let Some(raw) = attr
                            .value
                            .span()
                            .and_then(|span| text.get(span))
                            .and_then(|raw| raw.strip_prefix('"')?.strip_suffix('"'))
                        && raw
                            .match_indices("${")
                            .all(|(at, _)| raw[at..].starts_with("${env}"))
                    {
                        values.push((name.to_owned(), raw.to_owned(), at));
                        continue;
                    }
                    let Expression::String(value) = &attr.value else {
                        return Err(invalid(
                            file,
                            at,
                            format!(
                                "`{name}` must be a quoted string (a policy is not evaluated: \
                                 no variables or expressions)"
                            ),
                        ));
                    };
                    values.push((name.to_owned(), value.value().clone(), at));
                }
                Structure::Block(inner) => {
                    return Err(invalid(
                        file,
                        at,
                        format!(
                            "unexpected block `{}` inside `{kind}`",
                            inner.ident.as_str()
                        ),
                    ));
                }
            }
        }
        Ok(Fields {
            file,
            block: kind,
            line,
            values,
            lists,
        })
    }

    /// A list attribute; a single string where a list belongs is an error, not a one-element
    /// list, so that `vary = "size"` is not read as something else.
    fn list(&mut self, name: &str) -> Result<Option<(Vec<String>, usize)>, PolicyError> {
        if let Some(at) = self.values.iter().position(|(k, _, _)| k == name) {
            let line = self.values[at].2;
            return Err(self.error(line, format!("`{name}` must be a list of quoted strings")));
        }
        let Some(at) = self.lists.iter().position(|(k, _, _)| k == name) else {
            return Ok(None);
        };
        let (_, items, line) = self.lists.remove(at);
        Ok(Some((items, line)))
    }

    fn error(&self, line: usize, message: impl Into<String>) -> PolicyError {
        invalid(self.file, line, message)
    }

    fn take(&mut self, name: &str) -> Option<(String, usize)> {
        let at = self.values.iter().position(|(k, _, _)| k == name)?;
        let (_, value, line) = self.values.remove(at);
        Some((value, line))
    }

    /// Where the block was written (`.plumb.hcl:12`), for messages and the report.
    fn origin(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }

    /// A `reason` that may be left out, but not left empty.
    fn optional_reason(&mut self) -> Result<Option<String>, PolicyError> {
        match self.take("reason") {
            Some((reason, line)) if reason.trim().is_empty() => {
                Err(self.error(line, "`reason` is empty: say why, or leave it out"))
            }
            other => Ok(other.map(|(reason, _)| reason)),
        }
    }

    fn text(&mut self, name: &str) -> Option<String> {
        self.take(name).map(|(value, _)| value)
    }

    fn path(&mut self) -> Result<Option<AttrPath>, PolicyError> {
        self.take("path")
            .map(|(text, line)| text.parse().map_err(|e| self.error(line, format!("{e}"))))
            .transpose()
    }

    /// Everything not taken is unknown: a typo must not silently widen or narrow a policy.
    fn finish(self) -> Result<(), PolicyError> {
        let first = self
            .values
            .iter()
            .map(|(name, _, line)| (name, line))
            .chain(self.lists.iter().map(|(name, _, line)| (name, line)))
            .min_by_key(|(_, line)| **line);
        match first {
            Some((name, line)) => Err(self.error(
                *line,
                format!("unknown attribute `{name}` in `{}`", self.block),
            )),
            None => Ok(()),
        }
    }
}

fn read_override(mut f: Fields<'_>) -> Result<SeverityOverride, PolicyError> {
    let (severity, severity_line) = f
        .take("severity")
        .ok_or_else(|| f.error(f.line, "an `override` needs `severity`"))?;
    let severity: Severity = severity
        .parse()
        .map_err(|e: String| f.error(severity_line, e))?;
    let rule = match f.take("rule") {
        Some((id, line)) if crate::rules::by_id(&id).is_none() => {
            return Err(f.error(line, format!("unknown rule `{id}` (see `plumb rules`)")));
        }
        other => other.map(|(id, _)| id),
    };
    let resource_type = f.text("type");
    let path = f.path()?;
    if rule.is_none() && resource_type.is_none() && path.is_none() {
        return Err(f.error(
            f.line,
            "an `override` needs at least one of `rule`, `type`, `path`",
        ));
    }
    f.finish()?;
    Ok(SeverityOverride {
        rule,
        resource_type,
        path,
        severity,
    })
}

fn read_ignore(mut f: Fields<'_>) -> Result<IgnoreRule, PolicyError> {
    let reason = match f.take("reason") {
        Some((reason, _)) if !reason.trim().is_empty() => reason,
        Some((_, line)) => {
            return Err(f.error(line, "`reason` is empty: say why, for the next reader"));
        }
        None => {
            return Err(f.error(
                f.line,
                "an `ignore` needs a `reason`: say why, for the next reader",
            ));
        }
    };
    let address = f.text("address");
    let resource_type = f.text("type");
    let id = f.text("id");
    let path = f.path()?;
    let owner = f.text("owner");
    let expires = match f.take("expires") {
        Some((date, line)) if !is_date(&date) => {
            return Err(f.error(
                line,
                format!("`expires` must be a date YYYY-MM-DD, not `{date}`"),
            ));
        }
        other => other.map(|(date, _)| date),
    };
    if address.is_none() && resource_type.is_none() && id.is_none() {
        return Err(f.error(
            f.line,
            "an `ignore` needs at least one of `address`, `type`, `id`",
        ));
    }
    let origin = f.origin();
    f.finish()?;
    Ok(IgnoreRule {
        address,
        resource_type,
        id,
        path,
        reason,
        owner,
        expires,
        origin,
    })
}

fn read_sensitive(mut f: Fields<'_>) -> Result<SensitiveRule, PolicyError> {
    let path = f.path()?.ok_or_else(|| {
        f.error(
            f.line,
            "a `sensitive` needs the `path` of the attribute to hide",
        )
    })?;
    let resource_type = f.text("type");
    let reason = f.optional_reason()?;
    let origin = f.origin();
    f.finish()?;
    Ok(SensitiveRule {
        resource_type,
        path,
        reason,
        origin,
    })
}

/// A `parity` block: exactly one of `vary`, `only_in`, `key` and `rename` says what it does.
fn read_parity(mut f: Fields<'_>) -> Result<ParityRule, PolicyError> {
    let origin = f.origin();
    let reason = |f: &mut Fields<'_>| f.optional_reason().map(Option::unwrap_or_default);
    let vary = f.list("vary")?;
    let only_in = f.list("only_in")?;
    let key = f.take("key");
    let rename = f.take("rename");
    let given = [
        vary.is_some(),
        only_in.is_some(),
        key.is_some(),
        rename.is_some(),
    ];
    if given.iter().filter(|&&g| g).count() != 1 {
        return Err(f.error(
            f.line,
            "a `parity` block needs exactly one of `vary`, `only_in`, `key`, `rename`",
        ));
    }
    let rule = if let Some((items, line)) = vary {
        if items.is_empty() {
            return Err(f.error(
                line,
                "`vary` is empty: name the attribute paths that may differ",
            ));
        }
        let paths = items
            .iter()
            .map(|p| {
                p.parse::<AttrPath>()
                    .map_err(|e| f.error(line, format!("{e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        ParityRule::Vary {
            resource_type: f.text("type"),
            address: f.text("address"),
            paths,
            reason: reason(&mut f)?,
            origin,
        }
    } else if let Some((environments, line)) = only_in {
        if environments.is_empty() {
            return Err(f.error(line, "`only_in` is empty: name the environments"));
        }
        let resource_type = f.text("type");
        let address = f.text("address");
        if resource_type.is_none() && address.is_none() {
            return Err(f.error(
                f.line,
                "an `only_in` needs the `address` or `type` of the resources it expects",
            ));
        }
        ParityRule::OnlyIn {
            resource_type,
            address,
            environments,
            reason: reason(&mut f)?,
            origin,
        }
    } else if let Some((pattern, line)) = key {
        if !pattern.contains("${env}") {
            return Err(f.error(
                line,
                format!(
                    "`key` must contain `${{env}}` where the environment's name is, not `{pattern}`"
                ),
            ));
        }
        ParityRule::Key { pattern, origin }
    } else {
        let (from, line) = rename.unwrap_or_default();
        let Some(to) = f.text("to") else {
            return Err(f.error(line, "a `rename` needs `to`: the address it stands for"));
        };
        ParityRule::Rename {
            environment: f.text("env"),
            from,
            to,
            origin,
        }
    };
    f.finish()?;
    Ok(rule)
}

/// `workspaces = ["dev=envs/dev", "envs/prod"]`: a list of literal strings, each one line's
/// worth of `--workspace`.
fn read_workspaces(
    value: &Expression,
    text: &str,
    file: &str,
    line: usize,
) -> Result<Vec<crate::policy::WorkspaceEntry>, PolicyError> {
    let Expression::Array(items) = value else {
        return Err(invalid(
            file,
            line,
            "`workspaces` must be a list of strings, e.g. [\"dev=envs/dev\", \"prod=envs/prod\"]",
        ));
    };
    items
        .iter()
        .map(|item| {
            let line = item.span().map_or(line, |s| line_of(text, s.start));
            match item {
                Expression::String(spec) if !spec.trim().is_empty() => {
                    Ok(crate::policy::WorkspaceEntry {
                        spec: spec.value().clone(),
                        origin: format!("{file}:{line}"),
                    })
                }
                _ => Err(invalid(
                    file,
                    line,
                    "each of `workspaces` must be a non-empty literal string (NAME=DIR or DIR)",
                )),
            }
        })
        .collect()
}

/// Reads `.plumb.hcl`; `file` names it in errors and in each ignore's origin.
pub fn parse_plumb_hcl(text: &str, file: &str) -> Result<Policy, PolicyError> {
    let body = hcl_edit::parser::parse_body(text).map_err(|e| {
        invalid(
            file,
            e.location().line(),
            e.message().split_whitespace().collect::<Vec<_>>().join(" "),
        )
    })?;
    let mut policy = Policy::default();
    for structure in &body {
        let line = structure.span().map_or(1, |s| line_of(text, s.start));
        match structure {
            Structure::Attribute(attr) if attr.key.as_str() == "workspaces" => {
                policy
                    .workspaces
                    .extend(read_workspaces(&attr.value, text, file, line)?);
            }
            Structure::Attribute(attr) => {
                return Err(invalid(
                    file,
                    line,
                    format!("unknown setting `{}`", attr.key.as_str()),
                ));
            }
            Structure::Block(block) => match block.ident.as_str() {
                "override" => policy
                    .overrides
                    .push(read_override(Fields::read(block, text, file)?)?),
                "ignore" => policy
                    .ignores
                    .push(read_ignore(Fields::read(block, text, file)?)?),
                "sensitive" => policy
                    .sensitive
                    .push(read_sensitive(Fields::read(block, text, file)?)?),
                "parity" => policy
                    .parity
                    .push(read_parity(Fields::read(block, text, file)?)?),
                other => {
                    return Err(invalid(
                        file,
                        line,
                        format!(
                            "unknown block `{other}` (expected `override`, `ignore`, `sensitive` or `parity`)"
                        ),
                    ));
                }
            },
        }
    }
    Ok(policy)
}

// ---------------------------------------------------------------------------------------------
// .driftignore

/// One `.driftignore` line. driftctl matches a line as a glob (`*` any run of characters, dots
/// included; `?` one character; `\x` a literal `x`) against the strings `TYPE.ID` and
/// `TYPE.ID.attribute.path`, and also matches `LINE.*` when the line does not end in `*`; the
/// last line that matches decides, and a `!` line un-ignores.
struct DriftLine {
    line: usize,
    /// Split at the unescaped dots, escapes resolved: an escaped dot stays inside its part.
    parts: Vec<String>,
}

const WILDCARDS: [char; 2] = ['*', '?'];

impl DriftLine {
    /// The glob as driftctl matches it: there an escaped dot is an ordinary dot.
    fn text(&self) -> String {
        self.parts.join(".")
    }

    /// Every glob driftctl makes of the line.
    fn globs(&self) -> Vec<String> {
        let text = self.text();
        if text.ends_with('*') {
            vec![text]
        } else {
            vec![format!("{text}.*"), text]
        }
    }

    /// True when `negation` un-ignores everything this line ignores, so that the line can be
    /// dropped whole. Exact for a line without wildcards; for a wildcard line, only the cases
    /// that are certain (the same glob, `*`, a `PREFIX*` that the line's literal start begins
    /// with).
    fn covered_by(&self, negation: &DriftLine) -> bool {
        let text = self.text();
        if !text.contains(WILDCARDS) {
            return negation.globs().iter().any(|g| glob_match(g, &text));
        }
        if text == negation.text() {
            return true;
        }
        match negation.text().strip_suffix('*') {
            Some(prefix) if !prefix.contains(WILDCARDS) => text
                .split(WILDCARDS)
                .next()
                .is_some_and(|start| start.starts_with(prefix)),
            _ => false,
        }
    }

    /// True when some string is matched by both lines.
    fn overlaps(&self, other: &DriftLine) -> bool {
        self.globs()
            .iter()
            .any(|a| other.globs().iter().any(|b| globs_intersect(a, b)))
    }

    /// The ignores that match what driftctl matches. Without escapes a line like
    /// `aws_s3_bucket.my.bucket` is ambiguous (the bucket `my.bucket`, or the attribute `bucket`
    /// of the bucket `my`); driftctl matches strings, so it ignores both, and so do these.
    fn rules(&self, file: &str) -> Vec<IgnoreRule> {
        let rule = |id: String, path: Option<AttrPath>| IgnoreRule {
            address: None,
            resource_type: Some(self.parts[0].clone()),
            id: Some(id),
            path,
            reason: format!(".driftignore:{}", self.line),
            owner: None,
            expires: None,
            origin: format!("{file}:{}", self.line),
        };
        if self.parts.len() == 1 {
            // driftctl's appended `.*` makes a bare type (or type glob) cover all its resources.
            return vec![rule("*".to_owned(), None)];
        }
        (2..=self.parts.len())
            .map(|split| {
                let id = self.parts[1..split].join(".");
                let path = &self.parts[split..];
                // A trailing `.*` means "anything below": plumb's path prefixes say that already.
                // `TYPE.ID.*` keeps an empty path: every attribute, but not the resource itself.
                let end = path.iter().rposition(|p| p != "*").map_or(0, |i| i + 1);
                let path = (!path.is_empty()).then(|| {
                    AttrPath(
                        path[..end]
                            .iter()
                            .map(|p| match p.parse::<usize>() {
                                Ok(index) => Segment::Index(index),
                                Err(_) => Segment::Attr(p.clone()),
                            })
                            .collect(),
                    )
                });
                rule(id, path)
            })
            .collect()
    }
}

/// True when some string matches both globs (`*` and `?` wildcards, everything else literal):
/// a walk over pairs of positions, each step producing one character for both or letting a
/// `*` end.
fn globs_intersect(left: &str, right: &str) -> bool {
    let (left, right): (Vec<char>, Vec<char>) = (left.chars().collect(), right.chars().collect());
    let mut seen = vec![vec![false; right.len() + 1]; left.len() + 1];
    let mut todo = vec![(0, 0)];
    while let Some((i, j)) = todo.pop() {
        if std::mem::replace(&mut seen[i][j], true) {
            continue;
        }
        match (left.get(i).copied(), right.get(j).copied()) {
            (None, None) => return true,
            (Some('*'), next) => {
                todo.push((i + 1, j));
                if next.is_some() {
                    todo.push((i, j + 1));
                }
            }
            (next, Some('*')) => {
                todo.push((i, j + 1));
                if next.is_some() {
                    todo.push((i + 1, j));
                }
            }
            (Some(l), Some(r)) if l == r || l == '?' || r == '?' => todo.push((i + 1, j + 1)),
            _ => {}
        }
    }
    false
}

/// One line's pattern, or `None` for a blank line or a comment; the flag says `!`.
fn parse_drift_line(
    raw: &str,
    number: usize,
    file: &str,
) -> Result<Option<(bool, DriftLine)>, PolicyError> {
    let line = raw.trim();
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let error = |message: String| invalid(file, number, message);
    let (negated, pattern) = match line.strip_prefix('!') {
        Some(rest) => (true, rest),
        None => (false, line),
    };
    let mut parts = vec![String::new()];
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        let c = match c {
            '\\' => match chars.next() {
                Some('*' | '?') => {
                    return Err(error(format!(
                        "an escaped `*` or `?` (a literal star or question mark) is not supported: `{line}`"
                    )));
                }
                Some(escaped) => escaped,
                None => return Err(error(format!("`{line}` ends in a lone `\\`"))),
            },
            '.' => {
                parts.push(String::new());
                continue;
            }
            '[' => {
                return Err(error(format!(
                    "character classes (`[...]`) are not supported: `{line}` (write `\\[` for a literal `[`)"
                )));
            }
            c => c,
        };
        if let Some(last) = parts.last_mut() {
            last.push(c);
        }
    }
    if parts.iter().any(String::is_empty) {
        return Err(error(format!(
            "expected TYPE, TYPE.ID or TYPE.ID.attribute.path, found `{line}`"
        )));
    }
    let drift = DriftLine {
        line: number,
        parts,
    };
    if !negated {
        let path = drift.parts.get(2..).unwrap_or_default();
        let end = path.iter().rposition(|p| p != "*").map_or(0, |i| i + 1);
        if path[..end].iter().any(|p| p.contains(WILDCARDS)) {
            return Err(error(format!(
                "wildcards inside an attribute path are not supported (only a trailing `.*`): `{line}`"
            )));
        }
    }
    Ok(Some((negated, drift)))
}

/// Reads driftctl's `.driftignore` (syntax and mapping in `docs/policy.md`). A `!` line drops
/// the earlier lines it un-ignores entirely; one that would carve an exception out of an earlier
/// line is an error, because plumb's ignores cannot say "all but", and guessing would hide
/// drift or show drift the team had set aside.
pub fn parse_driftignore(text: &str, file: &str) -> Result<Vec<IgnoreRule>, PolicyError> {
    let mut lines: Vec<DriftLine> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let number = i + 1;
        let Some((negated, line)) = parse_drift_line(raw, number, file)? else {
            continue;
        };
        if !negated {
            lines.push(line);
            continue;
        }
        let mut kept = Vec::with_capacity(lines.len());
        for earlier in lines {
            if earlier.covered_by(&line) {
                continue;
            }
            if earlier.overlaps(&line) {
                return Err(invalid(
                    file,
                    number,
                    format!(
                        "`{}` un-ignores only part of what line {} (`{}`) ignores; plumb cannot \
                         express such an exception: list what to ignore instead",
                        raw.trim(),
                        earlier.line,
                        earlier.text()
                    ),
                ));
            }
            kept.push(earlier);
        }
        lines = kept;
    }
    Ok(lines.iter().flat_map(|l| l.rules(file)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: &str = r#"
# The platform team's drift policy.
workspaces = ["prod", "staging"]

override {
  rule     = "tags-changed"
  severity = "medium"
}

override {
  type     = "aws_instance"
  path     = "tags[\"CostCenter\"]"
  severity = "HIGH"
}

ignore {
  address = "module.legacy.*"
  type    = "aws_instance"
  id      = "i-0abc*"
  path    = "tags[\"LastPatched\"]"
  reason  = "the patch robot retags nightly"
  owner   = "platform-team"
  expires = "2028-02-29"
}

ignore {
  type   = "aws_vpc"
  reason = "owned by the network account"
}

parity {
  vary = ["tags"]
}
"#;

    fn hcl_error(text: &str) -> String {
        match parse_plumb_hcl(text, ".plumb.hcl") {
            Ok(policy) => panic!("{text:?} was accepted: {policy:?}"),
            Err(e) => e.to_string(),
        }
    }

    fn drift_error(text: &str) -> String {
        match parse_driftignore(text, ".driftignore") {
            Ok(rules) => panic!("{text:?} was accepted: {rules:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn reads_every_field() {
        let policy = parse_plumb_hcl(POLICY, ".plumb.hcl").unwrap();
        assert_eq!(
            policy.overrides,
            vec![
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
            ]
        );
        assert_eq!(
            policy.ignores,
            vec![
                IgnoreRule {
                    address: Some("module.legacy.*".into()),
                    resource_type: Some("aws_instance".into()),
                    id: Some("i-0abc*".into()),
                    path: Some("tags.LastPatched".parse().unwrap()),
                    reason: "the patch robot retags nightly".into(),
                    owner: Some("platform-team".into()),
                    expires: Some("2028-02-29".into()),
                    origin: ".plumb.hcl:16".into(),
                },
                IgnoreRule {
                    address: None,
                    resource_type: Some("aws_vpc".into()),
                    id: None,
                    path: None,
                    reason: "owned by the network account".into(),
                    owner: None,
                    expires: None,
                    origin: ".plumb.hcl:26".into(),
                },
            ]
        );
        assert_eq!(policy.today, None, "the caller decides what today is");
    }

    #[test]
    fn reads_sensitive_blocks() {
        let text = r#"# secrets kept in tags by an old deploy script
sensitive {
  type   = "aws_instance"
  path   = "tags.DbPassword"
  reason = "the legacy deploy script keeps the database password in a tag"
}

sensitive {
  path = "tags[\"ApiToken\"]"
}

sensitive {
  type = "aws_db_*"
  path = "connection[0].secret"
}
"#;
        let policy = parse_plumb_hcl(text, "env/.plumb.hcl").unwrap();
        assert_eq!(
            policy.sensitive,
            vec![
                SensitiveRule {
                    resource_type: Some("aws_instance".into()),
                    path: "tags.DbPassword".parse().unwrap(),
                    reason: Some(
                        "the legacy deploy script keeps the database password in a tag".into()
                    ),
                    origin: "env/.plumb.hcl:2".into(),
                },
                SensitiveRule {
                    resource_type: None,
                    path: "tags.ApiToken".parse().unwrap(),
                    reason: None,
                    origin: "env/.plumb.hcl:8".into(),
                },
                SensitiveRule {
                    resource_type: Some("aws_db_*".into()),
                    path: "connection[0].secret".parse().unwrap(),
                    reason: None,
                    origin: "env/.plumb.hcl:12".into(),
                },
            ]
        );
        assert!(policy.overrides.is_empty() && policy.ignores.is_empty());
        // Read with the rest, and kept when files are combined.
        let mut combined = parse_plumb_hcl(POLICY, ".plumb.hcl").unwrap();
        combined.extend(policy);
        assert_eq!(combined.sensitive.len(), 3);
        assert_eq!(combined.ignores.len(), 2);
    }

    #[test]
    fn reads_the_workspaces_list() {
        let text = "# one scan over every environment\nworkspaces = [\n  \"dev=envs/dev\",\n  \"envs/prod\",\n]\n";
        let policy = parse_plumb_hcl(text, "ops/.plumb.hcl").unwrap();
        assert_eq!(
            policy.workspaces,
            vec![
                crate::policy::WorkspaceEntry {
                    spec: "dev=envs/dev".into(),
                    origin: "ops/.plumb.hcl:3".into(),
                },
                crate::policy::WorkspaceEntry {
                    spec: "envs/prod".into(),
                    origin: "ops/.plumb.hcl:4".into(),
                },
            ]
        );
        for (bad, line) in [
            ("workspaces = \"envs/dev\"\n", 1),
            ("\nworkspaces = [\n  \"dev\",\n  var.env,\n]\n", 4),
            ("workspaces = [\"\"]\n", 1),
        ] {
            let err = parse_plumb_hcl(bad, ".plumb.hcl").unwrap_err().to_string();
            assert!(
                err.starts_with(&format!(".plumb.hcl:{line}: ")),
                "{bad:?}: {err}"
            );
            assert!(err.contains("workspaces"), "{err}");
        }
    }

    #[test]
    fn reads_parity_blocks() {
        let text = r#"parity {
  key = "${env}-*"
}

parity {
  type   = "aws_instance"
  vary   = ["instance_type", "root_block_device[0].volume_size"]
  reason = "prod is sized for its traffic"
}

parity {
  address = "aws_instance.bastion"
  only_in = ["prod"]
}

parity {
  env    = "staging"
  rename = "aws_instance.web_v2"
  to     = "aws_instance.web"
}
"#;
        let policy = parse_plumb_hcl(text, ".plumb.hcl").unwrap();
        assert_eq!(
            policy.parity,
            vec![
                ParityRule::Key {
                    pattern: "${env}-*".into(),
                    origin: ".plumb.hcl:1".into(),
                },
                ParityRule::Vary {
                    resource_type: Some("aws_instance".into()),
                    address: None,
                    paths: vec![
                        "instance_type".parse().unwrap(),
                        "root_block_device[0].volume_size".parse().unwrap(),
                    ],
                    reason: "prod is sized for its traffic".into(),
                    origin: ".plumb.hcl:5".into(),
                },
                ParityRule::OnlyIn {
                    resource_type: None,
                    address: Some("aws_instance.bastion".into()),
                    environments: vec!["prod".into()],
                    reason: String::new(),
                    origin: ".plumb.hcl:11".into(),
                },
                ParityRule::Rename {
                    environment: Some("staging".into()),
                    from: "aws_instance.web_v2".into(),
                    to: "aws_instance.web".into(),
                    origin: ".plumb.hcl:16".into(),
                },
            ]
        );
        for (bad, expected) in [
            (
                "parity {\n}\n",
                ".plumb.hcl:1: a `parity` block needs exactly one of",
            ),
            (
                "parity {\n  vary = [\"a\"]\n  key = \"${env}\"\n}\n",
                ".plumb.hcl:1: a `parity` block needs exactly one of",
            ),
            (
                "parity {\n  vary = \"size\"\n}\n",
                ".plumb.hcl:2: `vary` must be a list",
            ),
            (
                "parity {\n  vary = []\n}\n",
                ".plumb.hcl:2: `vary` is empty",
            ),
            (
                "parity {\n  key = \"web-*\"\n}\n",
                ".plumb.hcl:2: `key` must contain `${env}`",
            ),
            (
                "parity {\n  key = \"${var.x}\"\n}\n",
                ".plumb.hcl:2: `key` must be a quoted string",
            ),
            (
                "parity {\n  only_in = [\"prod\"]\n}\n",
                ".plumb.hcl:1: an `only_in` needs",
            ),
            (
                "parity {\n  rename = \"a\"\n}\n",
                ".plumb.hcl:2: a `rename` needs `to`",
            ),
            (
                "parity {\n  vary = [\"a\"]\n  colour = \"x\"\n}\n",
                ".plumb.hcl:3: unknown attribute `colour` in `parity`",
            ),
        ] {
            let err = parse_plumb_hcl(bad, ".plumb.hcl").unwrap_err().to_string();
            assert!(err.starts_with(expected), "{bad:?}: {err}");
        }
    }

    #[test]
    fn an_empty_policy_is_valid() {
        assert_eq!(
            parse_plumb_hcl("# nothing yet\n", ".plumb.hcl").unwrap(),
            Policy::default()
        );
    }

    #[test]
    fn errors_name_the_line() {
        let cases: &[(&str, &str)] = &[
            (
                "\nignore {\n  type = \"aws_vpc\"\n}\n",
                ".plumb.hcl:2: an `ignore` needs a `reason`",
            ),
            (
                "ignore {\n  type = \"aws_vpc\"\n  reason = \"  \"\n}\n",
                ".plumb.hcl:3: `reason` is empty",
            ),
            (
                "ignore {\n  type = \"x\"\n  reason = \"r\"\n  expires = \"next week\"\n}\n",
                ".plumb.hcl:4: `expires` must be a date YYYY-MM-DD, not `next week`",
            ),
            (
                "ignore {\n  type = \"x\"\n  reason = \"r\"\n  expires = \"2027-02-29\"\n}\n",
                ".plumb.hcl:4: `expires` must be a date YYYY-MM-DD, not `2027-02-29`",
            ),
            (
                "ignore {\n  reason = \"r\"\n  owner = \"me\"\n}\n",
                ".plumb.hcl:1: an `ignore` needs at least one of `address`, `type`, `id`",
            ),
            (
                "ignore {\n  path = \"tags\"\n  reason = \"r\"\n}\n",
                ".plumb.hcl:1: an `ignore` needs at least one of `address`, `type`, `id`",
            ),
            (
                "override {\n  rule = \"tags-changed\"\n  severity = \"urgent\"\n}\n",
                ".plumb.hcl:3: unknown severity `urgent`",
            ),
            (
                "override {\n  rule = \"tags-changed\"\n}\n",
                ".plumb.hcl:1: an `override` needs `severity`",
            ),
            (
                "override {\n  severity = \"low\"\n}\n",
                ".plumb.hcl:1: an `override` needs at least one of `rule`, `type`, `path`",
            ),
            (
                "override {\n  severity = \"low\"\n  rule = \"no-such-rule\"\n}\n",
                ".plumb.hcl:3: unknown rule `no-such-rule` (see `plumb rules`)",
            ),
            (
                "override {\n  type = \"aws_vpc\"\n  severity = \"low\"\n  reason = \"r\"\n}\n",
                ".plumb.hcl:4: unknown attribute `reason` in `override`",
            ),
            (
                "ignore {\n  type = \"x\"\n  reason = \"r\"\n  typo = \"y\"\n}\n",
                ".plumb.hcl:4: unknown attribute `typo` in `ignore`",
            ),
            (
                "ignore {\n  type = \"x\"\n  type = \"y\"\n  reason = \"r\"\n}\n",
                ".plumb.hcl:3: invalid attribute; expected unique attribute key",
            ),
            (
                "ignore {\n  type = \"x\"\n  reason = \"r\"\n  path = \"tags[\"\n}\n",
                ".plumb.hcl:4: invalid attribute path `tags[`",
            ),
            (
                "override {\n  path = \"\"\n  severity = \"low\"\n}\n",
                ".plumb.hcl:2: invalid attribute path ``: empty path",
            ),
            (
                "ignore {\n  type = var.x\n  reason = \"r\"\n}\n",
                ".plumb.hcl:2: `type` must be a quoted string",
            ),
            (
                "ignore {\n  type = \"aws_${x}\"\n  reason = \"r\"\n}\n",
                ".plumb.hcl:2: `type` must be a quoted string",
            ),
            (
                "ignore {\n  type = \"x\"\n  reason = \"r\"\n  match {\n  }\n}\n",
                ".plumb.hcl:4: unexpected block `match` inside `ignore`",
            ),
            (
                "ignore \"legacy\" {\n  type = \"x\"\n  reason = \"r\"\n}\n",
                ".plumb.hcl:1: `ignore` blocks take no label",
            ),
            (
                "\nsensitive {\n  type = \"aws_instance\"\n}\n",
                ".plumb.hcl:2: a `sensitive` needs the `path` of the attribute to hide",
            ),
            (
                "sensitive {\n  path = \"tags..x\"\n}\n",
                ".plumb.hcl:2: invalid attribute path `tags..x`",
            ),
            (
                "sensitive {\n  path = \"tags.DbPassword\"\n  reason = \"\"\n}\n",
                ".plumb.hcl:3: `reason` is empty: say why, or leave it out",
            ),
            (
                "sensitive {\n  path = \"tags.DbPassword\"\n  severity = \"high\"\n}\n",
                ".plumb.hcl:3: unknown attribute `severity` in `sensitive`",
            ),
            (
                "sensitive {\n  paths = [\"tags.DbPassword\"]\n}\n",
                ".plumb.hcl:2: `paths` must be a quoted string",
            ),
            (
                "sensitive \"db\" {\n  path = \"tags.DbPassword\"\n}\n",
                ".plumb.hcl:1: `sensitive` blocks take no label",
            ),
            (
                "sensitive {\n  path = \"tags.DbPassword\"\n  id = \"i-1\"\n}\n",
                ".plumb.hcl:3: unknown attribute `id` in `sensitive`",
            ),
            (
                "\nsecret {\n}\n",
                ".plumb.hcl:2: unknown block `secret` (expected `override`, `ignore`, `sensitive` or `parity`)",
            ),
            ("\n\nignroe {\n}\n", ".plumb.hcl:3: unknown block `ignroe`"),
            (
                "today = \"2026-01-01\"\n",
                ".plumb.hcl:1: unknown setting `today`",
            ),
            (
                "ignore {\n  type = \"x\"\n",
                ".plumb.hcl:2: invalid block body",
            ),
        ];
        for (text, expected) in cases {
            let err = hcl_error(text);
            assert!(err.starts_with(expected), "{text:?}: {err}");
            assert_eq!(err.lines().count(), 1, "{err}");
        }
    }

    #[test]
    fn dates_are_real_calendar_days() {
        for good in ["2027-01-31", "2028-02-29", "2000-02-29", "2026-12-31"] {
            assert!(is_date(good), "{good}");
        }
        for bad in [
            "2027-02-29",
            "1900-02-29",
            "2027-04-31",
            "2027-13-01",
            "2027-00-10",
            "2027-01-00",
            "2027-1-31",
            "27-01-31",
            "2027/01/31",
            "2027-01-31T00:00",
            "２０２７-01-31",
            "",
        ] {
            assert!(!is_date(bad), "{bad}");
        }
    }

    /// `(type, id, path)` of each rule, in order.
    fn triples(text: &str) -> Vec<(String, String, Option<String>)> {
        parse_driftignore(text, ".driftignore")
            .unwrap()
            .into_iter()
            .map(|r| {
                (
                    r.resource_type.unwrap(),
                    r.id.unwrap(),
                    r.path.map(|p| p.to_string()),
                )
            })
            .collect()
    }

    fn t(ty: &str, id: &str, path: Option<&str>) -> (String, String, Option<String>) {
        (ty.to_owned(), id.to_owned(), path.map(str::to_owned))
    }

    #[test]
    fn driftignore_lines_map_to_ignores() {
        assert_eq!(
            triples(
                "# moved over from driftctl\n\n   \naws_instance.i-0abc\naws_s3_bucket.my\\.bucket\n\
                 aws_iam_user.*\naws_route53*\naws_vpc\n*\n"
            ),
            vec![
                t("aws_instance", "i-0abc", None),
                t("aws_s3_bucket", "my.bucket", None),
                t("aws_iam_user", "*", None),
                t("aws_route53*", "*", None),
                t("aws_vpc", "*", None),
                t("*", "*", None),
            ]
        );
        let rules = parse_driftignore("\n\naws_instance.i-1\n", "dir/.driftignore").unwrap();
        assert_eq!(rules[0].reason, ".driftignore:3");
        assert_eq!(rules[0].origin, "dir/.driftignore:3");
        assert_eq!(
            (rules[0].owner.as_ref(), rules[0].expires.as_ref()),
            (None, None)
        );
    }

    #[test]
    fn driftignore_attribute_paths() {
        // Escaped: exactly one reading.
        assert_eq!(
            triples("aws_s3_bucket.my\\.bucket.tags.Name\n"),
            vec![
                t("aws_s3_bucket", "my.bucket", Some("tags.Name")),
                t("aws_s3_bucket", "my.bucket.tags", Some("Name")),
                t("aws_s3_bucket", "my.bucket.tags.Name", None),
            ]
        );
        // driftctl matches strings, so `a.b.c` is also the resource `b.c`; plumb keeps every
        // reading, numbers are list indexes, and a trailing `*` means "anything below".
        assert_eq!(
            triples("aws_security_group.sg-1.ingress.0.*\n"),
            vec![
                t("aws_security_group", "sg-1", Some("ingress[0]")),
                t("aws_security_group", "sg-1.ingress", Some("[0]")),
                t("aws_security_group", "sg-1.ingress.0", Some("")),
                t("aws_security_group", "sg-1.ingress.0.*", None),
            ]
        );
        assert_eq!(
            triples("aws_instance.*.tags\\.x\n"),
            vec![
                t("aws_instance", "*", Some("[\"tags.x\"]")),
                t("aws_instance", "*.tags.x", None),
            ]
        );
        assert_eq!(
            triples("type.idwith\\\\.json\n"),
            vec![
                t("type", "idwith\\", Some("json")),
                t("type", "idwith\\.json", None)
            ]
        );
    }

    #[test]
    fn driftignore_rules_ignore_what_driftctl_ignores() {
        let text = "aws_instance.*\naws_s3_bucket.my\\.bucket\naws_vpc.vpc-1.tags\n\
                    aws_subnet.subnet-1.*\naws_ebs_volume\n";
        let policy = Policy {
            ignores: parse_driftignore(text, ".driftignore").unwrap(),
            ..Policy::default()
        };
        let resource = |ty: &str, id: &str| policy.ignores_resource(None, ty, Some(id)).is_some();
        let path = |ty: &str, id: &str, p: &str| {
            policy
                .ignores_path(None, ty, Some(id), &p.parse().unwrap())
                .is_some()
        };
        assert!(resource("aws_instance", "i-1"));
        assert!(resource("aws_s3_bucket", "my.bucket"));
        assert!(!resource("aws_s3_bucket", "my-bucket"));
        assert!(resource("aws_ebs_volume", "vol-1"));
        assert!(!resource("aws_vpc", "vpc-1"), "only its tags");
        assert!(path("aws_vpc", "vpc-1", "tags[\"Name\"]"));
        assert!(!path("aws_vpc", "vpc-1", "cidr_block"));
        assert!(!path("aws_vpc", "vpc-2", "tags[\"Name\"]"));
        assert!(
            !resource("aws_subnet", "subnet-1"),
            "`.*` is every attribute, not the subnet"
        );
        assert!(path("aws_subnet", "subnet-1", "cidr_block"));
        assert!(!resource("aws_security_group", "sg-1"));
    }

    #[test]
    fn driftignore_negation() {
        // A negation that covers earlier lines drops them; later lines ignore again.
        assert_eq!(
            triples(
                "aws_instance.i-1\naws_instance.i-2\naws_vpc.*\n!aws_instance.i-*\n\
                 !aws_vpc.*\naws_instance.i-2\n"
            ),
            vec![t("aws_instance", "i-2", None)]
        );
        // One that touches nothing earlier changes nothing.
        assert_eq!(
            triples("aws_instance.i-1\n!aws_vpc.vpc-1\n!aws_s3_bucket.*\n"),
            vec![t("aws_instance", "i-1", None)]
        );
        assert_eq!(triples("aws_route53*\naws_s3*\n!aws_*\n"), vec![]);
        assert_eq!(
            triples("aws_vpc.vpc-1.tags\n!aws_vpc.vpc-1\n"),
            vec![],
            "un-ignoring the resource un-ignores its attributes (`!LINE` also matches `LINE.*`)"
        );
    }

    #[test]
    fn driftignore_errors_name_the_line() {
        let cases: &[(&str, &str)] = &[
            (
                "# c\n.id\n",
                ".driftignore:2: expected TYPE, TYPE.ID or TYPE.ID.attribute.path, found `.id`",
            ),
            ("aws_instance.\n", ".driftignore:1: expected TYPE"),
            ("a..b\n", ".driftignore:1: expected TYPE"),
            (
                "aws_instance.i-1\\\n",
                ".driftignore:1: `aws_instance.i-1\\` ends in a lone `\\`",
            ),
            ("aws_instance.i-[12]\n", ".driftignore:1: character classes"),
            ("aws_instance.i\\*\n", ".driftignore:1: an escaped `*`"),
            (
                "\naws_instance.*.tags.*.x\n",
                ".driftignore:2: wildcards inside an attribute path are not supported",
            ),
            (
                "aws_instance.i-1.ta?s\n",
                ".driftignore:1: wildcards inside an attribute path",
            ),
            (
                "*\n!aws_s3*\n",
                ".driftignore:2: `!aws_s3*` un-ignores only part of what line 1 (`*`) ignores",
            ),
            (
                "aws_vpc.vpc-1\n!aws_vpc.vpc-1.tags\n",
                ".driftignore:2: `!aws_vpc.vpc-1.tags` un-ignores only part of what line 1",
            ),
        ];
        for (text, expected) in cases {
            let err = drift_error(text);
            assert!(err.starts_with(expected), "{text:?}: {err}");
            assert_eq!(err.lines().count(), 1, "{err}");
        }
    }

    #[test]
    fn glob_intersection() {
        for (a, b) in [
            ("*", "anything"),
            ("aws_*", "*_instance.i-1"),
            ("a?c", "*c"),
            ("a*b*c", "*bbb*"),
            ("", "*"),
            ("x.y.*", "x.*"),
        ] {
            assert!(globs_intersect(a, b), "{a} {b}");
            assert!(globs_intersect(b, a), "{b} {a}");
        }
        for (a, b) in [
            ("aws_vpc.*", "aws_instance.*"),
            ("a?", "abc"),
            ("a*", "b*"),
            ("*a", "*b"),
            ("", "?"),
        ] {
            assert!(!globs_intersect(a, b), "{a} {b}");
            assert!(!globs_intersect(b, a), "{b} {a}");
        }
    }
}
