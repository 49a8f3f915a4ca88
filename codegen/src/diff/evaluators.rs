//! The change evaluators, modeled after smithy-diff's (same names, same severities unless a
//! comment says why not). Each compares the two normalized models and records what it finds.

use std::collections::BTreeSet;

use serde_json::Value;

use super::traits::{self, DOC_TRAITS};
use super::{Change, DocChange, DocChangeKind, Severity};
use crate::model::{shape_namespace, Member, Model, ModelError, Shape, ShapeKind, UNIT};

/// What the evaluators found.
pub(super) struct Found {
    /// Model changes, worst first, then by shape id.
    pub changes: Vec<Change>,
    /// Documentation-only changes, by shape id.
    pub docs: Vec<DocChange>,
}

/// Runs every evaluator on two normalized models.
pub(super) fn evaluate(old: &Model, new: &Model) -> Result<Found, ModelError> {
    // Both must have exactly one service; the caller's error names the model.
    old.service()?;
    new.service()?;
    let mut cx = Cx {
        old,
        new,
        changes: Vec::new(),
        docs: Vec::new(),
    };
    added_shape(&mut cx);
    removed_shape(&mut cx);
    entity_binding(&mut cx);
    operation_errors(&mut cx);
    operation_input_output(&mut cx);
    changed_shape_type(&mut cx);
    changed_member_target(&mut cx);
    added_required_member(&mut cx);
    changed_nullability(&mut cx);
    changed_default(&mut cx);
    changed_enum(&mut cx);
    changed_length_and_range(&mut cx);
    changed_member_order(&mut cx);
    modified_trait(&mut cx);
    service_rename(&mut cx);
    metadata(&mut cx);
    documentation(&mut cx);

    let mut changes = cx.changes;
    changes.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.shape.cmp(&b.shape))
            .then_with(|| a.evaluator.cmp(b.evaluator))
            .then_with(|| a.message.cmp(&b.message))
    });
    changes.dedup();
    let mut docs = cx.docs;
    docs.sort();
    docs.dedup();
    Ok(Found { changes, docs })
}

struct Cx<'a> {
    old: &'a Model,
    new: &'a Model,
    changes: Vec<Change>,
    docs: Vec<DocChange>,
}

impl<'a> Cx<'a> {
    fn push(
        &mut self,
        severity: Severity,
        shape: String,
        evaluator: &'static str,
        message: String,
    ) {
        self.changes.push(Change {
            severity,
            shape,
            evaluator,
            message,
            wire: false,
        });
    }

    /// Shapes present in both models, prelude left out (it is not part of the API).
    fn pairs(&self) -> Vec<(&'a Shape, &'a Shape)> {
        let new = self.new;
        self.old
            .shapes
            .values()
            .filter(|s| !is_prelude(&s.id))
            .filter_map(|a| new.shapes.get(&a.id).map(|b| (a, b)))
            .collect()
    }

    /// Pairs of the same type: what member-level evaluators look at.
    fn same_type_pairs(&self) -> Vec<(&'a Shape, &'a Shape)> {
        self.pairs()
            .into_iter()
            .filter(|(a, b)| a.kind.type_name() == b.kind.type_name())
            .collect()
    }

    /// Structure pairs.
    fn structure_pairs(&self) -> Vec<(&'a Shape, &'a Shape)> {
        self.same_type_pairs()
            .into_iter()
            .filter(|(a, _)| matches!(a.kind, ShapeKind::Structure(_)))
            .collect()
    }
}

fn is_prelude(id: &str) -> bool {
    shape_namespace(id) == "smithy.api"
}

fn member_id(shape: &Shape, member: &Member) -> String {
    format!("{}${}", shape.id, member.name)
}

/// Members with the same name in both shapes, in old order.
fn member_pairs<'s>(a: &'s Shape, b: &'s Shape) -> Vec<(&'s Member, &'s Member)> {
    let new_members = b.kind.members();
    a.kind
        .members()
        .into_iter()
        .filter_map(|m| {
            new_members
                .iter()
                .find(|n| n.name == m.name)
                .map(|n| (m, *n))
        })
        .collect()
}

/// Structures and unions: the aggregates whose members come and go by name.
fn is_aggregate(kind: &ShapeKind) -> bool {
    matches!(kind, ShapeKind::Structure(_) | ShapeKind::Union(_))
}

