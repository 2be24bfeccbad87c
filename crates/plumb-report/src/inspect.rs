//! `plumb inspect`: what plumb read, so that a user can check it before trusting a scan.

use std::io::{self, Write};

use comfy_table::Color;
use plumb_model::config::{IgnoreChanges, Repetition};
use plumb_model::{Configuration, InstanceKey, Resource, StateDoc, Status, Value};
use serde::Serialize;

use crate::PLUMB_VERSION;
use crate::escape::visible;
use crate::markdown::plural;
use crate::table::{TableOptions, cell, write_table};

/// Everything `plumb inspect` shows.
#[derive(Clone, Copy, Debug)]
pub struct Inspection<'a> {
    pub states: &'a [StateDoc],
    pub config: Option<&'a Configuration>,
}

/// Bumped in its minor part when fields are added, in its major part when they change.
pub const INSPECT_FORMAT_VERSION: &str = "1.0";

#[derive(Serialize)]
struct InspectJson<'a> {
    format_version: &'static str,
    plumb_version: &'static str,
    states: Vec<StateJson<'a>>,
    resources: Vec<ResourceJson<'a>>,
    config: Option<ConfigJson<'a>>,
}

#[derive(Serialize)]
struct StateJson<'a> {
    origin: &'a str,
    workspace: &'a str,
    format: plumb_model::StateFormat,
    terraform_version: Option<&'a str>,
    serial: Option<u64>,
    lineage: Option<&'a str>,
    resource_instances: usize,
}

#[derive(Serialize)]
struct ResourceJson<'a> {
    workspace: &'a str,
    address: String,
    mode: &'static str,
    r#type: &'a str,
    name: &'a str,
    module: Option<String>,
    index: Option<&'a InstanceKey>,
    id: Option<&'a str>,
    provider: String,
    status: Status,
    deposed: Option<&'a str>,
}

#[derive(Serialize)]
struct ConfigJson<'a> {
    root: &'a str,
    resources: Vec<ConfigResourceJson<'a>>,
    providers: Vec<ProviderJson<'a>>,
    modules: Vec<ModuleJson<'a>>,
    warnings: &'a [String],
}

#[derive(Serialize)]
struct ConfigResourceJson<'a> {
    address: String,
    mode: &'static str,
    r#type: &'a str,
    name: &'a str,
    module: Option<String>,
    file: &'a str,
    line: u32,
    count: Option<&'a Value>,
    for_each: Option<&'a Value>,
    provider: Option<&'a str>,
    ignore_changes: Vec<String>,
    prevent_destroy: bool,
}

#[derive(Serialize)]
struct ProviderJson<'a> {
    name: &'a str,
    alias: Option<&'a str>,
    module: Option<String>,
    region: Option<&'a Value>,
    file: &'a str,
    line: u32,
}

#[derive(Serialize)]
struct ModuleJson<'a> {
    address: String,
    source: &'a str,
    version: Option<&'a str>,
    loaded: bool,
    file: &'a str,
    line: u32,
}

/// `module.a.module.b` for a path of names; `None` for the root module.
fn module_text(names: &[String]) -> Option<String> {
    (!names.is_empty()).then(|| {
        names
            .iter()
            .map(|n| format!("module.{n}"))
            .collect::<Vec<_>>()
            .join(".")
    })
}

fn resource_json<'a>(state: &'a StateDoc, r: &'a Resource) -> ResourceJson<'a> {
    let module = r.address.module_path();
    ResourceJson {
        workspace: &state.workspace,
        address: r.address.to_string(),
        mode: r.address.mode.as_str(),
        r#type: &r.address.r#type,
        name: &r.address.name,
        module: (!module.is_empty()).then_some(module),
        index: r.address.key.as_ref(),
        id: r.id(),
        provider: r.provider.to_string(),
        status: r.status,
        deposed: r.deposed.as_deref(),
    }
}

