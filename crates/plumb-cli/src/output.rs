//! Output destinations: standard output and files, one format each, and the guard that keeps
//! plumb from ever writing over a Terraform state.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use plumb_report::TableOptions;

use crate::formats::{Format, Offer, Report};

/// One rendering to make: a format and where it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub format: Format,
    /// `None` is standard output.
    pub path: Option<PathBuf>,
}

/// Turns `--format` and `--output` into the list of renderings to make, in the formats `offer`
/// lists. Standard output gets `--format` (default: the offer's first) unless a plain
/// `--output PATH` redirected it. `FORMAT=PATH` takes a format's name in any case; a name the
/// command does not offer is refused rather than read as a path.
pub fn targets(offer: &Offer, format: Option<Format>, outputs: &[String]) -> Result<Vec<Target>> {
    let default_format = format.unwrap_or_else(|| offer.default_format());
    let mut targets = Vec::new();
    let mut stdout_redirected = false;
    for spec in outputs {
        let named = spec
            .split_once('=')
            .and_then(|(name, path)| Some((name, Format::named(name)?, path)));
        let (format, path) = if let Some((name, format, path)) = named {
            if !offer.formats.contains(&format) {
                bail!(
                    "--output {spec}: {name} is not a format of {} (it writes {})",
                    offer.commands.join(" or "),
                    offer.listed()
                );
            }
            (format, path)
        } else {
            stdout_redirected = true;
            (default_format, spec.as_str())
        };
        if path.is_empty() {
            bail!("--output {spec}: no path given");
        }
        targets.push(Target {
            format,
            path: Some(PathBuf::from(path)),
        });
    }
    if !stdout_redirected {
        targets.insert(
            0,
            Target {
                format: default_format,
                path: None,
            },
        );
    }
    Ok(targets)
}

/// Table layout for standard output: colour and wrapping only on a terminal, never with
/// `NO_COLOR`; files get neither.
pub fn table_options(target: &Target) -> TableOptions {
    let terminal = target.path.is_none() && std::io::stdout().is_terminal();
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    TableOptions {
        color: terminal && !no_color,
        wrap: terminal,
    }
}

/// True when `path` is, or leads to, a Terraform state: plumb never writes one. Decided by the
/// name (`*.tfstate`, `*.tfstate.backup`) of the path and of what a symlink there resolves to,
/// and by the content: a JSON object with a `version` and one of `terraform_version`, `lineage`,
/// `serial` at its top level, wherever they are in the file (a state may start with any amount
/// of whitespace or a byte order mark). A file that is not JSON counts as a state when it names
/// both `"lineage"` and `"terraform_version"`: a damaged state is still a state.
fn is_state_file(path: &Path) -> bool {
    let state_name = |p: &Path| {
        p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.ends_with(".tfstate") || n.ends_with(".tfstate.backup"))
    };
    if state_name(path) {
        return true;
    }
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
        && std::fs::canonicalize(path).is_ok_and(|target| state_name(&target))
    {
        return true;
    }
    // Follows a symlink: what matters is the file a write through it would reach.
    let Ok(bytes) = std::fs::read(path) else {
        return false;
    };
    looks_like_a_state(&bytes)
}

/// See [`is_state_file`]: the content test.
fn looks_like_a_state(bytes: &[u8]) -> bool {
    use serde::de::IgnoredAny;
    #[derive(serde::Deserialize)]
    struct Top {
        version: Option<IgnoredAny>,
        terraform_version: Option<IgnoredAny>,
        lineage: Option<IgnoredAny>,
        serial: Option<IgnoredAny>,
    }
    let bytes = plumb_model::bom::strip(bytes);
    if let Ok(top) = serde_json::from_slice::<Top>(bytes) {
        top.version.is_some()
            && (top.terraform_version.is_some() || top.lineage.is_some() || top.serial.is_some())
    } else {
        let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
        has(b"\"lineage\"") && has(b"\"terraform_version\"")
    }
}

/// Renders into `path` through a temporary file in the same directory, so that a failed run
/// never leaves half a report where the last good one was.
pub fn write_file(
    path: &Path,
    render: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    write_with_mode(path, 0o666, render)
}

/// [`write_file`] for a script: executable (as far as the umask allows) from the start.
pub fn write_executable(
    path: &Path,
    render: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    write_with_mode(path, 0o777, render)
}

