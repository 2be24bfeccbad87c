//! Accept: make the code match the cloud, as a unified diff of one `.tf` file.
//!
//! The file is read with hcl-edit and changed by replacing, inserting or deleting byte ranges
//! of its text, so every comment and all layout outside the edited values survive. After the
//! edits, the `=` of each touched body or object is re-aligned the way `terraform fmt` aligns
//! it, so that a formatted file stays formatted.
//!
//! What cannot be accepted safely is left out with the reason: sensitive values (they belong in
//! a variable), computed-only attributes, values set by an expression (the input is what to
//! change), blocks shared by several instances (`count`, `for_each`), sets of blocks and
//! anything too deep to edit without guessing.

use plumb_model::state::ALWAYS_SENSITIVE_ATTRIBUTES;
use std::fmt::Write as _;
use std::ops::Range;

use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, Object, ObjectKey};
use hcl_edit::structure::{Block, Body};
use plumb_model::{Address, AttrPath, AttributeDiff, Mode, Segment, Value};
use plumb_schema::{Node, ResourceSchema};

use crate::hcl::{Expr, object_key, one_line, pad, value_expr};

/// What accepting a resource's differences changes in one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Accept {
    /// A unified diff (`--- a/FILE`, `+++ b/FILE`, 3 lines of context); empty when nothing
    /// could be accepted.
    pub patch: String,
    /// The attribute paths the patch sets to their live value.
    pub accepted: Vec<AttrPath>,
    /// The attribute paths left alone, each with why.
    pub rejected: Vec<Rejected>,
    /// A `lifecycle { ignore_changes = [...] }` block for the rejected attributes where ignoring
    /// them is a reasonable alternative (never for computed-only or unknown values).
    pub ignore_changes: Option<String>,
    /// The file's text with the patch applied (the source itself when nothing was accepted).
    pub edited: String,
}

/// An attribute difference that the patch does not accept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejected {
    pub path: AttrPath,
    pub reason: String,
}

impl Accept {
    /// True when there is neither a patch nor anything rejected.
    pub fn is_empty(&self) -> bool {
        self.patch.is_empty() && self.rejected.is_empty()
    }

    /// The whole answer as text: the patch, then what was not accepted and the suggestion.
    pub fn to_text(&self) -> String {
        let mut out = self.patch.clone();
        if !self.rejected.is_empty() {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str("Not accepted:\n");
            for rejected in &self.rejected {
                let _ = writeln!(out, "  {}: {}", rejected.path, rejected.reason);
            }
        }
        if let Some(snippet) = &self.ignore_changes {
            out.push_str("\nTo stop reporting them, add to the resource block:\n");
            out.push_str(snippet);
        }
        out
    }
}

/// A unified diff of `file` from `before` to `after` (`--- a/FILE`, `+++ b/FILE`, three lines of
/// context), empty when they are equal: what `git apply` and `patch -p1` take.
pub fn unified_diff(file: &str, before: &str, after: &str) -> String {
    if before == after {
        return String::new();
    }
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{file}"), &format!("b/{file}"))
        .to_string()
}

