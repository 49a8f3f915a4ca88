//! Renders a [`DiffReport`] as text (for a terminal), JSON (for tools) or Markdown (for a pull
//! request description).

use std::fmt::Write as _;

use serde::Serialize;

use super::{
    ApiImpact, Change, DiffReport, DocChange, DocChangeKind, ModelInfo, Severity, WIRE_BREAK,
};

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
    /// List every added API item in the text report (otherwise counts per module).
    pub verbose: bool,
}

/// The report in the requested format, ending with a newline.
pub fn render(report: &DiffReport, options: RenderOptions) -> String {
    match options.format {
        Format::Text => text(report, options),
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

/// One model change; a wire-only break says so.
fn change_line(c: &Change) -> String {
    let wire = if c.wire {
        format!(" ({WIRE_BREAK})")
    } else {
        String::new()
    };
    format!("{} [{}] {}{wire}", c.shape, c.evaluator, c.message)
}

fn text(report: &DiffReport, options: RenderOptions) -> String {
    let docs = options.docs;
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
            let _ = writeln!(out, "  {}", change_line(c));
        }
    }
    if docs && !report.docs.is_empty() {
        let _ = writeln!(out, "\nDOCUMENTATION ({})", report.docs.len());
        for d in &report.docs {
            let _ = writeln!(out, "  {} {} {}", d.shape, doc_kind(d.kind), d.doc_trait);
        }
    }
    let _ = writeln!(out, "\nSummary: {}", summary_line(report, docs));
    match &report.api {
        Ok(api) => {
            api_text(&mut out, api, options.verbose);
            let _ = writeln!(out, "\nSemver: {} ({})", api.semver.as_str(), api.reason);
        }
        Err(why) => {
            let _ = writeln!(out, "\nRust API impact: not available: {why}");
            let _ = writeln!(
                out,
                "\nSemver: unknown (the Rust API could not be compared)"
            );
        }
    }
    out
}

/// The module of a surface line (`fn types::Channel::arn(&self) -> ...` is in `types`): its
/// path up to the first type name.
fn module_of(line: &str) -> String {
    // `use x::Y in types::builders`: a re-export, listed under the module that makes it.
    if let Some((_, module)) = line
        .strip_prefix("use ")
        .and_then(|l| l.rsplit_once(" in "))
    {
        return module.to_owned();
    }
    let path = line.split_whitespace().nth(1).unwrap_or("");
    let path = path.split(['(', '<', ':']).collect::<Vec<_>>();
    let segments: Vec<&str> = path
        .iter()
        .copied()
        .filter(|s| !s.is_empty())
        .take_while(|s| s.starts_with(|c: char| c.is_ascii_lowercase() || c == '_'))
        .collect();
    // A lower-case last segment is the item itself (a function or module), not its module.
    let total = path.iter().filter(|s| !s.is_empty()).count();
    let keep = if segments.len() == total {
        segments.len().saturating_sub(1)
    } else {
        segments.len()
    };
    if keep == 0 {
        "crate root".to_owned()
    } else {
        segments[..keep].join("::")
    }
}

fn api_text(out: &mut String, api: &ApiImpact, verbose: bool) {
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
    if verbose {
        for line in &api.added {
            let _ = writeln!(out, "  + {line}");
        }
    } else if !api.added.is_empty() {
        let mut per_module: std::collections::BTreeMap<String, usize> = Default::default();
        for line in &api.added {
            *per_module.entry(module_of(line)).or_default() += 1;
        }
        for (module, n) in per_module {
            let _ = writeln!(out, "  + {n} item(s) added in {module}");
        }
        let _ = writeln!(out, "  (--verbose lists the added items)");
    }
    for shape in &api.newly_required {
        let _ = writeln!(out, "  ! newly required: {shape}");
    }
    for line in &api.ordering {
        let _ = writeln!(out, "  ! {line}");
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
    /// `null` when the API could not be compared; `api_error` says why.
    api: Option<&'a ApiImpact>,
    #[serde(skip_serializing_if = "Option::is_none")]
    api_error: Option<&'a str>,
    semver: Option<&'static str>,
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
        api: report.api.as_ref().ok(),
        api_error: report.api.as_ref().err().map(String::as_str),
        semver: report.api.as_ref().ok().map(|a| a.semver.as_str()),
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
    match &report.api {
        Ok(api) => {
            let _ = writeln!(
                out,
                "**Semver: {}** ({})\n",
                api.semver.as_str(),
                api.reason
            );
        }
        Err(_) => {
            let _ = writeln!(
                out,
                "**Semver: unknown** (the Rust API could not be compared)\n"
            );
        }
    }
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
            let wire = if c.wire {
                format!(" ({WIRE_BREAK})")
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "- {} **{}**: {}{wire}",
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
    let api = match &report.api {
        Ok(api) => api,
        Err(why) => {
            let _ = writeln!(out, "\n### Rust API impact\n\nNot available: {why}");
            return out;
        }
    };
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
    block(
        "Ordering",
        api.ordering.iter().map(|s| format!("! {s}")).collect(),
        true,
    );
    out
}
