//! Pass: structures, enums and unions with member types, nullability and HTTP bindings.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::*;
use crate::docs;
use crate::model::{Member, Model, ModelError, Shape, ShapeId, ShapeKind, UNIT};
use crate::names;

/// Pass: structures, enums and unions of the closure, with member types, nullability and
/// HTTP bindings resolved.
pub fn resolve_shapes(
    model: &Model,
    service: &Shape,
    closure: &BTreeSet<ShapeId>,
    synthetic: &BTreeMap<ShapeId, (Shape, Shape)>,
    ir: &mut Ir,
) -> Result<(), ModelError> {
    let errors: BTreeSet<&ShapeId> = closure
        .iter()
        .filter(|id| model.shape(id).is_some_and(|s| s.has_trait("error")))
        .collect();
    // Inputs and outputs of operations are replaced by their synthetic copies.
    let replaced: BTreeSet<&ShapeId> = synthetic
        .keys()
        .filter_map(|op| match &model.shape(op)?.kind {
            ShapeKind::Operation(o) => Some([&o.input, &o.output]),
            _ => None,
        })
        .flatten()
        .collect();
    let used_as_data: BTreeSet<&ShapeId> = closure
        .iter()
        .filter_map(|id| model.shape(id))
        .filter(|s| !matches!(s.kind, ShapeKind::Operation(_)))
        .flat_map(|s| s.kind.members())
        .map(|m| &m.target)
        .collect();

    for id in closure {
        let Some(shape) = model.shape(id) else {
            continue;
        };
        let rust_name = names::type_name(&renamed(service, id));
        match &shape.kind {
            ShapeKind::Structure(members) => {
                if id == UNIT || (replaced.contains(id) && !used_as_data.contains(id)) {
                    continue;
                }
                let role = if errors.contains(id) {
                    StructRole::Error(error_ir(shape, members, service))
                } else {
                    StructRole::Plain
                };
                let placement = if errors.contains(id) {
                    Placement::Errors
                } else {
                    Placement::Types
                };
                let members = resolve_members(model, shape, members, false)?;
                ir.structures.insert(
                    id.clone(),
                    StructIr {
                        id: id.clone(),
                        rust_name,
                        placement,
                        role,
                        docs: docs_of(&shape.traits),
                        members,
                        sensitive: shape.has_trait("sensitive"),
                        deprecated: deprecated(&shape.traits),
                    },
                );
            }
            ShapeKind::Union(members) => {
                let members = resolve_members(model, shape, members, false)?;
                ir.unions.insert(
                    id.clone(),
                    UnionIr {
                        id: id.clone(),
                        rust_name,
                        docs: docs_of(&shape.traits),
                        members,
                        sensitive: shape.has_trait("sensitive"),
                        deprecated: deprecated(&shape.traits),
                    },
                );
            }
            ShapeKind::Enum(_) | ShapeKind::IntEnum(_) | ShapeKind::String
                if enum_variants(shape)?.is_some() =>
            {
                let variants = enum_variants(shape)?.unwrap_or_default();
                ir.enums.insert(
                    id.clone(),
                    EnumIr {
                        id: id.clone(),
                        rust_name,
                        docs: docs_of(&shape.traits),
                        variants,
                        int: matches!(shape.kind, ShapeKind::IntEnum(_)),
                        deprecated: deprecated(&shape.traits),
                        sensitive: shape.has_trait("sensitive"),
                    },
                );
            }
            _ => {}
        }
    }

    for (op_id, (input, output)) in synthetic {
        let op_module = names::module_name(&op_name(service, &model.shapes[op_id]));
        for (shape, is_input) in [(input, true), (output, false)] {
            let ShapeKind::Structure(members) = &shape.kind else {
                continue;
            };
            let members = resolve_members(model, shape, members, is_input)?;
            ir.structures.insert(
                shape.id.clone(),
                StructIr {
                    id: shape.id.clone(),
                    rust_name: names::type_name(shape.name()),
                    placement: Placement::Operation(op_module.clone()),
                    role: if is_input {
                        StructRole::Input(op_id.clone())
                    } else {
                        StructRole::Output(op_id.clone())
                    },
                    docs: docs_of(&shape.traits),
                    members,
                    sensitive: shape.has_trait("sensitive"),
                    deprecated: deprecated(&shape.traits),
                },
            );
        }
    }
    Ok(())
}