/// A patch of `file` (whose text is `source`) that sets the attributes of `address`'s resource
/// block to their live values, where that is safe; see the module documentation.
pub fn accept_patch(
    file: &str,
    source: &str,
    address: &Address,
    diffs: &[AttributeDiff],
    schema: Option<&ResourceSchema>,
) -> Accept {
    let mut plan = Plan::default();
    let reject_all = |plan: &mut Plan, reason: &str, ignore: bool| {
        for diff in diffs {
            plan.reject(diff, reason.to_owned(), ignore);
        }
    };
    if address.mode != Mode::Managed {
        reject_all(&mut plan, "only managed resources can be accepted", false);
        return plan.finish(file, source, source);
    }
    let Ok(body) = hcl_edit::parser::parse_body(source) else {
        reject_all(&mut plan, &format!("{file} does not parse"), false);
        return plan.finish(file, source, source);
    };
    let Some(block) = find_resource(&body, &address.r#type, &address.name) else {
        let reason = format!(
            "no `resource \"{}\" \"{}\"` block in {file}",
            address.r#type, address.name
        );
        reject_all(&mut plan, &reason, false);
        return plan.finish(file, source, source);
    };
    for meta in ["count", "for_each"] {
        if block.body.has_attribute(meta) {
            let reason = format!(
                "the block has `{meta}`: it is shared by every instance, so one instance's \
                 live value would change them all; edit it by hand or ignore the change"
            );
            reject_all(&mut plan, &reason, true);
            return plan.finish(file, source, source);
        }
    }
    let ctx = Ctx {
        source,
        block,
        schema,
    };
    for diff in diffs {
        match ctx.edit(diff) {
            Ok(Some(edit)) => plan.edits.push((diff, edit)),
            Ok(None) => plan.accepted_without_edit(diff),
            Err(Refusal { reason, ignore }) => plan.reject(diff, reason, ignore),
        }
    }
    let edited = plan.apply(source);
    let aligned = if let Some(aligned) = realign(&edited, address, &plan.containers) {
        aligned
    } else {
        // The edits broke the file: accept nothing rather than hand out a broken patch.
        let accepted = std::mem::take(&mut plan.accepted);
        for path in accepted {
            plan.rejected.push(Rejected {
                path,
                reason: "the edited file would not parse: edit it by hand".to_owned(),
            });
        }
        source.to_owned()
    };
    plan.finish(file, source, &aligned)
}

/// One change to the source text: `range` (empty for an insertion) becomes `text`.
#[derive(Clone, Debug)]
struct Edit {
    range: Range<usize>,
    text: String,
    /// Where the `=` may need re-aligning afterwards.
    container: Container,
}

/// A body or object literal inside the resource block, named so that it can be found again in
/// the edited text.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Container {
    /// The body of the resource block (`None`) or of its one nested block of that name.
    Body(Option<String>),
    /// The object literal of an attribute of that body.
    Object(Option<String>, String),
}

/// Why a difference is not accepted, and whether `ignore_changes` is a fair alternative.
struct Refusal {
    reason: String,
    ignore: bool,
}

fn refuse<T>(reason: impl Into<String>, ignore: bool) -> Result<T, Refusal> {
    Err(Refusal {
        reason: reason.into(),
        ignore,
    })
}

#[derive(Default)]
struct Plan<'d> {
    edits: Vec<(&'d AttributeDiff, Edit)>,
    accepted: Vec<AttrPath>,
    rejected: Vec<Rejected>,
    ignore: Vec<String>,
    containers: Vec<Container>,
}

impl Plan<'_> {
    fn reject(&mut self, diff: &AttributeDiff, reason: String, ignore: bool) {
        if ignore {
            let name = if diff.added.is_empty() && diff.removed.is_empty() {
                diff.path.to_string()
            } else {
                // A set has no indexes: ignore the whole attribute.
                diff.path.top().unwrap_or_default().to_owned()
            };
            if !name.is_empty() && !self.ignore.contains(&name) {
                self.ignore.push(name);
            }
        }
        self.rejected.push(Rejected {
            path: diff.path.clone(),
            reason,
        });
    }

    fn accepted_without_edit(&mut self, diff: &AttributeDiff) {
        self.accepted.push(diff.path.clone());
    }

    /// Applies the edits in source order; one that overlaps an earlier one is rejected.
    fn apply(&mut self, source: &str) -> String {
        let mut edits = std::mem::take(&mut self.edits);
        edits.sort_by_key(|(_, edit)| edit.range.start);
        let mut out = String::with_capacity(source.len() + 256);
        let mut cursor = 0;
        for (diff, edit) in edits {
            if edit.range.start < cursor {
                self.reject(
                    diff,
                    "overlaps another accepted change: edit it by hand".to_owned(),
                    false,
                );
                continue;
            }
            out.push_str(&source[cursor..edit.range.start]);
            out.push_str(&edit.text);
            cursor = edit.range.end;
            self.accepted.push(diff.path.clone());
            if !self.containers.contains(&edit.container) {
                self.containers.push(edit.container);
            }
        }
        out.push_str(&source[cursor..]);
        out
    }

    fn finish(self, file: &str, before: &str, after: &str) -> Accept {
        let patch = unified_diff(file, before, after);
        let ignore_changes = (!self.ignore.is_empty()).then(|| {
            format!(
                "lifecycle {{\n  ignore_changes = [{}]\n}}\n",
                self.ignore.join(", ")
            )
        });
        Accept {
            patch,
            accepted: self.accepted,
            rejected: self.rejected,
            ignore_changes,
            edited: after.to_owned(),
        }
    }
}

