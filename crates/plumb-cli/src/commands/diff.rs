//! `plumb diff OLD NEW`: what changed between two states (or two snapshots).

use anyhow::{Result, bail};
use plumb_report::parity::DiffReport;

use crate::cli::DiffArgs;
use crate::formats::{self, Report};
use crate::{inputs, output};

pub fn run(args: &DiffArgs) -> Result<u8> {
    let targets = output::targets(&formats::DIFF, args.output.format, &args.output.output)?;
    let schemas = inputs::schemas(&args.schema)?;
    let policy = inputs::policy(args.policy.as_deref(), None)?;
    let side = |path: &std::path::Path, name: &str, warnings: &mut Vec<String>| {
        if !path.exists() {
            bail!("{}: no such file or directory", path.display());
        }
        let source = inputs::NamedSource {
            name: name.to_owned(),
            config: None,
            states: vec![path.display().to_string()],
        };
        // Two records of one workspace: a live object is the same object by its id.
        Ok(plumb_scan::environment(
            name, &source, &schemas, false, warnings,
        )?)
    };
    let mut warnings = Vec::new();
    let mut sides = [
        side(&args.old, "old", &mut warnings)?,
        side(&args.new, "new", &mut warnings)?,
    ];
    plumb_drift::parity::mark_sensitive(&mut sides, &policy, &schemas);
    let [old, new] = sides;
    let mut result = plumb_drift::parity::diff(&old, &new, &schemas, &policy);
    warnings.append(&mut result.warnings);
    let (old_name, new_name) = (
        args.old.display().to_string(),
        args.new.display().to_string(),
    );
    let report = DiffReport {
        old: &old_name,
        new: &new_name,
        summary: &result.summary,
        changes: &result.changes,
        warnings: &warnings,
    };
    output::emit(&targets, &Report::Diff(&report))?;
    Ok(args
        .fail_on
        .exit_code(result.changes.iter().map(|c| c.severity)))
}
