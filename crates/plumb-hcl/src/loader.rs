//! Walks a root module and its local child modules and turns their blocks into a
//! [`Configuration`].

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use hcl_edit::expr::Expression;
use plumb_model::config::{
    Backend, ImportBlock, ModuleCall, MovedBlock, ProviderConfig, RemovedBlock, RequiredProvider,
    SourceLocation, Variable,
};
use plumb_model::{
    ConfigAddress, ConfigResource, Configuration, IgnoreChanges, Lifecycle, Map, Mode, Repetition,
    Value,
};

use crate::LoadOptions;
use crate::error::HclError;
use crate::eval::{Env, eval_text, mark, parse_number};
use crate::syntax::{Block, Body, attr_path, reference_text};

/// Local modules nested deeper than this are surely a mistake (or a cycle through symlinks).
const MAX_MODULE_DEPTH: usize = 32;

/// Arguments of a `resource` or `data` block that steer Terraform rather than describe the object.
const RESOURCE_META: &[&str] = &["count", "for_each", "provider", "depends_on"];
const RESOURCE_META_BLOCKS: &[&str] = &["lifecycle", "connection", "provisioner"];
const MODULE_META: &[&str] = &[
    "source",
    "version",
    "count",
    "for_each",
    "providers",
    "depends_on",
];

/// The declared type of a variable, as far as value conversion needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum VarType {
    String,
    Number,
    Bool,
    /// Lists, maps, objects: `-var` values for these are HCL expressions.
    Complex,
    /// No `type` (or `any`).
    Any,
}

struct Declared {
    name: String,
    var_type: VarType,
    default: Option<Value>,
    sensitive: bool,
    location: SourceLocation,
}

pub(crate) struct Loader<'o> {
    options: &'o LoadOptions,
    config: Configuration,
    /// Canonical directories of the modules being loaded, root first: the cycle guard.
    stack: Vec<PathBuf>,
}

impl<'o> Loader<'o> {
    pub(crate) fn new(root: &Path, options: &'o LoadOptions) -> Self {
        Loader {
            options,
            config: Configuration {
                root: root.display().to_string(),
                ..Configuration::default()
            },
            stack: Vec::new(),
        }
    }

    pub(crate) fn load(mut self, root: &Path) -> Result<Configuration, HclError> {
        self.module(root, &[], None, None)?;
        Ok(self.config)
    }

    /// Loads one module. `inputs` is `None` for the root (its values come from tfvars and
    /// `-var`), else the module call's evaluated arguments.
    fn module(
        &mut self,
        dir: &Path,
        path: &[String],
        inputs: Option<HashMap<String, Value>>,
        called_from: Option<&str>,
    ) -> Result<(), HclError> {
        if !dir.is_dir() {
            return Err(HclError::MissingDirectory {
                path: dir.to_path_buf(),
                called_from: called_from.map(str::to_owned),
            });
        }
        let canonical = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        if let Some(i) = self.stack.iter().position(|d| *d == canonical) {
            let mut chain: Vec<String> = self.stack[i..]
                .iter()
                .map(|d| d.display().to_string())
                .collect();
            chain.push(canonical.display().to_string());
            return Err(HclError::ModuleCycle {
                chain: format!(
                    "{} (via {})",
                    chain.join(" -> "),
                    called_from.unwrap_or("root")
                ),
            });
        }
        if self.stack.len() >= MAX_MODULE_DEPTH {
            return Err(HclError::ModuleCycle {
                chain: format!(
                    "local modules nested more than {MAX_MODULE_DEPTH} deep at {}",
                    dir.display()
                ),
            });
        }
        let blocks = self.read_module_files(dir, called_from)?;
        self.stack.push(canonical);
        let result = self.module_blocks(dir, path, inputs, &blocks);
        self.stack.pop();
        result
    }

