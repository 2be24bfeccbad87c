//! `plumb rules`: the classification rules and the noise judgements, for people (table), tools
//! (JSON) and the documentation (`docs/rules.md` is this module's Markdown, generated).
//!
//! The renderers take plain records rather than the drift engine's registries, so that this crate
//! keeps depending on the model only; the binary copies the registries into them.

use std::io::{self, Write};

use plumb_model::Severity;
use serde::Serialize;

use crate::PLUMB_VERSION;
use crate::table::{TableOptions, write_table};

/// The command that writes `docs/rules.md`, named in the page and in the test that checks it.
pub const REGENERATE_DOCS: &str = "plumb rules --format markdown > docs/rules.md";

/// One classification rule.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct RuleInfo<'a> {
    pub id: &'a str,
    pub severity: Severity,
    pub title: &'a str,
    /// Classifies only what no specific rule classified.
    pub fallback: bool,
    pub what: &'a str,
    pub why: &'a str,
    pub fix: &'a str,
}

/// One way a difference is judged to be noise (a normalizer, or a judgement of the engine's).
#[derive(Clone, Copy, Debug, Serialize)]
pub struct NoiseInfo<'a> {
    pub id: &'a str,
    /// The line `suppressed[].reason` shows.
    pub reason: &'a str,
    pub doc: &'a str,
}

/// Everything `plumb rules` lists.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Catalog<'a> {
    pub rules: &'a [RuleInfo<'a>],
    /// In the order they are tried.
    pub normalizers: &'a [NoiseInfo<'a>],
    /// Suppressions the engine makes from the whole resource.
    pub judgements: &'a [NoiseInfo<'a>],
}

/// Writes the terminal listing: rules by registry order, then the noise judgements.
pub fn render_table(
    catalog: &Catalog<'_>,
    out: &mut dyn Write,
    options: TableOptions,
) -> io::Result<()> {
    let mut rules = options.table(&["RULE", "SEVERITY", "TITLE"]);
    for rule in catalog.rules {
        let severity = if rule.fallback {
            format!("{} (fallback)", rule.severity)
        } else {
            rule.severity.to_string()
        };
        rules.add_row(vec![rule.id, &severity, rule.title]);
    }
    write_table(out, &mut rules)?;
    writeln!(out)?;
    let mut noise = options.table(&["NOISE", "BY", "REASON"]);
    for (by, list) in [
        ("normalizer", catalog.normalizers),
        ("engine", catalog.judgements),
    ] {
        for item in list {
            noise.add_row(vec![item.id, by, item.reason]);
        }
    }
    write_table(out, &mut noise)?;
    writeln!(out)?;
    writeln!(
        out,
        "{} rules, {} noise judgements; details: plumb rules --format markdown",
        catalog.rules.len(),
        catalog.normalizers.len() + catalog.judgements.len()
    )
}

#[derive(Serialize)]
struct CatalogJson<'a> {
    plumb_version: &'static str,
    #[serde(flatten)]
    catalog: &'a Catalog<'a>,
}

/// Writes the catalog as one JSON document.
pub fn render_json(catalog: &Catalog<'_>, out: &mut dyn Write) -> io::Result<()> {
    let doc = CatalogJson {
        plumb_version: PLUMB_VERSION,
        catalog,
    };
    plumb_model::json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::other)?;
    writeln!(out)
}

