//! Hostile values in reports: tag keys and values, a `for_each` key and an unmanaged object's
//! Name that carry terminal control sequences, mentions, links and Markdown/HTML
//! (`testdata/hostile/report-values/`). No human-facing output may hold a raw control
//! character, and the Markdown may neither mention anyone nor link anywhere; JSON is data and
//! keeps the values exact.

use crate::{plumb, plumb_with_env, stderr, stdout};

const DIR: &str = "testdata/hostile/report-values";

/// Control characters (but the line breaks and tabs of the output's own layout), DEL, C1
/// controls and bidi controls.
pub(crate) fn raw_hazards(text: &str) -> Vec<char> {
    text.chars()
        .filter(|&c| {
            (c.is_control() && c != '\n' && c != '\t')
                || matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
        .collect()
}

/// The Markdown outside code spans and fenced blocks: where GitHub would look for mentions,
/// references and links.
fn prose(markdown: &str) -> String {
    let mut out = String::new();
    let mut in_fence = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        let mut rest = line;
        while let Some(at) = rest.find('`') {
            out.push_str(&rest[..at]);
            let run = rest[at..].chars().take_while(|c| *c == '`').count();
            let fence = "`".repeat(run);
            let after = &rest[at + run..];
            // A closing run of the same length ends the span; none: the backticks are text.
            let close = (0..after.len()).find(|&i| {
                after.is_char_boundary(i)
                    && after[i..].starts_with(&fence)
                    && !after[i + run..].starts_with('`')
                    && (i == 0 || !after[..i].ends_with('`'))
            });
            if let Some(i) = close {
                rest = &after[i + run..];
            } else {
                out.push_str(&fence);
                rest = after;
            }
        }
        out.push_str(rest);
        out.push('\n');
    }
    out
}

/// What GitHub would turn into a mention, an issue reference or a link.
fn live_mentions_and_links(prose: &str) -> Vec<String> {
    let lower = prose.to_lowercase();
    let chars: Vec<char> = lower.chars().collect();
    let mut found = Vec::new();
    for (i, c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied().unwrap_or(' ');
        let rest: String = chars[i..].iter().take(12).collect();
        if *c == '@' && next.is_ascii_alphanumeric() {
            found.push(format!("mention {rest:?}"));
        }
        if *c == '#' && next.is_ascii_digit() && (i == 0 || !chars[i - 1].is_alphanumeric()) {
            found.push(format!("reference {rest:?}"));
        }
        if rest.starts_with("gh-") && chars.get(i + 3).is_some_and(char::is_ascii_digit) {
            found.push(format!("reference {rest:?}"));
        }
        if rest.starts_with("://") || rest.starts_with("www.") {
            found.push(format!("link {rest:?}"));
        }
    }
    found
}

/// Every `message.text` of a SARIF log (results and notifications).
fn message_texts<'a>(value: &'a serde_json::Value, out: &mut Vec<&'a str>) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(text) = map.get("message").and_then(|m| m["text"].as_str()) {
                out.push(text);
            }
            map.values().for_each(|v| message_texts(v, out));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| message_texts(v, out)),
        _ => {}
    }
}

fn scan(format: &str, extra: &[&str]) -> (String, String) {
    let state = format!("{DIR}/terraform.tfstate");
    let snapshot = format!("{DIR}/live.json");
    let mut args = vec![
        "scan",
        "--state",
        &state,
        "--snapshot",
        &snapshot,
        "--format",
        format,
    ];
    args.extend_from_slice(extra);
    let output = plumb(&args);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{format}: {err}");
    (stdout(&output), err)
}

#[test]
fn hostile_values_reach_no_output_raw() {
    let history = tempfile::tempdir().unwrap();
    let db = history.path().join("drift.db");
    let db = db.to_str().unwrap();
    let mut outputs = Vec::new();
    for format in ["table", "markdown", "sarif", "json", "plan-json"] {
        let (out, err) = scan(format, &["--history", db]);
        outputs.push((format.to_owned(), out));
        outputs.push((format!("{format} stderr"), err));
    }
    for format in ["html", "markdown"] {
        let output = plumb_with_env(
            &[
                "report",
                "--history",
                db,
                "--since",
                "30d",
                "--format",
                format,
            ],
            &[],
        );
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        outputs.push((format!("report {format}"), stdout(&output)));
    }
    // JSON documents are data: they keep values exact, with JSON's own escapes for C0
    // controls; what people read of a SARIF log (its messages) is checked below.
    let data = ["json", "sarif", "plan-json"];
    for (name, text) in &outputs {
        let raw: Vec<char> = if data.contains(&name.as_str()) {
            text.chars().filter(|&c| c < ' ' && c != '\n').collect()
        } else {
            raw_hazards(text)
        };
        assert!(raw.is_empty(), "{name} holds raw {raw:?}:\n{text}");
    }
    let sarif = &outputs.iter().find(|(n, _)| n == "sarif").unwrap().1;
    let sarif: serde_json::Value = serde_json::from_str(sarif).unwrap();
    let mut messages = Vec::new();
    message_texts(&sarif, &mut messages);
    assert!(!messages.is_empty(), "{sarif}");
    for message in messages {
        let raw = raw_hazards(message);
        assert!(
            raw.is_empty(),
            "a SARIF message holds raw {raw:?}: {message}"
        );
    }
    for (name, text) in outputs.iter().filter(|(n, _)| n.ends_with("markdown")) {
        let live = live_mentions_and_links(&prose(text));
        assert!(live.is_empty(), "{name}: {live:?}\n{text}");
    }

    // JSON is data: the values are there, exact.
    let json = &outputs.iter().find(|(n, _)| n == "json").unwrap().1;
    let report: serde_json::Value = serde_json::from_str(json).unwrap();
    let text = report.to_string();
    assert!(text.contains("@org/team https://evil.example"), "{text}");
    assert!(json.contains("\\u001b[2J@octocat"), "{json}");
}

/// The table shows what the control characters were: quoted values with their own escapes
/// (`\u001b`, `\u202e`), the rest in `\u{..}` notation.
#[test]
fn hostile_values_are_shown_visibly_in_the_table() {
    let (table, _) = scan("table", &[]);
    assert!(table.contains("\\u001b[2J@octocat"), "{table}");
    assert!(table.contains("\\u202etxt.exe"), "{table}");
}
