//! Adapters read the live cloud and hand back observations in Terraform's shape.
//!
//! The drift engine never sees an adapter: the CLI asks the [`Registry`] for the (region, type)
//! pairs it needs, and passes the [`Fetched`] result on. What matters as much as the observations
//! is what was *looked at*: a resource is only `missing` when its (region, type) pair was scanned,
//! and a pair whose read failed is `not_checked`, never a reason to call anything missing.

pub mod external;
mod snapshot;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

pub use plumb_model::{Observation, Scope};
use serde::{Deserialize, Serialize};

pub use snapshot::{SnapshotAdapter, SnapshotError, write_snapshot};

/// The provider every built-in adapter speaks for.
pub const AWS_PROVIDER: &str = "registry.terraform.io/hashicorp/aws";

/// What to read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FetchRequest {
    pub regions: Vec<String>,
    pub types: Vec<String>,
    /// With `Some`, only these ids are wanted per scope (managed-only scans); `None` asks for
    /// everything, which is what finds unmanaged resources.
    pub ids: Option<BTreeMap<Scope, BTreeSet<String>>>,
    /// Read attributes that cost an extra call per resource even where nothing asks for them.
    pub thorough: bool,
    /// Per scope, the resources whose attributes that cost a call each are wanted (their state
    /// holds a value other than AWS's default); the rest are reported unread.
    pub details: BTreeMap<Scope, BTreeSet<String>>,
}

impl FetchRequest {
    /// Every (region, type) pair the request covers (a global type's once per region, each
    /// in the `global` region).
    pub fn scopes(&self) -> impl Iterator<Item = Scope> + '_ {
        self.regions
            .iter()
            .flat_map(move |region| self.types.iter().map(move |t| Scope::new(region, t)))
    }
}

/// A (region, type) pair that could not be read, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchFailure {
    /// Empty or absent for a global type (read as `global`).
    #[serde(default)]
    pub region: String,
    pub r#type: String,
    pub error: String,
}

/// API calls and retries, for the report's `stats`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchStats {
    /// Calls per operation name (`DescribeInstances`: 3).
    pub calls: BTreeMap<String, u64>,
    pub retries: u64,
}

/// What an adapter (or the registry, over all adapters) brought back.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fetched {
    pub observations: Vec<Observation>,
    /// Pairs read completely: absence from `observations` means absent live.
    pub scanned: BTreeSet<Scope>,
    pub failures: Vec<FetchFailure>,
    /// Requested types that no adapter serves: `not_checked`, but not an error.
    pub unsupported_types: BTreeSet<String>,
    pub stats: FetchStats,
}

impl Fetched {
    fn absorb(&mut self, other: Fetched) {
        self.observations.extend(other.observations);
        self.scanned.extend(other.scanned);
        self.failures.extend(other.failures);
        self.unsupported_types.extend(other.unsupported_types);
        for (op, n) in other.stats.calls {
            *self.stats.calls.entry(op).or_default() += n;
        }
        self.stats.retries += other.stats.retries;
    }
}

/// Why an adapter could not run at all (as opposed to one scope failing, which is a
/// [`FetchFailure`]).
#[derive(Debug, thiserror::Error)]
pub enum AdapterError {
    #[error(transparent)]
    Snapshot(#[from] SnapshotError),
    #[error("adapter {adapter}: {message}")]
    Failed { adapter: String, message: String },
}

/// A source of live observations: the AWS API, a snapshot file, an external plugin.
pub trait Adapter: fmt::Debug + Send + Sync {
    /// A short name for messages and `plumb adapters`.
    fn name(&self) -> &str;
    /// True when this adapter can read `resource_type`.
    fn supports(&self, resource_type: &str) -> bool;
    /// Reads the request's scopes of the types this adapter supports.
    fn fetch(&self, request: &FetchRequest) -> Result<Fetched, AdapterError>;
    /// [`fetch`](Adapter::fetch) for the adapter's last use: one that holds its observations in
    /// memory (a snapshot) hands them over instead of copying them, which in a large scan is
    /// a second copy of the whole live side.
    fn fetch_once(self: Box<Self>, request: &FetchRequest) -> Result<Fetched, AdapterError> {
        self.fetch(request)
    }
}

/// The adapters of one run, in order of preference: the first that supports a type reads it.
#[derive(Debug, Default)]
pub struct Registry {
    adapters: Vec<Box<dyn Adapter>>,
}

impl Registry {
    pub fn new() -> Self {
        Registry::default()
    }

