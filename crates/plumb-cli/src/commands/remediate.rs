//! Remediation files on disk: `plumb scan --remediate DIR`, and `plumb remediate REPORT.json`,
//! which works from a saved report with no cloud access (so without the live objects that
//! resource blocks are built from: import blocks point at `terraform plan
//! -generate-config-out` instead).

use std::io::Read as _;
use std::path::Path;

use anyhow::{Context, Result, bail};
use plumb_model::{Finding, Kind, Severity};
use serde_json::Value as Json;

use crate::cli::RemediateArgs;
use crate::{exit, output};

/// Writes the files that hold something beyond their header; `revert.sh` executable.
pub(super) fn write_files(dir: &Path, files: &plumb_remediate::Remediation) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("{}: cannot create", dir.display()))?;
    let any = |part: fn(&plumb_model::Remediation) -> bool| {
        files.findings.iter().any(|f| part(&f.remediation))
    };
    for (name, text, written) in [
        ("imports.tf", &files.imports_tf, any(|r| r.import.is_some())),
        (
            "removed.tf",
            &files.removed_tf,
            any(|r| r.removed.is_some()),
        ),
        ("revert.sh", &files.revert_sh, any(|r| r.revert.is_some())),
    ] {
        if !written {
            continue;
        }
        let path = dir.join(name);
        let render = |out: &mut dyn std::io::Write| out.write_all(text.as_bytes());
        if name == "revert.sh" {
            output::write_executable(&path, render)?;
        } else {
            output::write_file(&path, render)?;
        }
    }
    Ok(())
}

pub fn run(args: &RemediateArgs) -> Result<u8> {
    let (origin, text) = if args.report == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("standard input: cannot read the report")?;
        ("standard input".to_owned(), text)
    } else {
        let text = std::fs::read_to_string(&args.report)
            .with_context(|| format!("{}: cannot read", args.report))?;
        (args.report.clone(), text)
    };
    let report: Json = serde_json::from_str(plumb_model::bom::strip_str(&text))
        .map_err(|e| anyhow::anyhow!("{origin}:{}:{}: not JSON: {e}", e.line(), e.column()))?;
    let findings = findings_of(&report)
        .with_context(|| format!("{origin}: not a plumb scan report (plumb scan --format json)"))?;
    // Names become code in the files written below: a report edited to hold a name that is not
    // a Terraform identifier is refused here, with where it is. (An address is checked as it is
    // read: `Address` parses only identifiers.)
    for (i, finding) in findings.iter().enumerate() {
        if let Err(err) = plumb_model::address::check_identifier("resource type", &finding.r#type) {
            bail!("{origin}: findings[{i}]: {err}");
        }
    }
    let files = plumb_remediate::remediate(&findings, &|_| None, &plumb_schema::shipped())
        .with_context(|| format!("{origin}: not remediated"))?;
    write_files(&args.out, &files)?;
    eprintln!(
        "{}: remediation for {} of {} findings",
        args.out.display(),
        files.findings.len(),
        findings.len()
    );
    Ok(exit::OK)
}

/// The report's findings, as far as remediation needs them (what, where, how bad).
fn findings_of(report: &Json) -> Result<Vec<Finding>> {
    if report
        .get("format_version")
        .and_then(Json::as_str)
        .is_none_or(|v| !v.starts_with("1."))
    {
        bail!("no `format_version` 1.x");
    }
    let Some(list) = report.get("findings").and_then(Json::as_array) else {
        bail!("no `findings` array");
    };
    list.iter()
        .enumerate()
        .map(|(i, f)| finding_of(f).with_context(|| format!("findings[{i}]")))
        .collect()
}

fn finding_of(f: &Json) -> Result<Finding> {
    let text = |key: &str| f.get(key).and_then(Json::as_str).map(str::to_owned);
    let kind: Kind =
        serde_json::from_value(f.get("kind").cloned().unwrap_or(Json::Null)).context("`kind`")?;
    let severity: Option<Severity> =
        serde_json::from_value(f.get("severity").cloned().unwrap_or(Json::Null))
            .context("`severity`")?;
    let address = text("address")
        .map(|a| a.parse().map_err(|e| anyhow::anyhow!("`address`: {e}")))
        .transpose()?;
    Ok(Finding {
        address,
        id: text("id"),
        region: text("region"),
        ..Finding::new(
            text("fingerprint").context("no `fingerprint`")?,
            text("workspace").unwrap_or_else(|| "default".to_owned()),
            text("type").context("no `type`")?,
            kind,
            severity,
            text("reason").unwrap_or_default(),
        )
    })
}
