//! Renderers: plumb's findings and readings turned into text for people and machines.
//!
//! Renderers do no I/O beyond the writer they are handed and decide nothing: what to show is
//! settled before a renderer runs, so every format says the same thing. Values pass through
//! `plumb_model::Value`'s redacting `Display`/`Serialize`, so a sensitive value cannot reach any
//! output by accident.

pub mod escape;
pub mod history;
pub mod history_pages;
pub mod inspect;
pub mod markdown;
pub mod parity;
pub mod plan_json;
pub mod rules;
pub mod sarif;
pub mod scan;
mod table;

pub use table::TableOptions;

/// The version of plumb that wrote a report (the workspace shares one version).
pub const PLUMB_VERSION: &str = env!("CARGO_PKG_VERSION");
