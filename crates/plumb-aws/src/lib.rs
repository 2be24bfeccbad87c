//! The EC2 adapter: reads the live resources of a Terraform state from the EC2 API, in
//! Terraform's attribute names and shapes, with as few calls as the API allows.
//!
//! Terraform's refresh reads one resource per call; this adapter reads each type with one
//! paginated `Describe*` per region (at the largest page size), every (region, type) pair at
//! once under a bound on calls in flight, and shares a listing between the types it serves
//! (`DescribeRouteTables` answers route tables, routes and associations alike). What a listing
//! does not return (attributes EC2 only gives per resource, attributes that exist only in
//! configuration) is named in each observation's `unread`, so that nothing unread passes as
//! equal.
//!
//! Read-only by construction: the adapter calls only the operations in [`OPERATIONS`], every
//! one a `Describe`, `Get` or `List`, and a test holds the source to that list.

mod attrs;
mod client;
mod ops;
mod region;
mod types;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use plumb_adapter::{Adapter, AdapterError, FetchFailure, FetchRequest, Fetched, Scope};

pub use ops::{OPERATIONS, Operation, iam_policy};
pub use types::{SUPPORTED_TYPES, wants_per_resource_read};

use crate::region::RegionReader;

/// How the adapter reaches AWS and how hard it may push.
#[derive(Clone, Debug)]
pub struct AwsOptions {
    /// A named profile from the shared config files, instead of the default chain's choice.
    pub profile: Option<String>,
    /// An endpoint for every service instead of AWS's (a test server); `AWS_ENDPOINT_URL` in
    /// the environment does the same.
    pub endpoint_url: Option<String>,
    /// API calls in flight at once, over all regions and types.
    pub concurrency: usize,
    /// Attempts per call, the first included, before a (region, type) is given up as failed.
    pub max_attempts: u32,
    /// The first retry's back-off; later ones grow from it (with jitter).
    pub initial_backoff: Duration,
    /// The longest one attempt may take.
    pub attempt_timeout: Duration,
    /// The longest one call may take, retries included.
    pub call_timeout: Duration,
    /// Told of every listing finished, call made and retry, for a progress display.
    pub progress: Option<Arc<dyn Progress>>,
}

/// What a progress display hears while the adapter reads. Calls come from several threads.
pub trait Progress: Send + Sync + std::fmt::Debug {
    /// The fetch begins: this many (region, type) pairs are to be read.
    fn started(&self, scopes: usize);
    /// One (region, type) pair is done, with the objects it found (`None`: its read failed).
    fn scope_done(&self, scope: &Scope, found: Option<usize>);
    /// An API call was made (retries within it are further attempts, not calls).
    fn call(&self, operation: &str);
    /// A call is being tried again (throttled, or a server error).
    fn retry(&self);
    /// The fetch is over.
    fn finished(&self);
}

impl Default for AwsOptions {
    fn default() -> Self {
        AwsOptions {
            profile: None,
            endpoint_url: None,
            concurrency: 8,
            max_attempts: 6,
            initial_backoff: Duration::from_millis(500),
            attempt_timeout: Duration::from_secs(30),
            call_timeout: Duration::from_mins(2),
            progress: None,
        }
    }
}

/// Why the adapter could not start, or the account check failed.
#[derive(Debug, thiserror::Error)]
pub enum AwsError {
    #[error("cannot start the AWS adapter: {0}")]
    Runtime(String),
    #[error("cannot tell which AWS account these credentials belong to: {0}")]
    Identity(String),
}

/// The EC2 adapter. It owns a small tokio runtime, so the rest of plumb stays synchronous.
#[derive(Debug)]
pub struct AwsAdapter {
    runtime: tokio::runtime::Runtime,
    options: AwsOptions,
    base: aws_config::SdkConfig,
    /// The credentials' account, once asked: the account guard and the reads share one
    /// `GetCallerIdentity`.
    account: std::sync::OnceLock<String>,
}

impl AwsAdapter {
    /// Resolves credentials, region and endpoint by the standard chain (environment, profiles,
    /// SSO, web identity, IMDS, `AWS_ENDPOINT_URL`). Nothing is sent yet.
    pub fn new(options: AwsOptions) -> Result<Self, AwsError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .thread_name("plumb-aws")
            .build()
            .map_err(|e| AwsError::Runtime(e.to_string()))?;
        let base = runtime.block_on(client::load_config(&options));
        Ok(AwsAdapter {
            runtime,
            options,
            base,
            account: std::sync::OnceLock::new(),
        })
    }

    /// The region the standard chain names (`AWS_REGION`, the profile), if any.
    pub fn default_region(&self) -> Option<String> {
        self.base.region().map(ToString::to_string)
    }

    /// The account the credentials act in (STS `GetCallerIdentity`, which needs no permission).
    pub fn caller_account(&self, region: &str) -> Result<String, AwsError> {
        if let Some(account) = self.account.get() {
            return Ok(account.clone());
        }
        let account = self
            .runtime
            .block_on(client::caller_account(&self.base, region, None))
            .map_err(AwsError::Identity)?;
        Ok(self.account.get_or_init(|| account).clone())
    }
}

impl Adapter for AwsAdapter {
    fn name(&self) -> &'static str {
        "aws"
    }

    fn supports(&self, resource_type: &str) -> bool {
        SUPPORTED_TYPES.contains(&resource_type)
    }

    fn fetch(&self, request: &FetchRequest) -> Result<Fetched, AdapterError> {
        Ok(self.runtime.block_on(self.fetch_all(request)))
    }
}