/// A table cell: one line, pipes escaped.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// Writes the rules page (`docs/rules.md`): an index, one section per rule (what it does, why it
/// matters, how to fix), then the normalizers and the engine's judgements. No version or date,
/// so that the page changes only when a rule does.
pub fn render_markdown(catalog: &Catalog<'_>, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "# Rules")?;
    writeln!(out)?;
    writeln!(
        out,
        "<!-- Generated from the rule registry by `{REGENERATE_DOCS}`. Do not edit by hand. -->"
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "plumb compares every attribute of every resource in three places: the code, the state and \
         the live cloud. Each difference is first offered to the [normalizers](#normalizers) and \
         the [engine's judgements](#engine-judgements); one that they judge to be noise goes to \
         the report's `suppressed[]` with the id that judged it. Every other difference is \
         classified by the rules below: the most severe specific rule that fires sets its \
         severity, and the fallback rules speak only when no specific rule does. A difference \
         classified `benign` goes to `suppressed[]` with its rule's id too. A resource's \
         severity is the highest of its differences'."
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "A policy file (`.plumb.hcl`) can override a rule's severity for a type or an attribute \
         path, or ignore differences with a reason. `plumb rules` lists the same registry in the \
         terminal, and `plumb rules --format json` for tools."
    )?;
    writeln!(out)?;
    writeln!(out, "| Rule | Default severity | Title |")?;
    writeln!(out, "| --- | --- | --- |")?;
    for rule in catalog.rules {
        writeln!(
            out,
            "| [`{id}`](#{id}) | {sev}{fallback} | {title} |",
            id = rule.id,
            sev = rule.severity,
            fallback = if rule.fallback { " (fallback)" } else { "" },
            title = cell(rule.title)
        )?;
    }
    writeln!(out)?;
    writeln!(out, "## Classification rules")?;
    for rule in catalog.rules {
        writeln!(out)?;
        writeln!(out, "### `{}`", rule.id)?;
        writeln!(out)?;
        writeln!(out, "{}", rule.title)?;
        writeln!(out)?;
        write!(out, "**Default severity:** {}", rule.severity)?;
        if rule.fallback {
            write!(
                out,
                " (fallback: applies only when no specific rule classifies the difference)"
            )?;
        }
        writeln!(out)?;
        for (heading, text) in [
            ("What it does", rule.what),
            ("Why it matters", rule.why),
            ("How to fix", rule.fix),
        ] {
            writeln!(out)?;
            writeln!(out, "#### {heading}")?;
            writeln!(out)?;
            writeln!(out, "{text}")?;
        }
    }
    writeln!(out)?;
    writeln!(out, "## Normalizers")?;
    writeln!(out)?;
    writeln!(
        out,
        "Each normalizer rewrites both sides of a difference into a canonical form. They are \
         tried in this order, cheapest and most certain first; the first after which the two \
         sides are equal is the one a suppressed difference names."
    )?;
    write_noise(out, catalog.normalizers)?;
    writeln!(out)?;
    writeln!(out, "## Engine judgements")?;
    writeln!(out)?;
    writeln!(
        out,
        "Suppressions the engine makes from the whole resource rather than one attribute's \
         value. They appear in `suppressed[]` like a normalizer's."
    )?;
    write_noise(out, catalog.judgements)
}

fn write_noise(out: &mut dyn Write, list: &[NoiseInfo<'_>]) -> io::Result<()> {
    for item in list {
        writeln!(out)?;
        writeln!(out, "### `{}`", item.id)?;
        writeln!(out)?;
        writeln!(out, "**Reason shown:** {}", item.reason)?;
        writeln!(out)?;
        writeln!(out, "{}", item.doc)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: &[RuleInfo<'static>] = &[
        RuleInfo {
            id: "aws-example-open",
            severity: Severity::Critical,
            title: "Something opened to the world",
            fallback: false,
            what: "Detects an opening.",
            why: "Openings are reached.",
            fix: "Close it, or put it in the code.",
        },
        RuleInfo {
            id: "attribute-changed",
            severity: Severity::Medium,
            title: "Any other change | with a pipe",
            fallback: true,
            what: "Any difference no other rule classified.",
            why: "The live object no longer matches.",
            fix: "Revert it or accept it.",
        },
    ];
    const NORMALIZERS: &[NoiseInfo<'static>] = &[NoiseInfo {
        id: "set-order",
        reason: "same set elements in another order",
        doc: "Sets have no order.",
    }];
    const JUDGEMENTS: &[NoiseInfo<'static>] = &[NoiseInfo {
        id: "schema-version",
        reason: "the attribute exists in one provider version only",
        doc: "Provider versions differ.",
    }];
    const CATALOG: Catalog<'static> = Catalog {
        rules: RULES,
        normalizers: NORMALIZERS,
        judgements: JUDGEMENTS,
    };

    fn rendered(render: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> String {
        let mut out = Vec::new();
        render(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn table() {
        let text = rendered(|out| render_table(&CATALOG, out, TableOptions::default()));
        insta::assert_snapshot!(text);
    }

    #[test]
    fn json() {
        let text = rendered(|out| render_json(&CATALOG, out));
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(doc["plumb_version"], PLUMB_VERSION);
        // The version changes with every release; the snapshot pins the rest.
        let mut doc = doc;
        doc["plumb_version"] = serde_json::Value::from("VERSION");
        insta::assert_json_snapshot!(doc);
    }

    #[test]
    fn markdown() {
        let text = rendered(|out| render_markdown(&CATALOG, out));
        assert!(text.contains(REGENERATE_DOCS));
        insta::assert_snapshot!(text);
    }
}
