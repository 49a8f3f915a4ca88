//! Pass: operations with their HTTP binding, errors and paginator.

use std::collections::BTreeMap;

use serde_json::Value;

use super::*;
use crate::model::{Model, ModelError, Shape, ShapeId, ShapeKind};
use crate::names;

/// A parsed `@http` URI: path segments and literal query pairs.
type ParsedUri = (Vec<UriSegment>, Vec<(String, String)>);

fn parse_uri(op: &str, uri: &str) -> Result<ParsedUri, ModelError> {
    let (path, query) = uri.split_once('?').unwrap_or((uri, ""));
    let mut segments = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        if start > 0 {
            segments.push(UriSegment::Literal(rest[..start].to_owned()));
        }
        let end = rest[start..]
            .find('}')
            .ok_or_else(|| invalid(op, format!("unclosed label in URI `{uri}`")))?;
        let label = &rest[start + 1..start + end];
        let (member, greedy) = match label.strip_suffix('+') {
            Some(m) => (m, true),
            None => (label, false),
        };
        segments.push(UriSegment::Label {
            member: member.to_owned(),
            greedy,
        });
        rest = &rest[start + end + 1..];
    }
    if !rest.is_empty() {
        segments.push(UriSegment::Literal(rest.to_owned()));
    }
    let query_literals = query
        .split('&')
        .filter(|q| !q.is_empty())
        .map(|q| match q.split_once('=') {
            Some((k, v)) => (k.to_owned(), v.to_owned()),
            None => (q.to_owned(), String::new()),
        })
        .collect();
    Ok((segments, query_literals))
}

/// The endpoint parameters `op` sets: its static context parameters, then its input members
/// marked `smithy.rules#contextParam` (strings and booleans, the types rules take).
fn endpoint_params(op: &Shape, input: &Shape, input_ir: &StructIr) -> Vec<EndpointParamIr> {
    let mut out: Vec<EndpointParamIr> = op
        .trait_value("smithy.rules#staticContextParams")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(name, v)| {
            let value = v.get("value")?.clone();
            (value.is_string() || value.is_boolean()).then(|| EndpointParamIr::Static {
                name: name.clone(),
                value,
            })
        })
        .collect();
    if let ShapeKind::Structure(members) = &input.kind {
        for m in members {
            let Some(name) = m
                .trait_value("smithy.rules#contextParam")
                .and_then(|c| c.get("name"))
                .and_then(Value::as_str)
            else {
                continue;
            };
            if let Some(mi) = input_ir.members.iter().find(|x| x.name == m.name) {
                if matches!(mi.ty, Ty::String | Ty::Bool) {
                    out.push(EndpointParamIr::Member {
                        name: name.to_owned(),
                        rust_name: mi.rust_name.clone(),
                        ty: mi.ty.clone(),
                    });
                }
            }
        }
    }
    out
}

/// Pass: operations with their HTTP trait, synthetic input/output, errors and paginator.
pub fn resolve_operations(
    model: &Model,
    service: &Shape,
    synthetic: &BTreeMap<ShapeId, (Shape, Shape)>,
    ir: &mut Ir,
) -> Result<(), ModelError> {
    let service_errors = match &service.kind {
        ShapeKind::Service(b) => b.errors.clone(),
        _ => Vec::new(),
    };
    let service_paginated = service.trait_value("paginated").cloned();
    for (op_id, (input, output)) in synthetic {
        let shape = &model.shapes[op_id];
        let ShapeKind::Operation(op) = &shape.kind else {
            continue;
        };
        let name = names::type_name(&op_name(service, shape));
        let http = shape
            .trait_value("http")
            .ok_or_else(|| invalid(op_id, "has no @http trait; restJson1 operations need one"))?;
        let method = http
            .get("method")
            .and_then(Value::as_str)
            .ok_or_else(|| invalid(op_id, "@http has no method"))?
            .to_owned();
        let uri = http
            .get("uri")
            .and_then(Value::as_str)
            .ok_or_else(|| invalid(op_id, "@http has no uri"))?;
        let (path, query_literals) = parse_uri(op_id, uri)?;
        let input_ir = &ir.structures[&input.id];
        for seg in &path {
            if let UriSegment::Label { member, .. } = seg {
                let ok = input_ir
                    .members
                    .iter()
                    .any(|m| &m.name == member && m.binding == HttpBinding::Label);
                if !ok {
                    return Err(invalid(
                        op_id,
                        format!("URI label `{member}` has no @httpLabel input member"),
                    ));
                }
            }
        }
        let code = http
            .get("code")
            .and_then(Value::as_u64)
            .and_then(|c| u16::try_from(c).ok())
            .unwrap_or(200);
        let mut errors: Vec<ShapeId> = op.errors.clone();
        errors.extend(service_errors.iter().cloned());
        errors.sort();
        errors.dedup();
        let paginated = match shape.trait_value("paginated") {
            Some(p) => {
                let get = |k: &str| {
                    p.get(k)
                        .or_else(|| service_paginated.as_ref().and_then(|s| s.get(k)))
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                };
                let output_ir = &ir.structures[&output.id];
                let modeled = get("items");
                let items_pinnable = modeled.is_none();
                let items = modeled.or_else(|| {
                    let lists: Vec<&MemberIr> = output_ir
                        .members
                        .iter()
                        .filter(|m| {
                            matches!(m.ty, Ty::List { .. }) && m.binding == HttpBinding::Body
                        })
                        .collect();
                    match lists.as_slice() {
                        [one] => Some(one.name.clone()),
                        _ => None,
                    }
                });
                match (get("inputToken"), get("outputToken")) {
                    (Some(input_token), Some(output_token)) => Some(PaginatedIr {
                        input_token,
                        output_token,
                        items,
                        items_pinnable,
                        page_size: get("pageSize"),
                    }),
                    _ => None,
                }
            }
            None => None,
        };
        ir.operations.push(OperationIr {
            id: op_id.clone(),
            snake: names::module_name(&op_name(service, shape)),
            client_method: names::client_method(&names::module_name(&op_name(service, shape))),
            name,
            docs: docs_of(&shape.traits),
            method,
            path,
            query_literals,
            code,
            input: input.id.clone(),
            output: output.id.clone(),
            errors,
            paginated,
            deprecated: deprecated(&shape.traits),
            host_prefix: shape
                .trait_value("endpoint")
                .and_then(|e| e.get("hostPrefix"))
                .and_then(Value::as_str)
                .map(str::to_owned),
            protocol_tests: Vec::new(),
            checksum_required: shape.has_trait("httpChecksumRequired"),
            auth: resolve_auth(service, shape)?,
            endpoint_params: endpoint_params(shape, input, &ir.structures[&input.id]),
            request_compression: shape
                .trait_value("requestCompression")
                .and_then(|c| c.get("encodings"))
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
        });
    }
    ir.operations.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(())
}
