//! The output formats, declared once: each format's name and the reports it renders (with the
//! line `--help` shows for that rendering), each command's offer, and the one dispatch from a
//! format and a report to its renderer. `--format`, `--output FORMAT=PATH`, `--help`, the
//! completions and the manual page all read these tables, so a format cannot be offered where
//! nothing renders it.

use std::io::{self, Write};

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use plumb_report::TableOptions;

/// An output format. Its name and renderings are in [`FORMATS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Markdown,
    Sarif,
    PlanJson,
    Html,
}

/// The reports plumb renders, one per kind of result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportKind {
    /// `scan` and `check-plan`: drift findings.
    Drift,
    /// `parity`: environments compared.
    Parity,
    /// `diff`: two states compared.
    Diff,
    /// `report`: drift over time from the history.
    History,
    /// `rules`: the rules, normalizers and judgements.
    Rules,
    /// `inspect`: what was read.
    Inspect,
    /// `adapters`: where live state can come from.
    Adapters,
}

/// One report a format renders; `help` is what `--help` says of it (what a table is depends on
/// the report), `None` for a format that needs no words there.
#[derive(Debug)]
pub struct Rendering {
    pub report: ReportKind,
    pub help: Option<&'static str>,
}

/// A format: the name `--format` and `--output FORMAT=PATH` take, and what it renders.
#[derive(Debug)]
pub struct FormatSpec {
    pub format: Format,
    pub name: &'static str,
    pub renders: &'static [Rendering],
}

const fn renders(report: ReportKind, help: &'static str) -> Rendering {
    Rendering {
        report,
        help: Some(help),
    }
}

const fn renders_plainly(report: ReportKind) -> Rendering {
    Rendering { report, help: None }
}

static TABLE: FormatSpec = FormatSpec {
    format: Format::Table,
    name: "table",
    renders: &[
        renders(
            ReportKind::Drift,
            "A summary and the findings by severity, for a terminal",
        ),
        renders(
            ReportKind::Parity,
            "A matrix: one row per finding, one column per environment",
        ),
        renders(
            ReportKind::Diff,
            "A matrix: one row per finding, one column per environment",
        ),
        renders_plainly(ReportKind::Rules),
        renders_plainly(ReportKind::Inspect),
        renders_plainly(ReportKind::Adapters),
    ],
};

static HTML: FormatSpec = FormatSpec {
    format: Format::Html,
    name: "html",
    renders: &[renders(
        ReportKind::History,
        "One self-contained page with trend charts, for a CI artifact",
    )],
};

static JSON: FormatSpec = FormatSpec {
    format: Format::Json,
    name: "json",
    renders: &[
        renders(ReportKind::Drift, "The JSON report (docs/json-format.md)"),
        renders(ReportKind::Parity, "JSON (docs/parity-format.md)"),
        renders(ReportKind::Diff, "JSON (docs/parity-format.md)"),
        renders(ReportKind::History, "The numbers, for dashboards"),
        renders_plainly(ReportKind::Rules),
        renders_plainly(ReportKind::Inspect),
        renders_plainly(ReportKind::Adapters),
    ],
};

static MARKDOWN: FormatSpec = FormatSpec {
    format: Format::Markdown,
    name: "markdown",
    renders: &[
        renders(
            ReportKind::Drift,
            "A pull-request comment, with a hidden marker to update it in place",
        ),
        renders(ReportKind::Parity, "For a pull request or an issue"),
        renders(ReportKind::Diff, "For a pull request or an issue"),
        renders(
            ReportKind::History,
            "The same summary, for a chat message or a tracking issue",
        ),
        renders_plainly(ReportKind::Rules),
    ],
};

static SARIF: FormatSpec = FormatSpec {
    format: Format::Sarif,
    name: "sarif",
    renders: &[
        renders(ReportKind::Drift, "SARIF 2.1.0, for code scanning"),
        renders(ReportKind::Parity, "SARIF 2.1.0, for code scanning"),
    ],
};

static PLAN_JSON: FormatSpec = FormatSpec {
    format: Format::PlanJson,
    name: "plan-json",
    renders: &[renders(
        ReportKind::Drift,
        "The shape of `terraform show -json` (`resource_drift`), for policy tools",
    )],
};

