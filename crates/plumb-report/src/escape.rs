//! The one place where text from input (tag keys and values, names, instance keys, ids,
//! reasons that quote values, file names) becomes text a person reads on a terminal.
//!
//! Input is data, never code: an `ESC [2J` in a tag value must not clear the screen, an OSC 52
//! sequence must not write the clipboard, a carriage return must not overwrite the line before
//! it, and a bidi override must not make a line read otherwise than it is. Every control
//! character (C0, DEL, C1) and every bidi control is written in Rust's `\u{..}` notation, so it
//! is visible and inert. (Values and instance keys reach here already quoted, with their own
//! escapes; a literal `\u{1b}` in input stays as it is: text that reads like an escape is
//! still only text.)
//! Markdown ([`crate::markdown`]) and HTML ([`crate::history_pages`]) build on this; JSON
//! outputs keep values exact (serde escapes control characters there).

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` must not reach a reader raw: C0 and C1 controls, DEL, and the bidi controls
/// (marks, embeddings, overrides and isolates) that reorder what is shown.
pub fn is_hazard(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// `text` for a terminal or any plain-text reader: hazards as `\u{..}`. Borrowed when there
/// is nothing to change (the common case).
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_hazard) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_visible(&mut out, c);
    }
    Cow::Owned(out)
}

/// Appends `c` as [`visible`] writes it.
pub(crate) fn push_visible(out: &mut String, c: char) {
    if is_hazard(c) {
        let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
    } else {
        out.push(c);
    }
}

/// A line a table renderer wrote: its cells were made [`visible`], and the table's own colours
/// (SGR sequences, `ESC [ ... m`) are kept; any other control left is made visible, so that
/// nothing a cell missed reaches the terminal raw.
pub(crate) fn table_line(line: &str) -> Cow<'_, str> {
    if !line.chars().any(is_hazard) {
        return Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if let Some(len) = sgr_len(rest) {
            out.push_str(&rest[..len]);
            rest = &rest[len..];
            continue;
        }
        push_visible(&mut out, c);
        rest = &rest[c.len_utf8()..];
    }
    Cow::Owned(out)
}

/// The length of the SGR sequence (`ESC [` digits and `;` then `m`) `text` starts with.
pub(crate) fn sgr_len(text: &str) -> Option<usize> {
    let body = text.strip_prefix("\u{1b}[")?;
    let params = body
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b';')
        .count();
    (body.as_bytes().get(params) == Some(&b'm')).then_some(2 + params + 1)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Hostile strings every writer is tried on.
    pub(crate) const HOSTILE: &[&str] = &[
        "\u{1b}[2J",
        "\u{1b}]52;c;ZWNobyBwd25lZA==\u{7}",
        "bell\u{7}",
        "fake progress\rREAL",
        "\u{202e}txt.exe",
        "isolate\u{2066}x\u{2069}",
        "c1\u{9b}31m",
        "del\u{7f}",
        "line\nnext",
        "@octocat",
        "@org/team",
        "https://evil.example",
        "www.evil.example",
        "<https://x>",
        "a|b",
        "```",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        "mail me@evil.example",
        "see #123 and GH-1",
        "<!-- hidden -->",
        "# heading",
    ];

    #[test]
    fn visible_leaves_no_control_character() {
        for text in HOSTILE {
            let shown = visible(text);
            assert!(!shown.chars().any(is_hazard), "{text:?} shows as {shown:?}");
        }
        assert_eq!(visible("\u{1b}[2J"), "\\u{1b}[2J");
        assert_eq!(visible("a\u{7}b"), "a\\u{7}b");
        assert_eq!(visible("\u{202e}x"), "\\u{202e}x");
        assert!(matches!(visible("web-01 (t3.micro)"), Cow::Borrowed(_)));
        assert_eq!(visible("Grüße 日本"), "Grüße 日本");
    }

    #[test]
    fn table_lines_keep_their_colours_only() {
        let line = "\u{1b}[31mcritical\u{1b}[0m  \u{1b}[2J\u{1b}]52;c;x\u{7}";
        assert_eq!(
            table_line(line),
            "\u{1b}[31mcritical\u{1b}[0m  \\u{1b}[2J\\u{1b}]52;c;x\\u{7}"
        );
    }
}
