use std::path::PathBuf;

/// Why the history could not be opened, written or read.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// The file is not `SQLite`, is corrupt, or is some other program's `SQLite` database.
    #[error("{}: not a plumb history database: {detail}", path.display())]
    NotADatabase { path: PathBuf, detail: String },
    /// Another connection holds the lock for longer than the busy timeout.
    #[error("{}: the history database is locked by another plumb run", path.display())]
    Locked { path: PathBuf },
    /// Written by a newer plumb whose schema this one does not know.
    #[error(
        "{}: the history database has schema version {found}, newer than the {supported} this \
         plumb knows; upgrade plumb or use another history file",
        path.display()
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    /// The directory for a new database could not be created.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Any other `SQLite` failure (cannot open the file, disk full, read-only, ...).
    #[error("{}: {source}", path.display())]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },
    /// One run listed the same finding twice; nothing of the run was recorded.
    #[error("fingerprint {fingerprint} appears more than once in one run")]
    DuplicateFingerprint { fingerprint: String },
    /// The run's summary is not JSON; nothing of the run was recorded.
    #[error("the run summary is not valid JSON: {0}")]
    InvalidSummary(#[source] serde_json::Error),
    /// A `--since` value that is neither an age nor a date.
    #[error(
        "invalid time `{text}`: expected an age such as 12h, 30d or 2w, or a date such as \
         2026-11-01"
    )]
    InvalidSince { text: String },
}

impl HistoryError {
    /// Sorts a `SQLite` error into the cases a user can act on differently.
    pub(crate) fn from_sqlite(path: &std::path::Path, source: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        let path = path.to_path_buf();
        match source.sqlite_error_code() {
            Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
                HistoryError::NotADatabase {
                    path,
                    detail: source.to_string(),
                }
            }
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
                HistoryError::Locked { path }
            }
            _ => HistoryError::Sqlite { path, source },
        }
    }
}
