//! A small HCL writer whose output is what `terraform fmt` would make of it.
//!
//! `terraform fmt` indents by two spaces per nesting level and aligns the `=` of consecutive
//! attributes whose value fits on one line; a comment line, a block or a multi-line value ends
//! such a run. Writing that layout directly (rather than formatting afterwards) keeps this crate
//! pure and free of a formatter dependency.

use plumb_model::address::check_identifier;
use plumb_model::{Address, ConfigAddress, InvalidName, Number, Value};

/// An expression: a literal on one line, or a list or object that may span lines.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// Already written HCL: a quoted string, a number, `true`, a traversal.
    Raw(String),
    List(Vec<Expr>),
    /// Entries in the order given; keys as they are to be written (see [`object_key`]).
    Object(Vec<(String, Expr)>),
}

impl Expr {
    /// A quoted string literal.
    pub fn string(text: &str) -> Self {
        Expr::Raw(quote(text))
    }

    fn is_single_line(&self) -> bool {
        match self {
            Expr::Raw(_) => true,
            Expr::List(items) => items.iter().all(|i| matches!(i, Expr::Raw(_))),
            Expr::Object(entries) => entries.is_empty(),
        }
    }

    /// The expression's text, continuation lines indented for nesting level `indent`.
    pub(crate) fn text(&self, indent: usize) -> String {
        let mut out = String::new();
        self.write(&mut out, indent);
        out
    }

    fn write(&self, out: &mut String, indent: usize) {
        match self {
            Expr::Raw(text) => out.push_str(text),
            Expr::List(items) if self.is_single_line() => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.write(out, indent);
                }
                out.push(']');
            }
            Expr::List(items) => {
                out.push_str("[\n");
                for item in items {
                    pad(out, indent + 1);
                    item.write(out, indent + 1);
                    out.push_str(",\n");
                }
                pad(out, indent);
                out.push(']');
            }
            Expr::Object(entries) if entries.is_empty() => out.push_str("{}"),
            Expr::Object(entries) => {
                out.push_str("{\n");
                let items: Vec<Item> = entries
                    .iter()
                    .map(|(k, v)| Item::Attr(k.clone(), v.clone()))
                    .collect();
                write_body(out, &items, indent + 1);
                pad(out, indent);
                out.push('}');
            }
        }
    }
}

/// One line-level element of a body.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    Attr(String, Expr),
    Block(Block),
    /// A `#` comment; its text is kept to one line.
    Comment(String),
    Blank,
}

/// A block: `ident "label" { body }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub ident: String,
    pub labels: Vec<String>,
    pub body: Vec<Item>,
}

impl Block {
    pub fn new(ident: &str, labels: &[&str], body: Vec<Item>) -> Self {
        Block {
            ident: ident.to_owned(),
            labels: labels.iter().map(|l| (*l).to_owned()).collect(),
            body,
        }
    }

    fn write(&self, out: &mut String, indent: usize) {
        out.push_str(&self.ident);
        for label in &self.labels {
            out.push(' ');
            out.push_str(&quote(label));
        }
        if self.body.is_empty() {
            out.push_str(" {}\n");
            return;
        }
        out.push_str(" {\n");
        write_body(out, &self.body, indent + 1);
        pad(out, indent);
        out.push_str("}\n");
    }
}

pub(crate) fn pad(out: &mut String, indent: usize) {
    for _ in 0..indent {
        out.push_str("  ");
    }
}

/// Writes body items at `indent`, aligning the `=` of each run of single-line attributes.
pub fn write_body(out: &mut String, items: &[Item], indent: usize) {
    let mut i = 0;
    while i < items.len() {
        match &items[i] {
            Item::Attr(_, expr) if expr.is_single_line() => {
                let end = items[i..]
                    .iter()
                    .position(|item| !matches!(item, Item::Attr(_, e) if e.is_single_line()))
                    .map_or(items.len(), |n| i + n);
                let width = items[i..end]
                    .iter()
                    .map(|item| match item {
                        Item::Attr(key, _) => key.chars().count(),
                        _ => 0,
                    })
                    .max()
                    .unwrap_or(0);
                for item in &items[i..end] {
                    if let Item::Attr(key, expr) = item {
                        pad(out, indent);
                        out.push_str(key);
                        for _ in key.chars().count()..width {
                            out.push(' ');
                        }
                        out.push_str(" = ");
                        expr.write(out, indent);
                        out.push('\n');
                    }
                }
                i = end;
                continue;
            }
            Item::Attr(key, expr) => {
                pad(out, indent);
                out.push_str(key);
                out.push_str(" = ");
                expr.write(out, indent);
                out.push('\n');
            }
            Item::Block(block) => {
                pad(out, indent);
                block.write(out, indent);
            }
            Item::Comment(text) => {
                pad(out, indent);
                out.push_str("# ");
                out.push_str(&one_line(text));
                out.push('\n');
            }
            Item::Blank => out.push('\n'),
        }
        i += 1;
    }
}

/// A whole file's text from top-level items.
pub fn write_file(items: &[Item]) -> String {
    let mut out = String::new();
    write_body(&mut out, items, 0);
    out
}