    pub fn register(&mut self, adapter: Box<dyn Adapter>) {
        self.adapters.push(adapter);
    }

    pub fn adapters(&self) -> impl Iterator<Item = &dyn Adapter> {
        self.adapters.iter().map(AsRef::as_ref)
    }

    /// Splits the request by adapter, fetches, and merges the results.
    pub fn fetch(&self, request: &FetchRequest) -> Result<Fetched, AdapterError> {
        let (mut result, by_adapter) = self.split(request);
        for (adapter, sub) in self.adapters.iter().zip(by_adapter) {
            if let Some(sub) = sub {
                result.absorb(adapter.fetch(&sub)?);
            }
        }
        Ok(result)
    }

    /// [`fetch`](Registry::fetch) for a registry that is done after one request (a scan): the
    /// adapters hand over what they hold rather than copy it (see [`Adapter::fetch_once`]).
    pub fn fetch_once(self, request: &FetchRequest) -> Result<Fetched, AdapterError> {
        let (mut result, by_adapter) = self.split(request);
        for (adapter, sub) in self.adapters.into_iter().zip(by_adapter) {
            if let Some(sub) = sub {
                result.absorb(adapter.fetch_once(&sub)?);
            }
        }
        Ok(result)
    }

    /// Each adapter's part of `request` (`None` where it has nothing to read), and a result
    /// that already lists the types no adapter serves.
    fn split(&self, request: &FetchRequest) -> (Fetched, Vec<Option<FetchRequest>>) {
        let mut by_adapter: Vec<Vec<String>> = vec![Vec::new(); self.adapters.len()];
        let mut result = Fetched::default();
        for resource_type in &request.types {
            match self.adapters.iter().position(|a| a.supports(resource_type)) {
                Some(i) => by_adapter[i].push(resource_type.clone()),
                None => {
                    result.unsupported_types.insert(resource_type.clone());
                }
            }
        }
        let subs = by_adapter
            .into_iter()
            .map(|types| {
                (!types.is_empty()).then(|| FetchRequest {
                    types,
                    ..request.clone()
                })
            })
            .collect();
        (result, subs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Fixed(&'static str, Vec<&'static str>);

    impl Adapter for Fixed {
        fn name(&self) -> &'static str {
            self.0
        }
        fn supports(&self, resource_type: &str) -> bool {
            self.1.contains(&resource_type)
        }
        fn fetch(&self, request: &FetchRequest) -> Result<Fetched, AdapterError> {
            Ok(Fetched {
                scanned: request.scopes().collect(),
                stats: FetchStats {
                    calls: [(format!("{}-calls", self.0), 1)].into(),
                    retries: 0,
                },
                ..Fetched::default()
            })
        }
    }

    #[test]
    fn the_first_adapter_that_supports_a_type_reads_it() {
        let mut registry = Registry::new();
        registry.register(Box::new(Fixed("a", vec!["aws_vpc"])));
        registry.register(Box::new(Fixed("b", vec!["aws_vpc", "aws_subnet"])));
        let fetched = registry
            .fetch(&FetchRequest {
                regions: vec!["eu-west-1".into()],
                types: vec![
                    "aws_vpc".into(),
                    "aws_subnet".into(),
                    "aws_s3_bucket".into(),
                ],
                ..FetchRequest::default()
            })
            .unwrap();
        assert_eq!(fetched.scanned.len(), 2);
        assert_eq!(
            fetched.unsupported_types,
            BTreeSet::from(["aws_s3_bucket".to_owned()])
        );
        assert_eq!(fetched.stats.calls.len(), 2, "both adapters were asked");
    }

    #[test]
    fn fetch_once_splits_the_request_as_fetch_does() {
        let registry = || {
            let mut registry = Registry::new();
            registry.register(Box::new(Fixed("a", vec!["aws_vpc"])));
            registry.register(Box::new(Fixed("b", vec!["aws_subnet"])));
            registry
        };
        let request = FetchRequest {
            regions: vec!["eu-west-1".into(), "us-east-1".into()],
            types: vec!["aws_vpc".into(), "aws_subnet".into(), "aws_eip".into()],
            ..FetchRequest::default()
        };
        assert_eq!(
            registry().fetch_once(&request).unwrap(),
            registry().fetch(&request).unwrap()
        );
    }
}