struct Ctx<'a> {
    source: &'a str,
    block: &'a Block,
    schema: Option<&'a ResourceSchema>,
}

impl Ctx<'_> {
    /// The edit that accepts `diff`: `Ok(None)` when there is nothing to write.
    fn edit(&self, diff: &AttributeDiff) -> Result<Option<Edit>, Refusal> {
        let path = &diff.path;
        let segments = path.segments();
        let Some(Segment::Attr(top)) = segments.first() else {
            return refuse("not an attribute path: edit it by hand", false);
        };
        let node = self.schema.and_then(|s| s.node(path));
        let top_node = self
            .schema
            .and_then(|s| s.node(&AttrPath::attr(top.clone())));
        let sensitive = ALWAYS_SENSITIVE_ATTRIBUTES.contains(&top.as_str())
            || diff.state.as_ref().is_some_and(Value::contains_sensitive)
            || diff.live.as_ref().is_some_and(Value::contains_sensitive)
            || diff
                .added
                .iter()
                .chain(&diff.removed)
                .any(Value::contains_sensitive)
            || node.is_some_and(|n| n.is_sensitive())
            || top_node.is_some_and(|n| n.is_sensitive());
        if sensitive {
            return refuse(
                "sensitive: set it from a variable (marked `sensitive`), not a value in the code",
                true,
            );
        }
        if diff.live.as_ref().is_some_and(Value::contains_unknown) {
            return refuse("the live value is not known", false);
        }
        if node.is_some_and(|n| n.is_computed_only()) {
            return refuse(
                "computed by the provider: not an argument, nothing to set",
                false,
            );
        }
        let is_set_diff = !diff.added.is_empty() || !diff.removed.is_empty();
        if is_set_diff {
            let simple = segments.len() == 1
                && matches!(node, Some(Node::Attribute { .. }))
                && diff
                    .live
                    .as_ref()
                    .and_then(Value::as_list)
                    .is_some_and(|l| {
                        l.iter()
                            .all(|v| !matches!(v, Value::List(_) | Value::Map(_)))
                    });
            if !simple {
                return refuse(
                    format!(
                        "a set of blocks differs ({} added, {} removed): edit the blocks by hand, \
                         or ignore the changes",
                        diff.added.len(),
                        diff.removed.len()
                    ),
                    true,
                );
            }
        }
        let live = diff.live.as_ref().filter(|v| !v.is_null());
        let body = &self.block.body;
        match segments {
            [_] => {
                if body.has_blocks(top) || has_dynamic(body, top) || is_blocks(node) {
                    return refuse(format!("`{top}` is a nested block: edit it by hand"), true);
                }
                self.set_attribute(body, None, top, live, node.is_none())
            }
            [_, rest @ ..] if body.has_blocks(top) || has_dynamic(body, top) => {
                let ([Segment::Index(0), Segment::Attr(inner)] | [Segment::Attr(inner)]) = rest
                else {
                    return refuse("too deep to edit automatically: edit it by hand", true);
                };
                if has_dynamic(body, top) {
                    return refuse(
                        format!("`{top}` is written by a `dynamic` block: change its input"),
                        true,
                    );
                }
                let mut blocks = body.get_blocks(top);
                let (Some(nested), None) = (blocks.next(), blocks.next()) else {
                    return refuse(
                        format!("there are several `{top}` blocks: edit the right one by hand"),
                        true,
                    );
                };
                if nested.body.has_blocks(inner) || has_dynamic(&nested.body, inner) {
                    return refuse("too deep to edit automatically: edit it by hand", true);
                }
                self.set_attribute(&nested.body, Some(top), inner, live, node.is_none())
            }
            [_, Segment::Key(key) | Segment::Attr(key)] => {
                if is_blocks(top_node) {
                    return refuse(
                        format!("there is no `{top}` block in the code: add one by hand"),
                        true,
                    );
                }
                self.set_key(top, key, live)
            }
            _ => refuse("too deep to edit automatically: edit it by hand", true),
        }
    }

    /// Sets (or removes, when `live` is `None`) attribute `name` of `body`, the resource body or
    /// the body of nested block `block`.
    fn set_attribute(
        &self,
        body: &Body,
        block: Option<&str>,
        name: &str,
        live: Option<&Value>,
        schemaless: bool,
    ) -> Result<Option<Edit>, Refusal> {
        let container = Container::Body(block.map(str::to_owned));
        match (body.get_attribute(name), live) {
            (Some(attr), live) => {
                let range = span(&attr.value)?;
                if !is_literal(&attr.value) {
                    return Err(self.expression_refusal(range));
                }
                let Some(live) = live else {
                    let range = self.whole_lines(span(attr)?)?;
                    return Ok(Some(Edit {
                        range,
                        text: String::new(),
                        container,
                    }));
                };
                let indent = self.indent_at(range.start);
                Ok(Some(Edit {
                    range,
                    text: literal(live)?.text(indent),
                    container,
                }))
            }
            (None, None) => refuse("gone live and not set in the code: nothing to write", false),
            (None, Some(live)) => {
                if schemaless && looks_like_blocks(live) {
                    return refuse(
                        format!("`{name}` may be a nested block (no schema to tell): edit by hand"),
                        true,
                    );
                }
                let (at, indent) = self.body_insertion_point(body)?;
                let mut text = String::from("\n");
                pad(&mut text, indent);
                text.push_str(name);
                text.push_str(" = ");
                text.push_str(&literal(live)?.text(indent));
                Ok(Some(Edit {
                    range: at..at,
                    text,
                    container,
                }))
            }
        }
    }

    /// Sets key `key` of map attribute `attr` in the resource body.
    fn set_key(
        &self,
        attr: &str,
        key: &str,
        live: Option<&Value>,
    ) -> Result<Option<Edit>, Refusal> {
        let body = &self.block.body;
        let Some(attribute) = body.get_attribute(attr) else {
            let Some(live) = live else {
                return refuse("gone live and not set in the code: nothing to write", false);
            };
            let (at, indent) = self.body_insertion_point(body)?;
            let object = Expr::Object(vec![(object_key(key), literal(live)?)]);
            let mut text = String::from("\n");
            pad(&mut text, indent);
            text.push_str(attr);
            text.push_str(" = ");
            text.push_str(&object.text(indent));
            return Ok(Some(Edit {
                range: at..at,
                text,
                container: Container::Body(None),
            }));
        };
        let Expression::Object(object) = &attribute.value else {
            return Err(self.expression_refusal(span(&attribute.value)?));
        };
        let container = Container::Object(None, attr.to_owned());
        if let Some((entry_key, value)) = object.iter().find(|(k, _)| key_text(k) == Some(key)) {
            let range = span(value.expr())?;
            if !is_literal(value.expr()) {
                return Err(self.expression_refusal(range));
            }
            let Some(live) = live else {
                let start = span(entry_key)?.start;
                let range = self.whole_lines(start..range.end)?;
                return Ok(Some(Edit {
                    range,
                    text: String::new(),
                    container,
                }));
            };
            let indent = self.indent_at(range.start);
            return Ok(Some(Edit {
                range,
                text: literal(live)?.text(indent),
                container,
            }));
        }
        if object.iter().any(|(k, _)| key_text(k).is_none()) {
            return refuse(format!("`{attr}` has computed keys: edit it by hand"), true);
        }
        let Some(live) = live else {
            return refuse("gone live and not set in the code: nothing to write", false);
        };
        let indent = self.indent_at(span(attribute)?.start);
        let value = literal(live)?;
        if object.is_empty() {
            let range = span(&attribute.value)?;
            return Ok(Some(Edit {
                range,
                text: Expr::Object(vec![(object_key(key), value)]).text(indent),
                container,
            }));
        }
        let Some((_, last)) = object.iter().last() else {
            return refuse("edit it by hand", true);
        };
        let whole = span(&attribute.value)?;
        if !self.source[whole].contains('\n') {
            return refuse(
                format!("`{attr}` is written on one line: add the key by hand"),
                true,
            );
        }
        let at = self.line_end(span(last.expr())?.end);
        let mut text = String::from("\n");
        pad(&mut text, indent + 1);
        text.push_str(&object_key(key));
        text.push_str(" = ");
        text.push_str(&value.text(indent + 1));
        Ok(Some(Edit {
            range: at..at,
            text,
            container,
        }))
    }

    fn expression_refusal(&self, range: Range<usize>) -> Refusal {
        let mut text = one_line(self.source[range].trim());
        if text.chars().count() > 60 {
            text = text.chars().take(57).collect::<String>() + "...";
        }
        Refusal {
            reason: format!("set by an expression: change the input (`{text}`) instead"),
            ignore: true,
        }
    }

    /// Where a new attribute goes in `body` (the end of the line of its last one-line attribute,
    /// so that it joins an aligned run; else of its last attribute; else of the line that opens
    /// it) and at what indent.
    fn body_insertion_point(&self, body: &Body) -> Result<(usize, usize), Refusal> {
        let one_line = body
            .attributes()
            .filter(|a| a.span().is_some_and(|r| !self.source[r].contains('\n')))
            .last();
        if let Some(last) = one_line.or_else(|| body.attributes().last()) {
            let range = span(last)?;
            return Ok((self.line_end(range.end), self.indent_at(range.start)));
        }
        let Some(range) = body.span() else {
            return refuse("edit it by hand", true);
        };
        // The body's span starts inside the braces; the line holding `{` opens it.
        let open = self.source[..range.start].rfind('{').unwrap_or(range.start);
        let at = self.line_end(open);
        if !self.source[at..range.end.max(at)].contains('\n') && body.is_empty() {
            let close = self.source[open..].find('}').map_or(at, |i| open + i);
            if !self.source[open..close].contains('\n') {
                return refuse("the block is written on one line: edit it by hand", true);
            }
        }
        Ok((at, self.indent_at(open) + 1))
    }

    /// The position of the line break ending the line that holds `pos` (or the end of text).
    fn line_end(&self, pos: usize) -> usize {
        self.source[pos..]
            .find('\n')
            .map_or(self.source.len(), |i| pos + i)
    }

    /// `range` widened to whole lines, line break included, when nothing else is on them.
    fn whole_lines(&self, range: Range<usize>) -> Result<Range<usize>, Refusal> {
        let start = self.source[..range.start].rfind('\n').map_or(0, |i| i + 1);
        let end = self.line_end(range.end);
        if !self.source[start..range.start].trim().is_empty() {
            return refuse("shares its line with other code: delete it by hand", true);
        }
        let after = self.source[range.end..end].trim_start_matches([' ', '\t', ',']);
        if !(after.is_empty() || after.starts_with('#') || after.starts_with("//")) {
            return refuse("shares its line with other code: delete it by hand", true);
        }
        Ok(start..(end + 1).min(self.source.len()))
    }

    /// The nesting level of the line holding `pos`, at two spaces a level.
    fn indent_at(&self, pos: usize) -> usize {
        let start = self.source[..pos].rfind('\n').map_or(0, |i| i + 1);
        let spaces = self.source[start..]
            .chars()
            .take_while(|c| *c == ' ')
            .count();
        spaces / 2
    }
}