    fn read_module_files(
        &mut self,
        dir: &Path,
        called_from: Option<&str>,
    ) -> Result<Vec<Block>, HclError> {
        let entries = std::fs::read_dir(dir).map_err(|source| HclError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let mut names = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|source| HclError::Io {
                path: dir.to_path_buf(),
                source,
            })?;
            let name = entry.file_name().to_string_lossy().into_owned();
            // Terraform matches these suffixes exactly (`main.TF` is not loaded), and so does plumb.
            #[allow(clippy::case_sensitive_file_extension_comparisons)]
            let wanted = name.ends_with(".tf") || name.ends_with(".tf.json");
            if !wanted {
                continue;
            }
            if entry.path().is_dir() {
                continue;
            }
            names.push(name);
        }
        names.sort();
        if names.is_empty() {
            return Err(HclError::NoConfigFiles {
                path: dir.to_path_buf(),
                called_from: called_from.map(str::to_owned),
            });
        }
        let mut blocks = Vec::new();
        for name in names {
            let file = dir.join(&name);
            let stem = name.trim_end_matches(".json").trim_end_matches(".tf");
            if stem == "override" || stem.ends_with("_override") {
                // Override files merge into other blocks; loading them as blocks would make
                // duplicates, and merging is not implemented.
                self.config.warnings.push(format!(
                    "{}: override files are not applied; their settings are ignored",
                    file.display()
                ));
                continue;
            }
            let text = read_text(&file)?;
            if Path::new(&name).extension().is_some_and(|e| e == "json") {
                blocks.extend(crate::json::parse_json(&text, &file)?);
            } else {
                blocks.extend(crate::syntax::parse_hcl(&text, &file)?);
            }
        }
        Ok(blocks)
    }

    fn module_blocks(
        &mut self,
        dir: &Path,
        path: &[String],
        inputs: Option<HashMap<String, Value>>,
        blocks: &[Block],
    ) -> Result<(), HclError> {
        let mut declared = Vec::new();
        let mut locals = HashMap::new();
        for block in blocks {
            match block.ident.as_str() {
                "variable" => declared.push(declare(block)?),
                "locals" => {
                    for (name, expr) in &block.body.attrs {
                        locals.insert(name.clone(), expr.clone());
                    }
                }
                _ => {}
            }
        }
        let values = match inputs {
            Some(inputs) => inputs,
            None => self.root_values(dir, &declared)?,
        };
        let mut vars = HashMap::new();
        for d in &declared {
            let value = values
                .get(&d.name)
                .cloned()
                .or_else(|| d.default.clone())
                // No default and no value: Terraform would ask; plumb cannot know.
                .unwrap_or(Value::Unknown);
            vars.insert(
                d.name.clone(),
                mark(convert(value, d.var_type), d.sensitive),
            );
            self.config.variables.push(Variable {
                module: path.to_vec(),
                name: d.name.clone(),
                // Reports may list variables: a sensitive default must never show.
                default: d.default.clone().map(|v| mark(v, d.sensitive)),
                sensitive: d.sensitive,
                location: d.location.clone(),
            });
        }
        let env = Env::new(vars, locals);

        let mut seen: HashMap<ConfigAddress, SourceLocation> = HashMap::new();
        for block in blocks {
            match block.ident.as_str() {
                "resource" | "data" => {
                    let resource = resource(block, &env, path)?;
                    if let Some(first) = seen.get(&resource.address) {
                        return Err(HclError::DuplicateAddress {
                            address: resource.address.to_string(),
                            first: show(first),
                            second: show(&resource.location),
                        });
                    }
                    seen.insert(resource.address.clone(), resource.location.clone());
                    self.config.resources.push(resource);
                }
                "provider" => {
                    let name = label(block, 0)?;
                    let alias = block
                        .body
                        .attr("alias")
                        .and_then(|e| env.value_of(e).as_str().map(str::to_owned));
                    self.config.providers.push(ProviderConfig {
                        module: path.to_vec(),
                        name,
                        alias,
                        location: block.location.clone(),
                        attributes: evaluate_body(&block.body, &env, &["alias"], &[]),
                    });
                }
                "module" => self.module_call(dir, path, block, &env)?,
                "import" => {
                    self.config.imports.push(ImportBlock {
                        module: path.to_vec(),
                        to: block
                            .body
                            .attr("to")
                            .map(reference_text)
                            .unwrap_or_default(),
                        id: block
                            .body
                            .attr("id")
                            .map_or(Value::Null, |e| env.value_of(e)),
                        provider: block.body.attr("provider").map(reference_text),
                        location: block.location.clone(),
                    });
                }
                "moved" => {
                    self.config.moved.push(MovedBlock {
                        module: path.to_vec(),
                        from: block
                            .body
                            .attr("from")
                            .map(reference_text)
                            .unwrap_or_default(),
                        to: block
                            .body
                            .attr("to")
                            .map(reference_text)
                            .unwrap_or_default(),
                        location: block.location.clone(),
                    });
                }
                "removed" => {
                    let destroy = block
                        .body
                        .blocks("lifecycle")
                        .filter_map(|l| l.body.attr("destroy"))
                        .map(|e| env.value_of(e).as_bool())
                        .last()
                        .flatten()
                        .unwrap_or(true);
                    self.config.removed.push(RemovedBlock {
                        module: path.to_vec(),
                        from: block
                            .body
                            .attr("from")
                            .map(reference_text)
                            .unwrap_or_default(),
                        destroy,
                        location: block.location.clone(),
                    });
                }
                "terraform" => self.terraform_block(block, path, &env),
                _ => {}
            }
        }
        Ok(())
    }

    fn terraform_block(&mut self, block: &Block, path: &[String], env: &Env) {
        for required in block.body.blocks("required_providers") {
            for (name, expr) in &required.body.attrs {
                let value = env.value_of(expr);
                let (source, version) = match &value {
                    Value::String(v) => (None, Some(v.clone())),
                    Value::Map(m) => (
                        m.get("source").and_then(Value::as_str).map(str::to_owned),
                        m.get("version").and_then(Value::as_str).map(str::to_owned),
                    ),
                    _ => (None, None),
                };
                self.config.required_providers.push(RequiredProvider {
                    module: path.to_vec(),
                    name: name.clone(),
                    source,
                    version,
                });
            }
        }
        // Only the root module's backend configures where state lives.
        if !path.is_empty() || self.config.backend.is_some() {
            return;
        }
        for b in &block.body.blocks {
            let kind = match b.ident.as_str() {
                "backend" => b.labels.first().cloned().unwrap_or_default(),
                "cloud" => "cloud".to_owned(),
                _ => continue,
            };
            self.config.backend = Some(Backend {
                r#type: kind,
                attributes: evaluate_body(&b.body, env, &[], &[]),
                location: b.location.clone(),
            });
            return;
        }
    }

    fn module_call(
        &mut self,
        dir: &Path,
        path: &[String],
        block: &Block,
        env: &Env,
    ) -> Result<(), HclError> {
        let name = label(block, 0)?;
        let source = block
            .body
            .attr("source")
            .and_then(|e| env.value_of(e).as_str().map(str::to_owned))
            .unwrap_or_default();
        let version = block
            .body
            .attr("version")
            .and_then(|e| env.value_of(e).as_str().map(str::to_owned));
        let mut child_path = path.to_vec();
        child_path.push(name.clone());
        let call_text = child_path
            .iter()
            .map(|n| format!("module.{n}"))
            .collect::<Vec<_>>()
            .join(".");
        let local = source.starts_with("./")
            || source.starts_with("../")
            || source.starts_with(".\\")
            || source.starts_with("..\\");
        if local {
            let mut inputs = HashMap::new();
            for (arg, expr) in &block.body.attrs {
                if !MODULE_META.contains(&arg.as_str()) {
                    inputs.insert(arg.clone(), env.value_of(expr));
                }
            }
            let child_dir = normalize(&dir.join(&source));
            self.module(&child_dir, &child_path, Some(inputs), Some(&call_text))?;
        } else {
            self.config.warnings.push(format!(
                "{call_text}: source {source:?} is not a local path; its resources are not loaded ({})",
                show(&block.location)
            ));
        }
        self.config.modules.push(ModuleCall {
            parent: path.to_vec(),
            name,
            source,
            version,
            loaded: local,
            location: block.location.clone(),
        });
        Ok(())
    }

    /// Root variable values in Terraform's precedence order, lowest first.
    fn root_values(
        &mut self,
        dir: &Path,
        declared: &[Declared],
    ) -> Result<HashMap<String, Value>, HclError> {
        let mut files = Vec::new();
        for name in ["terraform.tfvars", "terraform.tfvars.json"] {
            let file = dir.join(name);
            if file.is_file() {
                files.push(file);
            }
        }
        let mut auto = Vec::new();
        if let Ok(entries) = std::fs::read_dir(dir) {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.ends_with(".auto.tfvars") || name.ends_with(".auto.tfvars.json") {
                    auto.push(name);
                }
            }
        }
        auto.sort();
        files.extend(auto.into_iter().map(|n| dir.join(n)));
        files.extend(self.options.var_files.iter().cloned());

        let mut values = HashMap::new();
        for file in files {
            for (name, value) in read_tfvars(&file)? {
                if !declared.iter().any(|d| d.name == name) {
                    self.config.warnings.push(format!(
                        "{}: value for undeclared variable {name:?}",
                        file.display()
                    ));
                }
                values.insert(name, value);
            }
        }
        for (name, raw) in &self.options.vars {
            let var_type = declared
                .iter()
                .find(|d| &d.name == name)
                .map_or(VarType::Any, |d| d.var_type);
            values.insert(name.clone(), parse_var_argument(raw, var_type));
        }
        Ok(values)
    }
}