fn is_scalar(kind: &ShapeKind) -> bool {
    matches!(
        kind,
        ShapeKind::Blob
            | ShapeKind::Boolean
            | ShapeKind::String
            | ShapeKind::Byte
            | ShapeKind::Short
            | ShapeKind::Integer
            | ShapeKind::Long
            | ShapeKind::Float
            | ShapeKind::Double
            | ShapeKind::BigInteger
            | ShapeKind::BigDecimal
            | ShapeKind::Timestamp
    )
}

/// Whether normalization made this enum shape out of a string's `@enum` trait.
fn is_synthetic_enum(s: &Shape) -> bool {
    s.traits.contains_key(traits::SYNTHETIC_ENUM)
}

/// The members smithy-diff sees as member shapes: those of structures, unions and enum shapes
/// (a string's `@enum` values are not members).
fn member_shapes(s: &Shape) -> Vec<&Member> {
    match &s.kind {
        ShapeKind::Structure(_) | ShapeKind::Union(_) | ShapeKind::IntEnum(_) => s.kind.members(),
        ShapeKind::Enum(_) if !is_synthetic_enum(s) => s.kind.members(),
        _ => Vec::new(),
    }
}

fn has_non_null_default(m: &Member) -> bool {
    m.trait_value("default").is_some_and(|v| !v.is_null())
}

/// AddedShape (NOTE): new shapes, and new members of existing structures, unions and enums
/// (not the values of a string `@enum` turned into an enum shape: ChangedEnumTrait's).
fn added_shape(cx: &mut Cx) {
    for s in cx.new.shapes.values() {
        if !is_prelude(&s.id) && !cx.old.shapes.contains_key(&s.id) {
            let msg = format!("added {}", s.kind.type_name());
            cx.push(Severity::Note, s.id.clone(), "AddedShape", msg);
        }
    }
    for (a, b) in cx.pairs() {
        if is_synthetic_enum(a) {
            continue;
        }
        let old_members = member_shapes(a);
        for m in member_shapes(b) {
            if !old_members.iter().any(|o| o.name == m.name) {
                let msg = format!("added member targeting `{}`", m.target);
                cx.push(Severity::Note, member_id(b, m), "AddedShape", msg);
            }
        }
    }
}

/// RemovedShape: ERROR, or WARNING for scalars (their name is not part of any generated type);
/// `@private` shapes are not API. Members of structures, unions and enums too.
fn removed_shape(cx: &mut Cx) {
    for s in cx.old.shapes.values() {
        if !is_prelude(&s.id) && !cx.new.shapes.contains_key(&s.id) && !s.has_trait("private") {
            let (sev, msg) = if is_scalar(&s.kind) {
                (
                    Severity::Warning,
                    format!("removed {} (a scalar)", s.kind.type_name()),
                )
            } else {
                (Severity::Error, format!("removed {}", s.kind.type_name()))
            };
            cx.push(sev, s.id.clone(), "RemovedShape", msg);
        }
    }
    for (a, b) in cx.pairs() {
        let new_members = member_shapes(b);
        for m in member_shapes(a) {
            if !new_members.iter().any(|n| n.name == m.name) {
                cx.push(
                    Severity::Error,
                    member_id(a, m),
                    "RemovedShape",
                    "removed member".to_owned(),
                );
            }
        }
    }
}

/// AddedEntityBinding (NOTE) / RemovedEntityBinding (ERROR): operations and resources bound to
/// or unbound from a service or resource; plus Added/RemovedServiceError (WARNING).
fn entity_binding(cx: &mut Cx) {
    for (a, b) in cx.same_type_pairs() {
        let (ShapeKind::Service(ba) | ShapeKind::Resource(ba)) = &a.kind else {
            continue;
        };
        let (ShapeKind::Service(bb) | ShapeKind::Resource(bb)) = &b.kind else {
            continue;
        };
        let entity = a.kind.type_name();
        let ops = |b: &crate::model::Binding| -> BTreeSet<String> {
            b.operations
                .iter()
                .chain(b.lifecycle.values())
                .cloned()
                .collect()
        };
        let (old_ops, new_ops) = (ops(ba), ops(bb));
        for op in new_ops.difference(&old_ops) {
            let msg = format!("operation `{op}` bound to the {entity}");
            cx.push(Severity::Note, b.id.clone(), "AddedOperationBinding", msg);
        }
        for op in old_ops.difference(&new_ops) {
            let msg = format!("operation `{op}` no longer bound to the {entity}");
            cx.push(
                Severity::Error,
                b.id.clone(),
                "RemovedOperationBinding",
                msg,
            );
        }
        let set = |v: &[String]| -> BTreeSet<String> { v.iter().cloned().collect() };
        let (old_res, new_res) = (set(&ba.resources), set(&bb.resources));
        for r in new_res.difference(&old_res) {
            let msg = format!("resource `{r}` bound to the {entity}");
            cx.push(Severity::Note, b.id.clone(), "AddedResourceBinding", msg);
        }
        for r in old_res.difference(&new_res) {
            let msg = format!("resource `{r}` no longer bound to the {entity}");
            cx.push(Severity::Error, b.id.clone(), "RemovedResourceBinding", msg);
        }
        let (old_err, new_err) = (set(&ba.errors), set(&bb.errors));
        for e in new_err.difference(&old_err) {
            let msg = format!("error `{e}` added to every operation of the {entity}");
            cx.push(Severity::Warning, b.id.clone(), "AddedServiceError", msg);
        }
        for e in old_err.difference(&new_err) {
            let msg = format!("error `{e}` removed from the {entity}");
            cx.push(Severity::Warning, b.id.clone(), "RemovedServiceError", msg);
        }
    }
}

