//! `plumb scan --format sarif`: SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
//!
//! One run. The driver lists one rule per classification rule, with its docs; each finding above
//! benign whose resource has a block in the configuration is a result located at that block's
//! `.tf` file and line, with the finding's fingerprint as its partial fingerprint so that code
//! scanning tracks it across runs.
//!
//! Everything else a scan has to say goes to the invocation's tool notifications, which viewers
//! show and code scanning ignores: resources not checked, failed reads, warnings, and findings
//! with no block in the configuration (unmanaged resources, or any finding of a scan without
//! `--config`). Code scanning rejects a whole file when one result has no physical location, so
//! such a finding cannot be a result without losing all the others.

use std::fmt::Write as _;
use std::io::{self, Write};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use plumb_model::{AttributeDiff, Finding, Kind, ParityFinding, Severity, SourceLocation, Value};
use serde::Serialize;
use serde::ser::SerializeMap;

use crate::PLUMB_VERSION;
use crate::rules::RuleInfo;
use crate::scan::{ScanReport, subject};

/// Where the SARIF 2.1.0 schema is published.
const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/plumb-drift/plumb";
/// The partial fingerprint's name; bumped if the finding fingerprint's definition changes.
const FINGERPRINT_KEY: &str = "plumb/v1";
/// Relative artifact locations are relative to the source root (the repository checkout).
const SRCROOT: &str = "%SRCROOT%";
/// A value longer than this is cut in messages.
const MAX_VALUE_CHARS: usize = 200;

/// The notification descriptors, in `driver.notifications` order.
const NOTIFICATIONS: [(&str, &str); 4] = [
    (
        NOT_CHECKED,
        "A resource was not compared: no adapter supports its type, or it was not read.",
    ),
    (
        READ_ERROR,
        "A type in a region could not be read: its resources were not checked.",
    ),
    (SCAN_WARNING, "A warning of the scan."),
    (
        NO_SOURCE,
        "A finding whose resource has no block in the configuration (an unmanaged resource, or a \
         scan without --config), so it has no file to be located in.",
    ),
];
const NOT_CHECKED: &str = "not-checked";
const READ_ERROR: &str = "read-error";
const SCAN_WARNING: &str = "scan-warning";
const NO_SOURCE: &str = "finding-without-source";

#[derive(Serialize)]
struct Log<'a, P: Serialize, S: Serialize> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a, P, S>; 1],
}

/// One run; `P` is what each result says of itself, `S` the run's summary.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a, P: Serialize, S: Serialize> {
    tool: Tool<'a>,
    invocations: [Invocation; 1],
    results: Vec<ResultJson<'a, P>>,
    properties: RunProperties<'a, S>,
}

#[derive(Serialize)]
struct RunProperties<'a, S: Serialize> {
    #[serde(rename = "plumb/summary")]
    summary: &'a S,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<Descriptor<'a>>,
    notifications: Vec<Descriptor<'a>>,
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

/// A `reportingDescriptor`: a rule, or a kind of notification.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor<'a> {
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    short_description: Text<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    full_description: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<Help>,
    default_configuration: Configuration,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<RuleProperties>,
}

#[derive(Serialize)]
struct RuleProperties {
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<&'static str>,
    tags: Vec<&'static str>,
    #[serde(rename = "plumb/severity")]
    severity: Severity,
    #[serde(rename = "plumb/fallback")]
    fallback: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct DescriptorRef {
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    index: Option<usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Notification {
    level: &'static str,
    message: OwnedText,
    descriptor: DescriptorRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    associated_rule: Option<DescriptorRef>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Location>,
}

#[derive(Serialize)]
struct OwnedText {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultJson<'a, P: Serialize> {
    rule_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: OwnedText,
    locations: Vec<Location>,
    partial_fingerprints: Fingerprints<'a>,
    properties: P,
}

struct Fingerprints<'a>(&'a str);

impl Serialize for Fingerprints<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(FINGERPRINT_KEY, self.0)?;
        map.end()
    }
}

#[derive(Serialize)]
struct ResultProperties<'a> {
    workspace: &'a str,
    kind: Kind,
    severity: Option<Severity>,
    r#type: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<&'a str>,
    rules: &'a [String],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    physical_location: Option<PhysicalLocation>,
    logical_locations: [LogicalLocation; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    fully_qualified_name: String,
    kind: &'static str,
}

