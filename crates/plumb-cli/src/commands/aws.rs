//! The built-in AWS adapter, as `scan`, `snapshot` and `iam-policy` reach it: the one place
//! the binary names `plumb-aws`. Built without the `aws` feature (benchmarks of the offline
//! scan, which then need no AWS SDK), the same names say that the adapter is not there.

use plumb_adapter::FetchStats;
use serde_json::json;

#[cfg(feature = "aws")]
pub use enabled::*;

#[cfg(not(feature = "aws"))]
pub use disabled::*;

#[cfg(feature = "aws")]
mod enabled {
    use anyhow::{Context, Result};
    use plumb_aws::AwsOptions;
    pub use plumb_aws::{AwsAdapter, SUPPORTED_TYPES, accounts_in, wants_per_resource_read};

    /// What the built-in adapter reads, as `plumb adapters` says it.
    pub const READS: &str = "the live EC2 API, when a scan is given no --snapshot and no --offline";

    use crate::cli::AwsArgs;

    pub fn adapter(args: &AwsArgs) -> Result<AwsAdapter> {
        AwsAdapter::new(AwsOptions {
            profile: args.profile.clone(),
            concurrency: usize::from(args.concurrency),
            max_attempts: args.max_attempts,
            progress: super::super::progress::display(args.progress),
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

    /// A `Result` because a build without the adapter has no policy to print.
    #[allow(clippy::unnecessary_wraps)]
    pub fn iam_policy() -> Result<String> {
        Ok(plumb_aws::iam_policy())
    }
}

#[cfg(not(feature = "aws"))]
mod disabled {
    use std::collections::BTreeSet;

    use anyhow::{Result, bail};
    use plumb_adapter::{Adapter, AdapterError, FetchRequest, Fetched};

    use crate::cli::AwsArgs;

    const ABSENT: &str = "this plumb was built without the AWS adapter (cargo feature `aws`): \
                          read the live side from --snapshot FILE or a --plugin-dir plugin";

    /// What `plumb adapters` says of the adapter this build lacks.
    pub const READS: &str =
        "nothing: this plumb was built without the AWS adapter (cargo feature `aws`)";

    /// No adapter can be made, so no value of this type exists.
    #[derive(Debug)]
    pub enum AwsAdapter {}

    impl AwsAdapter {
        pub fn caller_account(&self, _region: &str) -> Result<String> {
            match *self {}
        }
    }

    impl Adapter for AwsAdapter {
        fn name(&self) -> &str {
            match *self {}
        }
        fn supports(&self, _resource_type: &str) -> bool {
            match *self {}
        }
        fn fetch(&self, _request: &FetchRequest) -> Result<Fetched, AdapterError> {
            match *self {}
        }
    }

    pub const SUPPORTED_TYPES: &[&str] = &[];

    pub fn adapter(_args: &AwsArgs) -> Result<AwsAdapter> {
        bail!("{ABSENT}")
    }

    pub fn default_regions(adapter: &AwsAdapter) -> Result<Vec<String>> {
        match *adapter {}
    }

    pub fn iam_policy() -> Result<String> {
        bail!("{ABSENT}")
    }

    pub fn accounts_in<'a>(
        _resources: impl IntoIterator<Item = &'a plumb_model::Resource>,
    ) -> BTreeSet<String> {
        BTreeSet::new()
    }

    pub fn wants_per_resource_read(_resource_type: &str, _state: &plumb_model::Value) -> bool {
        false
    }
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
