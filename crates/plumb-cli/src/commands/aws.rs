//! The built-in AWS adapter, as `scan` and `snapshot` start it.

use anyhow::{Context, Result};
use plumb_adapter::FetchStats;
use plumb_aws::{AwsAdapter, AwsOptions};
use serde_json::json;

use crate::cli::AwsArgs;

pub fn adapter(args: &AwsArgs) -> Result<AwsAdapter> {
    AwsAdapter::new(AwsOptions {
        profile: args.profile.clone(),
        concurrency: usize::from(args.concurrency),
        max_attempts: args.max_attempts,
        progress: super::progress::display(args.progress),
        ..AwsOptions::default()
    })
    .context("AWS")
}

/// The regions to read when nothing names one: the AWS configuration's.
pub fn default_regions(adapter: &AwsAdapter) -> Result<Vec<String>> {
    adapter.default_region().map(|r| vec![r]).context(
        "no region to read: pass --region, set AWS_REGION, or name a region in the provider block",
    )
}

/// The report's `stats`: calls per operation, retries, and seconds per phase.
pub fn stats(fetch: &FetchStats, phases: &[(&str, std::time::Duration)]) -> serde_json::Value {
    let total: u64 = fetch.calls.values().sum();
    json!({
        "api_calls": total,
        "calls": fetch.calls,
        "retries": fetch.retries,
        "seconds": phases
            .iter()
            .map(|(name, d)| ((*name).to_owned(), json!((d.as_secs_f64() * 1000.0).round() / 1000.0)))
            .collect::<serde_json::Map<_, _>>(),
    })
}