/// AddedOperationError / RemovedOperationError (WARNING): callers matching on errors may see
/// new ones; removed ones stop arriving.
fn operation_errors(cx: &mut Cx) {
    for (a, b) in cx.same_type_pairs() {
        let (ShapeKind::Operation(oa), ShapeKind::Operation(ob)) = (&a.kind, &b.kind) else {
            continue;
        };
        for e in ob.errors.iter().filter(|e| !oa.errors.contains(e)) {
            let msg = format!("error `{e}` added");
            cx.push(Severity::Warning, b.id.clone(), "AddedOperationError", msg);
        }
        for e in oa.errors.iter().filter(|e| !ob.errors.contains(e)) {
            let msg = format!("error `{e}` removed");
            cx.push(
                Severity::Warning,
                b.id.clone(),
                "RemovedOperationError",
                msg,
            );
        }
    }
}

/// ChangedOperationInput/Output (ERROR) and AddedOperationInputOutput: a Unit input or output
/// replaced by a structure is a NOTE when nothing in it is required.
fn operation_input_output(cx: &mut Cx) {
    for (a, b) in cx.same_type_pairs() {
        let (ShapeKind::Operation(oa), ShapeKind::Operation(ob)) = (&a.kind, &b.kind) else {
            continue;
        };
        for (what, old, new) in [
            ("input", &oa.input, &ob.input),
            ("output", &oa.output, &ob.output),
        ] {
            if old == new {
                continue;
            }
            let evaluator = if what == "input" {
                "ChangedOperationInput"
            } else {
                "ChangedOperationOutput"
            };
            let requires_something = cx.new.shape(new).is_some_and(|s| {
                s.kind
                    .members()
                    .iter()
                    .any(|m| m.has_trait("required") && !has_non_null_default(m))
            });
            let (sev, msg) = if old == UNIT && !requires_something {
                (
                    Severity::Note,
                    format!("{what} `{new}` added; none of its members is required"),
                )
            } else if new == UNIT {
                (Severity::Error, format!("{what} `{old}` removed"))
            } else {
                (
                    Severity::Error,
                    format!("{what} changed from `{old}` to `{new}`"),
                )
            };
            cx.push(sev, b.id.clone(), evaluator, msg);
        }
    }
}

/// ChangedShapeType (ERROR). Normalization already made string `@enum` -> `enum` and set ->
/// list equal, as smithy-diff does; the way back, an enum shape turned into a string with
/// `@enum`, is a type change.
fn changed_shape_type(cx: &mut Cx) {
    for (a, b) in cx.pairs() {
        let (ta, tb) = (a.kind.type_name(), b.kind.type_name());
        if ta != tb {
            let msg = format!("type changed from {ta} to {tb}");
            cx.push(Severity::Error, b.id.clone(), "ChangedShapeType", msg);
        } else if !is_synthetic_enum(a) && is_synthetic_enum(b) {
            let msg = "type changed from enum to string (with the `@enum` trait)".to_owned();
            cx.push(Severity::Error, b.id.clone(), "ChangedShapeType", msg);
        } else if let Some(msg) = set_list_change(a, b) {
            cx.push(Severity::Error, b.id.clone(), "ChangedShapeType", msg);
        }
    }
}

