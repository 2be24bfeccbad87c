//! The UTF-8 byte-order mark. Editors on Windows (and PowerShell's `Out-File`) start text files
//! with one; Terraform ignores it, so every reader of plumb's inputs (states, plans, snapshots,
//! schemas, policies, HCL, saved reports, plugin output) must too, and all of them do it here,
//! so that no input kind is read differently from another.

/// The three bytes of U+FEFF in UTF-8.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// `bytes` without a leading byte-order mark.
pub fn strip(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes)
}

/// `text` without a leading byte-order mark.
pub fn strip_str(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leading_bom_is_dropped_and_nothing_else() {
        assert_eq!(strip(b"\xEF\xBB\xBF{}"), b"{}");
        assert_eq!(strip(b"{}"), b"{}");
        assert_eq!(strip(b"\xEF\xBB"), b"\xEF\xBB");
        // Only one, and only at the start: a second mark is content.
        assert_eq!(strip(b"\xEF\xBB\xBF\xEF\xBB\xBF"), UTF8_BOM);
        assert_eq!(strip_str("\u{feff}x\u{feff}"), "x\u{feff}");
        assert_eq!(strip_str(""), "");
    }
}
