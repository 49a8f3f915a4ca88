//! What a model update does to the generated crate's public API, and the semver verdict.
//!
//! [`api_surface`] lists the public items of the crate generated from a model, one line each.
//! Lines are matched by their item path (the text before the signature), so an item whose
//! signature changed shows up as changed rather than as removed plus added.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::Change;
use crate::model::{Model, ModelError};

/// The verdict: the semver level the generated crate's version must take, with wire-only
/// breaks as a level of their own between minor and major (the code of callers compiles, but
/// what it sends or reads means something else).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Semver {
    /// Nothing public changed.
    Patch,
    /// Public items were added only.
    Minor,
    /// The public API is compatible, but requests or responses change meaning.
    Wire,
    /// A public item was removed or changed, or a builder member became required.
    Major,
}

impl Semver {
    /// `patch`, `minor`, `wire` or `major`.
    pub fn as_str(self) -> &'static str {
        match self {
            Semver::Patch => "patch",
            Semver::Minor => "minor",
            Semver::Wire => "wire",
            Semver::Major => "major",
        }
    }

    /// Parses `patch`, `minor`, `wire` or `major`, case-insensitively.
    pub fn parse(s: &str) -> Option<Semver> {
        [Semver::Patch, Semver::Minor, Semver::Wire, Semver::Major]
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s))
    }
}

/// A public item whose signature changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangedItem {
    /// The line in the old surface.
    pub old: String,
    /// The line in the new surface.
    pub new: String,
}

/// The public API difference between the crates generated from two models.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiImpact {
    /// Items only the old crate has.
    pub removed: Vec<String>,
    /// Items whose signature changed.
    pub changed: Vec<ChangedItem>,
    /// Items only the new crate has.
    pub added: Vec<String>,
    /// Model changes that make a builder member newly required (shape ids).
    pub newly_required: Vec<String>,
    /// Generated enums whose derived `Ord` changes (variants sort in declaration order,
    /// `Unknown` last): one sentence each.
    pub ordering: Vec<String>,
    /// Wire-only breaks among the model changes (shape ids).
    pub wire_breaks: Vec<String>,
    /// The verdict.
    pub semver: Semver,
    /// Why, in one sentence.
    pub reason: String,
}

/// The IR and the public items of the crate generated from `model`, one line each, sorted:
/// the generator's own output read back by [`crate::surface::public_api`].
fn api_surface(model: &Model) -> Result<(crate::ir::Ir, Vec<String>), ModelError> {
    let options = crate::Options {
        ir: crate::ir::Options {
            any_protocol: true,
            pinned_items: None,
            ..crate::ir::Options::default()
        },
        emit: crate::EmitOptions {
            runtime_dependency: "{ path = \"runtime\" }".to_owned(),
            // Endpoint data does not change the public API.
            partitions_json: "{}".to_owned(),
            endpoint_divergences: crate::EndpointDivergences::default(),
        },
    };
    let ir = crate::ir::Ir::build(model, &options.ir)?;
    let files = crate::emit::emit(&ir, &options.emit)?;
    let lines = crate::surface::public_api(&files).map_err(|message| ModelError::Invalid {
        shape: model.service().map(|s| s.id.clone()).unwrap_or_default(),
        message: format!("cannot read the generated API back: {message}"),
    })?;
    Ok((ir, lines))
}

