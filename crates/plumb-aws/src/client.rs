//! SDK clients: the standard credential chain, adaptive retry with back-off, time limits, and
//! the counters behind the report's `stats`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_ec2::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_ec2::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_smithy_runtime_api::client::retries::RequestAttempts;
use plumb_adapter::FetchStats;

use crate::AwsOptions;

pub(crate) async fn load_config(options: &AwsOptions) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(
            RetryConfig::adaptive()
                .with_max_attempts(options.max_attempts.max(1))
                .with_initial_backoff(options.initial_backoff),
        )
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(std::time::Duration::from_secs(5))
                .operation_attempt_timeout(options.attempt_timeout)
                .operation_timeout(options.call_timeout)
                .build(),
        );
    if let Some(profile) = &options.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(url) = &options.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    loader.load().await
}

/// Counts retries: the SDK retries inside one call, and numbers each call's attempts.
#[derive(Debug)]
struct CountAttempts(Arc<Stats>);

impl Intercept for CountAttempts {
    fn name(&self) -> &'static str {
        "plumb-count-attempts"
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), aws_sdk_ec2::error::BoxError> {
        if cfg
            .load::<RequestAttempts>()
            .is_some_and(|attempts| attempts.attempts() > 1)
        {
            self.0.retry();
        }
        Ok(())
    }
}

pub(crate) fn ec2_client(
    base: &SdkConfig,
    region: &str,
    stats: &Arc<Stats>,
) -> aws_sdk_ec2::Client {
    let config = aws_sdk_ec2::config::Builder::from(base)
        .region(Region::new(region.to_owned()))
        .interceptor(CountAttempts(Arc::clone(stats)))
        .build();
    aws_sdk_ec2::Client::from_conf(config)
}

/// The account the credentials act in; with `stats`, the call and its retries are counted.
pub(crate) async fn caller_account(
    base: &SdkConfig,
    region: &str,
    stats: Option<&Arc<Stats>>,
) -> Result<String, String> {
    let mut config =
        aws_sdk_sts::config::Builder::from(base).region(Region::new(region.to_owned()));
    if let Some(stats) = stats {
        config = config.interceptor(CountAttempts(Arc::clone(stats)));
        stats.call(crate::ops::GET_CALLER_IDENTITY.name);
    }
    let sts = aws_sdk_sts::Client::from_conf(config.build());
    let identity = sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| error_text(&e))?;
    identity
        .account()
        .map(str::to_owned)
        .ok_or_else(|| "GetCallerIdentity returned no account".to_owned())
}

/// An SDK error on one line, with the service's code and message where there is one.
pub(crate) fn error_text(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let part = cause.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = cause.source();
    }
    text.replace('\n', " ")
}

/// Calls and retries over one fetch, told to the progress display as they happen.
#[derive(Debug, Default)]
pub(crate) struct Stats {
    calls: Mutex<BTreeMap<String, u64>>,
    retries: AtomicU64,
    progress: Option<Arc<dyn crate::Progress>>,
}

impl Stats {
    pub(crate) fn new(progress: Option<Arc<dyn crate::Progress>>) -> Self {
        Stats {
            progress,
            ..Stats::default()
        }
    }

    pub(crate) fn call(&self, operation: &str) {
        let mut calls = self
            .calls
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *calls.entry(operation.to_owned()).or_default() += 1;
        drop(calls);
        if let Some(progress) = &self.progress {
            progress.call(operation);
        }
    }

    fn retry(&self) {
        self.retries.fetch_add(1, Ordering::Relaxed);
        if let Some(progress) = &self.progress {
            progress.retry();
        }
    }

    pub(crate) fn progress(&self) -> Option<&dyn crate::Progress> {
        self.progress.as_deref()
    }

    pub(crate) fn snapshot(&self) -> FetchStats {
        let calls = self
            .calls
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        FetchStats {
            retries: self.retries.load(Ordering::Relaxed),
            calls,
        }
    }
}
