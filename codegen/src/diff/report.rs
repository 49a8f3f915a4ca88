//! Renders a [`DiffReport`] as text (for a terminal), JSON (for tools) or Markdown (for a pull
//! request description).

use std::fmt::Write as _;

use serde::Serialize;

use super::{ApiImpact, Change, DiffReport, DocChange, DocChangeKind, ModelInfo, Severity};

/// The output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Plain text grouped by severity.
    #[default]
    Text,
    /// One JSON object.
    Json,
    /// Markdown for a pull request description.
    Markdown,
}

impl Format {
    /// Parses `text`, `json` or `markdown` (also `md`), case-insensitively.
    pub fn parse(s: &str) -> Option<Format> {
        match s.to_ascii_lowercase().as_str() {
            "text" => Some(Format::Text),
            "json" => Some(Format::Json),
            "markdown" | "md" => Some(Format::Markdown),
            _ => None,
        }
    }
}

/// How to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RenderOptions {
    /// The format.
    pub format: Format,
    /// List documentation changes one by one (otherwise only their count is given).
    pub docs: bool,
}

/// The report in the requested format, ending with a newline.
pub fn render(report: &DiffReport, options: RenderOptions) -> String {
    match options.format {
        Format::Text => text(report, options.docs),
        Format::Json => json(report, options.docs),
        Format::Markdown => markdown(report, options.docs),
    }
}

fn side(info: &ModelInfo) -> String {
    format!("{} (Smithy {})", info.label, info.idl)
}

fn summary_line(report: &DiffReport, docs_listed: bool) -> String {
    let counts: Vec<String> = Severity::WORST_FIRST
        .iter()
        .map(|s| format!("{} {s}", report.count(*s)))
        .collect();
    let hint = if docs_listed || report.docs.is_empty() {
        ""
    } else {
        " (--docs lists them)"
    };
    format!(
        "{}; {} documentation change(s){hint}",
        counts.join(", "),
        report.docs.len()
    )
}

fn doc_kind(kind: DocChangeKind) -> &'static str {
    match kind {
        DocChangeKind::Added => "added",
        DocChangeKind::Removed => "removed",
        DocChangeKind::Changed => "changed",
    }
}

fn service_line(report: &DiffReport) -> String {
    let with_version = |i: &ModelInfo| match &i.service_version {
        Some(v) => format!("{} (version {v})", i.service),
        None => i.service.clone(),
    };
    let (a, b) = (with_version(&report.old), with_version(&report.new));
    if a == b {
        format!("Service: {a}")
    } else {
        format!("Service: {a} -> {b}")
    }
}

fn text(report: &DiffReport, docs: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Model diff: {} -> {}",
        side(&report.old),
        side(&report.new)
    );
    let _ = writeln!(out, "{}", service_line(report));
    for severity in Severity::WORST_FIRST {
        let changes: Vec<&Change> = report.changes_of(severity).collect();
        if changes.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{severity} ({})", changes.len());
        for c in changes {
            let _ = writeln!(out, "  {} [{}] {}", c.shape, c.evaluator, c.message);
        }
    }
    if docs && !report.docs.is_empty() {
        let _ = writeln!(out, "\nDOCUMENTATION ({})", report.docs.len());
        for d in &report.docs {
            let _ = writeln!(out, "  {} {} {}", d.shape, doc_kind(d.kind), d.doc_trait);
        }
    }
    let _ = writeln!(out, "\nSummary: {}", summary_line(report, docs));
    api_text(&mut out, &report.api);
    let _ = writeln!(
        out,
        "\nSemver: {} ({})",
        report.api.semver.as_str(),
        report.api.reason
    );
    out
}

fn api_text(out: &mut String, api: &ApiImpact) {
    let _ = writeln!(
        out,
        "\nRust API impact: {} removed, {} changed, {} added",
        api.removed.len(),
        api.changed.len(),
        api.added.len()
    );
    for line in &api.removed {
        let _ = writeln!(out, "  - {line}");
    }
    for c in &api.changed {
        let _ = writeln!(out, "  ~ {}\n    -> {}", c.old, c.new);
    }
    for line in &api.added {
        let _ = writeln!(out, "  + {line}");
    }
    for shape in &api.newly_required {
        let _ = writeln!(out, "  ! newly required: {shape}");
    }
}