fn error_ir(shape: &Shape, members: &[Member], service: &Shape) -> ErrorIr {
    let retryable = shape.trait_value("retryable");
    let message_member = ["message", "Message", "errorMessage", "exceptionMessage"]
        .iter()
        .find_map(|n| members.iter().find(|m| m.name == *n))
        .or_else(|| {
            members
                .iter()
                .find(|m| m.name.to_ascii_lowercase().ends_with("message"))
        })
        .map(|m| m.name.clone());
    ErrorIr {
        code: renamed(service, &shape.id),
        fault: shape
            .trait_value("error")
            .and_then(Value::as_str)
            .unwrap_or("client")
            .to_owned(),
        http_status: shape
            .trait_value("httpError")
            .and_then(Value::as_u64)
            .and_then(|c| u16::try_from(c).ok()),
        retryable: retryable.is_some(),
        throttling: retryable
            .and_then(|r| r.get("throttling"))
            .and_then(Value::as_bool)
            .unwrap_or(false),
        message_member,
    }
}

/// The values of a string/int enum: Smithy 2 `enum`/`intEnum` members, or a 1.0 `@enum`.
fn enum_variants(shape: &Shape) -> Result<Option<Vec<VariantIr>>, ModelError> {
    match &shape.kind {
        ShapeKind::Enum(members) | ShapeKind::IntEnum(members) => {
            let int = matches!(shape.kind, ShapeKind::IntEnum(_));
            let mut out = Vec::new();
            for m in members {
                let value = match m.trait_value("enumValue") {
                    Some(Value::String(s)) if !int => s.clone(),
                    Some(Value::Number(n)) if int => n.to_string(),
                    None if !int => m.name.clone(),
                    _ => {
                        return Err(invalid(
                            &format!("{}${}", shape.id, m.name),
                            "has a missing or mistyped enumValue",
                        ))
                    }
                };
                out.push(VariantIr {
                    rust_name: names::variant_name(&m.name),
                    value,
                    docs: docs_of(&m.traits),
                    deprecated: deprecated(&m.traits),
                });
            }
            Ok(Some(out))
        }
        ShapeKind::String => {
            let Some(Value::Array(entries)) = shape.trait_value("enum") else {
                return Ok(None);
            };
            let mut out = Vec::new();
            for e in entries {
                let value = e
                    .get("value")
                    .and_then(Value::as_str)
                    .ok_or_else(|| invalid(&shape.id, "an @enum entry has no string `value`"))?;
                let rust_name = match e.get("name").and_then(Value::as_str) {
                    Some(n) => names::variant_name(n),
                    None => names::variant_from_value(value),
                };
                let docs = e
                    .get("documentation")
                    .and_then(Value::as_str)
                    .map(docs::doc_lines)
                    .unwrap_or_default();
                let deprecated =
                    (e.get("deprecated") == Some(&Value::Bool(true))).then(|| Deprecated {
                        note: "deprecated".to_owned(),
                    });
                out.push(VariantIr {
                    rust_name,
                    value: value.to_owned(),
                    docs,
                    deprecated,
                });
            }
            Ok(Some(out))
        }
        _ => Ok(None),
    }
}

/// The Rust type of a member targeting `target`.
fn ty_of(model: &Model, target: &str) -> Result<Ty, ModelError> {
    let shape = model
        .shape(target)
        .ok_or_else(|| invalid(target, "is not defined"))?;
    let fmt = shape
        .trait_value("timestampFormat")
        .and_then(Value::as_str)
        .map(str::to_owned);
    Ok(match &shape.kind {
        ShapeKind::Blob => Ty::Blob,
        ShapeKind::Boolean => Ty::Bool,
        ShapeKind::String if shape.has_trait("enum") => Ty::Enum(target.to_owned()),
        ShapeKind::String => Ty::String,
        ShapeKind::Byte => Ty::Byte,
        ShapeKind::Short => Ty::Short,
        ShapeKind::Integer => Ty::Integer,
        ShapeKind::Long => Ty::Long,
        ShapeKind::Float => Ty::Float,
        ShapeKind::Double => Ty::Double,
        ShapeKind::BigInteger => Ty::BigInteger,
        ShapeKind::BigDecimal => Ty::BigDecimal,
        ShapeKind::Timestamp => Ty::Timestamp(fmt),
        ShapeKind::Document => Ty::Document,
        ShapeKind::Enum(_) => Ty::Enum(target.to_owned()),
        ShapeKind::IntEnum(_) => Ty::IntEnum(target.to_owned()),
        ShapeKind::Structure(_) if target == UNIT => Ty::Unit,
        ShapeKind::Structure(_) => Ty::Struct(target.to_owned()),
        ShapeKind::Union(_) => Ty::Union(target.to_owned()),
        ShapeKind::List(m) | ShapeKind::Set(m) => Ty::List {
            member: Box::new(member_ty(model, m)?),
            sparse: shape.has_trait("sparse"),
        },
        ShapeKind::Map { key, value } => Ty::Map {
            key: Box::new(ty_of(model, &key.target)?),
            value: Box::new(member_ty(model, value)?),
            sparse: shape.has_trait("sparse"),
        },
        ShapeKind::Service(_) | ShapeKind::Resource(_) | ShapeKind::Operation(_) => {
            return Err(invalid(
                target,
                format!("a {} cannot be a member target", shape.kind.type_name()),
            ))
        }
    })
}

