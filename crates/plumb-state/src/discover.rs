//! Finding states on disk (a file, a directory with its CLI workspaces, or standard input) and
//! reading several at once.

use std::io::Read;
use std::path::{Path, PathBuf};

use plumb_model::StateDoc;
use plumb_schema::ProviderSchemas;

use crate::error::StateError;

/// Where a state comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceKind {
    File(PathBuf),
    Stdin,
}

/// One state to read, with the workspace it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateSource {
    /// As the user would name it in a message (`envs/terraform.tfstate.d/prod/terraform.tfstate`).
    pub origin: String,
    pub workspace: String,
    pub location: SourceKind,
}

const STATE_FILE: &str = "terraform.tfstate";
const WORKSPACES_DIR: &str = "terraform.tfstate.d";

/// The workspace a state file belongs to by where it lies: `terraform.tfstate.d/NAME/...` is the
/// workspace NAME, anything else `default`.
fn workspace_of(path: &Path) -> String {
    let parent = path.parent();
    let grandparent = parent.and_then(Path::parent);
    match (
        parent.and_then(Path::file_name),
        grandparent.and_then(Path::file_name),
    ) {
        (Some(name), Some(dir)) if dir == WORKSPACES_DIR => name.to_string_lossy().into_owned(),
        _ => "default".to_owned(),
    }
}

/// Expands one `--state` argument: `-` is standard input; a directory gives its
/// `terraform.tfstate` (workspace `default`) and every `terraform.tfstate.d/NAME/terraform.tfstate`
/// (workspace NAME), sorted by name; anything else is a state file.
pub fn discover(arg: &str) -> Result<Vec<StateSource>, StateError> {
    if arg == "-" {
        return Ok(vec![StateSource {
            origin: "-".to_owned(),
            workspace: "default".to_owned(),
            location: SourceKind::Stdin,
        }]);
    }
    let path = Path::new(arg);
    let metadata = std::fs::metadata(path).map_err(|e| StateError::io(arg, e))?;
    if !metadata.is_dir() {
        return Ok(vec![StateSource {
            origin: arg.to_owned(),
            workspace: workspace_of(path),
            location: SourceKind::File(path.to_path_buf()),
        }]);
    }
    let mut found = Vec::new();
    let default = path.join(STATE_FILE);
    if default.is_file() {
        found.push(StateSource {
            origin: default.display().to_string(),
            workspace: "default".to_owned(),
            location: SourceKind::File(default),
        });
    }
    let workspaces = path.join(WORKSPACES_DIR);
    if workspaces.is_dir() {
        let entries = std::fs::read_dir(&workspaces)
            .map_err(|e| StateError::io(&workspaces.display().to_string(), e))?;
        let mut named = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| StateError::io(&workspaces.display().to_string(), e))?;
            let file = entry.path().join(STATE_FILE);
            if file.is_file() {
                named.push((entry.file_name().to_string_lossy().into_owned(), file));
            }
        }
        named.sort();
        for (name, file) in named {
            found.push(StateSource {
                origin: file.display().to_string(),
                workspace: name,
                location: SourceKind::File(file),
            });
        }
    }
    if found.is_empty() {
        return Err(StateError::NoState {
            origin: arg.to_owned(),
        });
    }
    Ok(found)
}

/// Reads one source's state; standard input is read from `stdin`.
pub fn read_source(
    source: &StateSource,
    schemas: &ProviderSchemas,
    stdin: &mut dyn Read,
) -> Result<StateDoc, StateError> {
    let bytes = match &source.location {
        SourceKind::File(path) => {
            std::fs::read(path).map_err(|e| StateError::io(&source.origin, e))?
        }
        SourceKind::Stdin => {
            let mut bytes = Vec::new();
            stdin
                .read_to_end(&mut bytes)
                .map_err(|e| StateError::io(&source.origin, e))?;
            bytes
        }
    };
    crate::read_state(&bytes, &source.origin, &source.workspace, schemas)
}

/// Reads every state the arguments name (each as [`discover`] expands it), in argument order.
/// Files are read on up to as many threads as there are cores; the first error in argument order
/// is returned.
pub fn load_states(
    args: &[String],
    schemas: &ProviderSchemas,
    stdin: &mut dyn Read,
) -> Result<Vec<StateDoc>, StateError> {
    let stdin_count = args.iter().filter(|a| *a == "-").count();
    if stdin_count > 1 {
        return Err(StateError::StdinTwice { count: stdin_count });
    }
    let mut sources = Vec::new();
    for arg in args {
        sources.extend(discover(arg)?);
    }
    let mut results: Vec<Option<Result<StateDoc, StateError>>> =
        (0..sources.len()).map(|_| None).collect();
    // Standard input first, on this thread: it is the only source that needs `stdin`.
    for (i, source) in sources.iter().enumerate() {
        if source.location == SourceKind::Stdin {
            results[i] = Some(read_source(source, schemas, stdin));
        }
    }
    let files: Vec<usize> = (0..sources.len())
        .filter(|i| sources[*i].location != SourceKind::Stdin)
        .collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(files.len())
        .max(1);
    let chunks: Vec<Vec<usize>> = (0..threads)
        .map(|t| files.iter().copied().skip(t).step_by(threads).collect())
        .collect();
    let done: Vec<Vec<(usize, Result<StateDoc, StateError>)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .iter()
            .map(|chunk| {
                let sources = &sources;
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|&i| (i, read_source(&sources[i], schemas, &mut std::io::empty())))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    for (i, result) in done.into_iter().flatten() {
        results[i] = Some(result);
    }
    results
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            r.unwrap_or_else(|| {
                Err(StateError::invalid(
                    &sources[i].origin,
                    "the reader thread stopped before reading it",
                ))
            })
        })
        .collect()
}