/// Counts per severity, in the JSON output.
#[derive(Serialize)]
struct Summary {
    #[serde(rename = "ERROR")]
    error: usize,
    #[serde(rename = "DANGER")]
    danger: usize,
    #[serde(rename = "WARNING")]
    warning: usize,
    #[serde(rename = "NOTE")]
    note: usize,
    documentation: usize,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    old: &'a ModelInfo,
    new: &'a ModelInfo,
    summary: Summary,
    changes: &'a [Change],
    #[serde(skip_serializing_if = "Option::is_none")]
    documentation: Option<&'a [DocChange]>,
    api: &'a ApiImpact,
    semver: &'static str,
}

fn json(report: &DiffReport, docs: bool) -> String {
    let view = JsonReport {
        old: &report.old,
        new: &report.new,
        summary: Summary {
            error: report.count(Severity::Error),
            danger: report.count(Severity::Danger),
            warning: report.count(Severity::Warning),
            note: report.count(Severity::Note),
            documentation: report.docs.len(),
        },
        changes: &report.changes,
        documentation: docs.then_some(report.docs.as_slice()),
        api: &report.api,
        semver: report.api.semver.as_str(),
    };
    // Serializing plain strings and numbers cannot fail; an empty object is still valid JSON.
    let mut s = serde_json::to_string_pretty(&view).unwrap_or_else(|_| "{}".to_owned());
    s.push('\n');
    s
}

/// Backticks in model text would end an inline code span early.
fn code(s: &str) -> String {
    if s.contains('`') {
        format!("`` {s} ``")
    } else {
        format!("`{s}`")
    }
}

fn markdown(report: &DiffReport, docs: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Model diff: {} → {}\n",
        code(&report.old.label),
        code(&report.new.label)
    );
    let _ = writeln!(
        out,
        "Smithy {} → {}. {}\n",
        report.old.idl,
        report.new.idl,
        service_line(report)
    );
    let _ = writeln!(
        out,
        "**Semver: {}** ({})\n",
        report.api.semver.as_str(),
        report.api.reason
    );
    let _ = writeln!(out, "| Severity | Count |\n| --- | ---: |");
    for severity in Severity::WORST_FIRST {
        let _ = writeln!(out, "| {severity} | {} |", report.count(severity));
    }
    let _ = writeln!(out, "| documentation | {} |", report.docs.len());
    for severity in Severity::WORST_FIRST {
        let changes: Vec<&Change> = report.changes_of(severity).collect();
        if changes.is_empty() {
            continue;
        }
        // NOTEs are many and harmless: fold them so the breaking parts stay visible.
        let fold = severity == Severity::Note;
        let _ = writeln!(out, "\n### {severity} ({})\n", changes.len());
        if fold {
            let _ = writeln!(out, "<details><summary>Show</summary>\n");
        }
        for c in changes {
            let _ = writeln!(
                out,
                "- {} **{}**: {}",
                code(&c.shape),
                c.evaluator,
                c.message
            );
        }
        if fold {
            let _ = writeln!(out, "\n</details>");
        }
    }
    if docs && !report.docs.is_empty() {
        let _ = writeln!(out, "\n### Documentation ({})\n", report.docs.len());
        for d in &report.docs {
            let _ = writeln!(
                out,
                "- {} {} {}",
                code(&d.shape),
                doc_kind(d.kind),
                code(&d.doc_trait)
            );
        }
    }
    let api = &report.api;
    let _ = writeln!(
        out,
        "\n### Rust API impact\n\n{} removed, {} changed, {} added.",
        api.removed.len(),
        api.changed.len(),
        api.added.len()
    );
    let mut block = |title: &str, lines: Vec<String>, open: bool| {
        if lines.is_empty() {
            return;
        }
        let open = if open { " open" } else { "" };
        let _ = writeln!(
            out,
            "\n<details{open}><summary>{title} ({})</summary>\n\n```text",
            lines.len()
        );
        for l in lines {
            let _ = writeln!(out, "{l}");
        }
        let _ = writeln!(out, "```\n\n</details>");
    };
    block(
        "Removed",
        api.removed.iter().map(|l| format!("- {l}")).collect(),
        true,
    );
    block(
        "Changed",
        api.changed
            .iter()
            .map(|c| format!("- {}\n+ {}", c.old, c.new))
            .collect(),
        true,
    );
    block(
        "Added",
        api.added.iter().map(|l| format!("+ {l}")).collect(),
        false,
    );
    block(
        "Newly required",
        api.newly_required
            .iter()
            .map(|s| format!("! {s}"))
            .collect(),
        true,
    );
    out
}