/// Reads a file as UTF-8, with the two errors a user can act on.
pub(crate) fn read_text(path: &Path) -> Result<String, HclError> {
    let mut bytes = std::fs::read(path).map_err(|source| HclError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    // Terraform ignores a byte-order mark, and so must the parser.
    bytes.drain(..bytes.len() - plumb_model::bom::strip(&bytes).len());
    String::from_utf8(bytes).map_err(|e| HclError::InvalidUtf8 {
        path: path.to_path_buf(),
        offset: e.utf8_error().valid_up_to(),
    })
}

/// `.tfvars` (HCL, evaluated without variables) or `.tfvars.json`.
fn read_tfvars(file: &Path) -> Result<Vec<(String, Value)>, HclError> {
    let text = read_text(file)?;
    let display = file.display().to_string();
    if file.extension().is_some_and(|e| e == "json") {
        let value: Value = serde_json::from_str(&text).map_err(|e| HclError::Syntax {
            file: display.clone(),
            line: u32::try_from(e.line()).unwrap_or(u32::MAX),
            column: u32::try_from(e.column()).unwrap_or(u32::MAX),
            message: "invalid JSON".into(),
        })?;
        let Value::Map(m) = value else {
            return Err(HclError::Syntax {
                file: display,
                line: 1,
                column: 1,
                message: "a .tfvars.json file must hold a JSON object".into(),
            });
        };
        return Ok(m.into_entries());
    }
    let body = hcl_edit::parser::parse_body(&text).map_err(|e| HclError::Syntax {
        file: display,
        line: u32::try_from(e.location().line()).unwrap_or(u32::MAX),
        column: u32::try_from(e.location().column()).unwrap_or(u32::MAX),
        message: e.message().split_whitespace().collect::<Vec<_>>().join(" "),
    })?;
    let env = Env::default();
    Ok(body
        .attributes()
        .map(|a| (a.key.as_str().to_owned(), env.value_of(&a.value)))
        .collect())
}

/// A `-var NAME=VALUE` value. Terraform takes it literally for primitive types and as an HCL
/// expression for collections; with no declared type plumb uses the expression when it is a
/// plain literal (`5`, `true`, `["a"]`) and the raw text otherwise (`us-east-1`).
fn parse_var_argument(raw: &str, var_type: VarType) -> Value {
    match var_type {
        VarType::String | VarType::Number | VarType::Bool => Value::String(raw.to_owned()),
        VarType::Complex | VarType::Any => match eval_text(raw) {
            Some(v) if !v.contains_unknown() => v,
            _ => Value::String(raw.to_owned()),
        },
    }
}

/// Converts a value to a variable's primitive type, as Terraform does on assignment.
fn convert(value: Value, var_type: VarType) -> Value {
    match (var_type, value) {
        (VarType::String, Value::Number(n)) => Value::String(n.to_string()),
        (VarType::String, Value::Bool(b)) => Value::String(b.to_string()),
        (VarType::Number, Value::String(s)) => match parse_number(&s) {
            Some(n) => Value::Number(n),
            None => Value::String(s),
        },
        (VarType::Bool, Value::String(s)) if s == "true" || s == "false" => {
            Value::Bool(s == "true")
        }
        (_, value) => value,
    }
}

fn declare(block: &Block) -> Result<Declared, HclError> {
    let name = label(block, 0)?;
    let env = Env::default();
    let var_type = match block.body.attr("type") {
        None => VarType::Any,
        Some(expr) => type_of(expr),
    };
    Ok(Declared {
        name,
        var_type,
        default: block.body.attr("default").map(|e| env.value_of(e)),
        sensitive: block
            .body
            .attr("sensitive")
            .and_then(|e| env.value_of(e).as_bool())
            .unwrap_or(false),
        location: block.location.clone(),
    })
}

fn type_of(expr: &Expression) -> VarType {
    match expr {
        Expression::Variable(v) => match v.as_str() {
            "string" => VarType::String,
            "number" => VarType::Number,
            "bool" => VarType::Bool,
            "any" => VarType::Any,
            _ => VarType::Complex,
        },
        // JSON syntax writes the type as a string holding the type expression.
        Expression::String(s) => hcl_edit::parser::parse_expr(s.value())
            .ok()
            .filter(|e| !matches!(e, Expression::String(_)))
            .map_or(VarType::Any, |e| type_of(&e)),
        _ => VarType::Complex,
    }
}

fn label(block: &Block, i: usize) -> Result<String, HclError> {
    block
        .labels
        .get(i)
        .cloned()
        .ok_or_else(|| HclError::InvalidBlock {
            file: block.location.file.clone(),
            line: block.location.line,
            column: block.location.column,
            message: format!("a {} block needs {} label(s)", block.ident, i + 1),
        })
}

fn show(location: &SourceLocation) -> String {
    format!("{}:{}:{}", location.file, location.line, location.column)
}

fn resource(block: &Block, env: &Env, path: &[String]) -> Result<ConfigResource, HclError> {
    let mode = if block.ident == "data" {
        Mode::Data
    } else {
        Mode::Managed
    };
    if block.labels.len() != 2 {
        return Err(HclError::InvalidBlock {
            file: block.location.file.clone(),
            line: block.location.line,
            column: block.location.column,
            message: format!(
                "a {} block needs two labels (type and name), found {}",
                block.ident,
                block.labels.len()
            ),
        });
    }
    let body = &block.body;
    let repetition = if let Some(count) = body.attr("count") {
        Repetition::Count(env.value_of(count))
    } else if let Some(for_each) = body.attr("for_each") {
        Repetition::ForEach(env.value_of(for_each))
    } else {
        Repetition::Single
    };
    let depends_on = match body.attr("depends_on") {
        Some(Expression::Array(items)) => items.iter().map(reference_text).collect(),
        Some(other) => vec![reference_text(other)],
        None => Vec::new(),
    };
    Ok(ConfigResource {
        address: ConfigAddress {
            module: path.to_vec(),
            mode,
            r#type: block.labels[0].clone(),
            name: block.labels[1].clone(),
        },
        location: block.location.clone(),
        repetition,
        provider: body.attr("provider").map(reference_text),
        lifecycle: body
            .blocks("lifecycle")
            .last()
            .map(|l| lifecycle(&l.body, env))
            .unwrap_or_default(),
        depends_on,
        attributes: evaluate_body(body, env, RESOURCE_META, RESOURCE_META_BLOCKS),
    })
}

pub(crate) fn lifecycle(body: &Body, env: &Env) -> Lifecycle {
    let flag = |name: &str| {
        body.attr(name)
            .and_then(|e| env.value_of(e).as_bool())
            .unwrap_or(false)
    };
    let ignore_changes = match body.attr("ignore_changes") {
        None => IgnoreChanges::None,
        Some(Expression::Variable(v)) if v.as_str() == "all" => IgnoreChanges::All,
        Some(Expression::String(s)) if s.value() == "*" || s.value() == "all" => IgnoreChanges::All,
        Some(Expression::Array(items)) => {
            let all = items.iter().any(|e| match e {
                Expression::String(s) => s.value() == "*",
                _ => false,
            });
            if all {
                IgnoreChanges::All
            } else {
                IgnoreChanges::Paths(items.iter().filter_map(attr_path).collect())
            }
        }
        Some(other) => {
            attr_path(other).map_or(IgnoreChanges::None, |p| IgnoreChanges::Paths(vec![p]))
        }
    };
    let replace_triggered_by = match body.attr("replace_triggered_by") {
        Some(Expression::Array(items)) => items.iter().map(reference_text).collect(),
        Some(other) => vec![reference_text(other)],
        None => Vec::new(),
    };
    Lifecycle {
        ignore_changes,
        prevent_destroy: flag("prevent_destroy"),
        create_before_destroy: flag("create_before_destroy"),
        replace_triggered_by,
    }
}

/// Arguments evaluated, nested blocks as lists of objects (one element per block), `dynamic`
/// blocks as unknown: their count depends on values plumb may not know.
pub(crate) fn evaluate_body(body: &Body, env: &Env, skip: &[&str], skip_blocks: &[&str]) -> Value {
    let mut out = Map::new();
    for (name, expr) in &body.attrs {
        if !skip.contains(&name.as_str()) {
            out.insert(name.clone(), env.value_of(expr));
        }
    }
    let mut dynamic = Vec::new();
    for block in &body.blocks {
        if skip_blocks.contains(&block.ident.as_str()) {
            continue;
        }
        if block.ident == "dynamic" {
            if let Some(kind) = block.labels.first() {
                dynamic.push(kind.clone());
            }
            continue;
        }
        let value = evaluate_body(&block.body, env, &[], &[]);
        match out.get_mut(&block.ident) {
            Some(Value::List(items)) => items.push(value),
            _ => {
                out.insert(block.ident.clone(), Value::List(vec![value]));
            }
        }
    }
    for kind in dynamic {
        out.insert(kind, Value::Unknown);
    }
    Value::Map(out)
}

/// `a/b/../c` → `a/c` without touching the file system, so displayed paths stay relative.
fn normalize(path: &Path) -> PathBuf {
    let mut out: Vec<Component<'_>> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(component),
            },
            other => out.push(other),
        }
    }
    if out.is_empty() {
        return PathBuf::from(".");
    }
    out.iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_normalize_lexically() {
        assert_eq!(normalize(Path::new("a/b/../c")), PathBuf::from("a/c"));
        assert_eq!(normalize(Path::new("a/./b")), PathBuf::from("a/b"));
        assert_eq!(
            normalize(Path::new("x/examples/simple/../../")),
            PathBuf::from("x")
        );
        assert_eq!(normalize(Path::new("../a")), PathBuf::from("../a"));
        assert_eq!(normalize(Path::new("a/..")), PathBuf::from("."));
        assert_eq!(normalize(Path::new("/a/../..")), PathBuf::from("/"));
    }

    #[test]
    fn var_arguments_follow_the_declared_type() {
        assert_eq!(
            parse_var_argument("us-east-1", VarType::Any),
            Value::from("us-east-1")
        );
        assert_eq!(parse_var_argument("5", VarType::Any), Value::int(5));
        assert_eq!(parse_var_argument("5", VarType::String), Value::from("5"));
        assert_eq!(
            parse_var_argument("[\"a\", \"b\"]", VarType::Complex),
            Value::List(vec![Value::from("a"), Value::from("b")])
        );
        assert_eq!(
            parse_var_argument("web", VarType::Complex),
            Value::from("web")
        );
        assert_eq!(convert(Value::from("5"), VarType::Number), Value::int(5));
        assert_eq!(
            convert(Value::from("true"), VarType::Bool),
            Value::Bool(true)
        );
        assert_eq!(convert(Value::int(5), VarType::String), Value::from("5"));
    }
}