/// A set turned into a list is fine only with `@uniqueItems` (smithy-diff's rule); a list
/// turned into a set is a type change.
fn set_list_change(a: &Shape, b: &Shape) -> Option<String> {
    let was_set = a.traits.contains_key(traits::SYNTHETIC_SET);
    let is_set = b.traits.contains_key(traits::SYNTHETIC_SET);
    match (was_set, is_set) {
        (true, false) if !b.has_trait("uniqueItems") => {
            Some("type changed from set to list without `@uniqueItems`".to_owned())
        }
        (false, true) => Some("type changed from list to set".to_owned()),
        _ => None,
    }
}

/// ChangedMemberTarget: a member now targets another shape. Named types (structures, unions,
/// enums) are Rust types, so a new name is an ERROR. For simple shapes, lists and maps the
/// resolved type and traits are compared, not the id: an equivalent shape (a prelude
/// `smithy.api#String` versus a local plain string) is a NOTE, other differences a WARNING,
/// raised to ERROR when the new target's `@length` or `@range` is stricter.
fn changed_member_target(cx: &mut Cx) {
    for (a, b) in cx.same_type_pairs() {
        if matches!(a.kind, ShapeKind::Enum(_) | ShapeKind::IntEnum(_)) {
            continue;
        }
        for (ma, mb) in member_pairs(a, b) {
            if ma.target == mb.target {
                continue;
            }
            let (sev, why) = target_compat(cx.old, cx.new, &ma.target, &mb.target, 0);
            let msg = format!(
                "target changed from `{}` to `{}`: {why}",
                ma.target, mb.target
            );
            cx.push(sev, member_id(b, mb), "ChangedMemberTarget", msg);
        }
    }
}

/// How compatible two member targets are, with the reason.
fn target_compat(
    old: &Model,
    new: &Model,
    old_id: &str,
    new_id: &str,
    depth: usize,
) -> (Severity, String) {
    let (Some(a), Some(b)) = (old.shape(old_id), new.shape(new_id)) else {
        return (Severity::Warning, "a target cannot be resolved".to_owned());
    };
    let (ta, tb) = (a.kind.type_name(), b.kind.type_name());
    if ta != tb {
        return (
            Severity::Error,
            format!("the target type changed from {ta} to {tb}"),
        );
    }
    if !(is_scalar(&a.kind) || matches!(a.kind, ShapeKind::List(_) | ShapeKind::Map { .. })) {
        return (
            Severity::Error,
            format!("the name of a {ta} is significant (it names a generated type)"),
        );
    }
    // As smithy-diff: a compatible target is a WARNING, raised by what the trait evaluators
    // say of the two targets' trait differences.
    let mut severity = Severity::Warning;
    let mut differences: Vec<String> = Vec::new();
    // Nullability is judged on the member (normalization put the defaults there).
    let ignored = |id: &str| DOC_TRAITS.contains(&id) || id == "smithy.api#default";
    let ids: BTreeSet<&String> = a.traits.keys().chain(b.traits.keys()).collect();
    for id in ids {
        let (va, vb) = (a.traits.get(id), b.traits.get(id));
        if ignored(id) || va == vb {
            continue;
        }
        differences.push(format!("`{id}`"));
        for finding in traits::judge(new, id, va, vb) {
            severity = severity.max(finding.severity);
        }
        if let (Some(kind), Some(va), Some(vb)) = (bound_kind(id), va, vb) {
            for (s, _) in bounds_findings(kind, va, vb) {
                severity = severity.max(s);
            }
        }
    }
    // Collections compare their element types the same way; recursion ends at named types.
    if depth < 8 {
        for (ma, mb) in member_pairs(a, b) {
            if ma.target != mb.target {
                let (s, why) = target_compat(old, new, &ma.target, &mb.target, depth + 1);
                severity = severity.max(s);
                differences.push(format!("{} ({why})", ma.name));
            }
        }
    }
    if differences.is_empty() {
        (
            Severity::Warning,
            format!("an equivalent {ta} (same type and traits)"),
        )
    } else {
        (
            severity,
            format!(
                "same type {ta}, but these differ: {}",
                differences.join(", ")
            ),
        )
    }
}

/// AddedRequiredMember (ERROR): a new `@required` member without `@default` in an existing
/// structure breaks every caller that builds it.
fn added_required_member(cx: &mut Cx) {
    for (a, b) in cx.structure_pairs() {
        for m in b.kind.members() {
            if a.member(&m.name).is_none() && m.has_trait("required") && !has_non_null_default(m) {
                cx.push(
                    Severity::Error,
                    member_id(b, m),
                    "AddedRequiredMember",
                    "new member is @required without a @default".to_owned(),
                );
            }
        }
    }
}