/// Configuration blocks root module first, then by module, file and line: the order a reader
/// of the code meets them.
fn blocks_in_reading_order(config: &Configuration) -> Vec<&plumb_model::ConfigResource> {
    let mut blocks: Vec<_> = config.resources.iter().collect();
    blocks.sort_by(|a, b| {
        (
            a.address.module.len(),
            &a.address.module,
            &a.location.file,
            a.location.line,
        )
            .cmp(&(
                b.address.module.len(),
                &b.address.module,
                &b.location.file,
                b.location.line,
            ))
    });
    blocks
}

fn config_json(config: &Configuration) -> ConfigJson<'_> {
    ConfigJson {
        root: &config.root,
        resources: blocks_in_reading_order(config)
            .into_iter()
            .map(|r| ConfigResourceJson {
                address: r.address.to_string(),
                mode: r.address.mode.as_str(),
                r#type: &r.address.r#type,
                name: &r.address.name,
                module: module_text(&r.address.module),
                file: &r.location.file,
                line: r.location.line,
                count: match &r.repetition {
                    Repetition::Count(v) => Some(v),
                    _ => None,
                },
                for_each: match &r.repetition {
                    Repetition::ForEach(v) => Some(v),
                    _ => None,
                },
                provider: r.provider.as_deref(),
                ignore_changes: r.lifecycle.ignore_changes.to_strings(),
                prevent_destroy: r.lifecycle.prevent_destroy,
            })
            .collect(),
        providers: config
            .providers
            .iter()
            .map(|p| ProviderJson {
                name: &p.name,
                alias: p.alias.as_deref(),
                module: module_text(&p.module),
                region: p.attributes.get("region"),
                file: &p.location.file,
                line: p.location.line,
            })
            .collect(),
        modules: config
            .modules
            .iter()
            .map(|m| {
                let mut path = m.parent.clone();
                path.push(m.name.clone());
                ModuleJson {
                    address: module_text(&path).unwrap_or_default(),
                    source: &m.source,
                    version: m.version.as_deref(),
                    loaded: m.loaded,
                    file: &m.location.file,
                    line: m.location.line,
                }
            })
            .collect(),
        warnings: &config.warnings,
    }
}

/// Writes the JSON document described in `docs/inspect.md`.
pub fn render_json(inspection: &Inspection<'_>, out: &mut dyn Write) -> io::Result<()> {
    let doc = InspectJson {
        format_version: INSPECT_FORMAT_VERSION,
        plumb_version: PLUMB_VERSION,
        states: inspection
            .states
            .iter()
            .map(|s| StateJson {
                origin: &s.origin,
                workspace: &s.workspace,
                format: s.format,
                terraform_version: s.terraform_version.as_deref(),
                serial: s.serial,
                lineage: s.lineage.as_deref(),
                resource_instances: s.resources.len(),
            })
            .collect(),
        resources: inspection
            .states
            .iter()
            .flat_map(|s| s.resources.iter().map(move |r| resource_json(s, r)))
            .collect(),
        config: inspection.config.map(config_json),
    };
    plumb_model::json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::other)?;
    writeln!(out)
}

fn status_cell(options: TableOptions, resource: &Resource) -> comfy_table::Cell {
    match (&resource.deposed, resource.status) {
        (Some(key), _) => options.colored(format!("deposed {key}"), Color::Yellow),
        (None, Status::Tainted) => options.colored("tainted", Color::Red),
        (None, Status::Ready) if !resource.is_managed() => cell("data"),
        (None, Status::Ready) => cell("ready"),
    }
}

fn repetition_text(repetition: &Repetition) -> String {
    match repetition {
        Repetition::Single => String::new(),
        Repetition::Count(v) => format!("count = {v}"),
        Repetition::ForEach(Value::Unknown) => "for_each".to_owned(),
        Repetition::ForEach(v) => match v
            .as_map()
            .map(plumb_model::Map::len)
            .or(v.as_list().map(<[Value]>::len))
        {
            Some(n) => format!("for_each ({n} keys)"),
            None => "for_each".to_owned(),
        },
    }
}