fn span(item: &impl hcl_edit::Span) -> Result<Range<usize>, Refusal> {
    item.span()
        .map_or_else(|| refuse("edit it by hand", true), Ok)
}

fn find_resource<'b>(body: &'b Body, ty: &str, name: &str) -> Option<&'b Block> {
    body.get_blocks("resource")
        .find(|b| b.labels.len() == 2 && b.labels[0].as_str() == ty && b.labels[1].as_str() == name)
}

fn has_dynamic(body: &Body, name: &str) -> bool {
    body.get_blocks("dynamic")
        .any(|b| b.labels.first().is_some_and(|l| l.as_str() == name))
}

fn is_blocks(node: Option<Node<'_>>) -> bool {
    matches!(
        node,
        Some(Node::Blocks {
            attribute: None,
            ..
        })
    )
}

/// A list of objects: how nested blocks look in state.
fn looks_like_blocks(value: &Value) -> bool {
    value
        .as_list()
        .is_some_and(|l| !l.is_empty() && l.iter().all(|v| v.as_map().is_some()))
}

fn key_text(key: &ObjectKey) -> Option<&str> {
    match key {
        ObjectKey::Ident(ident) => Some(ident.as_str()),
        ObjectKey::Expression(Expression::String(s)) => Some(s.as_str()),
        ObjectKey::Expression(_) => None,
    }
}