/// Writes the scan report as a SARIF 2.1.0 log; `rules` are the classification rules, with
/// their docs, that findings name.
pub fn render_sarif(
    report: &ScanReport<'_>,
    rules: &[RuleInfo<'_>],
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for finding in report.findings {
        if finding.kind == Kind::NotChecked {
            notifications.push(notification(
                "warning",
                NOT_CHECKED,
                format!("{}: not checked: {}", subject(finding), finding.reason),
                None,
                vec![location(finding)],
            ));
            continue;
        }
        let Some(severity) = finding.severity.filter(|s| *s > Severity::Benign) else {
            continue;
        };
        let rule = rule_ref(rules, &finding_rule(finding));
        if finding.source.is_some() {
            results.push(ResultJson {
                rule_id: rule.id,
                rule_index: rule.index,
                level: level(severity),
                message: OwnedText {
                    text: message(finding),
                },
                locations: vec![location(finding)],
                partial_fingerprints: Fingerprints(&finding.fingerprint),
                properties: ResultProperties {
                    workspace: &finding.workspace,
                    kind: finding.kind,
                    severity: finding.severity,
                    r#type: &finding.r#type,
                    id: finding.id.as_deref(),
                    region: finding.region.as_deref(),
                    rules: &finding.rules,
                },
            });
        } else {
            notifications.push(notification(
                level(severity),
                NO_SOURCE,
                format!("{} ({severity}, {})", message(finding), finding.kind),
                Some(rule),
                vec![location(finding)],
            ));
        }
    }
    for error in report.errors {
        notifications.push(notification(
            "error",
            READ_ERROR,
            format!(
                "{} in {} could not be read: {}",
                error.r#type, error.region, error.error
            ),
            None,
            Vec::new(),
        ));
    }
    let run = RunParts {
        results,
        notifications,
        warnings: report.warnings,
        successful: report.errors.is_empty(),
        summary: report.summary,
    };
    write_log(run, rules, out)
}

#[derive(Serialize)]
struct ParityResultProperties<'a> {
    kind: plumb_model::ParityKind,
    severity: Severity,
    r#type: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<String>,
    values: &'a std::collections::BTreeMap<String, Option<Value>>,
}

/// Writes a parity report as SARIF 2.1.0: a finding is a result at the first environment's
/// block for the resource, when code was read for one; otherwise a notification, as a scan's
/// findings without a source are.
pub fn render_parity_sarif(
    report: &crate::parity::ParityReport<'_>,
    rules: &[RuleInfo<'_>],
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for finding in report.findings {
        let rule = rule_ref(rules, &finding.rule);
        let text = parity_message(finding);
        let source = report
            .summary
            .environments
            .iter()
            .find_map(|env| finding.sources.get(env));
        let location = Location {
            physical_location: source.map(|source| PhysicalLocation {
                artifact_location: artifact_location(source),
                region: Region {
                    start_line: source.line.max(1),
                },
            }),
            logical_locations: [LogicalLocation {
                name: None,
                fully_qualified_name: finding.address.clone(),
                kind: "resource",
            }],
        };
        if source.is_some() {
            results.push(ResultJson {
                rule_id: rule.id,
                rule_index: rule.index,
                level: level(finding.severity),
                message: OwnedText { text },
                locations: vec![location],
                partial_fingerprints: Fingerprints(&finding.fingerprint),
                properties: ParityResultProperties {
                    kind: finding.kind,
                    severity: finding.severity,
                    r#type: &finding.r#type,
                    path: finding.path.as_ref().map(ToString::to_string),
                    values: &finding.values,
                },
            });
        } else {
            notifications.push(notification(
                level(finding.severity),
                NO_SOURCE,
                format!("{text} ({})", finding.severity),
                Some(rule),
                vec![location],
            ));
        }
    }
    let run = RunParts {
        results,
        notifications,
        warnings: report.warnings,
        successful: true,
        summary: report.summary,
    };
    write_log(run, rules, out)
}

/// What one run of a log holds besides the driver.
struct RunParts<'a, P: Serialize, S: Serialize> {
    results: Vec<ResultJson<'a, P>>,
    notifications: Vec<Notification>,
    /// Each one more notification.
    warnings: &'a [String],
    successful: bool,
    summary: &'a S,
}

/// Writes a log of one run.
fn write_log<P: Serialize, S: Serialize>(
    run: RunParts<'_, P, S>,
    rules: &[RuleInfo<'_>],
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut notifications = run.notifications;
    for warning in run.warnings {
        notifications.push(notification(
            "warning",
            SCAN_WARNING,
            warning.clone(),
            None,
            Vec::new(),
        ));
    }
    let log = Log {
        schema: SARIF_SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: tool(rules),
            invocations: [Invocation {
                execution_successful: run.successful,
                tool_execution_notifications: notifications,
            }],
            results: run.results,
            properties: RunProperties {
                summary: run.summary,
            },
        }],
    };
    plumb_model::json::to_writer_pretty(&mut *out, &log).map_err(io::Error::other)?;
    writeln!(out)
}

