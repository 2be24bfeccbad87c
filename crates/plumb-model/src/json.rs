//! The one JSON writer of every document plumb emits (reports, snapshots, plan-json, SARIF).
//!
//! JSON is data: values stay exact. But a report printed to a terminal is read there too, and
//! serde escapes only the C0 controls: a C1 control (`U+009B` is an 8-bit CSI to some
//! terminals), DEL or a bidi override from a tag value would reach the screen raw. Here every
//! character that is not printed as itself ([`crate::path::is_unprintable`]) is written as a
//! `\uXXXX` escape, which any JSON reader turns back into the same character.

use std::io;

use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};

/// Writes `value` as pretty-printed JSON, with unprintable characters escaped.
pub fn to_writer_pretty<W: io::Write + ?Sized, T: Serialize + ?Sized>(
    out: &mut W,
    value: &T,
) -> serde_json::Result<()> {
    let mut serializer =
        serde_json::Serializer::with_formatter(out, InertFormatter(PrettyFormatter::new()));
    value.serialize(&mut serializer)
}

/// [`to_writer_pretty`] into a `String`.
pub fn to_string_pretty<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    let mut out = Vec::new();
    to_writer_pretty(&mut out, value)?;
    Ok(String::from_utf8(out).expect("serde_json writes UTF-8"))
}

/// serde's pretty formatter, with the string fragments it writes raw checked first.
struct InertFormatter<'a>(PrettyFormatter<'a>);

impl Formatter for InertFormatter<'_> {
    fn write_string_fragment<W: io::Write + ?Sized>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut rest = fragment;
        while let Some((at, c)) = rest
            .char_indices()
            .find(|&(_, c)| crate::path::is_unprintable(c))
        {
            writer.write_all(&rest.as_bytes()[..at])?;
            write!(writer, "\\u{:04x}", u32::from(c))?;
            rest = &rest[at + c.len_utf8()..];
        }
        writer.write_all(rest.as_bytes())
    }

    fn begin_array<W: io::Write + ?Sized>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: io::Write + ?Sized>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: io::Write + ?Sized>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: io::Write + ?Sized>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: io::Write + ?Sized>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: io::Write + ?Sized>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: io::Write + ?Sized>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: io::Write + ?Sized>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: io::Write + ?Sized>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// C1 controls, DEL and bidi controls leave as escapes and come back exact.
    #[test]
    fn unprintable_characters_are_escaped_and_round_trip() {
        let hostile = "a\u{9b}2J\u{7f}b\u{202e}txt\u{2066}x\u{2069} \u{1b}[2J é 漢";
        let doc = serde_json::json!({ "k\u{202e}": [hostile, 1, null] });
        let text = to_string_pretty(&doc).unwrap();
        assert!(
            !text
                .chars()
                .any(|c| crate::path::is_unprintable(c) && c != '\n'),
            "{text:?}"
        );
        assert!(
            text.contains("\\u009b") && text.contains("\\u202e"),
            "{text}"
        );
        assert!(
            text.contains("é 漢"),
            "printable text stays as it is: {text}"
        );
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, doc);
    }
}