/// True for an expression with no reference, call or template in it.
fn is_literal(expr: &Expression) -> bool {
    match expr {
        Expression::Null(_)
        | Expression::Bool(_)
        | Expression::Number(_)
        | Expression::String(_) => true,
        Expression::Array(items) => items.iter().all(is_literal),
        Expression::Object(object) => object_is_literal(object),
        _ => false,
    }
}

fn object_is_literal(object: &Object) -> bool {
    object
        .iter()
        .all(|(k, v)| key_text(k).is_some() && is_literal(v.expr()))
}

fn literal(value: &Value) -> Result<Expr, Refusal> {
    value_expr(value).or_else(|_| refuse("the live value has no HCL literal", false))
}

/// `text` with the `=` of each touched container aligned as `terraform fmt` aligns them; `None`
/// when `text` does not parse.
fn realign(text: &str, address: &Address, containers: &[Container]) -> Option<String> {
    if containers.is_empty() {
        return Some(text.to_owned());
    }
    let body = hcl_edit::parser::parse_body(text).ok()?;
    let block = find_resource(&body, &address.r#type, &address.name)?;
    let lines = LineIndex::new(text);
    let mut fixes: Vec<(Range<usize>, String)> = Vec::new();
    for container in containers {
        let (block_name, attr) = match container {
            Container::Body(b) => (b, None),
            Container::Object(b, a) => (b, Some(a)),
        };
        let body = match block_name {
            None => &block.body,
            Some(name) => &block.body.get_blocks(name).next()?.body,
        };
        let entries: Vec<(Range<usize>, Range<usize>)> = match attr {
            None => body
                .attributes()
                .filter_map(|a| Some((a.key.span()?, a.value.span()?)))
                .collect(),
            Some(attr) => match &body.get_attribute(attr)?.value {
                Expression::Object(object) => object
                    .iter()
                    .filter_map(|(k, v)| Some((k.span()?, v.expr().span()?)))
                    .collect(),
                _ => continue,
            },
        };
        fixes.extend(alignment_fixes(text, &lines, &entries));
    }
    fixes.sort_by_key(|(r, _)| r.start);
    let mut out = String::with_capacity(text.len());
    let mut cursor = 0;
    for (range, spaces) in fixes {
        if range.start < cursor {
            continue;
        }
        out.push_str(&text[cursor..range.start]);
        out.push_str(&spaces);
        cursor = range.end;
    }
    out.push_str(&text[cursor..]);
    Some(out)
}

/// The whitespace before each `=` of `entries` (key span, value span): runs of single-line
/// entries on consecutive lines align their `=` one space after the longest key; any other
/// entry has one space.
fn alignment_fixes(
    text: &str,
    lines: &LineIndex,
    entries: &[(Range<usize>, Range<usize>)],
) -> Vec<(Range<usize>, String)> {
    let single =
        |(key, value): &(Range<usize>, Range<usize>)| !text[key.start..value.end].contains('\n');
    let mut fixes = Vec::new();
    let mut i = 0;
    while i < entries.len() {
        let mut end = i + 1;
        if single(&entries[i]) {
            while end < entries.len()
                && single(&entries[end])
                && lines.line(entries[end].0.start) == lines.line(entries[end - 1].0.start) + 1
            {
                end += 1;
            }
        }
        let width = entries[i..end]
            .iter()
            .map(|(key, _)| text[key.clone()].chars().count())
            .max()
            .unwrap_or(0);
        for (key, _) in &entries[i..end] {
            let gap = text[key.end..].len() - text[key.end..].trim_start_matches([' ', '\t']).len();
            if text[key.end + gap..].starts_with('=') {
                let spaces = width - text[key.clone()].chars().count() + 1;
                fixes.push((key.end..key.end + gap, " ".repeat(spaces)));
            }
        }
        i = end;
    }
    fixes
}

/// Line numbers of byte offsets.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { starts }
    }

    fn line(&self, pos: usize) -> usize {
        self.starts.partition_point(|&s| s <= pos)
    }
}

#[cfg(test)]
#[path = "accept_tests.rs"]
mod tests;