/// Every format, in the order `--help` lists them.
pub static FORMATS: &[&FormatSpec] = &[&TABLE, &HTML, &JSON, &MARKDOWN, &SARIF, &PLAN_JSON];

impl Format {
    pub fn spec(self) -> &'static FormatSpec {
        match self {
            Format::Table => &TABLE,
            Format::Json => &JSON,
            Format::Markdown => &MARKDOWN,
            Format::Sarif => &SARIF,
            Format::PlanJson => &PLAN_JSON,
            Format::Html => &HTML,
        }
    }

    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// The format of this name, as clap compares names: ASCII letters in any case.
    pub fn named(name: &str) -> Option<Format> {
        FORMATS
            .iter()
            .find(|spec| spec.name.eq_ignore_ascii_case(name))
            .map(|spec| spec.format)
    }

    pub fn rendering(self, report: ReportKind) -> Option<&'static Rendering> {
        self.spec().renders.iter().find(|r| r.report == report)
    }
}

/// What a command offers: the report it writes and the formats it writes it in, the first of
/// them its default.
#[derive(Debug)]
pub struct Offer {
    /// The commands that take these flags.
    pub commands: &'static [&'static str],
    pub report: ReportKind,
    pub formats: &'static [Format],
}

pub const INSPECT: Offer = Offer {
    commands: &["inspect"],
    report: ReportKind::Inspect,
    formats: &[Format::Table, Format::Json],
};

pub const DRIFT: Offer = Offer {
    commands: &["scan", "check-plan"],
    report: ReportKind::Drift,
    formats: &[
        Format::Table,
        Format::Json,
        Format::Markdown,
        Format::Sarif,
        Format::PlanJson,
    ],
};

pub const PARITY: Offer = Offer {
    commands: &["parity"],
    report: ReportKind::Parity,
    formats: &[Format::Table, Format::Json, Format::Markdown, Format::Sarif],
};

pub const DIFF: Offer = Offer {
    commands: &["diff"],
    report: ReportKind::Diff,
    formats: &[Format::Table, Format::Json, Format::Markdown],
};

pub const HISTORY: Offer = Offer {
    commands: &["report"],
    report: ReportKind::History,
    formats: &[Format::Html, Format::Markdown, Format::Json],
};

pub const RULES: Offer = Offer {
    commands: &["rules"],
    report: ReportKind::Rules,
    formats: &[Format::Table, Format::Json, Format::Markdown],
};

pub const ADAPTERS: Offer = Offer {
    commands: &["adapters"],
    report: ReportKind::Adapters,
    formats: &[Format::Table, Format::Json],
};

/// Every command's offer, as the tests check them against the registry and the command line.
#[cfg(test)]
pub const OFFERS: &[&Offer] = &[
    &INSPECT, &DRIFT, &PARITY, &DIFF, &HISTORY, &RULES, &ADAPTERS,
];

impl Offer {
    /// The format standard output gets without `--format`.
    pub fn default_format(&self) -> Format {
        self.formats[0]
    }

    /// The offered format of this name (any case), if any.
    pub fn named(&self, name: &str) -> Option<Format> {
        Format::named(name).filter(|f| self.formats.contains(f))
    }

    /// The offered formats as clap lists them: name, and the rendering's help.
    pub fn possible_values(&self) -> impl Iterator<Item = PossibleValue> + '_ {
        self.formats.iter().map(|format| {
            let value = PossibleValue::new(format.name());
            match format.rendering(self.report).and_then(|r| r.help) {
                Some(help) => value.help(help),
                None => value,
            }
        })
    }

    /// The value parser of `--format`: the offered names, the rest refused as clap refuses any
    /// value outside a list.
    pub fn parser(&'static self) -> impl TypedValueParser<Value = Format> {
        // The list lets offered names alone through: the default is never reached.
        PossibleValuesParser::new(self.possible_values())
            .map(|name| self.named(&name).unwrap_or_else(|| self.default_format()))
    }

    /// `table, json or markdown`: the offered names, for an error message.
    pub fn listed(&self) -> String {
        let names: Vec<&str> = self.formats.iter().map(|f| f.name()).collect();
        match names.split_last() {
            Some((last, [])) => (*last).to_owned(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::new(),
        }
    }
}