/// Whether clients see the member as nullable (Smithy 2.0 rules, after normalization).
fn nullable(container: &Shape, m: &Member) -> bool {
    container.has_trait("input")
        || m.has_trait("clientOptional")
        || !(m.has_trait("required") || has_non_null_default(m))
}

/// ChangedNullability: `@required`, `@clientOptional` and `@input` changes that flip whether a
/// member is nullable. A flip caused only by `@default` is ChangedDefault's to report.
fn changed_nullability(cx: &mut Cx) {
    for (a, b) in cx.structure_pairs() {
        for (ma, mb) in member_pairs(a, b) {
            let (was, now) = (nullable(a, ma), nullable(b, mb));
            if was == now {
                continue;
            }
            let id = member_id(b, mb);
            let flip = if was {
                "nullable to non-nullable"
            } else {
                "non-nullable to nullable"
            };
            let mut found: Vec<(Severity, String)> = Vec::new();
            let (old_input, new_input) = (a.has_trait("input"), b.has_trait("input"));
            let req = (ma.has_trait("required"), mb.has_trait("required"));
            let opt = (
                ma.has_trait("clientOptional"),
                mb.has_trait("clientOptional"),
            );
            let default_added = !has_non_null_default(ma) && has_non_null_default(mb);
            if old_input && !new_input {
                found.push((Severity::Error, "the @input trait was removed".to_owned()));
            } else if !old_input && new_input {
                found.push((Severity::Danger, "the @input trait was added".to_owned()));
            } else if !new_input {
                let required_removed = req.0 && !req.1;
                if default_added && !required_removed {
                    found.push((
                        Severity::Error,
                        "@default added to a member that was not @required (with or without \
                         @addedDefault)"
                            .to_owned(),
                    ));
                }
                if opt == (false, true) && req == (true, true) {
                    found.push((
                        Severity::Error,
                        "@clientOptional added to a @required member".to_owned(),
                    ));
                }
                if req == (false, true) && !opt.1 {
                    found.push((Severity::Error, "@required added".to_owned()));
                }
                if req == (true, false) && !has_non_null_default(mb) && !opt.0 {
                    let target_is_aggregate = cx
                        .new
                        .shape(&mb.target)
                        .is_some_and(|t| is_aggregate(&t.kind));
                    if target_is_aggregate {
                        found.push((
                            Severity::Warning,
                            "@required removed from a member targeting a structure or union"
                                .to_owned(),
                        ));
                    } else {
                        found.push((
                            Severity::Error,
                            "@required removed without a @default in its place".to_owned(),
                        ));
                    }
                }
            }
            let default_flipped = has_non_null_default(ma) != has_non_null_default(mb);
            if found.is_empty() && !default_flipped {
                found.push((Severity::Error, "nullability changed".to_owned()));
            }
            for (sev, why) in found {
                let msg = format!("changed from {flip}: {why}");
                cx.push(sev, id.clone(), "ChangedNullability", msg);
            }
        }
    }
}

/// Whether `v` is the zero value Smithy 1.0 clients assumed for a type.
fn is_zero_value(v: &Value, target: Option<&Shape>) -> bool {
    match target.map(|t| &t.kind) {
        Some(ShapeKind::Boolean) => v == &Value::Bool(false),
        Some(
            ShapeKind::Byte
            | ShapeKind::Short
            | ShapeKind::Integer
            | ShapeKind::Long
            | ShapeKind::Float
            | ShapeKind::Double,
        ) => v.as_f64() == Some(0.0),
        _ => false,
    }
}

