use plumb_model::{ParityKind, Severity};

use super::{ParityChange, Rule, RuleDoc};

pub struct ParitySettingDiffers;

impl Rule for ParitySettingDiffers {
    fn id(&self) -> &'static str {
        "parity-setting-differs"
    }
    fn severity(&self) -> Severity {
        Severity::Medium
    }
    fn title(&self) -> &'static str {
        "A functional setting differs between environments"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            what: "Any other attribute differs between environments after normalization: an \
                   instance size within its family, a volume type, IOPS or throughput, a \
                   backup window, a flag. Tags and descriptions are `parity-tags-differ`.",
            why: "Each such difference is a way the next environment behaves unlike the one \
                  where the change was tested: performance, limits, maintenance timing.",
            fix: "Set it through the shared module's inputs so that every environment gets the \
                  value on purpose; list the sizes that are meant to differ in \
                  `parity { vary = [...] }`.",
        }
    }
    fn fallback(&self) -> bool {
        true
    }
    fn check_parity(&self, change: &ParityChange<'_>) -> Option<String> {
        if change.kind != ParityKind::Differs {
            return None;
        }
        let path = change.path?;
        // Tags and descriptions are `parity-tags-differ`'s.
        (!change.is_tag_or_description()).then(|| format!("{path} differs: {}", change.listing()))
    }
}