/// One region's part of a per-scope map of ids, by type.
fn in_region(
    by_scope: &std::collections::BTreeMap<Scope, BTreeSet<String>>,
    region: &str,
) -> std::collections::BTreeMap<String, BTreeSet<String>> {
    by_scope
        .iter()
        .filter(|(scope, _)| scope.region == region)
        .map(|(scope, ids)| (scope.r#type.clone(), ids.clone()))
        .collect()
}

impl AwsAdapter {
    async fn fetch_all(&self, request: &FetchRequest) -> Fetched {
        let stats = Arc::new(client::Stats::new(self.options.progress.clone()));
        let permits = Arc::new(tokio::sync::Semaphore::new(self.options.concurrency.max(1)));
        let mut fetched = Fetched::default();
        let wanted_scopes: Vec<Scope> = request
            .scopes()
            .filter(|s| self.supports(&s.r#type))
            .collect();
        let Some(first_region) = request.regions.first() else {
            return fetched;
        };
        // The account names the ARNs that EC2 leaves out; without it (no credentials, no
        // network) nothing can be read, and every scope says why.
        let asked = match self.account.get() {
            Some(account) => {
                // Asked already, by the account guard: that call is this scan's too.
                stats.call(ops::GET_CALLER_IDENTITY.name);
                Ok(account.clone())
            }
            None => client::caller_account(&self.base, first_region, Some(&stats)).await,
        };
        let account = match asked {
            Ok(account) => self.account.get_or_init(|| account).clone(),
            Err(error) => {
                fetched.failures = wanted_scopes
                    .into_iter()
                    .map(|s| FetchFailure {
                        region: s.region,
                        r#type: s.r#type,
                        error: format!("GetCallerIdentity: {error}"),
                    })
                    .collect();
                return fetched;
            }
        };
        if let Some(progress) = stats.progress() {
            progress.started(wanted_scopes.len());
        }
        let mut tasks = tokio::task::JoinSet::new();
        for region in &request.regions {
            let reader = Arc::new(
                RegionReader::new(
                    client::ec2_client(&self.base, region, &stats),
                    region.clone(),
                    account.clone(),
                    Arc::clone(&stats),
                    Arc::clone(&permits),
                    request.thorough,
                    in_region(&request.details, region),
                )
                .with_managed(request.ids.as_ref().map(|ids| in_region(ids, region))),
            );
            for resource_type in request.types.iter().filter(|t| self.supports(t)) {
                let scope = Scope::new(region, resource_type);
                // Managed-only: the state's ids, except for types matched on identity, whose
                // ids are the provider's hashes: those are read whole when the state holds any.
                let wanted = request.ids.as_ref().map(|ids| {
                    let held = ids.get(&scope).cloned().unwrap_or_default();
                    if plumb_model::catalog::identity::is_synthetic(resource_type)
                        && !held.is_empty()
                    {
                        None
                    } else {
                        Some(held)
                    }
                });
                let wanted = wanted.flatten();
                let reader = Arc::clone(&reader);
                tasks.spawn(async move {
                    let result = types::read(&reader, &scope.r#type, wanted.as_ref()).await;
                    (scope, result)
                });
            }
        }
        while let Some(joined) = tasks.join_next().await {
            let Ok((scope, result)) = joined else {
                continue;
            };
            if let Some(progress) = stats.progress() {
                progress.scope_done(&scope, result.as_ref().ok().map(Vec::len));
            }
            match result {
                Ok(observations) => {
                    fetched.observations.extend(observations);
                    fetched.scanned.insert(scope);
                }
                Err(error) => fetched.failures.push(FetchFailure {
                    region: scope.region,
                    r#type: scope.r#type,
                    error,
                }),
            }
        }
        // A task that panicked left its scope neither scanned nor failed: say so.
        let requested: BTreeSet<Scope> = wanted_scopes.into_iter().collect();
        let answered: BTreeSet<Scope> = fetched
            .scanned
            .iter()
            .cloned()
            .chain(
                fetched
                    .failures
                    .iter()
                    .map(|f| Scope::new(&f.region, &f.r#type)),
            )
            .collect();
        for scope in requested.difference(&answered) {
            fetched.failures.push(FetchFailure {
                region: scope.region.clone(),
                r#type: scope.r#type.clone(),
                error: "the reader stopped unexpectedly".to_owned(),
            });
        }
        fetched
            .failures
            .sort_by(|a, b| (&a.region, &a.r#type).cmp(&(&b.region, &b.r#type)));
        fetched
            .observations
            .sort_by(|a, b| (&a.region, &a.r#type, &a.id).cmp(&(&b.region, &b.r#type, &b.id)));
        fetched.stats = stats.snapshot();
        if let Some(progress) = stats.progress() {
            progress.finished();
        }
        fetched
    }
}

/// The accounts a state's resources live in, read from their ARNs and `owner_id`s: what the
/// credentials must act in, or every resource would look missing.
pub fn accounts_in<'a>(
    resources: impl IntoIterator<Item = &'a plumb_model::Resource>,
) -> BTreeSet<String> {
    let mut accounts = BTreeSet::new();
    for resource in resources {
        let attrs = &resource.attributes;
        if let Some(arn) = attrs.get("arn").and_then(plumb_model::Value::as_str)
            && let Some(account) = arn.split(':').nth(4)
            && account.len() == 12
            && account.bytes().all(|b| b.is_ascii_digit())
        {
            accounts.insert(account.to_owned());
        }
        if let Some(owner) = attrs.get("owner_id").and_then(plumb_model::Value::as_str)
            && owner.len() == 12
            && owner.bytes().all(|b| b.is_ascii_digit())
        {
            accounts.insert(owner.to_owned());
        }
    }
    accounts
}
