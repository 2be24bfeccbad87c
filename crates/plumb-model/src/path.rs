//! Attribute paths: the one way every crate names a place inside a resource's attributes.
//!
//! JSON carries a path as an array (`["metadata_options", 0, "http_tokens"]`); text carries it as
//! Terraform writes it (`metadata_options[0].http_tokens`, `tags["CostCenter"]`). An attribute name
//! and a map key are the same segment for equality: `tags.Name` in an `ignore_changes` list and
//! `tags["Name"]` from a JSON report name the same value, so they must compare equal.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use serde::de::{self, SeqAccess, Visitor};
use serde::ser::SerializeSeq;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One step of an [`AttrPath`].
#[derive(Clone, Debug)]
pub enum Segment {
    /// An attribute or block name (`metadata_options`).
    Attr(String),
    /// A map key (`tags["CostCenter"]`); equal to an `Attr` of the same text.
    Key(String),
    /// A list index. Set elements have none: set differences carry elements, not indexes.
    Index(usize),
}

impl Segment {
    /// The text of a name or key segment; `None` for an index.
    pub fn as_name(&self) -> Option<&str> {
        match self {
            Segment::Attr(s) | Segment::Key(s) => Some(s),
            Segment::Index(_) => None,
        }
    }

    pub fn as_index(&self) -> Option<usize> {
        match self {
            Segment::Index(i) => Some(*i),
            _ => None,
        }
    }
}

impl PartialEq for Segment {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Segment::Index(a), Segment::Index(b)) => a == b,
            (Segment::Index(_), _) | (_, Segment::Index(_)) => false,
            _ => self.as_name() == other.as_name(),
        }
    }
}

impl Eq for Segment {}

impl Hash for Segment {
    fn hash<H: Hasher>(&self, state: &mut H) {
        match self {
            Segment::Index(i) => {
                0u8.hash(state);
                i.hash(state);
            }
            Segment::Attr(s) | Segment::Key(s) => {
                1u8.hash(state);
                s.hash(state);
            }
        }
    }
}

impl Ord for Segment {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Segment::Index(a), Segment::Index(b)) => a.cmp(b),
            (Segment::Index(_), _) => Ordering::Less,
            (_, Segment::Index(_)) => Ordering::Greater,
            _ => self.as_name().cmp(&other.as_name()),
        }
    }
}

impl PartialOrd for Segment {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A path from a resource's top-level attributes down to one value.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AttrPath(pub Vec<Segment>);

impl AttrPath {
    pub fn root() -> Self {
        AttrPath(Vec::new())
    }

    /// A one-segment path naming a top-level attribute.
    pub fn attr(name: impl Into<String>) -> Self {
        AttrPath(vec![Segment::Attr(name.into())])
    }

    pub fn segments(&self) -> &[Segment] {
        &self.0
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The top-level attribute this path starts in.
    pub fn top(&self) -> Option<&str> {
        self.0.first().and_then(Segment::as_name)
    }

    /// The name of the attribute the path ends in, list indexes skipped
    /// (`http_tokens` in `metadata_options[0].http_tokens`, `cidr_blocks` in `cidr_blocks[1]`).
    pub fn last_name(&self) -> Option<&str> {
        self.0.iter().rev().find_map(Segment::as_name)
    }

    #[must_use]
    pub fn child_attr(&self, name: impl Into<String>) -> Self {
        self.with(Segment::Attr(name.into()))
    }

    #[must_use]
    pub fn child_key(&self, key: impl Into<String>) -> Self {
        self.with(Segment::Key(key.into()))
    }

    #[must_use]
    pub fn child_index(&self, index: usize) -> Self {
        self.with(Segment::Index(index))
    }

    #[must_use]
    pub fn with(&self, segment: Segment) -> Self {
        let mut segments = Vec::with_capacity(self.0.len() + 1);
        segments.extend_from_slice(&self.0);
        segments.push(segment);
        AttrPath(segments)
    }

    pub fn push(&mut self, segment: Segment) {
        self.0.push(segment);
    }

    /// True when `prefix` names this path or one of its ancestors. This is how
    /// `ignore_changes = [tags]` covers `tags["Owner"]`.
    pub fn starts_with(&self, prefix: &AttrPath) -> bool {
        self.0.len() >= prefix.0.len() && self.0.iter().zip(&prefix.0).all(|(a, b)| a == b)
    }

    /// The same path with list indexes removed: the schema is indexed by names only.
    #[must_use]
    pub fn without_indexes(&self) -> AttrPath {
        AttrPath(
            self.0
                .iter()
                .filter(|s| !matches!(s, Segment::Index(_)))
                .cloned()
                .collect(),
        )
    }
}

impl From<Vec<Segment>> for AttrPath {
    fn from(segments: Vec<Segment>) -> Self {
        AttrPath(segments)
    }
}

/// Writes `s` as a quoted HCL string literal, as Terraform writes instance keys: quotes,
/// backslashes and characters that are not printed escaped, and the template introducers `${`
/// and `%{` doubled. A key is data: unescaped, `${path.root}` would be evaluated by Terraform and
/// a line break would end the string.
pub(crate) fn write_quoted(f: &mut impl fmt::Write, s: &str) -> fmt::Result {
    f.write_char('"')?;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            '$' | '%' if chars.peek() == Some(&'{') => {
                f.write_char(c)?;
                f.write_char(c)?;
            }
            c if is_unprintable(c) => write!(f, "\\u{:04x}", u32::from(c))?,
            c => f.write_char(c)?,
        }
    }
    f.write_char('"')
}