/// Writes the terminal view: states, resource instances, configuration blocks, a summary.
pub fn render_table(
    inspection: &Inspection<'_>,
    out: &mut dyn Write,
    options: TableOptions,
) -> io::Result<()> {
    let many_workspaces = inspection
        .states
        .iter()
        .any(|s| s.workspace != inspection.states[0].workspace);
    if !inspection.states.is_empty() {
        let mut states = options.table(&[
            "STATE",
            "WORKSPACE",
            "FORMAT",
            "TERRAFORM",
            "SERIAL",
            "INSTANCES",
        ]);
        for s in inspection.states {
            states.add_row(
                vec![
                    s.origin.clone(),
                    s.workspace.clone(),
                    serde_json::to_value(s.format)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default(),
                    s.terraform_version
                        .clone()
                        .unwrap_or_else(|| "-".to_owned()),
                    s.serial.map_or_else(|| "-".to_owned(), |n| n.to_string()),
                    s.resources.len().to_string(),
                ]
                .into_iter()
                .map(cell)
                .collect::<Vec<_>>(),
            );
        }
        write_table(out, &mut states)?;
        writeln!(out)?;

        let mut header = vec!["ADDRESS", "TYPE", "ID", "STATUS"];
        if many_workspaces {
            header.push("WORKSPACE");
        }
        let mut resources = options.table(&header);
        for s in inspection.states {
            for r in &s.resources {
                let mut row = vec![
                    cell(r.address.to_string()),
                    cell(&r.address.r#type),
                    cell(r.id().unwrap_or("-")),
                    status_cell(options, r),
                ];
                if many_workspaces {
                    row.push(cell(&s.workspace));
                }
                resources.add_row(row);
            }
        }
        write_table(out, &mut resources)?;
    }

    if let Some(config) = inspection.config {
        if !inspection.states.is_empty() {
            writeln!(out)?;
        }
        let mut blocks = options.table(&["CONFIG BLOCK", "LOCATION", "REPEAT", "IGNORE_CHANGES"]);
        for r in blocks_in_reading_order(config) {
            blocks.add_row(
                vec![
                    r.address.to_string(),
                    format!("{}:{}", r.location.file, r.location.line),
                    repetition_text(&r.repetition),
                    match &r.lifecycle.ignore_changes {
                        IgnoreChanges::None => String::new(),
                        other => other.to_strings().join(", "),
                    },
                ]
                .into_iter()
                .map(cell)
                .collect::<Vec<_>>(),
            );
        }
        write_table(out, &mut blocks)?;
        for warning in &config.warnings {
            writeln!(out, "warning: {}", visible(warning))?;
        }
    }

    writeln!(out)?;
    writeln!(out, "{}", summary_line(inspection))
}

fn summary_line(inspection: &Inspection<'_>) -> String {
    let all = || inspection.states.iter().flat_map(|s| &s.resources);
    let managed = all().filter(|r| r.is_managed()).count();
    let data = all().count() - managed;
    let tainted = all()
        .filter(|r| r.status == Status::Tainted && r.deposed.is_none())
        .count();
    let deposed = all().filter(|r| r.deposed.is_some()).count();
    let mut parts = vec![format!(
        "{}: {} managed, {} data",
        plural(inspection.states.len(), "state", "states"),
        managed,
        data
    )];
    if tainted > 0 {
        parts.push(format!("{tainted} tainted"));
    }
    if deposed > 0 {
        parts.push(format!("{deposed} deposed"));
    }
    if let Some(config) = inspection.config {
        let modules = 1 + config.modules.iter().filter(|m| m.loaded).count();
        parts.push(format!(
            "{} in {}",
            plural(config.resources.len(), "config block", "config blocks"),
            plural(modules, "module", "modules")
        ));
    }
    parts.join("; ")
}