/// The temporary file is created exclusively under a random name (`O_CREAT | O_EXCL`, which
/// follows no symlink), with its final mode (less the umask), and renamed over `path`: a rename
/// replaces a symlink at `path` instead of writing through it, and nothing anyone planted beside
/// the output is ever opened.
fn write_with_mode(
    path: &Path,
    mode: u32,
    render: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    if is_state_file(path) {
        bail!(
            "{}: refusing to write over a Terraform state file",
            path.display()
        );
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    let file_name = path
        .file_name()
        .with_context(|| format!("{}: not a file path", path.display()))?;
    let (tmp, file) = create_exclusive(dir, &file_name.to_string_lossy(), mode)
        .with_context(|| format!("{}: cannot write", path.display()))?;
    let result = (|| -> std::io::Result<()> {
        let mut out = std::io::BufWriter::new(file);
        render(&mut out)?;
        out.flush()?;
        drop(out);
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.with_context(|| format!("{}: cannot write", path.display()))
}

/// A new file in `dir` named `.NAME.RANDOM.plumb-tmp`, created with `O_CREAT | O_EXCL` (which
/// never opens an existing file nor follows a symlink) and `mode` less the umask; another name is
/// tried when one exists. The randomness is the standard library's per-process hash seed mixed
/// with the time and a counter: unguessable enough for a name, and no dependency.
fn create_exclusive(
    dir: &Path,
    name: &str,
    mode: u32,
) -> std::io::Result<(PathBuf, std::fs::File)> {
    use std::hash::{BuildHasher as _, Hasher as _};
    use std::os::unix::fs::OpenOptionsExt as _;
    let seed = std::collections::hash_map::RandomState::new();
    let mut last = None;
    for attempt in 0u32..64 {
        let mut hasher = seed.build_hasher();
        hasher.write_u32(attempt);
        hasher.write_u32(std::process::id());
        if let Ok(now) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            hasher.write_u128(now.as_nanos());
        }
        let tmp = dir.join(format!(".{name}.{:016x}.plumb-tmp", hasher.finish()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&tmp)
        {
            Ok(file) => return Ok((tmp, file)),
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => last = Some(err),
            Err(err) => return Err(err),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no free temporary name")))
}

/// Renders to standard output; a closed pipe (`plumb ... | head`) is not an error.
pub fn write_stdout(render: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match render(&mut out).and_then(|()| out.flush()) {
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write to standard output"),
    }
}

/// Writes `report` to every target, each in its format.
pub fn emit(targets: &[Target], report: &Report<'_>) -> Result<()> {
    for target in targets {
        let options = table_options(target);
        let render =
            |out: &mut dyn Write| crate::formats::render(target.format, report, options, out);
        match &target.path {
            None => write_stdout(render)?,
            Some(path) => write_file(path, render)?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::formats::{FORMATS, INSPECT, OFFERS};

    fn inspect_targets(format: Option<Format>, output: &[&str]) -> Result<Vec<Target>> {
        let output: Vec<String> = output.iter().map(ToString::to_string).collect();
        targets(&INSPECT, format, &output)
    }

    #[test]
    fn stdout_gets_the_format_unless_redirected() {
        let t = inspect_targets(None, &[]).unwrap();
        assert_eq!(
            t,
            vec![Target {
                format: Format::Table,
                path: None
            }]
        );
        let t = inspect_targets(Some(Format::Json), &["out.json"]).unwrap();
        assert_eq!(
            t,
            vec![Target {
                format: Format::Json,
                path: Some("out.json".into())
            }]
        );
        let t = inspect_targets(None, &["json=r.json"]).unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].path, None);
        assert_eq!(
            t[1],
            Target {
                format: Format::Json,
                path: Some("r.json".into())
            }
        );
    }

    #[test]
    fn an_equals_sign_in_a_plain_path_is_kept() {
        let t = inspect_targets(None, &["dir/a=b.txt"]).unwrap();
        assert_eq!(
            t,
            vec![Target {
                format: Format::Table,
                path: Some("dir/a=b.txt".into())
            }]
        );
    }

    /// `--output FORMAT=PATH` with every format of the registry, for every command: an offered
    /// one (in any case) adds that rendering beside standard output's; another is refused with
    /// the formats the command writes.
    #[test]
    fn every_format_parses_as_an_output_where_it_is_offered() {
        for offer in OFFERS {
            for spec in FORMATS {
                for name in [spec.name.to_owned(), spec.name.to_uppercase()] {
                    let output = [format!("{name}=out/r.{name}")];
                    let result = targets(offer, None, &output);
                    if offer.formats.contains(&spec.format) {
                        let t = result.unwrap();
                        assert_eq!(
                            t,
                            vec![
                                Target {
                                    format: offer.default_format(),
                                    path: None
                                },
                                Target {
                                    format: spec.format,
                                    path: Some(format!("out/r.{name}").into())
                                }
                            ]
                        );
                    } else {
                        let err = result.unwrap_err().to_string();
                        assert_eq!(
                            err,
                            format!(
                                "--output {name}=out/r.{name}: {name} is not a format of {} (it writes {})",
                                offer.commands.join(" or "),
                                offer.listed()
                            )
                        );
                    }
                }
            }
            let err = targets(offer, None, &[format!("{}=", offer.formats[0].name())])
                .unwrap_err()
                .to_string();
            assert!(err.ends_with(": no path given"), "{err}");
        }
    }

    /// A name that is no format at all is a path, as it always was (`a=b.txt`).
    #[test]
    fn an_unknown_format_name_is_part_of_a_path() {
        let t = inspect_targets(Some(Format::Json), &["yaml=r.yaml"]).unwrap();
        assert_eq!(
            t,
            vec![Target {
                format: Format::Json,
                path: Some("yaml=r.yaml".into())
            }]
        );
    }

    const STATE: &str = r#"{"version":4,"terraform_version":"1.5.0","serial":3,"lineage":"x","outputs":{},"resources":[]}"#;

    /// A symlink planted at the temporary file's old predictable name (`.NAME.plumb-tmp`), or at
    /// the output itself, pointing at a state: the state is never written.
    #[test]
    fn planted_symlinks_are_not_followed_into_a_state() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("terraform.tfstate");
        std::fs::write(&state, STATE).unwrap();
        let out = dir.path().join("imports.tf");
        std::os::unix::fs::symlink(&state, dir.path().join(".imports.tf.plumb-tmp")).unwrap();
        write_file(&out, |w| w.write_all(b"# generated\n")).unwrap();
        assert_eq!(std::fs::read_to_string(&state).unwrap(), STATE);
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "# generated\n");

        // The output itself a symlink to a state, under a name that says nothing.
        let disguised = dir.path().join("current.json");
        std::fs::write(&disguised, STATE).unwrap();
        for target in [&state, &disguised] {
            let link = dir.path().join("report.json");
            let _ = std::fs::remove_file(&link);
            std::os::unix::fs::symlink(target, &link).unwrap();
            let err = write_file(&link, |w| w.write_all(b"{}")).unwrap_err();
            assert!(err.to_string().contains("refusing"), "{err}");
            assert_eq!(std::fs::read_to_string(target).unwrap(), STATE);
        }
        // Nothing left behind but what was there and what was written.
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                ".imports.tf.plumb-tmp",
                "current.json",
                "imports.tf",
                "report.json",
                "terraform.tfstate"
            ]
        );
    }

    /// The guard reads the whole file, not its first 4 KiB: a state may start with any amount of
    /// whitespace (or a byte order mark), and its keys may come late.
    #[test]
    fn a_state_is_known_by_its_content_anywhere_in_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let padded = format!("{}{STATE}", " ".repeat(5 * 1024));
        let late = format!(
            r#"{{"outputs":{{"pad":{{"value":"{}"}}}},"version":4,"lineage":"x"}}"#,
            "x".repeat(8 * 1024)
        );
        let v3 = r#"{"version":3,"serial":1,"modules":[]}"#.to_owned();
        let bom = format!("\u{feff}{STATE}");
        let damaged = format!("{}{}", " ".repeat(5000), &STATE[..STATE.len() - 20]);
        for (name, text) in [
            ("padded.json", &padded),
            ("late.json", &late),
            ("v3.json", &v3),
            ("bom.json", &bom),
            ("damaged.json", &damaged),
        ] {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            let err = write_file(&path, |w| w.write_all(b"{}")).unwrap_err();
            assert!(err.to_string().contains("refusing"), "{name}: {err}");
            assert_eq!(&std::fs::read_to_string(&path).unwrap(), text, "{name}");
        }
        // A report that mentions a state's keys deeper down is not a state.
        let report = dir.path().join("diff.json");
        std::fs::write(
            &report,
            r#"{"format_version":"1.0","old":{"version":4,"lineage":"x","terraform_version":"1"}}"#,
        )
        .unwrap();
        write_file(&report, |w| w.write_all(b"{}")).unwrap();
    }

    #[test]
    fn scripts_are_written_executable() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("revert.sh");
        write_executable(&script, |w| w.write_all(b"#!/bin/sh\n")).unwrap();
        let mode = std::fs::metadata(&script).unwrap().permissions().mode();
        assert_eq!(mode & 0o100, 0o100, "{mode:o}");
        let report = dir.path().join("r.json");
        write_file(&report, |w| w.write_all(b"{}")).unwrap();
        let mode = std::fs::metadata(&report).unwrap().permissions().mode();
        assert_eq!(mode & 0o111, 0, "{mode:o}");
        assert_eq!(mode & 0o600, 0o600, "{mode:o}");
    }

    #[test]
    fn state_files_are_never_written() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("terraform.tfstate");
        let err = write_file(&state, |_| Ok(())).unwrap_err();
        assert!(err.to_string().contains("refusing"), "{err}");
        let disguised = dir.path().join("report.json");
        std::fs::write(
            &disguised,
            r#"{"version":4,"terraform_version":"1.5.0","lineage":"x"}"#,
        )
        .unwrap();
        assert!(write_file(&disguised, |_| Ok(())).is_err());
        let fine = dir.path().join("out.json");
        write_file(&fine, |w| w.write_all(b"{}")).unwrap();
        assert_eq!(std::fs::read_to_string(fine).unwrap(), "{}");
    }
}
