//! The one error type of this crate, and the helpers that turn `serde_json`'s errors into lines a
//! person can act on: the file, `line:column`, and the JSON path of the value that was wrong.

use std::fmt::Write as _;

/// Why a state or plan could not be read. Every message is one line and starts with the file it is
/// about (`states/prod.tfstate:3:17: ...` where a position is known), so that a run over many
/// states says which one failed without a backtrace.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// The file could not be opened or read.
    #[error("{origin}: {message}")]
    Io {
        origin: String,
        message: String,
        #[source]
        source: std::io::Error,
    },
    /// The file holds no bytes (or only whitespace).
    #[error("{origin}: empty file, not a Terraform state")]
    Empty { origin: String },
    /// Not JSON, truncated, not UTF-8, or a value of the wrong type at a known place.
    #[error("{origin}:{line}:{column}: {message}")]
    Json {
        origin: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// Valid JSON that is not a state or plan at all.
    #[error("{origin}: not a Terraform state or plan: {message}")]
    NotAState { origin: String, message: String },
    /// A state format plumb does not read (too old, or newer than it knows).
    #[error("{origin}: {message}")]
    Unsupported { origin: String, message: String },
    /// A state whose content is inconsistent in a way JSON types cannot say (a bad address).
    #[error("{origin}: {message}")]
    Invalid { origin: String, message: String },
    /// A directory with no state in it.
    #[error("{origin}: no terraform.tfstate or terraform.tfstate.d/*/terraform.tfstate here")]
    NoState { origin: String },
    /// `-` named more than once: standard input can be read only once.
    #[error("-: standard input can be read only once, but `-` was given {count} times")]
    StdinTwice { count: usize },
}

impl StateError {
    /// The file (or `-`) the error is about.
    pub fn origin(&self) -> &str {
        match self {
            StateError::Io { origin, .. }
            | StateError::Empty { origin }
            | StateError::Json { origin, .. }
            | StateError::NotAState { origin, .. }
            | StateError::Unsupported { origin, .. }
            | StateError::Invalid { origin, .. }
            | StateError::NoState { origin } => origin,
            StateError::StdinTwice { .. } => "-",
        }
    }

    pub(crate) fn io(origin: &str, source: std::io::Error) -> Self {
        let message = match source.kind() {
            std::io::ErrorKind::NotFound => "no such file or directory".to_owned(),
            std::io::ErrorKind::PermissionDenied => "cannot read: permission denied".to_owned(),
            _ => one_line(&format!("cannot read: {source}")),
        };
        StateError::Io {
            origin: origin.to_owned(),
            message,
            source,
        }
    }

    pub(crate) fn invalid(origin: &str, message: impl Into<String>) -> Self {
        StateError::Invalid {
            origin: origin.to_owned(),
            message: one_line(&message.into()),
        }
    }

    pub(crate) fn unsupported(origin: &str, message: impl Into<String>) -> Self {
        StateError::Unsupported {
            origin: origin.to_owned(),
            message: one_line(&message.into()),
        }
    }

    pub(crate) fn not_a_state(origin: &str, message: impl Into<String>) -> Self {
        StateError::NotAState {
            origin: origin.to_owned(),
            message: one_line(&message.into()),
        }
    }

    /// A `serde_json` error over `bytes`, with the JSON path of the offending value where the
    /// error is about a value rather than about syntax.
    pub(crate) fn from_json(origin: &str, bytes: &[u8], error: &serde_json::Error) -> Self {
        let text = error.to_string();
        // serde_json appends " at line L column C"; we print the position in front instead.
        let bare = text
            .rfind(" at line ")
            .map_or(text.as_str(), |i| &text[..i]);
        let (line, column) = (error.line(), error.column());
        let message = match error.classify() {
            serde_json::error::Category::Eof => {
                format!("not valid JSON: {bare} (the file looks truncated)")
            }
            serde_json::error::Category::Syntax | serde_json::error::Category::Io => {
                format!("not valid JSON: {bare}")
            }
            serde_json::error::Category::Data => {
                let offset = byte_offset(bytes, line, column);
                // Field errors are about the object itself, not its last key.
                let of_object = ["missing field", "unknown field", "duplicate field"]
                    .iter()
                    .any(|p| bare.starts_with(p));
                let path = path_at(bytes, offset, of_object);
                if path.is_empty() {
                    format!("at the top level: {bare}")
                } else {
                    format!("at `{path}`: {bare}")
                }
            }
        };
        StateError::Json {
            origin: origin.to_owned(),
            line,
            column,
            message: one_line(&message),
        }
    }
}

