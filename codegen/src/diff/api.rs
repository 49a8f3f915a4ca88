//! What a model update does to the generated crate's public API, and the semver verdict.
//!
//! [`api_surface`] lists the public items of the crate generated from a model, one line each.
//! Lines are matched by their item path (the text before the signature), so an item whose
//! signature changed shows up as changed rather than as removed plus added.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToSnakeCase, ToUpperCamelCase};
use serde::Serialize;

use super::Change;
use crate::model::{shape_name, Model, ModelError, Shape, ShapeKind, UNIT};

/// The semver level the generated crate's version must take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Semver {
    /// Nothing public changed.
    Patch,
    /// Public items were added only.
    Minor,
    /// A public item was removed or changed, or a builder member became required.
    Major,
}

impl Semver {
    /// `patch`, `minor` or `major`.
    pub fn as_str(self) -> &'static str {
        match self {
            Semver::Patch => "patch",
            Semver::Minor => "minor",
            Semver::Major => "major",
        }
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
    /// The verdict.
    pub semver: Semver,
    /// Why, in one sentence.
    pub reason: String,
}

/// The public items of the crate generated from `model`, one line each, sorted.
///
/// Stand-in for the generator's own surface listing: it follows the design's API shape
/// (`Client::<op>`, `operation::<op>::{Input, Output, Error, builders}`, `types::*`,
/// `types::error::*`) closely enough that a model change moves the same lines.
fn api_surface(model: &Model) -> Result<Vec<String>, ModelError> {
    // Normalized, so a 1.0 model and its 2.0 conversion list the same items.
    stand_in_surface(&super::normalize::normalize(model))
}

fn stand_in_surface(model: &Model) -> Result<Vec<String>, ModelError> {
    let service = model.service()?;
    let mut lines = BTreeSet::new();
    let mut io_shapes = BTreeSet::new();
    let mut roots = Vec::new();
    lines.insert("pub struct Client".to_owned());
    for op_id in model.service_operations(service) {
        let Some(ShapeKind::Operation(op)) = model.shape(&op_id).map(|s| &s.kind) else {
            continue;
        };
        let name = shape_name(&op_id);
        let (snake, pascal) = (name.to_snake_case(), name.to_upper_camel_case());
        let module = format!("operation::{snake}");
        let fluent = format!("{module}::builders::{pascal}FluentBuilder");
        lines.insert(format!("pub fn Client::{snake}(&self) -> {fluent}"));
        lines.insert(format!("pub struct {fluent}"));
        lines.insert(format!(
            "pub fn {fluent}::send(self) -> Result<{module}::{pascal}Output, {module}::{pascal}Error>"
        ));
        if model
            .shape(&op_id)
            .is_some_and(|s| s.has_trait("paginated"))
        {
            lines.insert(format!(
                "pub fn {fluent}::into_paginator(self) -> {module}::paginator::{pascal}Paginator"
            ));
        }
        for (suffix, id) in [("Input", &op.input), ("Output", &op.output)] {
            let ty = format!("{module}::{pascal}{suffix}");
            lines.insert(format!("pub struct {ty}"));
            let Some(shape) = model.shape(id) else {
                continue;
            };
            io_shapes.insert(id.clone());
            let is_input = suffix == "Input";
            for m in shape.kind.members() {
                let field = field_name(&m.name);
                let t = rust_type(model, &m.target);
                let getter = getter_type(shape, m, &t, is_input);
                lines.insert(format!("pub fn {ty}::{field}(&self) -> {getter}"));
                if is_input {
                    let required = if required_in_builder(m) {
                        " (required)"
                    } else {
                        ""
                    };
                    lines.insert(format!(
                        "pub fn {fluent}::{field}(self, input: {t}) -> Self{required}"
                    ));
                }
                roots.push(m.target.clone());
            }
        }
        lines.insert(format!("pub enum {module}::{pascal}Error"));
        for e in &op.errors {
            let err = shape_name(e).to_upper_camel_case();
            lines.insert(format!(
                "pub variant {module}::{pascal}Error::{err}(types::error::{err})"
            ));
            roots.push(e.clone());
        }
        if op.input == UNIT || op.output == UNIT {
            io_shapes.insert(UNIT.to_owned());
        }
    }
    for shape in closure(model, roots) {
        if io_shapes.contains(&shape.id) {
            continue;
        }
        type_lines(model, shape, &mut lines);
    }
    Ok(lines.into_iter().collect())
}

/// Every named shape reachable from `roots` through members.
fn closure(model: &Model, roots: Vec<String>) -> Vec<&Shape> {
    let mut seen = BTreeSet::new();
    let mut stack = roots;
    let mut out = Vec::new();
    while let Some(id) = stack.pop() {
        if !seen.insert(id.clone()) {
            continue;
        }
        let Some(shape) = model.shape(&id) else {
            continue;
        };
        out.push(shape);
        stack.extend(shape.kind.members().iter().map(|m| m.target.clone()));
    }
    out
}

