//! The scan as a library: what `plumb scan` does between reading its arguments and rendering
//! its report, so that it can be run, and tested, without the binary.
//!
//! Two steps. A [`Plan`] is built from a command's inputs ([`ScanOptions`]): the workspaces and
//! their states, code and layered policies (`--policy`, `.plumb.hcl`, `.driftignore`), the
//! snapshot, and from them the reads to ask for ([`Plan::request`]). Then [`run`] fetches the
//! live side through the adapters it is given, runs the drift engine (which does no I/O),
//! computes remediation, records the history, and returns everything the outputs need
//! ([`Run`]). The caller chooses the adapters, renders, writes files and sets the exit code.
//!
//! Nothing here reads the environment or the clock: the caller passes today's date and the
//! run's time in the options, read once at the edge.

mod check_plan;
mod environments;
mod error;
mod history;
pub mod inputs;
mod plan;
mod remediation;
mod run;

pub use check_plan::{PlanCheck, check_plan};
pub use environments::environment;
pub use error::Error;
pub use history::is_drift;
pub use plan::{NO_WORKSPACE, Plan, ScanOptions, Workspace};
pub use remediation::RemediationFiles;
pub use run::{DriftObject, Run, run};
