//! `plumb rules`: the rule registry, the normalizers and the engine's judgements, with their
//! docs. `docs/rules.md` is this command's Markdown, so the page cannot drift from the code.

use anyhow::Result;
use plumb_drift::judgements::ENGINE_JUDGEMENTS;
use plumb_report::rules::{Catalog, NoiseInfo, RuleInfo};

use crate::cli::RulesArgs;
use crate::formats::Report;
use crate::{exit, output};

/// The classification rules with their docs, as the renderers take them (`plumb rules`, SARIF).
pub fn rule_infos() -> Vec<RuleInfo<'static>> {
    plumb_drift::rules::registry()
        .iter()
        .map(|rule| {
            let doc = rule.doc();
            RuleInfo {
                id: rule.id(),
                severity: rule.severity(),
                title: rule.title(),
                fallback: rule.fallback(),
                what: doc.what,
                why: doc.why,
                fix: doc.fix,
            }
        })
        .collect()
}

pub fn run(args: &RulesArgs) -> Result<u8> {
    let rules = rule_infos();
    let normalizers: Vec<NoiseInfo<'static>> = plumb_drift::normalize::registry()
        .iter()
        .map(|n| NoiseInfo {
            id: n.id(),
            reason: n.reason(),
            doc: n.doc(),
        })
        .collect();
    let judgements: Vec<NoiseInfo<'static>> = ENGINE_JUDGEMENTS
        .iter()
        .map(|j| NoiseInfo {
            id: j.id,
            reason: j.reason,
            doc: j.doc,
        })
        .collect();
    let catalog = Catalog {
        rules: &rules,
        normalizers: &normalizers,
        judgements: &judgements,
    };
    let stdout = output::Target {
        format: args.format,
        path: None,
    };
    output::emit(&[stdout], &Report::Rules(&catalog))?;
    Ok(exit::OK)
}