/// A report to render, with what its renderers need beside it.
pub enum Report<'a> {
    Drift(DriftViews<'a>),
    Parity {
        report: &'a plumb_report::parity::ParityReport<'a>,
        rules: &'a [plumb_report::rules::RuleInfo<'a>],
    },
    Diff(&'a plumb_report::parity::DiffReport<'a>),
    History(&'a plumb_report::history::HistoryView),
    Rules(&'a plumb_report::rules::Catalog<'a>),
    Inspect(&'a plumb_report::inspect::Inspection<'a>),
    Adapters(&'a crate::commands::AdapterList),
}

/// The views of one drift report: the whole report, the comment (with `--new-only`, new drift
/// alone), and what SARIF and plan-json add.
pub struct DriftViews<'a> {
    pub report: &'a plumb_report::scan::ScanReport<'a>,
    pub comment: &'a plumb_report::scan::ScanReport<'a>,
    pub markdown: &'a plumb_report::markdown::MarkdownOptions,
    pub rules: &'a [plumb_report::rules::RuleInfo<'a>],
    pub plan_drift: &'a [plumb_report::plan_json::DriftEntry<'a>],
}

impl Report<'_> {
    pub fn kind(&self) -> ReportKind {
        match self {
            Report::Drift(_) => ReportKind::Drift,
            Report::Parity { .. } => ReportKind::Parity,
            Report::Diff(_) => ReportKind::Diff,
            Report::History(_) => ReportKind::History,
            Report::Rules(_) => ReportKind::Rules,
            Report::Inspect(_) => ReportKind::Inspect,
            Report::Adapters(_) => ReportKind::Adapters,
        }
    }
}