/// `s` as a quoted HCL string literal (see [`write_quoted`]): the one quoting of keys and
/// strings in addresses, paths and generated HCL.
pub fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    write_quoted(&mut out, s).expect("writing to a String cannot fail");
    out
}

/// Characters that are not printed as themselves: control characters, line and paragraph
/// separators, and the invisible format characters (zero-width, bidirectional overrides and
/// isolates, byte order mark) that make text read differently from what it is. All are in the
/// Basic Multilingual Plane, so `\uXXXX` writes each.
pub fn is_unprintable(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00ad}'
                | '\u{061c}'
                | '\u{180e}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{206f}'
                | '\u{feff}'
                | '\u{fff9}'..='\u{fffb}'
        )
}

/// True for a Terraform identifier: ASCII letters, digits, `_` and `-`, not starting with a
/// digit or `-`. Paths, generated HCL and error messages all write keys by it.
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

impl fmt::Display for AttrPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Attr(name) if is_identifier(name) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    f.write_str(name)?;
                }
                Segment::Attr(name) | Segment::Key(name) => {
                    f.write_str("[")?;
                    write_quoted(f, name)?;
                    f.write_str("]")?;
                }
                Segment::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

/// Why a text path could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathParseError {
    pub input: String,
    pub message: String,
}

impl fmt::Display for PathParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid attribute path `{}`: {}",
            self.input, self.message
        )
    }
}

impl std::error::Error for PathParseError {}

impl FromStr for AttrPath {
    type Err = PathParseError;

    /// Reads the text form: `a.b[0].c`, `tags["Cost Center"]`, `tags.Name`.
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let fail = |message: &str| PathParseError {
            input: input.to_owned(),
            message: message.to_owned(),
        };
        let bytes = input.as_bytes();
        let mut segments = Vec::new();
        let mut pos = 0;
        let mut expect_name = true;
        while pos < bytes.len() {
            match bytes[pos] {
                b'[' => {
                    pos += 1;
                    if bytes.get(pos) == Some(&b'"') {
                        let (key, next) = read_quoted(input, pos).map_err(|m| fail(&m))?;
                        pos = next;
                        segments.push(Segment::Key(key));
                    } else {
                        let start = pos;
                        while pos < bytes.len() && bytes[pos].is_ascii_digit() {
                            pos += 1;
                        }
                        let index = input[start..pos]
                            .parse()
                            .map_err(|_| fail("expected a list index or a quoted key"))?;
                        segments.push(Segment::Index(index));
                    }
                    if bytes.get(pos) != Some(&b']') {
                        return Err(fail("expected `]`"));
                    }
                    pos += 1;
                    expect_name = false;
                }
                b'.' if !expect_name => {
                    pos += 1;
                    expect_name = true;
                }
                _ if expect_name => {
                    let start = pos;
                    while pos < bytes.len() && !matches!(bytes[pos], b'.' | b'[') {
                        pos += 1;
                    }
                    let name = input[start..pos].trim();
                    if name.is_empty() {
                        return Err(fail("empty attribute name"));
                    }
                    segments.push(Segment::Attr(name.to_owned()));
                    expect_name = false;
                }
                _ => return Err(fail("expected `.` or `[`")),
            }
        }
        if segments.is_empty() {
            return Err(fail("empty path"));
        }
        if expect_name {
            return Err(fail("path ends with `.`"));
        }
        Ok(AttrPath(segments))
    }
}