/// What a parity result says: the resource, why, and each environment's value.
fn parity_message(finding: &ParityFinding) -> String {
    let mut text = format!("{}: {}", finding.address, finding.reason);
    if let Some(path) = &finding.path {
        let _ = write!(text, "\n{path}:");
        for (env, value) in &finding.values {
            let _ = write!(text, " {env} {};", short(value.as_ref()));
        }
        text.pop();
    }
    text
}

/// The driver: plumb, its rules and its notification kinds.
fn tool<'a>(rules: &'a [RuleInfo<'a>]) -> Tool<'a> {
    Tool {
        driver: Driver {
            name: "plumb",
            version: PLUMB_VERSION,
            semantic_version: PLUMB_VERSION,
            information_uri: INFORMATION_URI,
            rules: rules.iter().map(rule_descriptor).collect(),
            notifications: NOTIFICATIONS
                .iter()
                .map(|(id, text)| Descriptor {
                    id,
                    name: None,
                    short_description: Text { text },
                    full_description: None,
                    help: None,
                    default_configuration: Configuration {
                        level: if *id == READ_ERROR {
                            "error"
                        } else {
                            "warning"
                        },
                    },
                    properties: None,
                })
                .collect(),
        },
    }
}

/// A reference to the rule `id`, with its index in the driver's rules when it is one of them.
fn rule_ref(rules: &[RuleInfo<'_>], id: &str) -> DescriptorRef {
    DescriptorRef {
        id: id.to_owned(),
        index: rules.iter().position(|r| r.id == id),
    }
}

fn notification(
    level: &'static str,
    descriptor: &str,
    text: String,
    associated_rule: Option<DescriptorRef>,
    locations: Vec<Location>,
) -> Notification {
    Notification {
        level,
        message: OwnedText { text },
        descriptor: DescriptorRef {
            id: descriptor.to_owned(),
            index: NOTIFICATIONS.iter().position(|(id, _)| *id == descriptor),
        },
        associated_rule,
        locations,
    }
}

/// The SARIF level of a severity.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
        Severity::Benign => "none",
    }
}

/// GitHub's `security-severity` (0.0–10.0; 9.0 and up is critical, 7.0 high, 4.0 medium).
fn security_severity(severity: Severity) -> Option<&'static str> {
    match severity {
        Severity::Critical => Some("9.5"),
        Severity::High => Some("8.0"),
        Severity::Medium => Some("5.5"),
        Severity::Low => Some("3.0"),
        Severity::Benign => None,
    }
}

/// `aws-sg-ingress-open-world` → `AwsSgIngressOpenWorld`.
fn pascal_case(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

fn rule_descriptor<'a>(rule: &RuleInfo<'a>) -> Descriptor<'a> {
    // GitHub treats a rule tagged `security` as a security alert ranked by `security-severity`;
    // the fallback rules classify whatever else changed, so they are drift and not security.
    let mut tags = vec!["drift", "terraform"];
    if !rule.fallback && rule.severity > Severity::Benign {
        tags.push("security");
    }
    Descriptor {
        id: rule.id,
        name: Some(pascal_case(rule.id)),
        short_description: Text { text: rule.title },
        full_description: Some(Text { text: rule.what }),
        help: Some(Help {
            text: format!(
                "{}\n\nWhy it matters: {}\n\nHow to fix: {}",
                rule.what, rule.why, rule.fix
            ),
            markdown: format!(
                "**What it does**\n\n{}\n\n**Why it matters**\n\n{}\n\n**How to fix**\n\n{}",
                rule.what, rule.why, rule.fix
            ),
        }),
        default_configuration: Configuration {
            level: level(rule.severity),
        },
        properties: Some(RuleProperties {
            security_severity: security_severity(rule.severity),
            tags,
            severity: rule.severity,
            fallback: rule.fallback,
        }),
    }
}

/// The rule a finding is reported under: the rule of its most severe attribute difference (the
/// first of equals), else the first rule that fired, else one named after its kind.
fn finding_rule(finding: &Finding) -> String {
    let mut most: Option<&AttributeDiff> = None;
    for diff in &finding.attributes {
        if most.is_none_or(|m| diff.severity > m.severity) {
            most = Some(diff);
        }
    }
    most.map(|d| d.rule.clone())
        .or_else(|| finding.rules.first().cloned())
        .unwrap_or_else(|| format!("plumb-{}", finding.kind.as_str().replace('_', "-")))
}

/// A value for a message: redacted by `Value`'s `Display`, cut when long.
fn short(value: Option<&Value>) -> String {
    crate::scan::shortened(
        value.map_or_else(|| "(absent)".to_owned(), ToString::to_string),
        MAX_VALUE_CHARS,
    )
}