/// A collection member's type, with its own `@timestampFormat` applied.
fn member_ty(model: &Model, m: &Member) -> Result<Ty, ModelError> {
    let ty = ty_of(model, &m.target)?;
    Ok(
        match (ty, m.trait_value("timestampFormat").and_then(Value::as_str)) {
            (Ty::Timestamp(_), Some(f)) => Ty::Timestamp(Some(f.to_owned())),
            (ty, _) => ty,
        },
    )
}

fn resolve_members(
    model: &Model,
    shape: &Shape,
    members: &[Member],
    all_optional: bool,
) -> Result<Vec<MemberIr>, ModelError> {
    let mut out = Vec::new();
    let is_union = matches!(shape.kind, ShapeKind::Union(_));
    for m in members {
        let at = format!("{}${}", shape.id, m.name);
        let target = model
            .shape(&m.target)
            .ok_or_else(|| invalid(&at, "target is not defined"))?;
        let mut ty = ty_of(model, &m.target)?;
        let required = m.has_trait("required");
        let mut default = m
            .trait_value("default")
            .or_else(|| target.trait_value("default"))
            .filter(|v| !v.is_null())
            .cloned();
        // A streaming blob is streamed only as the payload (the only place Smithy allows it);
        // unset, it is an empty body, so it is no `Option` and defaults to empty.
        let streaming =
            ty == Ty::Blob && target.has_trait("streaming") && m.has_trait("httpPayload");
        if streaming {
            ty = Ty::ByteStream;
            default = Some(Value::String(String::new()));
        }
        if let (Ty::Blob, Some(Value::String(text))) = (&ty, &default) {
            use base64::Engine as _;
            if base64::engine::general_purpose::STANDARD
                .decode(text)
                .is_err()
            {
                return Err(invalid(
                    &at,
                    format!("@default {text:?} of a blob member is not base64"),
                ));
            }
        }
        let client_optional = m.has_trait("clientOptional");
        let optional = !is_union
            && !streaming
            && (all_optional
                || client_optional
                || !(required || default.is_some())
                || matches!(ty, Ty::Unit));
        let binding = if m.has_trait("httpLabel") {
            HttpBinding::Label
        } else if let Some(q) = m.trait_value("httpQuery").and_then(Value::as_str) {
            HttpBinding::Query(q.to_owned())
        } else if m.has_trait("httpQueryParams") {
            HttpBinding::QueryParams
        } else if let Some(h) = m.trait_value("httpHeader").and_then(Value::as_str) {
            HttpBinding::Header(h.to_owned())
        } else if let Some(p) = m.trait_value("httpPrefixHeaders").and_then(Value::as_str) {
            HttpBinding::PrefixHeaders(p.to_owned())
        } else if m.has_trait("httpPayload") {
            HttpBinding::Payload
        } else if m.has_trait("httpResponseCode") {
            HttpBinding::ResponseCode
        } else {
            HttpBinding::Body
        };
        let rust_name = if is_union {
            names::variant_name(&m.name)
        } else {
            names::member_name(&m.name)
        };
        let mut docs = docs_of(&m.traits);
        if docs.is_empty() {
            docs = docs_of(&target.traits);
        }
        out.push(MemberIr {
            name: m.name.clone(),
            rust_name,
            target: m.target.clone(),
            ty,
            optional,
            required,
            default,
            boxed: false,
            docs,
            sensitive: m.has_trait("sensitive") || target.has_trait("sensitive"),
            json_name: m
                .trait_value("jsonName")
                .and_then(Value::as_str)
                .unwrap_or(&m.name)
                .to_owned(),
            binding,
            timestamp_format: m
                .trait_value("timestampFormat")
                .and_then(Value::as_str)
                .map(str::to_owned),
            idempotency_token: m.has_trait("idempotencyToken"),
            deprecated: deprecated(&m.traits),
            media_type: target
                .trait_value("mediaType")
                .and_then(Value::as_str)
                .map(str::to_owned),
            requires_length: streaming && target.has_trait("requiresLength"),
        });
    }
    Ok(out)
}