/// Keeps every message on one line, whatever text it quotes.
pub(crate) fn one_line(text: &str) -> String {
    if text.contains(['\n', '\r']) {
        text.replace(['\n', '\r'], " ")
    } else {
        text.to_owned()
    }
}

/// The byte offset of `serde_json`'s 1-based line and column: the byte it points at.
fn byte_offset(bytes: &[u8], line: usize, column: usize) -> usize {
    let mut start = 0;
    if line > 1 {
        let mut seen = 1;
        for (i, b) in bytes.iter().enumerate() {
            if *b == b'\n' {
                seen += 1;
                if seen == line {
                    start = i + 1;
                    break;
                }
            }
        }
    }
    (start + column.saturating_sub(1)).min(bytes.len())
}

/// 1-based line and column of a byte offset, for errors found outside `serde_json`.
pub(crate) fn line_column(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.split(|b| *b == b'\n').count();
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    (line, offset - line_start + 1)
}

enum Frame {
    Object(Option<String>),
    Array(usize),
}

/// The JSON path (`resources[3].instances`) of the value being read at `offset`, found by a small
/// scan of the bytes before it. Run only after a failure, so the fast path pays nothing for it.
pub(crate) fn path_at(bytes: &[u8], offset: usize, of_object: bool) -> String {
    let mut stack: Vec<Frame> = Vec::new();
    let mut expecting_key = false;
    let mut i = 0;
    let end = offset.min(bytes.len());
    while i < end {
        match bytes[i] {
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                let text = &bytes[start..i.min(bytes.len())];
                if expecting_key && let Some(Frame::Object(key)) = stack.last_mut() {
                    *key = Some(String::from_utf8_lossy(text).into_owned());
                    expecting_key = false;
                }
            }
            b'{' => {
                stack.push(Frame::Object(None));
                expecting_key = true;
            }
            b'[' => {
                stack.push(Frame::Array(0));
                expecting_key = false;
            }
            b'}' | b']' => {
                stack.pop();
                expecting_key = false;
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object(_)) => expecting_key = true,
                Some(Frame::Array(index)) => *index += 1,
                None => {}
            },
            _ => {}
        }
        i += 1;
    }
    if of_object && let Some(Frame::Object(key)) = stack.last_mut() {
        *key = None;
    }
    let mut out = String::new();
    for frame in &stack {
        match frame {
            Frame::Object(Some(key)) => {
                if plumb_model::path::is_identifier(key) {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(key);
                } else {
                    let _ = write!(out, "[{key:?}]");
                }
            }
            Frame::Object(None) => {}
            Frame::Array(index) => {
                let _ = write!(out, "[{index}]");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_found_from_offsets() {
        let json = br#"{"a": 1, "resources": [{"x": 1}, {"instances": "oops"}]}"#;
        let offset = json.windows(6).position(|w| w == b"\"oops\"").unwrap();
        assert_eq!(path_at(json, offset, false), "resources[1].instances");
        assert_eq!(path_at(json, 1, false), "");
        let json = br#"{"outputs": {"a b": {"value": tru"#;
        assert_eq!(path_at(json, json.len(), false), r#"outputs["a b"].value"#);
        assert_eq!(path_at(json, json.len(), true), r#"outputs["a b"]"#);
    }

    #[test]
    fn offsets_round_trip_through_lines() {
        let text = b"ab\ncd\nef";
        assert_eq!(line_column(text, 4), (2, 2));
        assert_eq!(byte_offset(text, 2, 1), 3);
    }
}