/// What a result says: the resource and why, then one line per attribute difference.
fn message(finding: &Finding) -> String {
    let mut text = format!("{}: {}", subject(finding), finding.reason);
    for diff in &finding.attributes {
        let _ = write!(text, "\n{}: ", diff.path);
        if diff.added.is_empty() && diff.removed.is_empty() {
            let _ = write!(
                text,
                "{} -> {}",
                short(diff.state.as_ref()),
                short(diff.live.as_ref())
            );
        } else {
            let changes: Vec<String> = diff
                .removed
                .iter()
                .map(|v| format!("removed {}", short(Some(v))))
                .chain(
                    diff.added
                        .iter()
                        .map(|v| format!("added {}", short(Some(v)))),
                )
                .collect();
            text.push_str(&changes.join("; "));
        }
        if diff.reason != finding.reason {
            let _ = write!(text, " ({})", diff.reason);
        }
    }
    // Code-scanning pages show the text to people: its own line breaks stay, any other
    // control character from input is made visible.
    text.split('\n')
        .map(crate::escape::visible)
        .collect::<Vec<_>>()
        .join("\n")
}

fn location(finding: &Finding) -> Location {
    let fully_qualified_name = match (&finding.address, &finding.id) {
        (Some(address), _) => address.to_string(),
        (None, Some(id)) => format!("{}/{id}", finding.r#type),
        (None, None) => finding.r#type.clone(),
    };
    Location {
        physical_location: finding.source.as_ref().map(|source| PhysicalLocation {
            artifact_location: artifact_location(source),
            region: Region {
                start_line: source.line.max(1),
            },
        }),
        logical_locations: [LogicalLocation {
            name: finding.id.clone(),
            fully_qualified_name,
            kind: "resource",
        }],
    }
}

/// A source file as a SARIF artifact location: a relative path as a URI reference against the
/// source root, an absolute one as a `file:` URI (which may not carry a base id).
fn artifact_location(source: &SourceLocation) -> ArtifactLocation {
    let path = source.file.replace('\\', "/");
    let bytes = path.as_bytes();
    if bytes.len() > 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/' {
        // A Windows drive path: C:/x.tf.
        return ArtifactLocation {
            uri: format!("file:///{}{}", &path[..2], encode(&path[2..])),
            uri_base_id: None,
        };
    }
    if path.starts_with('/') {
        return ArtifactLocation {
            uri: format!("file://{}", encode(&path)),
            uri_base_id: None,
        };
    }
    let mut relative = path.as_str();
    while let Some(rest) = relative.strip_prefix("./") {
        relative = rest;
    }
    ArtifactLocation {
        uri: encode(relative),
        uri_base_id: Some(SRCROOT),
    }
}