/// ChangedDefault: removing or adding `@default` changes the generated field between `T` and
/// `Option<T>` (ERROR); changing the value is DANGER unless it crosses the zero value (ERROR).
fn changed_default(cx: &mut Cx) {
    const ID: &str = "smithy.api#default";
    for (a, b) in cx.same_type_pairs() {
        match (a.traits.get(ID), b.traits.get(ID)) {
            (Some(va), None) => {
                let msg = format!("@default({va}) removed from the shape");
                cx.push(Severity::Error, b.id.clone(), "ChangedDefault", msg);
            }
            (None, Some(vb)) => {
                let msg = format!("@default({vb}) added to the shape");
                cx.push(Severity::Error, b.id.clone(), "ChangedDefault", msg);
            }
            (Some(va), Some(vb)) if va != vb => {
                let msg = format!("@default of the shape changed from {va} to {vb}");
                cx.push(Severity::Error, b.id.clone(), "ChangedDefault", msg);
            }
            _ => {}
        }
        if !matches!(b.kind, ShapeKind::Structure(_)) {
            continue;
        }
        for (ma, mb) in member_pairs(a, b) {
            let id = member_id(b, mb);
            let target = cx.new.shape(&mb.target);
            match (ma.traits.get(ID), mb.traits.get(ID)) {
                (Some(va), None) => {
                    let msg = format!("@default({va}) removed: the member becomes nullable");
                    cx.push(Severity::Error, id, "ChangedDefault", msg);
                }
                (None, Some(vb)) if !mb.has_trait("addedDefault") => {
                    let msg = format!(
                        "@default({vb}) added without @addedDefault: the member is no longer \
                         nullable"
                    );
                    cx.push(Severity::Error, id, "ChangedDefault", msg);
                }
                (Some(va), Some(vb)) if va != vb => {
                    let (za, zb) = (is_zero_value(va, target), is_zero_value(vb, target));
                    let sev = if za == zb {
                        Severity::Danger
                    } else {
                        Severity::Error
                    };
                    let msg = format!("@default changed from {va} to {vb}");
                    cx.push(sev, id, "ChangedDefault", msg);
                }
                _ => {}
            }
        }
    }
}

/// The wire value of an enum member: `@enumValue`, or the member name.
fn enum_value(m: &Member) -> String {
    match m.trait_value("enumValue") {
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
        None => m.name.clone(),
    }
}

/// ChangedEnumTrait: the values of a string enum (an `enum` shape, or a string with `@enum`).
/// Appended values are a NOTE; removed, renamed or inserted values an ERROR. An enum shape
/// turned back into a string with `@enum` is ChangedShapeType's.
fn changed_enum(cx: &mut Cx) {
    for (a, b) in cx.same_type_pairs() {
        let ShapeKind::Enum(old) = &a.kind else {
            continue;
        };
        let ShapeKind::Enum(new) = &b.kind else {
            continue;
        };
        if !is_synthetic_enum(a) && is_synthetic_enum(b) {
            continue;
        }
        let old_values: Vec<(String, &str)> = old
            .iter()
            .map(|m| (enum_value(m), m.name.as_str()))
            .collect();
        let new_values: Vec<(String, &str)> = new
            .iter()
            .map(|m| (enum_value(m), m.name.as_str()))
            .collect();
        let mut old_end = old_values.len() as isize - 1;
        for (value, name) in &old_values {
            match new_values.iter().find(|(v, _)| v == value) {
                None => {
                    let msg = format!("value `{value}` removed");
                    cx.push(Severity::Error, b.id.clone(), "ChangedEnumTrait", msg);
                    old_end -= 1;
                }
                Some((_, new_name)) if new_name != name => {
                    let msg = format!("value `{value}` renamed from `{name}` to `{new_name}`");
                    cx.push(Severity::Error, b.id.clone(), "ChangedEnumTrait", msg);
                }
                Some(_) => {}
            }
        }
        for (pos, (value, _)) in new_values.iter().enumerate() {
            if old_values.iter().any(|(v, _)| v == value) {
                continue;
            }
            if (pos as isize) <= old_end {
                let msg = format!("value `{value}` inserted before existing values");
                cx.push(Severity::Error, b.id.clone(), "ChangedEnumTrait", msg);
            } else {
                let msg = format!("value `{value}` appended");
                cx.push(Severity::Note, b.id.clone(), "ChangedEnumTrait", msg);
            }
        }
    }
}

/// Which bounded trait a trait id is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BoundKind {
    Length,
    Range,
}

fn bound_kind(id: &str) -> Option<BoundKind> {
    match id {
        "smithy.api#length" => Some(BoundKind::Length),
        "smithy.api#range" => Some(BoundKind::Range),
        _ => None,
    }
}

/// `(min, max)` of a `@length` or `@range` value; an absent `min` is 0 and an absent `max`
/// unbounded, as smithy-diff reads them.
fn bounds(v: &Value) -> (f64, Option<f64>) {
    let get = |k: &str| v.get(k).and_then(Value::as_f64);
    (get("min").unwrap_or(0.0), get("max"))
}

