//! `cargo xtask diff OLD NEW`: what a model update changes, and how badly.
//!
//! Both models are first normalized (module `normalize`) so that the Smithy 1.0 to 2.0
//! conversion of the same API (box semantics versus `@default`, string `@enum` versus `enum`
//! shapes, sets versus lists, the implicit `code: 200` of `@http`) compares equal. The
//! evaluators (module `evaluators`) then follow smithy-diff's: each finds one kind of change and
//! gives it a [`Severity`]. Documentation-only changes are collected apart. Finally the public
//! API of the generated crate is listed for both models and compared ([`ApiImpact`]), which
//! gives the semver verdict. [`render`] prints the result as text, JSON or Markdown.

mod api;
mod evaluators;
mod normalize;
mod report;
mod traits;

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::model::{IdlVersion, Model, ModelError, ShapeId};

pub use api::{ApiImpact, ChangedItem, Semver};
pub use report::{render, Format, RenderOptions};

/// How bad a change is, on smithy-diff's scale (lowest first, so `Ord` compares badness).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth knowing; compatible.
    Note,
    /// Probably compatible, but check.
    Warning,
    /// Likely to break someone (ordering, defaults, pagination details).
    Danger,
    /// Breaks existing clients or the wire contract.
    Error,
}

impl Severity {
    /// Every severity, worst first: the order of the report's sections.
    pub const WORST_FIRST: [Severity; 4] = [
        Severity::Error,
        Severity::Danger,
        Severity::Warning,
        Severity::Note,
    ];

    /// The upper-case name smithy-diff uses (`NOTE`, `WARNING`, `DANGER`, `ERROR`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "NOTE",
            Severity::Warning => "WARNING",
            Severity::Danger => "DANGER",
            Severity::Error => "ERROR",
        }
    }

    /// Parses a severity name, case-insensitively.
    pub fn parse(s: &str) -> Option<Severity> {
        Severity::WORST_FIRST
            .into_iter()
            .find(|sev| sev.as_str().eq_ignore_ascii_case(s))
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Severity {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One change found by an evaluator.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Change {
    /// How bad it is.
    pub severity: Severity,
    /// The shape (or `shape$member`) it concerns.
    pub shape: String,
    /// The evaluator that found it, named after smithy-diff's (`ChangedDefault`, ...).
    pub evaluator: &'static str,
    /// A short reason.
    pub message: String,
    /// The change alters requests or responses on the wire while the generated API stays the
    /// same (a `jsonName`, an HTTP binding, a timestamp format...): callers' code compiles and
    /// means something else.
    pub wire: bool,
}

/// What the report says of a wire-only break.
pub const WIRE_BREAK: &str =
    "wire break: callers' code compiles, requests or responses change meaning";

/// What happened to one documentation trait.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DocChangeKind {
    /// The trait appeared.
    Added,
    /// The trait went away.
    Removed,
    /// The text changed.
    Changed,
}

/// A documentation-only change (`documentation`, `externalDocumentation`, `examples`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct DocChange {
    /// The shape (or `shape$member`) whose documentation changed.
    pub shape: String,
    /// The documentation trait.
    pub doc_trait: String,
    /// What happened to it.
    pub kind: DocChangeKind,
}

/// What the report says about one side of the comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModelInfo {
    /// How the model is named in the report (a file name, usually).
    pub label: String,
    /// The IDL version the file declares (`1.0` or `2.0`).
    pub idl: &'static str,
    /// The id of its service shape.
    pub service: ShapeId,
    /// The service's `version`, if any.
    pub service_version: Option<String>,
}

/// The full result of comparing two models.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffReport {
    /// The old model.
    pub old: ModelInfo,
    /// The new model.
    pub new: ModelInfo,
    /// Every change, worst first, then by shape id.
    pub changes: Vec<Change>,
    /// Documentation-only changes, by shape id.
    pub docs: Vec<DocChange>,
    /// What the update does to the generated crate's public API, or why it is unknown (a
    /// model the generator cannot turn into a crate).
    pub api: Result<ApiImpact, String>,
}

