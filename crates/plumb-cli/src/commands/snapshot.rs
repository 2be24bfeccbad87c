//! `plumb snapshot`: the live resources, read from AWS, written in the snapshot format for
//! offline scans (`plumb scan --snapshot`), bug reports and tests.

use anyhow::{Result, bail};
use plumb_adapter::{Adapter, FetchRequest, write_snapshot};

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
    if args.redact {
        // What the policy names sensitive is marked, so that redaction leaves it out too.
        let policy = inputs::policy(args.policy.as_deref(), Some(std::path::Path::new(".")))?;
        policy.mark_inputs(&mut [], None, &mut fetched.observations);
    }
    output::write_file(&args.output, |out| {
        write_snapshot(out, &fetched, args.redact)
    })?;
    let calls: u64 = fetched.stats.calls.values().sum();
    eprintln!(
        "{}: {} resources in {} region/type pairs, {calls} API calls, {} retries",
        args.output.display(),
        fetched.observations.len(),
        fetched.scanned.len(),
        fetched.stats.retries
    );
    if fetched.failures.is_empty() {
        return Ok(exit::OK);
    }
    for failure in &fetched.failures {
        eprintln!(
            "error: {} in {} could not be read: {}",
            plumb_report::escape::visible(&failure.r#type),
            plumb_report::escape::visible(&failure.region),
            plumb_report::escape::visible(&failure.error)
        );
    }
    Ok(exit::ERROR)
}
