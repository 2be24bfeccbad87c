//! Output destinations: standard output and files, one format each, and the guard that keeps
//! plumb from ever writing over a Terraform state.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::ValueEnum;
use plumb_report::TableOptions;

use crate::cli::{Format, OutputArgs, ReportFormat, ReportOutputArgs};

/// One rendering to make: a format and where it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target<F = Format> {
    pub format: F,
    /// `None` is standard output.
    pub path: Option<PathBuf>,
}

/// Turns `--format` and `--output` into the list of renderings to make. Standard output gets
/// `--format` (default table) unless a plain `--output PATH` redirected it.
pub fn targets(args: &OutputArgs) -> Result<Vec<Target>> {
    targets_of(args.format, &args.output, Format::Table)
}

/// [`targets`] for the drift reports' formats.
pub fn report_targets(args: &ReportOutputArgs) -> Result<Vec<Target<ReportFormat>>> {
    targets_of(args.format, &args.output, ReportFormat::Table)
}

/// [`targets`] for the `parity` and `diff` formats.
pub fn parity_targets(
    args: &crate::cli::ParityOutputArgs,
) -> Result<Vec<Target<crate::cli::ParityFormat>>> {
    targets_of(args.format, &args.output, crate::cli::ParityFormat::Table)
}

fn targets_of<F: ValueEnum + Copy>(
    format: Option<F>,
    outputs: &[String],
    table: F,
) -> Result<Vec<Target<F>>> {
    let default_format = format.unwrap_or(table);
    let mut targets = Vec::new();
    let mut stdout_redirected = false;
    for spec in outputs {
        let (format, path) = match spec.split_once('=') {
            Some((name, path)) if F::from_str(name, true).is_ok() => {
                (F::from_str(name, true).map_err(anyhow::Error::msg)?, path)
            }
            _ => {
                stdout_redirected = true;
                (default_format, spec.as_str())
            }
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
pub fn table_options<F>(target: &Target<F>) -> TableOptions {
    let terminal = target.path.is_none() && std::io::stdout().is_terminal();
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    TableOptions {
        color: terminal && !no_color,
        wrap: terminal,
    }
}

/// True when `path` is, or looks like, a Terraform state: plumb never writes one.
fn is_state_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    if name.ends_with(".tfstate") || name.ends_with(".tfstate.backup") {
        return true;
    }
    let Ok(mut file) = std::fs::File::open(path) else {
        return false;
    };
    let mut head = vec![0u8; 4096];
    let read = std::io::Read::read(&mut file, &mut head).unwrap_or(0);
    let head = String::from_utf8_lossy(&head[..read]);
    head.contains("\"lineage\"") && head.contains("\"terraform_version\"")
}

/// Renders into `path` through a temporary file in the same directory, so that a failed run
/// never leaves half a report where the last good one was.
pub fn write_file(
    path: &Path,
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
    let tmp = dir.join(format!(".{}.plumb-tmp", file_name.to_string_lossy()));
    let result = (|| -> std::io::Result<()> {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        render(&mut out)?;
        out.flush()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(err) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(err).with_context(|| format!("{}: cannot write", path.display()));
    }
    Ok(())
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

/// Writes every target with `render(format, options, writer)`.
pub fn emit<F: Copy>(
    targets: &[Target<F>],
    mut render: impl FnMut(F, TableOptions, &mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    for target in targets {
        let options = table_options(target);
        match &target.path {
            None => write_stdout(|out| render(target.format, options, out))?,
            Some(path) => write_file(path, |out| render(target.format, options, out))?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(format: Option<Format>, output: &[&str]) -> OutputArgs {
        OutputArgs {
            format,
            output: output.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn stdout_gets_the_format_unless_redirected() {
        let t = targets(&args(None, &[])).unwrap();
        assert_eq!(
            t,
            vec![Target {
                format: Format::Table,
                path: None
            }]
        );
        let t = targets(&args(Some(Format::Json), &["out.json"])).unwrap();
        assert_eq!(
            t,
            vec![Target {
                format: Format::Json,
                path: Some("out.json".into())
            }]
        );
        let t = targets(&args(None, &["json=r.json"])).unwrap();
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
        let t = targets(&args(None, &["dir/a=b.txt"])).unwrap();
        assert_eq!(
            t,
            vec![Target {
                format: Format::Table,
                path: Some("dir/a=b.txt".into())
            }]
        );
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