fn type_lines(model: &Model, shape: &Shape, lines: &mut BTreeSet<String>) {
    let name = shape_name(&shape.id).to_upper_camel_case();
    match &shape.kind {
        ShapeKind::Structure(members) => {
            let (path, builder) = if shape.has_trait("error") {
                (
                    format!("types::error::{name}"),
                    format!("types::error::builders::{name}Builder"),
                )
            } else {
                (
                    format!("types::{name}"),
                    format!("types::builders::{name}Builder"),
                )
            };
            lines.insert(format!("pub struct {path}"));
            lines.insert(format!("pub struct {builder}"));
            let any_required = members.iter().any(required_in_builder);
            let build = if any_required {
                format!("Result<{path}, BuildError>")
            } else {
                path.clone()
            };
            lines.insert(format!("pub fn {builder}::build(self) -> {build}"));
            for m in members {
                let field = field_name(&m.name);
                let t = rust_type(model, &m.target);
                let getter = getter_type(shape, m, &t, false);
                lines.insert(format!("pub fn {path}::{field}(&self) -> {getter}"));
                let required = if required_in_builder(m) {
                    " (required)"
                } else {
                    ""
                };
                lines.insert(format!(
                    "pub fn {builder}::{field}(self, input: {t}) -> Self{required}"
                ));
            }
        }
        ShapeKind::Union(members) => {
            lines.insert(format!("pub enum types::{name}"));
            for m in members {
                let variant = m.name.to_upper_camel_case();
                let t = rust_type(model, &m.target);
                lines.insert(format!("pub variant types::{name}::{variant}({t})"));
            }
        }
        ShapeKind::Enum(members) | ShapeKind::IntEnum(members) => {
            lines.insert(format!("pub enum types::{name}"));
            for m in members {
                let variant = m.name.to_upper_camel_case();
                lines.insert(format!("pub variant types::{name}::{variant}"));
            }
        }
        _ => {}
    }
}

/// A member's method name: snake case, raw for Rust keywords (`type` -> `r#type`).
fn field_name(model_name: &str) -> String {
    const KEYWORDS: [&str; 38] = [
        "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum",
        "extern", "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move",
        "mut", "pub", "ref", "return", "static", "struct", "trait", "true", "type", "unsafe",
        "use", "where", "while", "abstract", "box", "yield",
    ];
    let snake = model_name.to_snake_case();
    if KEYWORDS.contains(&snake.as_str()) {
        format!("r#{snake}")
    } else {
        snake
    }
}

/// A builder member the caller must set: `@required` without a default.
fn required_in_builder(m: &crate::model::Member) -> bool {
    m.has_trait("required") && m.trait_value("default").is_none_or(|v| v.is_null())
}

/// What a getter returns: `T` for members that always have a value, else `Option<T>`. The
/// model is normalized, so Smithy 1.0 box semantics are already defaults.
fn getter_type(container: &Shape, m: &crate::model::Member, t: &str, is_input: bool) -> String {
    let has_default = m.trait_value("default").is_some_and(|v| !v.is_null());
    let optional = is_input
        || matches!(container.kind, ShapeKind::Union(_))
        || m.has_trait("clientOptional")
        || !(m.has_trait("required") || has_default);
    if optional {
        format!("Option<{t}>")
    } else {
        t.to_owned()
    }
}

/// The Rust type a member of `target` has in the generated crate.
fn rust_type(model: &Model, target: &str) -> String {
    let Some(shape) = model.shape(target) else {
        return "?".to_owned();
    };
    let named = || format!("types::{}", shape_name(target).to_upper_camel_case());
    match &shape.kind {
        ShapeKind::Blob => "Blob".to_owned(),
        ShapeKind::Boolean => "bool".to_owned(),
        ShapeKind::String => "String".to_owned(),
        ShapeKind::Byte => "i8".to_owned(),
        ShapeKind::Short => "i16".to_owned(),
        ShapeKind::Integer => "i32".to_owned(),
        ShapeKind::Long => "i64".to_owned(),
        ShapeKind::Float => "f32".to_owned(),
        ShapeKind::Double => "f64".to_owned(),
        ShapeKind::BigInteger => "BigInteger".to_owned(),
        ShapeKind::BigDecimal => "BigDecimal".to_owned(),
        ShapeKind::Timestamp => "DateTime".to_owned(),
        ShapeKind::Document => "Document".to_owned(),
        ShapeKind::List(m) | ShapeKind::Set(m) => format!("Vec<{}>", rust_type(model, &m.target)),
        ShapeKind::Map { key, value } => format!(
            "HashMap<{}, {}>",
            rust_type(model, &key.target),
            rust_type(model, &value.target)
        ),
        ShapeKind::Structure(_) if shape.has_trait("error") => {
            format!("types::error::{}", shape_name(target).to_upper_camel_case())
        }
        ShapeKind::Enum(_)
        | ShapeKind::IntEnum(_)
        | ShapeKind::Structure(_)
        | ShapeKind::Union(_) => named(),
        ShapeKind::Service(_) | ShapeKind::Resource(_) | ShapeKind::Operation(_) => "?".to_owned(),
    }
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
pub(super) fn impact(
    old: &Model,
    new: &Model,
    changes: &[Change],
) -> Result<ApiImpact, ModelError> {
    let (old_lines, new_lines) = (api_surface(old)?, api_surface(new)?);
    Ok(compare(&old_lines, &new_lines, changes))
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
    let (semver, reason) =
        if !removed.is_empty() || !changed.is_empty() || !newly_required.is_empty() {
            (
                Semver::Major,
                format!(
                    "{} public item(s) removed, {} changed, {} member(s) newly required",
                    removed.len(),
                    changed.len(),
                    newly_required.len()
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
        semver,
        reason,
    }
}