/// Percent-encodes what a URI path may not hold as it is (RFC 3986's `pchar` and `/` stay).
/// `:` is encoded too, so that a relative path cannot read as a scheme.
fn encode(path: &str) -> String {
    const KEPT: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~')
        .remove(b'/')
        .remove(b'!')
        .remove(b'$')
        .remove(b'&')
        .remove(b'\'')
        .remove(b'(')
        .remove(b')')
        .remove(b'*')
        .remove(b'+')
        .remove(b',')
        .remove(b';')
        .remove(b'=')
        .remove(b'@');
    utf8_percent_encode(path, KEPT).to_string()
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use plumb_model::finding::BySeverity;
    use plumb_model::{AttrPath, Summary};
    use serde_json::Value as Json;

    use super::*;
    use crate::scan::ReadError;

    const SECRET: &str = "hunter2-secret";

    const RULES: &[RuleInfo<'static>] = &[
        RuleInfo {
            id: "aws-imdsv2-disabled",
            severity: Severity::Critical,
            title: "IMDSv2 was turned off",
            fallback: false,
            what: "Detects `http_tokens` going from `required` to `optional`.",
            why: "Tokenless metadata requests let SSRF reach the instance credentials.",
            fix: "Set `http_tokens = \"required\"` again, or apply the code.",
        },
        RuleInfo {
            id: "aws-user-data-changed",
            severity: Severity::High,
            title: "An instance's user data changed",
            fallback: false,
            what: "Detects a change of user data.",
            why: "User data runs as root at boot.",
            fix: "Restore it from the code.",
        },
        RuleInfo {
            id: "aws-resource-missing",
            severity: Severity::High,
            title: "A resource in state no longer exists in the cloud",
            fallback: false,
            what: "Detects a resource deleted outside Terraform.",
            why: "What depends on it is broken.",
            fix: "Apply to recreate it, or remove it from the state.",
        },
        RuleInfo {
            id: "aws-unmanaged-resource",
            severity: Severity::Medium,
            title: "A resource that no Terraform state manages",
            fallback: false,
            what: "Detects resources no state knows.",
            why: "Nobody reviews what nobody manages.",
            fix: "Import it, or delete it.",
        },
        RuleInfo {
            id: "computed-by-design",
            severity: Severity::Benign,
            title: "A computed attribute",
            fallback: false,
            what: "Classifies attributes AWS changes.",
            why: "They change in normal operation.",
            fix: "Nothing to fix.",
        },
        RuleInfo {
            id: "attribute-changed",
            severity: Severity::Medium,
            title: "A functional setting differs",
            fallback: true,
            what: "Any difference no other rule classified.",
            why: "The live object no longer matches.",
            fix: "Revert it or accept it.",
        },
        RuleInfo {
            id: "tags-changed",
            severity: Severity::Low,
            title: "Tags were changed outside Terraform",
            fallback: true,
            what: "Detects tag changes.",
            why: "Tags drive cost reports.",
            fix: "Put them in the code.",
        },
    ];

    fn diff(
        path: &str,
        state: Option<Value>,
        live: Option<Value>,
        severity: Severity,
        rule: &str,
        reason: &str,
    ) -> AttributeDiff {
        AttributeDiff {
            path: path.parse::<AttrPath>().unwrap(),
            state,
            live,
            config: None,
            added: Vec::new(),
            removed: Vec::new(),
            severity,
            rule: rule.into(),
            reason: reason.into(),
            fingerprint: format!("attr-{rule}"),
        }
    }

    fn secret() -> Value {
        Value::Sensitive(Box::new(Value::string(SECRET)))
    }

    #[allow(clippy::too_many_arguments)]
    fn finding(
        fingerprint: &str,
        address: Option<&str>,
        r#type: &str,
        id: Option<&str>,
        kind: Kind,
        severity: Option<Severity>,
        reason: &str,
        attributes: Vec<AttributeDiff>,
        source: Option<(&str, u32)>,
    ) -> Finding {
        let mut rules: Vec<String> = attributes.iter().map(|a| a.rule.clone()).collect();
        if rules.is_empty() {
            rules = match kind {
                Kind::Missing => vec!["aws-resource-missing".into()],
                Kind::Unmanaged => vec!["aws-unmanaged-resource".into()],
                _ => Vec::new(),
            };
        }
        Finding {
            address: address.map(|a| a.parse().unwrap()),
            id: id.map(str::to_owned),
            region: Some("eu-west-1".into()),
            rules,
            attributes,
            source: source.map(|(file, line)| SourceLocation {
                file: file.into(),
                line,
                column: 1,
            }),
            ..Finding::new(fingerprint, "default", r#type, kind, severity, reason)
        }
    }

    fn findings() -> Vec<Finding> {
        let mut sg = diff(
            "ingress",
            None,
            None,
            Severity::Low,
            "attribute-changed",
            "ingress rules changed",
        );
        sg.added = vec![Value::string("0.0.0.0/0:22")];
        sg.removed = vec![Value::string("203.0.113.0/24:22")];
        vec![
            finding(
                "f-web",
                Some("aws_instance.web"),
                "aws_instance",
                Some("i-0abc"),
                Kind::Changed,
                Some(Severity::Critical),
                "IMDSv2 turned off",
                vec![
                    diff(
                        "tags[\"Env\"]",
                        Some(Value::string("prod")),
                        Some(Value::string("dev")),
                        Severity::Low,
                        "tags-changed",
                        "tag changed",
                    ),
                    diff(
                        "metadata_options[0].http_tokens",
                        Some(Value::string("required")),
                        Some(Value::string("optional")),
                        Severity::Critical,
                        "aws-imdsv2-disabled",
                        "IMDSv2 turned off",
                    ),
                    diff(
                        "user_data",
                        Some(secret()),
                        Some(Value::Sensitive(Box::new(Value::string("other")))),
                        Severity::High,
                        "aws-user-data-changed",
                        "user data changed",
                    ),
                ],
                Some(("examples/webapp/main.tf", 12)),
            ),
            finding(
                "f-sg",
                Some("module.net.aws_security_group.edge[\"a\"]"),
                "aws_security_group",
                Some("sg-0edge"),
                Kind::Changed,
                Some(Severity::Low),
                "ingress rules changed",
                vec![sg],
                Some(("./modules/net/main.tf", 3)),
            ),
            finding(
                "f-gone",
                Some("aws_instance.gone[0]"),
                "aws_instance",
                Some("i-0gone"),
                Kind::Missing,
                Some(Severity::High),
                "deleted outside Terraform",
                Vec::new(),
                Some(("examples/webapp/main.tf", 40)),
            ),
            finding(
                "f-custom",
                Some("aws_instance.web"),
                "aws_instance",
                Some("i-0abc"),
                Kind::Changed,
                Some(Severity::Medium),
                "a policy rule fired",
                vec![diff(
                    "instance_type",
                    Some(Value::string("t3.micro")),
                    Some(Value::string("t3.large")),
                    Severity::Medium,
                    "policy-instance-size",
                    "a policy rule fired",
                )],
                Some(("examples/webapp/main.tf", 12)),
            ),
            finding(
                "f-rogue",
                None,
                "aws_security_group",
                Some("sg-0rogue"),
                Kind::Unmanaged,
                Some(Severity::Medium),
                "no state manages it",
                Vec::new(),
                None,
            ),
            finding(
                "f-volume",
                Some("aws_ebs_volume.data"),
                "aws_ebs_volume",
                Some("vol-0data"),
                Kind::Changed,
                Some(Severity::Medium),
                "a setting changed",
                vec![diff(
                    "kms_key_id",
                    Some(secret()),
                    None,
                    Severity::Medium,
                    "attribute-changed",
                    "a setting changed",
                )],
                None,
            ),
            finding(
                "f-db",
                Some("aws_instance.db"),
                "aws_instance",
                Some("i-0db"),
                Kind::Changed,
                Some(Severity::Benign),
                "public IP changed",
                vec![diff(
                    "public_ip",
                    Some(Value::string("198.51.100.1")),
                    Some(Value::string("198.51.100.2")),
                    Severity::Benign,
                    "computed-by-design",
                    "public IP changed",
                )],
                Some(("examples/webapp/main.tf", 30)),
            ),
            finding(
                "f-lb",
                Some("aws_lb.front"),
                "aws_lb",
                Some("arn:aws:elasticloadbalancing:eu-west-1:123:loadbalancer/app/front/1"),
                Kind::NotChecked,
                None,
                "no adapter supports aws_lb",
                Vec::new(),
                Some(("examples/webapp/lb.tf", 1)),
            ),
        ]
    }

    fn summary() -> Summary {
        Summary {
            managed: 6,
            drifted: 3,
            missing: 1,
            unmanaged: 1,
            not_checked: 1,
            by_severity: BySeverity {
                critical: 1,
                high: 1,
                medium: 3,
                low: 1,
            },
            score: 40,
            coverage: Some(0.857),
            ..Summary::default()
        }
    }

    fn errors() -> Vec<ReadError> {
        vec![ReadError {
            region: "us-east-1".into(),
            r#type: "aws_subnet".into(),
            error: "AccessDenied: not authorized to perform ec2:DescribeSubnets".into(),
        }]
    }

    fn render(findings: &[Finding], errors: &[ReadError], warnings: &[String]) -> String {
        let summary = summary();
        let report = ScanReport {
            summary: &summary,
            findings,
            suppressed: &[],
            ignored: &[],
            pending: &[],
            unverified: &[],
            errors,
            schemaless_types: &[],
            warnings,
            stats: None,
            resolved: &[],
            workspaces: &[],
        };
        let mut out = Vec::new();
        render_sarif(&report, RULES, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn fixture() -> String {
        render(
            &findings(),
            &errors(),
            &["aws_lb was compared without a schema".to_owned()],
        )
    }

    /// The schema from the shared corpus (`$PLUMB_CORPUS`, by default `../shared/corpus` from the
    /// workspace root). A missing corpus fails the test rather than skipping it.
    fn sarif_schema() -> Json {
        let dir = std::env::var_os("PLUMB_CORPUS").map_or_else(
            || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"),
            PathBuf::from,
        );
        let file = dir.join("sarif-schema-2.1.0.json");
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| {
            panic!(
                "the SARIF schema is not at {} ({e}): set PLUMB_CORPUS to the corpus directory \
                 (the one holding sarif-schema-2.1.0.json)",
                file.display()
            )
        });
        // The published schema's `language` patterns hold a stray `]`: a literal to ECMA-262
        // regexes, an error to the Rust engine that checks the schema when it is compiled. It is
        // escaped, which keeps its meaning; plumb writes no `language`.
        let stray = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
        let escaped = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#;
        assert!(
            text.contains(stray),
            "the SARIF schema's language pattern changed: drop the workaround"
        );
        serde_json::from_str(&text.replace(stray, escaped)).expect("the SARIF schema is JSON")
    }

    fn assert_valid(text: &str) {
        let schema = sarif_schema();
        assert_eq!(
            schema["$schema"], "http://json-schema.org/draft-07/schema#",
            "the SARIF schema is expected to be draft-07"
        );
        let validator = jsonschema::validator_for(&schema).expect("the SARIF schema compiles");
        let log: Json = serde_json::from_str(text).expect("the SARIF log is JSON");
        let errors: Vec<String> = validator
            .iter_errors(&log)
            .map(|e| format!("  {}: {e}", e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "the SARIF log does not match the schema:\n{}\n{text}",
            errors.join("\n")
        );
    }

    #[test]
    fn matches_the_sarif_schema() {
        assert_valid(&fixture());
        assert_valid(&render(&[], &[], &[]));
    }

    /// A parity log: the finding with a block in some environment's code is a result there,
    /// the one without is a notification; both match the SARIF schema.
    #[test]
    fn parity_logs_match_the_sarif_schema() {
        use plumb_model::{ParityFinding, ParityKind, ParitySummary};
        let values = |a: &str, b: Option<&str>| {
            [("dev", Some(a)), ("prod", b)]
                .into_iter()
                .map(|(env, v)| (env.to_owned(), v.map(Value::from)))
                .collect()
        };
        let versions = ParityFinding {
            fingerprint: "0123456789abcdef".into(),
            address: "module.db.aws_db_instance.main".into(),
            r#type: "aws_db_instance".into(),
            kind: ParityKind::Differs,
            path: Some(AttrPath::attr("engine_version")),
            values: values("5.7", Some("5.5")),
            severity: Severity::High,
            rule: "parity-version-differs".into(),
            reason: "engine_version differs: dev 5.7, prod 5.5".into(),
            sources: [(
                "prod".to_owned(),
                SourceLocation {
                    file: "modules/db/main.tf".into(),
                    line: 12,
                    column: 1,
                },
            )]
            .into_iter()
            .collect(),
        };
        let absent = ParityFinding {
            fingerprint: "fedcba9876543210".into(),
            address: "aws_ebs_volume.scratch".into(),
            r#type: "aws_ebs_volume".into(),
            kind: ParityKind::Absent,
            path: None,
            values: values("vol-1", None),
            severity: Severity::Medium,
            rule: "parity-resource-absent".into(),
            reason: "only in dev; absent in prod".into(),
            sources: std::collections::BTreeMap::new(),
        };
        let summary = ParitySummary {
            environments: vec!["dev".into(), "prod".into()],
            ..ParitySummary::default()
        };
        let findings = [versions, absent];
        let report = crate::parity::ParityReport {
            summary: &summary,
            findings: &findings,
            expected: &[],
            schemaless_types: &[],
            warnings: &["compared without a provider schema: aws_db_instance".to_owned()],
        };
        let mut out = Vec::new();
        render_parity_sarif(&report, RULES, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_valid(&text);
        let log: Json = serde_json::from_str(&text).unwrap();
        let run = &log["runs"][0];
        assert_eq!(run["results"].as_array().unwrap().len(), 1);
        assert_eq!(
            run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "modules/db/main.tf"
        );
        let notes = run["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .unwrap();
        assert_eq!(notes.len(), 2, "{notes:?}");
    }

    /// The validator is not one that accepts anything.
    #[test]
    fn the_schema_rejects_a_broken_log() {
        let validator = jsonschema::validator_for(&sarif_schema()).unwrap();
        let mut log: Json = serde_json::from_str(&fixture()).unwrap();
        assert!(validator.is_valid(&log));
        log["runs"][0]["results"][0]["level"] = Json::from("severe");
        assert!(!validator.is_valid(&log));
        let mut log: Json = serde_json::from_str(&fixture()).unwrap();
        log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
            Json::from(0);
        assert!(!validator.is_valid(&log));
    }

    #[test]
    fn snapshot() {
        let text = fixture();
        let version = format!("\"version\": \"{PLUMB_VERSION}\"");
        let semantic = format!("\"semanticVersion\": \"{PLUMB_VERSION}\"");
        assert!(text.contains(&version) && text.contains(&semantic));
        // The version changes with every release; the snapshot pins the rest.
        let text = text
            .replace(&version, "\"version\": \"VERSION\"")
            .replace(&semantic, "\"semanticVersion\": \"VERSION\"");
        insta::assert_snapshot!(text);
    }

    #[test]
    fn the_secret_never_appears() {
        let text = fixture();
        assert!(!text.contains(SECRET), "{text}");
        assert!(!text.contains("other\\\""), "{text}");
        assert!(text.contains("user_data: (sensitive) -> (sensitive)"));
        assert!(text.contains("kms_key_id: (sensitive) -> (absent)"));
    }

    #[test]
    fn levels_rules_and_locations() {
        let log: Json = serde_json::from_str(&fixture()).unwrap();
        let run = &log["runs"][0];
        let results = run["results"].as_array().unwrap();
        let got: Vec<(&str, &str, Option<u64>)> = results
            .iter()
            .map(|r| {
                (
                    r["ruleId"].as_str().unwrap(),
                    r["level"].as_str().unwrap(),
                    r["ruleIndex"].as_u64(),
                )
            })
            .collect();
        // Benign and not_checked findings are not results; nor are those without a block.
        assert_eq!(
            got,
            [
                ("aws-imdsv2-disabled", "error", Some(0)),
                ("attribute-changed", "note", Some(5)),
                ("aws-resource-missing", "error", Some(2)),
                ("policy-instance-size", "warning", None),
            ]
        );
        let web = &results[0];
        assert_eq!(web["partialFingerprints"]["plumb/v1"], "f-web");
        let physical = &web["locations"][0]["physicalLocation"];
        assert_eq!(
            physical["artifactLocation"]["uri"],
            "examples/webapp/main.tf"
        );
        assert_eq!(physical["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert_eq!(physical["region"]["startLine"], 12);
        assert_eq!(
            web["message"]["text"],
            "aws_instance.web: IMDSv2 turned off\n\
             tags[\"Env\"]: \"prod\" -> \"dev\" (tag changed)\n\
             metadata_options[0].http_tokens: \"required\" -> \"optional\"\n\
             user_data: (sensitive) -> (sensitive) (user data changed)"
        );
        let sg = &results[1];
        assert_eq!(
            sg["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "modules/net/main.tf"
        );
        assert_eq!(
            sg["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
            "module.net.aws_security_group.edge[\"a\"]"
        );

        // Rules: one per RuleInfo, with GitHub's security severity.
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        assert_eq!(rules.len(), RULES.len());
        assert_eq!(rules[0]["name"], "AwsImdsv2Disabled");
        assert_eq!(rules[0]["defaultConfiguration"]["level"], "error");
        assert_eq!(rules[0]["properties"]["security-severity"], "9.5");
        assert_eq!(rules[3]["properties"]["security-severity"], "5.5");
        assert_eq!(rules[4]["defaultConfiguration"]["level"], "none");
        assert!(rules[4]["properties"].get("security-severity").is_none());
        assert_eq!(rules[6]["defaultConfiguration"]["level"], "note");

        // The rest: notifications, each located where it can be.
        let invocation = &run["invocations"][0];
        assert_eq!(invocation["executionSuccessful"], false);
        let notes: Vec<(&str, &str, Option<&str>, Option<&str>)> =
            invocation["toolExecutionNotifications"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| {
                    (
                        n["descriptor"]["id"].as_str().unwrap(),
                        n["level"].as_str().unwrap(),
                        n["associatedRule"]["id"].as_str(),
                        n["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].as_str(),
                    )
                })
                .collect();
        assert_eq!(
            notes,
            [
                (
                    NO_SOURCE,
                    "warning",
                    Some("aws-unmanaged-resource"),
                    Some("aws_security_group/sg-0rogue")
                ),
                (
                    NO_SOURCE,
                    "warning",
                    Some("attribute-changed"),
                    Some("aws_ebs_volume.data")
                ),
                (NOT_CHECKED, "warning", None, Some("aws_lb.front")),
                (READ_ERROR, "error", None, None),
                (SCAN_WARNING, "warning", None, None),
            ]
        );
        // No notification with a source claims to be unlocated.
        let lb = &invocation["toolExecutionNotifications"][2];
        assert_eq!(
            lb["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "examples/webapp/lb.tf"
        );
    }

    #[test]
    fn empty_report() {
        let log: Json = serde_json::from_str(&render(&[], &[], &[])).unwrap();
        assert_eq!(log["runs"][0]["results"], Json::Array(Vec::new()));
        assert_eq!(
            log["runs"][0]["invocations"][0]["executionSuccessful"],
            true
        );
    }

    #[test]
    fn artifact_locations() {
        let at = |file: &str| {
            artifact_location(&SourceLocation {
                file: file.into(),
                line: 1,
                column: 1,
            })
        };
        let relative = |uri: &str| ArtifactLocation {
            uri: uri.into(),
            uri_base_id: Some(SRCROOT),
        };
        let absolute = |uri: &str| ArtifactLocation {
            uri: uri.into(),
            uri_base_id: None,
        };
        assert_eq!(at("main.tf"), relative("main.tf"));
        assert_eq!(at("./infra/main.tf"), relative("infra/main.tf"));
        assert_eq!(at("infra\\net\\main.tf"), relative("infra/net/main.tf"));
        assert_eq!(at("my infra/é.tf"), relative("my%20infra/%C3%A9.tf"));
        assert_eq!(at("ab:c/100%.tf"), relative("ab%3Ac/100%25.tf"));
        assert_eq!(
            at("a-._~!$&'()*+,;=@z/m.tf"),
            relative("a-._~!$&'()*+,;=@z/m.tf")
        );
        assert_eq!(at("a#b?c[d]\"e.tf"), relative("a%23b%3Fc%5Bd%5D%22e.tf"));
        assert_eq!(at("a:b.tf"), relative("a%3Ab.tf"));
        assert_eq!(
            at("/srv/infra/main.tf"),
            absolute("file:///srv/infra/main.tf")
        );
        assert_eq!(
            at("C:\\infra\\main.tf"),
            absolute("file:///C:/infra/main.tf")
        );
    }

    #[test]
    fn names() {
        assert_eq!(
            pascal_case("aws-sg-ingress-open-world"),
            "AwsSgIngressOpenWorld"
        );
        assert_eq!(pascal_case("tags-changed"), "TagsChanged");
    }
}
