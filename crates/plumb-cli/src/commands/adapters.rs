//! `plumb adapters`: where live state can come from. Built-in adapters are listed as such;
//! every `plumb-adapter-NAME` plugin found is run through the handshake, so the list shows what
//! a scan would really get (its version and types), or why it would fail.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Result, bail};
use plumb_adapter::AdapterError;
use plumb_adapter::external::{self, ExternalAdapter, Plugin};
use serde_json::json;

use crate::cli::{AdaptersArgs, PluginArgs};
use crate::formats::Report;
use crate::{exit, output};

/// What the built-in snapshot adapter serves: whatever its file holds.
const SNAPSHOT_SERVES: &str = "the types recorded in the --snapshot file";

/// The plugins of `args`, each past its handshake, in the order that decides which adapter
/// reads a type. A plugin that cannot start is an error: a scan must not quietly lose a source.
pub fn external(args: &PluginArgs) -> Result<Vec<ExternalAdapter>> {
    started(args)?
        .into_iter()
        .map(|(_, result)| result.map_err(anyhow::Error::from))
        .collect()
}

type Started = (Plugin, Result<ExternalAdapter, AdapterError>);

/// Discovers the plugins and runs every handshake at once: each is a process start, and a scan
/// should not pay for them one after another.
fn started(args: &PluginArgs) -> Result<Vec<Started>> {
    let plugins = external::discover(&args.plugin_dir)?;
    let timeout = Duration::from_secs(args.plugin_timeout);
    Ok(std::thread::scope(|scope| {
        let handles: Vec<_> = plugins
            .into_iter()
            .map(|plugin| {
                scope.spawn(move || {
                    let result = ExternalAdapter::start(plugin.clone(), timeout);
                    (plugin, result)
                })
            })
            .collect();
        handles
            .into_iter()
            .filter_map(|handle| handle.join().ok())
            .collect()
    }))
}

/// The listing: a row per adapter, and whether any plugin was found (the table says where
/// none was looked for otherwise).
#[derive(Default)]
pub struct AdapterList {
    rows: Vec<Row>,
    plugins_found: bool,
}

/// One row of the listing.
struct Row {
    name: String,
    kind: &'static str,
    version: Option<String>,
    protocol: Option<String>,
    path: Option<PathBuf>,
    types: Option<Vec<String>>,
    note: Option<String>,
    error: Option<String>,
}

pub fn run(args: &AdaptersArgs) -> Result<u8> {
    let mut rows = vec![
        Row {
            name: "aws".to_owned(),
            kind: "built-in",
            version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            protocol: None,
            path: None,
            // A build without the adapter serves no types, and says why rather than list none.
            types: (!super::aws::SUPPORTED_TYPES.is_empty()).then(|| {
                super::aws::SUPPORTED_TYPES
                    .iter()
                    .map(|t| (*t).to_owned())
                    .collect()
            }),
            note: Some(super::aws::READS.to_owned()),
            error: None,
        },
        Row {
            name: "snapshot".to_owned(),
            kind: "built-in",
            version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            protocol: None,
            path: None,
            types: None,
            note: Some(SNAPSHOT_SERVES.to_owned()),
            error: None,
        },
    ];
    let mut broken = Vec::new();
    for (plugin, result) in started(&args.plugins)? {
        rows.push(match result {
            Ok(adapter) => Row {
                name: plugin.name,
                kind: "plugin",
                version: Some(adapter.hello().version.clone()),
                protocol: Some(adapter.hello().protocol.clone()),
                path: Some(plugin.path),
                types: Some(adapter.types().map(str::to_owned).collect()),
                note: None,
                error: None,
            },
            Err(err) => {
                // The row names the plugin already; the message alone says what happened.
                let message = if let AdapterError::Failed { message, .. } = &err {
                    message.clone()
                } else {
                    err.to_string()
                };
                broken.push(err.to_string());
                Row {
                    name: plugin.name,
                    kind: "plugin",
                    version: None,
                    protocol: None,
                    path: Some(plugin.path),
                    types: None,
                    note: None,
                    error: Some(message),
                }
            }
        });
    }
    let plugins_found = rows.iter().any(|r| r.kind == "plugin");
    let list = AdapterList {
        rows,
        plugins_found,
    };
    let stdout = output::Target {
        format: args.format,
        path: None,
    };
    output::emit(&[stdout], &Report::Adapters(&list))?;
    match broken.as_slice() {
        [] => Ok(exit::OK),
        [one] => bail!("{one}"),
        [first, rest @ ..] => bail!("{first} (and {} more plugins failed)", rest.len()),
    }
}

impl AdapterList {
    pub fn render_table(&self, out: &mut dyn Write) -> std::io::Result<()> {
        render_table(&self.rows, self.plugins_found, out)
    }

    pub fn render_json(&self, out: &mut dyn Write) -> std::io::Result<()> {
        render_json(&self.rows, out)
    }
}

fn render_table(rows: &[Row], plugins_found: bool, out: &mut dyn Write) -> std::io::Result<()> {
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        let mut about = vec![row.kind.to_owned()];
        if let Some(version) = &row.version {
            about.push(version.clone());
        }
        if let Some(protocol) = &row.protocol {
            about.push(format!("protocol {protocol}"));
        }
        writeln!(out, "{} ({})", row.name, about.join(", "))?;
        if let Some(path) = &row.path {
            writeln!(out, "  path:   {}", path.display())?;
        }
        if let Some(error) = &row.error {
            writeln!(out, "  error:  {error}")?;
        }
        match (&row.types, &row.note) {
            (Some(types), _) if types.is_empty() => writeln!(out, "  serves: no types")?,
            (Some(types), note) => {
                writeln!(
                    out,
                    "  serves: {} ({} types)",
                    types.join(", "),
                    types.len()
                )?;
                if let Some(note) = note {
                    writeln!(out, "  reads:  {note}")?;
                }
            }
            (None, Some(note)) => writeln!(out, "  serves: {note}")?,
            (None, None) => {}
        }
    }
    if !plugins_found {
        writeln!(
            out,
            "\nNo plugins: none named {}NAME in --plugin-dir, {} or PATH.",
            external::PLUGIN_PREFIX,
            external::PLUGIN_DIR_ENV
        )?;
    }
    Ok(())
}

fn render_json(rows: &[Row], out: &mut dyn Write) -> std::io::Result<()> {
    let adapters: Vec<serde_json::Value> = rows
        .iter()
        .map(|row| {
            json!({
                "name": row.name,
                "kind": row.kind,
                "version": row.version,
                "protocol": row.protocol,
                "path": row.path.as_ref().map(|p| p.display().to_string()),
                "types": row.types,
                "note": row.note,
                "error": row.error,
            })
        })
        .collect();
    plumb_model::json::to_writer_pretty(&mut *out, &json!({ "adapters": adapters }))
        .map_err(std::io::Error::other)?;
    writeln!(out)
}
