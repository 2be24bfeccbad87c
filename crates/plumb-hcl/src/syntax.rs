//! One shape for both syntaxes: `.tf` (native HCL) and `.tf.json` files become the same blocks,
//! so the loader has a single path from blocks to [`plumb_model::Configuration`].

use std::fmt::Write as _;
use std::path::Path;

use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::structure::Structure;
use plumb_model::config::SourceLocation;
use plumb_model::{AttrPath, Segment};

use crate::error::HclError;

/// A block body: arguments in order, nested blocks in order.
#[derive(Debug, Default)]
pub(crate) struct Body {
    pub attrs: Vec<(String, Expression)>,
    pub blocks: Vec<Block>,
}

impl Body {
    pub(crate) fn attr(&self, name: &str) -> Option<&Expression> {
        self.attrs
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, e)| e)
    }

    pub(crate) fn blocks<'a>(&'a self, ident: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.blocks.iter().filter(move |b| b.ident == ident)
    }
}

#[derive(Debug)]
pub(crate) struct Block {
    pub ident: String,
    pub labels: Vec<String>,
    pub body: Body,
    pub location: SourceLocation,
}

/// Byte offset → 1-based line and column (in characters, as editors count).
pub(crate) struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, starts }
    }

    pub(crate) fn locate(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count())
            + 1;
        (
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(column).unwrap_or(u32::MAX),
        )
    }
}

pub(crate) fn location(file: &str, line: u32, column: u32) -> SourceLocation {
    SourceLocation {
        file: file.to_owned(),
        line,
        column,
    }
}

/// Parses a native-syntax file into its top-level blocks.
pub(crate) fn parse_hcl(text: &str, file: &Path) -> Result<Vec<Block>, HclError> {
    let display = file.display().to_string();
    let body = hcl_edit::parser::parse_body(text).map_err(|e| HclError::Syntax {
        file: display.clone(),
        line: u32::try_from(e.location().line()).unwrap_or(u32::MAX),
        column: u32::try_from(e.location().column()).unwrap_or(u32::MAX),
        message: one_line(e.message()),
    })?;
    let index = LineIndex::new(text);
    Ok(convert_body(body, &index, &display).blocks)
}

fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn convert_body(body: hcl_edit::structure::Body, index: &LineIndex<'_>, file: &str) -> Body {
    let mut out = Body::default();
    for structure in body {
        match structure {
            Structure::Attribute(attr) => {
                out.attrs.push((attr.key.as_str().to_owned(), attr.value));
            }
            Structure::Block(block) => {
                let (line, column) = block
                    .span()
                    .or_else(|| block.ident.span())
                    .map_or((0, 0), |span| index.locate(span.start));
                out.blocks.push(Block {
                    ident: block.ident.as_str().to_owned(),
                    labels: block.labels.iter().map(|l| l.as_str().to_owned()).collect(),
                    body: convert_body(block.body, index, file),
                    location: location(file, line, column),
                });
            }
        }
    }
    out
}

/// A reference as written (`aws.west`, `aws_vpc.main.id`, `module.x`); strings are taken as
/// their content because that is how JSON syntax and legacy HCL write references.
pub(crate) fn reference_text(expr: &Expression) -> String {
    match expr {
        Expression::String(s) => s.value().clone(),
        Expression::Variable(v) => v.as_str().to_owned(),
        Expression::Traversal(t) => {
            let mut out = match &t.expr {
                Expression::Variable(v) => v.as_str().to_owned(),
                other => other.to_string().trim().to_owned(),
            };
            for op in &t.operators {
                match op.value() {
                    TraversalOperator::GetAttr(name) => {
                        out.push('.');
                        out.push_str(name.as_str());
                    }
                    TraversalOperator::LegacyIndex(i) => {
                        let _ = write!(out, "[{}]", i.value());
                    }
                    TraversalOperator::Index(e) => {
                        let _ = write!(out, "[{}]", e.to_string().trim());
                    }
                    TraversalOperator::AttrSplat(_) => out.push_str(".*"),
                    TraversalOperator::FullSplat(_) => out.push_str("[*]"),
                }
            }
            out
        }
        other => other.to_string().trim().to_owned(),
    }
}

/// `tags["Name"]`, `tags.Name`, `metadata_options[0].http_tokens` as an attribute path; `None`
/// for anything that is not a plain traversal. Strings hold the legacy quoted form.
pub(crate) fn attr_path(expr: &Expression) -> Option<AttrPath> {
    match expr {
        Expression::String(s) => s.value().parse().ok().or_else(|| {
            hcl_edit::parser::parse_expr(s.value())
                .ok()
                .filter(|e| !matches!(e, Expression::String(_)))
                .and_then(|e| attr_path(&e))
        }),
        Expression::Variable(v) => Some(AttrPath::attr(v.as_str())),
        Expression::Traversal(t) => {
            let Expression::Variable(root) = &t.expr else {
                return None;
            };
            let mut path = AttrPath::attr(root.as_str());
            for op in &t.operators {
                path.push(match op.value() {
                    TraversalOperator::GetAttr(name) => Segment::Attr(name.as_str().to_owned()),
                    TraversalOperator::LegacyIndex(i) => {
                        Segment::Index(usize::try_from(*i.value()).ok()?)
                    }
                    TraversalOperator::Index(Expression::Number(n)) => {
                        Segment::Index(usize::try_from(n.value().as_u64()?).ok()?)
                    }
                    TraversalOperator::Index(Expression::String(s)) => {
                        Segment::Key(s.value().clone())
                    }
                    _ => return None,
                });
            }
            Some(path)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_counts_characters() {
        let text = "ab\nçd\n\nx";
        let index = LineIndex::new(text);
        assert_eq!(index.locate(0), (1, 1));
        assert_eq!(index.locate(1), (1, 2));
        assert_eq!(index.locate(3), (2, 1));
        assert_eq!(index.locate(5), (2, 2), "ç is two bytes, one column");
        assert_eq!(index.locate(7), (3, 1));
        assert_eq!(index.locate(8), (4, 1));
        assert_eq!(index.locate(100), (4, 2));
    }

    fn path(src: &str) -> Option<String> {
        attr_path(&hcl_edit::parser::parse_expr(src).unwrap()).map(|p| p.to_string())
    }

    #[test]
    fn traversals_become_attribute_paths() {
        assert_eq!(path("tags"), Some("tags".into()));
        assert_eq!(path("tags[\"Name\"]"), Some("tags[\"Name\"]".into()));
        assert_eq!(path("tags.Name"), Some("tags.Name".into()));
        assert_eq!(
            path("metadata_options[0].http_tokens"),
            Some("metadata_options[0].http_tokens".into())
        );
        assert_eq!(path("ebs.0.size"), Some("ebs[0].size".into()));
        assert_eq!(path("\"tags\""), Some("tags".into()));
        assert_eq!(
            path("\"tags[\\\"Name\\\"]\""),
            Some("tags[\"Name\"]".into())
        );
        assert_eq!(path("a[*].b"), None);
        assert_eq!(path("f(x)"), None);
    }

    #[test]
    fn references_are_written_back_as_text() {
        let text = |s: &str| reference_text(&hcl_edit::parser::parse_expr(s).unwrap());
        assert_eq!(text("aws.west"), "aws.west");
        assert_eq!(text("aws_vpc.main[0].id"), "aws_vpc.main[0].id");
        assert_eq!(text("module.x"), "module.x");
        assert_eq!(text("\"aws.east\""), "aws.east");
        assert_eq!(text("aws_instance.a[\"k\"]"), "aws_instance.a[\"k\"]");
    }
}