/// Findings for a `@length` or `@range` present in both models: a raised `min` or a lowered
/// (or new) `max` is an ERROR. Looser bounds, and adding or removing the trait, are
/// ModifiedTrait's.
fn bounds_findings(kind: BoundKind, old: &Value, new: &Value) -> Vec<(Severity, String)> {
    let name = match kind {
        BoundKind::Length => "@length",
        BoundKind::Range => "@range",
    };
    let ((old_min, old_max), (new_min, new_max)) = (bounds(old), bounds(new));
    let show = |x: Option<f64>| x.map_or_else(|| "none".to_owned(), |x| x.to_string());
    let mut out = Vec::new();
    if new_min > old_min {
        out.push((
            Severity::Error,
            format!("{name} min raised from {old_min} to {new_min}"),
        ));
    }
    let max_lowered = match (old_max, new_max) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some(a), Some(b)) => b < a,
    };
    if max_lowered {
        let msg = format!(
            "{name} max lowered from {} to {}",
            show(old_max),
            show(new_max)
        );
        out.push((Severity::Error, msg));
    }
    out
}

/// ChangedLengthTrait / ChangedRangeTrait: on shapes and on structure members.
fn changed_length_and_range(cx: &mut Cx) {
    let mut found = Vec::new();
    for (a, b) in cx.same_type_pairs() {
        let mut targets: Vec<(String, &crate::model::Traits, &crate::model::Traits)> =
            vec![(b.id.clone(), &a.traits, &b.traits)];
        if is_aggregate(&b.kind) {
            for (ma, mb) in member_pairs(a, b) {
                targets.push((member_id(b, mb), &ma.traits, &mb.traits));
            }
        }
        for (id, ta, tb) in targets {
            for (trait_id, evaluator) in [
                ("smithy.api#length", "ChangedLengthTrait"),
                ("smithy.api#range", "ChangedRangeTrait"),
            ] {
                let Some(kind) = bound_kind(trait_id) else {
                    continue;
                };
                let (Some(va), Some(vb)) = (ta.get(trait_id), tb.get(trait_id)) else {
                    continue;
                };
                if va == vb {
                    continue;
                }
                for (sev, msg) in bounds_findings(kind, va, vb) {
                    found.push((sev, id.clone(), evaluator, msg));
                }
            }
        }
    }
    for (sev, id, evaluator, msg) in found {
        cx.push(sev, id, evaluator, msg);
    }
}

/// ChangedMemberOrder (DANGER): members reordered, or a member inserted before existing ones.
/// Same test as smithy-diff: walk both lists until the new one ends.
fn changed_member_order(cx: &mut Cx) {
    for (a, b) in cx.same_type_pairs() {
        if !is_aggregate(&a.kind) {
            continue;
        }
        let (old, new) = (a.kind.members(), b.kind.members());
        let first_difference = old
            .iter()
            .zip(new.iter())
            .enumerate()
            .find(|(_, (x, y))| x.name != y.name);
        if let Some((pos, (x, y))) = first_difference {
            let msg = format!(
                "members reordered or inserted before existing ones: position {} was `{}`, \
                 is now `{}`",
                pos + 1,
                x.name,
                y.name
            );
            cx.push(Severity::Danger, b.id.clone(), "ChangedMemberOrder", msg);
        }
    }
}

/// TraitBreakingChange and ModifiedTrait: every other trait added, removed or changed, on
/// shapes and members present in both models, judged by [`traits::judge`] with the rules the
/// new model gives the trait.
fn modified_trait(cx: &mut Cx) {
    let mut found = Vec::new();
    for (a, b) in cx.pairs() {
        let mut targets: Vec<(String, &crate::model::Traits, &crate::model::Traits)> =
            vec![(b.id.clone(), &a.traits, &b.traits)];
        // The values of a string `@enum` are no member shapes.
        let same_type = a.kind.type_name() == b.kind.type_name();
        if same_type && !is_synthetic_enum(a) && !is_synthetic_enum(b) {
            for (ma, mb) in member_pairs(a, b) {
                targets.push((member_id(b, mb), &ma.traits, &mb.traits));
            }
        }
        for (id, ta, tb) in targets {
            let ids: BTreeSet<&String> = ta.keys().chain(tb.keys()).collect();
            for trait_id in ids {
                if !traits::is_judged_here(trait_id) {
                    continue;
                }
                // A set's implied uniqueness lost with its type is ChangedShapeType's.
                if trait_id == "smithy.api#uniqueItems" && set_list_change(a, b).is_some() {
                    continue;
                }
                for f in traits::judge(cx.new, trait_id, ta.get(trait_id), tb.get(trait_id)) {
                    let wire = f.severity >= Severity::Danger && traits::is_wire_only(trait_id);
                    found.push((f.severity, id.clone(), f.evaluator, f.message, wire));
                }
            }
        }
    }
    for (sev, id, evaluator, msg, wire) in found {
        cx.push(sev, id, evaluator, msg);
        if let Some(last) = cx.changes.last_mut() {
            last.wire = wire;
        }
    }
}