/// Renders `report` in `format`: every renderer of every report is called from here. A pair
/// the registry does not list is an error (the offers keep it from happening).
pub fn render(
    format: Format,
    report: &Report<'_>,
    options: TableOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    use plumb_report::{history, history_pages, inspect, markdown, parity, plan_json, rules};
    use plumb_report::{sarif, scan};
    match (report, format) {
        (Report::Drift(v), Format::Table) => scan::render_table(v.report, out, options),
        (Report::Drift(v), Format::Json) => scan::render_json(v.report, out),
        (Report::Drift(v), Format::Markdown) => {
            markdown::render_markdown(v.comment, out, v.markdown)
        }
        (Report::Drift(v), Format::Sarif) => sarif::render_sarif(v.report, v.rules, out),
        (Report::Drift(v), Format::PlanJson) => plan_json::render_plan_json(v.plan_drift, out),
        (Report::Parity { report, .. }, Format::Table) => {
            parity::render_parity_table(report, out, options)
        }
        (Report::Parity { report, .. }, Format::Json) => parity::render_parity_json(report, out),
        (Report::Parity { report, .. }, Format::Markdown) => {
            parity::render_parity_markdown(report, out)
        }
        (Report::Parity { report, rules }, Format::Sarif) => {
            sarif::render_parity_sarif(report, rules, out)
        }
        (Report::Diff(r), Format::Table) => parity::render_diff_table(r, out, options),
        (Report::Diff(r), Format::Json) => parity::render_diff_json(r, out),
        (Report::Diff(r), Format::Markdown) => parity::render_diff_markdown(r, out),
        (Report::History(v), Format::Html) => history_pages::render_history_html(v, out),
        (Report::History(v), Format::Markdown) => history_pages::render_history_markdown(v, out),
        (Report::History(v), Format::Json) => history::render_history_json(v, out),
        (Report::Rules(c), Format::Table) => rules::render_table(c, out, options),
        (Report::Rules(c), Format::Json) => rules::render_json(c, out),
        (Report::Rules(c), Format::Markdown) => rules::render_markdown(c, out),
        (Report::Inspect(i), Format::Table) => inspect::render_table(i, out, options),
        (Report::Inspect(i), Format::Json) => inspect::render_json(i, out),
        (Report::Adapters(list), Format::Table) => list.render_table(out),
        (Report::Adapters(list), Format::Json) => list.render_json(out),
        (report, format) => Err(io::Error::other(format!(
            "{} does not render the {:?} report",
            format.name(),
            report.kind()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every offered format renders the offer's report, and every rendering is offered by some
    /// command: a format nobody can ask for, or one a command lists but cannot write, fails here.
    #[test]
    fn offers_and_renderings_agree() {
        for offer in OFFERS {
            assert!(!offer.formats.is_empty(), "{:?}", offer.commands);
            for format in offer.formats {
                assert!(
                    FORMATS
                        .iter()
                        .any(|spec| std::ptr::eq(*spec, format.spec())),
                    "{} is not in FORMATS",
                    format.name()
                );
                assert!(
                    format.rendering(offer.report).is_some(),
                    "{:?} offers {} but it does not render {:?}",
                    offer.commands,
                    format.name(),
                    offer.report
                );
            }
        }
        for spec in FORMATS {
            assert!(!spec.renders.is_empty(), "{} renders nothing", spec.name);
            for rendering in spec.renders {
                assert!(
                    OFFERS
                        .iter()
                        .any(|o| o.report == rendering.report && o.formats.contains(&spec.format)),
                    "{} renders {:?} but no command offers it",
                    spec.name,
                    rendering.report
                );
            }
        }
    }

    /// Names are unique (in any case) and each format is declared once.
    #[test]
    fn each_format_is_declared_once() {
        for (i, a) in FORMATS.iter().enumerate() {
            for b in &FORMATS[i + 1..] {
                assert_ne!(a.format, b.format);
                assert!(!a.name.eq_ignore_ascii_case(b.name), "{}", a.name);
            }
            assert_eq!(Format::named(a.name), Some(a.format));
            assert_eq!(Format::named(&a.name.to_uppercase()), Some(a.format));
            assert_eq!(a.format.name(), a.name);
            assert!(std::ptr::eq(a.format.spec(), *a), "{}", a.name);
        }
        assert_eq!(Format::named("yaml"), None);
    }

    /// Within one command, a format's help is there for all of its formats or for none: clap
    /// shows the long list only when some value has help, and a gap would read as a mistake.
    #[test]
    fn an_offer_documents_all_its_formats_or_none() {
        for offer in OFFERS {
            let helped = offer
                .possible_values()
                .filter(|v| v.get_help().is_some())
                .count();
            assert!(
                helped == 0 || helped == offer.formats.len(),
                "{:?}",
                offer.commands
            );
        }
    }

    /// Every command with `--format` takes exactly its offer's names, with its offer's help,
    /// and every offer belongs to commands that exist: the command line is built from the
    /// offers, not beside them.
    #[test]
    fn the_command_line_takes_exactly_the_offers() {
        let cli = <crate::cli::Cli as clap::CommandFactory>::command();
        let mut seen = Vec::new();
        for command in cli.get_subcommands() {
            let Some(arg) = command.get_arguments().find(|a| a.get_id() == "format") else {
                continue;
            };
            let name = command.get_name();
            let offer = OFFERS
                .iter()
                .find(|o| o.commands.contains(&name))
                .unwrap_or_else(|| panic!("{name} has --format but no offer"));
            let taken: Vec<(String, Option<String>)> = arg
                .get_possible_values()
                .iter()
                .map(|v| {
                    (
                        v.get_name().to_owned(),
                        v.get_help().map(ToString::to_string),
                    )
                })
                .collect();
            let offered: Vec<(String, Option<String>)> = offer
                .possible_values()
                .map(|v| {
                    (
                        v.get_name().to_owned(),
                        v.get_help().map(ToString::to_string),
                    )
                })
                .collect();
            assert_eq!(taken, offered, "{name}");
            seen.push(name.to_owned());
        }
        for offer in OFFERS {
            for command in offer.commands {
                assert!(seen.iter().any(|s| s == command), "{command}");
            }
        }
    }

    /// `--format` with a name that is not offered: clap's one-line refusal, listing the offer.
    #[test]
    fn an_unknown_format_is_refused_with_the_offered_ones() {
        use clap::Parser as _;
        for (args, listed) in [
            (
                &["plumb", "scan", "--format", "yaml"][..],
                "table, json, markdown, sarif, plan-json",
            ),
            (
                &["plumb", "diff", "a", "b", "--format", "sarif"],
                "table, json, markdown",
            ),
            (
                &["plumb", "report", "--history", "h", "--format", "table"],
                "html, markdown, json",
            ),
            (&["plumb", "inspect", "--format", "markdown"], "table, json"),
        ] {
            let err = crate::cli::Cli::try_parse_from(args).unwrap_err();
            assert_eq!(err.kind(), clap::error::ErrorKind::InvalidValue);
            let text = err.to_string();
            let value = args[args.len() - 1];
            assert!(
                text.starts_with(&format!(
                    "error: invalid value '{value}' for '--format <FORMAT>'\n  [possible values: {listed}]"
                )),
                "{text}"
            );
        }
        let cli = crate::cli::Cli::try_parse_from(["plumb", "rules", "--format", "markdown"]);
        match cli.map(|c| c.command) {
            Ok(crate::cli::Command::Rules(args)) => assert_eq!(args.format, Format::Markdown),
            other => panic!("{other:?}"),
        }
    }

    /// The dispatch renders exactly the pairs the registry lists: each report (empty) in every
    /// format succeeds where a rendering is declared and is refused elsewhere.
    #[test]
    fn the_dispatch_renders_what_the_registry_lists() {
        use plumb_report::{history, inspect, markdown, parity, rules, scan};
        let summary = plumb_model::Summary::default();
        let scan = scan::ScanReport {
            summary: &summary,
            findings: &[],
            suppressed: &[],
            ignored: &[],
            pending: &[],
            unverified: &[],
            errors: &[],
            schemaless_types: &[],
            warnings: &[],
            stats: None,
            resolved: &[],
            workspaces: &[],
        };
        let markdown = markdown::MarkdownOptions::default();
        let parity_summary = plumb_model::parity::ParitySummary::default();
        let parity = parity::ParityReport {
            summary: &parity_summary,
            findings: &[],
            expected: &[],
            schemaless_types: &[],
            warnings: &[],
        };
        let diff_summary = plumb_model::parity::DiffSummary::default();
        let diff = parity::DiffReport {
            old: "old",
            new: "new",
            summary: &diff_summary,
            changes: &[],
            warnings: &[],
        };
        let history = history::HistoryView {
            since: "2026-11-01T00:00:00Z".to_owned(),
            generated: "2026-12-01T00:00:00Z".to_owned(),
            ..history::HistoryView::default()
        };
        let catalog = rules::Catalog {
            rules: &[],
            normalizers: &[],
            judgements: &[],
        };
        let inspection = inspect::Inspection {
            states: &[],
            config: None,
        };
        let adapters = crate::commands::AdapterList::default();
        let reports = [
            Report::Drift(DriftViews {
                report: &scan,
                comment: &scan,
                markdown: &markdown,
                rules: &[],
                plan_drift: &[],
            }),
            Report::Parity {
                report: &parity,
                rules: &[],
            },
            Report::Diff(&diff),
            Report::History(&history),
            Report::Rules(&catalog),
            Report::Inspect(&inspection),
            Report::Adapters(&adapters),
        ];
        for report in &reports {
            assert!(OFFERS.iter().any(|o| o.report == report.kind()));
            for spec in FORMATS {
                let mut out = Vec::new();
                let result = render(spec.format, report, TableOptions::default(), &mut out);
                let declared = spec.format.rendering(report.kind()).is_some();
                assert_eq!(
                    result.is_ok(),
                    declared,
                    "{} of {:?}: {result:?}",
                    spec.name,
                    report.kind()
                );
                assert_eq!(
                    !out.is_empty(),
                    declared,
                    "{} of {:?}",
                    spec.name,
                    report.kind()
                );
            }
        }
    }

    #[test]
    fn the_offered_formats_are_listed_in_words() {
        assert_eq!(DIFF.listed(), "table, json or markdown");
        assert_eq!(ADAPTERS.listed(), "table or json");
    }
}