impl DiffReport {
    /// How many changes have exactly `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.changes
            .iter()
            .filter(|c| c.severity == severity)
            .count()
    }

    /// The worst severity found, if any change was found.
    pub fn max_severity(&self) -> Option<Severity> {
        self.changes.iter().map(|c| c.severity).max()
    }

    /// Whether a change at or above `level` exists (what `--fail-on` checks).
    pub fn has_at_least(&self, level: Severity) -> bool {
        self.max_severity().is_some_and(|s| s >= level)
    }

    /// The wire-only breaks (what `--fail-on WIRE` checks).
    pub fn wire_breaks(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| c.wire)
    }

    /// The changes of one severity.
    pub fn changes_of(&self, severity: Severity) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(move |c| c.severity == severity)
    }
}

/// The model findings alone, without the API impact (which generates both crates).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelChanges {
    /// Every change, worst first, then by shape id.
    pub changes: Vec<Change>,
    /// Documentation-only changes, by shape id.
    pub docs: Vec<DocChange>,
}

/// Runs the evaluators only: what changed in the model and how badly.
pub fn model_changes(old: &Model, new: &Model) -> Result<ModelChanges, ModelError> {
    let found = evaluators::evaluate(&normalize::normalize(old), &normalize::normalize(new))?;
    Ok(ModelChanges {
        changes: found.changes,
        docs: found.docs,
    })
}

/// Compares two models: model changes, documentation changes and the API impact.
///
/// Labels are `OLD` and `NEW`; set [`ModelInfo::label`] afterwards to name the files.
pub fn diff(old: &Model, new: &Model) -> Result<DiffReport, ModelError> {
    let old_info = info("OLD", old)?;
    let new_info = info("NEW", new)?;
    let old_norm = normalize::normalize(old);
    let new_norm = normalize::normalize(new);
    let found = evaluators::evaluate(&old_norm, &new_norm)?;
    // The model findings stand on their own: a model the generator refuses still gets them.
    let api = api::impact(old, new, &found.changes);
    Ok(DiffReport {
        old: old_info,
        new: new_info,
        changes: found.changes,
        docs: found.docs,
        api,
    })
}

fn info(label: &str, model: &Model) -> Result<ModelInfo, ModelError> {
    let service = model.service()?;
    let service_version = match &service.kind {
        crate::model::ShapeKind::Service(b) => b.version.clone(),
        _ => None,
    };
    Ok(ModelInfo {
        label: label.to_owned(),
        idl: match model.version {
            IdlVersion::V1 => "1.0",
            IdlVersion::V2 => "2.0",
        },
        service: service.id.clone(),
        service_version,
    })
}

/// Why a model file could not be used for a diff. The message always names the file.
#[derive(Debug)]
pub struct LoadError {
    /// The file.
    pub path: PathBuf,
    /// What went wrong.
    pub kind: LoadErrorKind,
}

/// The cause of a [`LoadError`].
#[derive(Debug)]
pub enum LoadErrorKind {
    /// The file could not be read.
    Io(std::io::Error),
    /// The file is not a usable Smithy model (bad JSON, no service, two services...).
    Model(ModelError),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.display();
        match &self.kind {
            LoadErrorKind::Io(e) => write!(f, "cannot read model `{path}`: {e}"),
            LoadErrorKind::Model(e) => write!(f, "model `{path}`: {e}"),
        }
    }
}

impl std::error::Error for LoadError {}

/// Reads and parses a model file and checks that it has exactly one service.
pub fn load_model(path: &Path) -> Result<Model, LoadError> {
    let fail = |kind| LoadError {
        path: path.to_owned(),
        kind,
    };
    let text = std::fs::read_to_string(path).map_err(|e| fail(LoadErrorKind::Io(e)))?;
    let model = Model::from_json(&text).map_err(|e| fail(LoadErrorKind::Model(e)))?;
    model.service().map_err(|e| fail(LoadErrorKind::Model(e)))?;
    Ok(model)
}