/// ServiceRename (ERROR): a `rename` removed or changed, or added for a shape the service
/// already had (its generated type would change name).
fn service_rename(cx: &mut Cx) {
    for (a, b) in cx.same_type_pairs() {
        let (ShapeKind::Service(old), ShapeKind::Service(new)) = (&a.kind, &b.kind) else {
            continue;
        };
        if old.rename == new.rename {
            continue;
        }
        let mut found = Vec::new();
        for (shape, name) in &old.rename {
            match new.rename.get(shape) {
                None => found.push(format!("rename of `{shape}` to `{name}` removed")),
                Some(n) if n != name => found.push(format!(
                    "rename of `{shape}` changed from `{name}` to `{n}`"
                )),
                Some(_) => {}
            }
        }
        let closure = service_closure(cx.old, &a.id);
        for (shape, name) in &new.rename {
            if !old.rename.contains_key(shape) && closure.contains(shape.as_str()) {
                found.push(format!(
                    "rename of `{shape}` to `{name}` added to a shape the service already had"
                ));
            }
        }
        for msg in found {
            cx.push(Severity::Error, b.id.clone(), "ServiceRename", msg);
        }
    }
}

/// Every shape id reachable from `root`: bound operations and resources, their inputs,
/// outputs and errors, and member targets.
fn service_closure<'m>(model: &'m Model, root: &'m str) -> BTreeSet<&'m str> {
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut stack = vec![root];
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        let Some(shape) = model.shapes.get(id) else {
            continue;
        };
        match &shape.kind {
            ShapeKind::Service(b) | ShapeKind::Resource(b) => {
                stack.extend(b.operations.iter().map(String::as_str));
                stack.extend(b.resources.iter().map(String::as_str));
                stack.extend(b.errors.iter().map(String::as_str));
                stack.extend(b.lifecycle.values().map(String::as_str));
                stack.extend(b.identifiers.values().map(String::as_str));
            }
            ShapeKind::Operation(op) => {
                stack.push(op.input.as_str());
                stack.push(op.output.as_str());
                stack.extend(op.errors.iter().map(String::as_str));
            }
            kind => stack.extend(kind.members().into_iter().map(|m| m.target.as_str())),
        }
    }
    seen
}

/// AddedMetadata (NOTE), RemovedMetadata (DANGER), ChangedMetadata (WARNING): model-level
/// metadata; tools may read it, the generated crate does not.
fn metadata(cx: &mut Cx) {
    let (old, new) = (&cx.old.metadata, &cx.new.metadata);
    let mut found = Vec::new();
    for (key, value) in new {
        match old.get(key) {
            None => found.push((Severity::Note, "AddedMetadata", key, "added".to_owned())),
            Some(v) if v != value => found.push((
                Severity::Warning,
                "ChangedMetadata",
                key,
                format!(
                    "changed from {} to {}",
                    traits::brief(v),
                    traits::brief(value)
                ),
            )),
            Some(_) => {}
        }
    }
    for key in old.keys().filter(|k| !new.contains_key(*k)) {
        found.push((
            Severity::Danger,
            "RemovedMetadata",
            key,
            "removed".to_owned(),
        ));
    }
    for (sev, evaluator, key, msg) in found {
        cx.push(sev, format!("metadata `{key}`"), evaluator, msg);
    }
}

/// Documentation-only changes, on shapes and members present in both models.
fn documentation(cx: &mut Cx) {
    let mut found = Vec::new();
    for (a, b) in cx.pairs() {
        let mut targets: Vec<(String, &crate::model::Traits, &crate::model::Traits)> =
            vec![(b.id.clone(), &a.traits, &b.traits)];
        for (ma, mb) in member_pairs(a, b) {
            targets.push((member_id(b, mb), &ma.traits, &mb.traits));
        }
        for (id, ta, tb) in targets {
            for doc in DOC_TRAITS {
                let kind = match (ta.get(doc), tb.get(doc)) {
                    (None, Some(_)) => DocChangeKind::Added,
                    (Some(_), None) => DocChangeKind::Removed,
                    (Some(x), Some(y)) if x != y => DocChangeKind::Changed,
                    _ => continue,
                };
                found.push(DocChange {
                    shape: id.clone(),
                    doc_trait: doc.to_owned(),
                    kind,
                });
            }
        }
    }
    cx.docs.extend(found);
}
