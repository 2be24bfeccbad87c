//! `plumb snapshot`: the live resources, read from AWS, written in the snapshot format for
//! offline scans (`plumb scan --snapshot`), bug reports and tests.

use anyhow::{Result, bail};
use plumb_adapter::{Adapter, FetchRequest, write_snapshot};
use plumb_report::escape::visible;

use crate::cli::SnapshotArgs;
use crate::{exit, inputs, output};

pub fn run(args: &SnapshotArgs) -> Result<u8> {
    for t in &args.types {
        if !super::aws::SUPPORTED_TYPES.contains(&t.as_str()) {
            bail!(
                "--types: {t} is not read by the AWS adapter (it reads {})",
                super::aws::SUPPORTED_TYPES.join(", ")
            );
        }
    }
    let adapter = super::aws::adapter(&args.aws)?;
    let regions = if args.region.is_empty() {
        super::aws::default_regions(&adapter)?
    } else {
        args.region.clone()
    };
    let types = if args.types.is_empty() {
        super::aws::SUPPORTED_TYPES
            .iter()
            .map(|t| (*t).to_owned())
            .collect()
    } else {
        args.types.clone()
    };
    let request = FetchRequest {
        regions,
        types,
        thorough: args.aws.thorough,
        ..FetchRequest::default()
    };
    let mut fetched = adapter.fetch(&request)?;
    let severity = if args.allow_partial {
        "warning"
    } else {
        "error"
    };
    for failure in &fetched.failures {
        eprintln!(
            "{severity}: {} in {} could not be read: {}",
            visible(&failure.r#type),
            visible(&failure.region),
            visible(&failure.error)
        );
    }
    if !fetched.failures.is_empty() && !args.allow_partial {
        // A file that silently lacks a type would later scan as if it were complete.
        eprintln!(
            "{}: not written (--allow-partial writes it, recording what was not read)",
            args.output.display()
        );
        return Ok(exit::ERROR);
    }
    if args.redact {
        // Every value a scan would hide (the schema's, the always-sensitive names and what the
        // policy names, at any depth) is marked, so that redaction leaves it out.
        let policy = inputs::policy(args.policy.as_deref(), Some(std::path::Path::new(".")))?;
        let schemas = inputs::schemas(&[])?;
        for o in &mut fetched.observations {
            plumb_drift::mark_sensitive_object(&policy, &schemas, &o.r#type, &mut o.attributes);
        }
    }
    output::write_file(&args.output, |out| {
        write_snapshot(out, &fetched, args.redact)
    })?;
    let calls: u64 = fetched.stats.calls.values().sum();
    let unread = if fetched.failures.is_empty() {
        String::new()
    } else {
        format!(
            ", {} pairs not read (recorded as `failed`)",
            fetched.failures.len()
        )
    };
    eprintln!(
        "{}: {} resources in {} region/type pairs{unread}, {calls} API calls, {} retries",
        args.output.display(),
        fetched.observations.len(),
        fetched.scanned.len(),
        fetched.stats.retries
    );
    Ok(exit::OK)
}
