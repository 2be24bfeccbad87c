//! The plain data every plumb crate speaks: addresses, attribute paths, typed values with unknown
//! and sensitive marks, state resources, configuration blocks and live observations.
//!
//! This crate depends on serde alone and does no I/O, so that every stage of the pipeline (readers,
//! adapters, the drift engine, renderers) can share these types without depending on each other.

pub mod address;
pub mod bom;
pub mod catalog;
pub mod config;
pub mod finding;
pub mod json;
pub mod observation;
pub mod parity;
pub mod path;
pub mod severity;
pub mod state;
pub mod value;

pub use address::{Address, ConfigAddress, InstanceKey, InvalidName, Mode, ModuleStep};
pub use catalog::{GLOBAL_REGION, TypeScope, scope_of};
pub use config::{
    ConfigResource, Configuration, IgnoreChanges, Lifecycle, Repetition, SourceLocation,
};
pub use finding::{
    AttributeDiff, Finding, FindingStatus, Ignored, Pending, PendingAction, Remediation,
    ResolvedFinding, Summary, Suppressed, Unverified, WorkspaceSummary,
};
pub use observation::{Observation, Scope};
pub use parity::{
    AttributeChangeRecord, ChangeAction, DiffSummary, ExpectedDifference, ParityFinding,
    ParityKind, ParitySummary, ResourceChange,
};
pub use path::{AttrPath, Segment};
pub use severity::{Kind, Severity};
pub use state::{
    Action, Output, Plan, PlannedChange, ProviderRef, Resource, StateDoc, StateFormat, Status,
};
pub use value::{BigNumber, Exposed, Map, Number, Value};