/// Reads a double-quoted HCL string literal starting at `start` (the quote); returns its text and
/// the position after it. The inverse of [`write_quoted`]: `\n`, `\r`, `\t`, `\"`, `\\`,
/// `\uXXXX`, `\UXXXXXXXX`, and `$${` / `%%{` for a literal `${` / `%{`.
pub(crate) fn read_quoted(input: &str, start: usize) -> Result<(String, usize), String> {
    let mut out = String::new();
    let body = &input[start + 1..];
    let mut chars = body.char_indices().peekable();
    while let Some((offset, c)) = chars.next() {
        match c {
            '"' => return Ok((out, start + 1 + offset + 1)),
            '\\' => match chars.next() {
                Some((_, 'n')) => out.push('\n'),
                Some((_, 't')) => out.push('\t'),
                Some((_, 'r')) => out.push('\r'),
                Some((at, u @ ('u' | 'U'))) => {
                    let digits = if u == 'u' { 4 } else { 8 };
                    let hex = body
                        .get(at + 1..at + 1 + digits)
                        .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
                        .ok_or_else(|| format!("`\\{u}` needs {digits} hexadecimal digits"))?;
                    let code = u32::from_str_radix(hex, 16).map_err(|e| e.to_string())?;
                    out.push(
                        char::from_u32(code)
                            .ok_or_else(|| format!("`\\{u}{hex}` is not a character"))?,
                    );
                    for _ in 0..digits {
                        chars.next();
                    }
                }
                Some((_, other)) => out.push(other),
                None => break,
            },
            '$' | '%'
                if body[offset + 1..]
                    .strip_prefix(c)
                    .is_some_and(|rest| rest.starts_with('{')) =>
            {
                // `$${` is a literal `${`: keep one introducer, the `{` follows as text.
                chars.next();
                out.push(c);
            }
            c => out.push(c),
        }
    }
    Err("unterminated quoted key".to_owned())
}

impl Serialize for AttrPath {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for segment in &self.0 {
            match segment {
                Segment::Attr(s) | Segment::Key(s) => seq.serialize_element(s)?,
                Segment::Index(i) => seq.serialize_element(i)?,
            }
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for AttrPath {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Index(usize),
            Name(String),
        }
        struct PathVisitor;
        impl<'de> Visitor<'de> for PathVisitor {
            type Value = AttrPath;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of attribute names, map keys and list indexes")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<AttrPath, A::Error> {
                let mut segments = Vec::new();
                while let Some(raw) = seq.next_element::<Raw>()? {
                    segments.push(match raw {
                        Raw::Index(i) => Segment::Index(i),
                        Raw::Name(s) => Segment::Attr(s),
                    });
                }
                Ok(AttrPath(segments))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<AttrPath, E> {
                v.parse().map_err(E::custom)
            }
        }
        deserializer.deserialize_any(PathVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_form_round_trips() {
        for text in [
            "metadata_options[0].http_tokens",
            "tags[\"CostCenter\"]",
            "tags[\"Cost \\\"Center\\\"\"]",
            "ingress",
            "a.b.c",
        ] {
            let path: AttrPath = text.parse().unwrap();
            let shown = path.to_string();
            let again: AttrPath = shown.parse().unwrap();
            assert_eq!(path, again, "{text} -> {shown}");
        }
        let path: AttrPath = "tags[\"CostCenter\"]".parse().unwrap();
        assert_eq!(path.to_string(), "tags[\"CostCenter\"]");
    }

    #[test]
    fn attribute_access_on_a_map_equals_key_access() {
        let dotted: AttrPath = "tags.Name".parse().unwrap();
        let keyed: AttrPath = "tags[\"Name\"]".parse().unwrap();
        assert_eq!(dotted, keyed);
        assert!(keyed.starts_with(&AttrPath::attr("tags")));
    }

    #[test]
    fn json_form_is_an_array() {
        let path: AttrPath = "metadata_options[0].http_tokens".parse().unwrap();
        let json = serde_json::to_string(&path).unwrap();
        assert_eq!(json, r#"["metadata_options",0,"http_tokens"]"#);
        let back: AttrPath = serde_json::from_str(&json).unwrap();
        assert_eq!(back, path);
    }

    #[test]
    fn malformed_paths_are_errors() {
        for bad in ["", "a.", "a[", "a[x]", "a[\"k\"", ".a", "a..b"] {
            assert!(bad.parse::<AttrPath>().is_err(), "{bad:?} should not parse");
        }
    }
}
