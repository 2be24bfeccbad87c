//! Why a scan could not be planned or run: each stage's own error, or an input that names
//! something wrong (the message says what, and where).

/// A scan's error. Every message is one line naming the file (and line) where there is one.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    State(#[from] plumb_state::StateError),
    #[error(transparent)]
    Config(#[from] plumb_hcl::HclError),
    #[error(transparent)]
    Schema(#[from] plumb_schema::SchemaError),
    #[error(transparent)]
    Policy(#[from] plumb_drift::policy_file::PolicyError),
    #[error(transparent)]
    Snapshot(#[from] plumb_adapter::SnapshotError),
    #[error(transparent)]
    Adapter(#[from] plumb_adapter::AdapterError),
    #[error(transparent)]
    History(#[from] plumb_history::HistoryError),
    /// A file that could not be read.
    #[error("{file}: cannot read: {source}")]
    Read {
        file: String,
        #[source]
        source: std::io::Error,
    },
    /// Remediation that would have written a name that is not a Terraform identifier.
    #[error("{dir}: remediation not written: {source}")]
    Remediation {
        dir: String,
        #[source]
        source: plumb_model::InvalidName,
    },
    /// An argument or an input that says something plumb cannot do.
    #[error("{0}")]
    Invalid(String),
}

/// [`Error::Invalid`] from a message.
pub(crate) fn invalid(message: impl Into<String>) -> Error {
    Error::Invalid(message.into())
}