/// Text for a comment (HCL `#` or shell `#`), which must stay one comment whatever the text: line
/// breaks and tabs become spaces, other characters that are not printed are written as `\uXXXX`,
/// trailing space is dropped.
pub fn one_line(text: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if plumb_model::path::is_unprintable(c) => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.truncate(out.trim_end().len());
    out
}

/// An HCL quoted string: quotes, backslashes and control characters escaped, and template
/// sequences (`${`, `%{`) doubled so that they stay literal. The same quoting as instance keys
/// in addresses.
pub fn quote(text: &str) -> String {
    plumb_model::path::quoted(text)
}

/// An instance address as an HCL traversal (`to = ...`, `from = ...`, `-target=...`): the one
/// way generated files name a resource. Names must be identifiers (readers refuse others, this checks again
/// because the text becomes code); keys are written as escaped literals.
pub fn address(address: &Address) -> Result<String, InvalidName> {
    address.check_names()?;
    Ok(address.to_string())
}

/// A configuration address (no instance keys) as an HCL traversal; see [`address`].
pub fn config_address(address: &ConfigAddress) -> Result<String, InvalidName> {
    for step in &address.module {
        check_identifier("module name", step)?;
    }
    check_identifier("resource type", &address.r#type)?;
    check_identifier("resource name", &address.name)?;
    Ok(address.to_string())
}

pub use plumb_model::path::is_identifier;

/// An object key as written: bare where it is an identifier that no parser could read as
/// something else, quoted otherwise.
pub fn object_key(key: &str) -> String {
    const RESERVED: &[&str] = &[
        "true", "false", "null", "for", "in", "if", "endfor", "endif",
    ];
    if is_identifier(key) && !RESERVED.contains(&key) {
        key.to_owned()
    } else {
        quote(key)
    }
}

/// Why a value cannot be written as HCL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unwritable {
    Sensitive,
    Unknown,
    /// NaN or an infinity: HCL has no literal for either.
    NonFinite,
}

/// A value as an HCL expression. Never writes a sensitive value.
pub fn value_expr(value: &Value) -> Result<Expr, Unwritable> {
    Ok(match value {
        Value::Null => Expr::Raw("null".to_owned()),
        Value::Bool(b) => Expr::Raw(b.to_string()),
        Value::Number(Number::Int(i)) => Expr::Raw(i.to_string()),
        Value::Number(Number::Float(x)) if x.is_finite() => Expr::Raw(x.to_string()),
        Value::Number(Number::Float(_)) => return Err(Unwritable::NonFinite),
        Value::Number(Number::Big(big)) => Expr::Raw(big.as_str().to_owned()),
        Value::String(s) => Expr::string(s),
        Value::List(items) => Expr::List(items.iter().map(value_expr).collect::<Result<_, _>>()?),
        Value::Map(map) => Expr::Object(
            map.iter()
                .map(|(k, v)| Ok((object_key(k), value_expr(v)?)))
                .collect::<Result<_, _>>()?,
        ),
        Value::Unknown => return Err(Unwritable::Unknown),
        Value::Sensitive(_) => return Err(Unwritable::Sensitive),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped() {
        assert_eq!(quote(r#"a "b" \c"#), r#""a \"b\" \\c""#);
        assert_eq!(quote("x\ny\tz"), r#""x\ny\tz""#);
        assert_eq!(quote("${var.x} %{if} $x %x"), r#""$${var.x} %%{if} $x %x""#);
        assert_eq!(quote("$${"), r#""$$${""#);
        assert_eq!(quote("\u{1}"), r#""\u0001""#);
    }

    #[test]
    fn identifiers() {
        for ok in ["a", "_a", "a-b_1", "Name"] {
            assert!(is_identifier(ok), "{ok}");
        }
        for bad in ["", "1a", "-a", "a.b", "a b", "é"] {
            assert!(!is_identifier(bad), "{bad}");
        }
        assert_eq!(object_key("Name"), "Name");
        assert_eq!(object_key("a:b"), "\"a:b\"");
        assert_eq!(object_key("null"), "\"null\"");
    }

    #[test]
    fn alignment_runs_end_at_comments_blocks_and_multi_line_values() {
        let items = vec![
            Item::Attr("ami".into(), Expr::string("ami-1")),
            Item::Attr("instance_type".into(), Expr::string("t3.micro")),
            Item::Comment("user_data: sensitive".into()),
            Item::Attr(
                "vpc_security_group_ids".into(),
                Expr::List(vec![Expr::string("sg-1")]),
            ),
            Item::Attr(
                "tags".into(),
                Expr::Object(vec![
                    ("Name".into(), Expr::string("web")),
                    ("\"a b\"".into(), Expr::Raw("1".into())),
                ]),
            ),
            Item::Attr("x".into(), Expr::Raw("1".into())),
            Item::Blank,
            Item::Block(Block::new("root_block_device", &[], vec![])),
        ];
        insta::assert_snapshot!(write_file(&[Item::Block(Block::new(
            "resource",
            &["a", "b"],
            items
        ))]));
    }
}