/// Enums whose variant order changed: their derived `Ord` (declaration order, `Unknown` last,
/// as the official SDK derives it too) orders some values differently. A value appended to
/// the model was `Unknown` before, sorting after every known one, and now sorts before
/// `Unknown`; a removed one becomes `Unknown`.
fn ordering_changes(old: &crate::ir::Ir, new: &crate::ir::Ir) -> Vec<String> {
    let mut out = Vec::new();
    for (id, b) in &new.enums {
        let Some(a) = old.enums.get(id) else {
            continue;
        };
        let names = |e: &crate::ir::EnumIr| -> Vec<String> {
            e.variants.iter().map(|v| v.rust_name.clone()).collect()
        };
        let (va, vb) = (names(a), names(b));
        if va == vb {
            continue;
        }
        let list = |xs: Vec<&String>| {
            xs.iter()
                .map(|x| format!("`{x}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let added = list(vb.iter().filter(|v| !va.contains(v)).collect());
        let removed = list(va.iter().filter(|v| !vb.contains(v)).collect());
        let common_a: Vec<&String> = va.iter().filter(|v| vb.contains(v)).collect();
        let common_b: Vec<&String> = vb.iter().filter(|v| va.contains(v)).collect();
        let mut parts = Vec::new();
        if !added.is_empty() {
            parts.push(format!(
                "{added} (values that were `Unknown` and sorted last) now sort before `Unknown`"
            ));
        }
        if !removed.is_empty() {
            parts.push(format!("{removed} become `Unknown` and sort last"));
        }
        if common_a != common_b {
            parts.push("existing variants are reordered".to_owned());
        }
        out.push(format!(
            "types::{}: derived `Ord` changes: {}",
            b.rust_name,
            parts.join("; ")
        ));
    }
    out
}

/// The part of a surface line that names the item: everything before its signature.
fn item_key(line: &str) -> &str {
    let end = [line.find('('), line.find(" -> ")]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(line.len());
    line[..end].trim_end()
}

/// Compares the two surfaces; `changes` adds what a listing cannot show (a member that became
/// required in a structure whose builder lines carry no marker).
/// `Err` says which side cannot be generated, and why.
pub(super) fn impact(old: &Model, new: &Model, changes: &[Change]) -> Result<ApiImpact, String> {
    let (old_ir, old_lines) =
        api_surface(old).map_err(|e| format!("the old model cannot be generated: {e}"))?;
    let (new_ir, new_lines) =
        api_surface(new).map_err(|e| format!("the new model cannot be generated: {e}"))?;
    let mut impact = compare(&old_lines, &new_lines, changes);
    impact.ordering = ordering_changes(&old_ir, &new_ir);
    Ok(impact)
}

fn compare(old_lines: &[String], new_lines: &[String], changes: &[Change]) -> ApiImpact {
    let old_set: BTreeSet<&String> = old_lines.iter().collect();
    let new_set: BTreeSet<&String> = new_lines.iter().collect();
    let gone: Vec<&String> = old_set.difference(&new_set).copied().collect();
    let fresh: Vec<&String> = new_set.difference(&old_set).copied().collect();
    let mut fresh_by_key: BTreeMap<&str, Vec<&String>> = BTreeMap::new();
    for line in &fresh {
        fresh_by_key.entry(item_key(line)).or_default().push(line);
    }
    let mut removed = Vec::new();
    let mut changed = Vec::new();
    let mut paired = BTreeSet::new();
    for line in gone {
        match fresh_by_key.get_mut(item_key(line)).and_then(|v| v.pop()) {
            Some(new) => {
                paired.insert(new);
                changed.push(ChangedItem {
                    old: line.clone(),
                    new: new.clone(),
                });
            }
            None => removed.push(line.clone()),
        }
    }
    let added: Vec<String> = fresh
        .into_iter()
        .filter(|l| !paired.contains(l))
        .cloned()
        .collect();
    let newly_required: Vec<String> = changes
        .iter()
        .filter(|c| {
            c.evaluator == "AddedRequiredMember"
                || (c.evaluator == "ChangedNullability" && c.message.ends_with("@required added"))
        })
        .map(|c| c.shape.clone())
        .collect();
    let wire_breaks: Vec<String> = changes
        .iter()
        .filter(|c| c.wire)
        .map(|c| c.shape.clone())
        .collect();
    let (semver, reason) =
        if !removed.is_empty() || !changed.is_empty() || !newly_required.is_empty() {
            (
                Semver::Major,
                format!(
                    "{} public item(s) removed, {} changed, {} member(s) newly required, {} \
                     wire-only break(s)",
                    removed.len(),
                    changed.len(),
                    newly_required.len(),
                    wire_breaks.len()
                ),
            )
        } else if !wire_breaks.is_empty() {
            (
                Semver::Wire,
                format!(
                    "{} {}; {} public item(s) added",
                    wire_breaks.len(),
                    super::WIRE_BREAK,
                    added.len()
                ),
            )
        } else if !added.is_empty() {
            (
                Semver::Minor,
                format!(
                    "{} public item(s) added, none removed or changed",
                    added.len()
                ),
            )
        } else {
            (Semver::Patch, "the public API is unchanged".to_owned())
        };
    ApiImpact {
        removed,
        changed,
        added,
        newly_required,
        ordering: Vec::new(),
        wire_breaks,
        semver,
        reason,
    }
}
