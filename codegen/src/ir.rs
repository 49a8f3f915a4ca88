//! The intermediate representation: the model resolved into what the emitters need.
//!
//! [`Ir::build`] runs named passes in order; each is a plain function with a doc line:
//! [`upgrade_v1_nullability`], [`collect_closure`], [`synthesize_operation_shapes`],
//! [`resolve_shapes`], [`box_recursive_members`], [`resolve_operations`],
//! [`collect_protocol_tests`], [`mark_directions`], [`check_names`].
//! Emitters read only this; this never formats code.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::docs;
use crate::model::{
    shape_name, IdlVersion, Member, Model, ModelError, Shape, ShapeId, ShapeKind, UNIT,
};
use crate::names;

mod protocol_tests;
pub use protocol_tests::{collect_protocol_tests, ProtocolTestIr, ProtocolTestKind};

/// Namespace of the input and output structures the generator makes for each operation.
pub const SYNTHETIC_NS: &str = "smithy.synthetic";

/// Options that do not come from the model.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Crate name; by default from the service's `sdkId`.
    pub crate_name: Option<String>,
    /// Crate version written into `Cargo.toml`.
    pub crate_version: Option<String>,
}

/// The resolved model.
#[derive(Debug, Clone)]
pub struct Ir {
    /// The service.
    pub service: ServiceIr,
    /// Structures (plain, synthetic operation inputs and outputs, errors) by shape id.
    pub structures: BTreeMap<ShapeId, StructIr>,
    /// String and integer enums by shape id.
    pub enums: BTreeMap<ShapeId, EnumIr>,
    /// Unions by shape id.
    pub unions: BTreeMap<ShapeId, UnionIr>,
    /// Operations, sorted by name.
    pub operations: Vec<OperationIr>,
    /// Structures and unions written as JSON (reachable from operation inputs).
    pub serialized: BTreeSet<ShapeId>,
    /// Structures and unions read from JSON (reachable from outputs and errors).
    pub deserialized: BTreeSet<ShapeId>,
}

/// The service shape.
#[derive(Debug, Clone)]
pub struct ServiceIr {
    /// Shape id.
    pub id: ShapeId,
    /// Rust crate name (`ivs`).
    pub crate_name: String,
    /// Crate version.
    pub crate_version: String,
    /// `aws.api#service` `sdkId`, else the shape name.
    pub sdk_id: String,
    /// `smithy.api#title`, else the sdk id.
    pub title: String,
    /// API version.
    pub version: String,
    /// Documentation lines.
    pub docs: Vec<String>,
    /// SigV4 signing name (`aws.auth#sigv4` `name`).
    pub signing_name: Option<String>,
    /// `smithy.rules#endpointRuleSet`.
    pub endpoint_rules: Option<Value>,
    /// `smithy.rules#endpointTests`.
    pub endpoint_tests: Option<Value>,
}

/// Where a generated type lives.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Placement {
    /// `types::Name`.
    Types,
    /// `types::error::Name`.
    Errors,
    /// `operation::<module>::Name`.
    Operation(String),
}

/// What role a structure plays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StructRole {
    /// A shape of the model used as data.
    Plain,
    /// The input of the operation with this id.
    Input(ShapeId),
    /// The output of the operation with this id.
    Output(ShapeId),
    /// An error structure.
    Error(ErrorIr),
}

/// What the `error` traits say about an error structure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorIr {
    /// The code the wire carries (the shape's name).
    pub code: String,
    /// `client` or `server`.
    pub fault: String,
    /// `smithy.api#httpError`.
    pub http_status: Option<u16>,
    /// `smithy.api#retryable`.
    pub retryable: bool,
    /// `retryable` with `throttling: true`.
    pub throttling: bool,
    /// The member that carries the message (`message`, `Message`, or IVS's `exceptionMessage`).
    pub message_member: Option<String>,
}

/// A deprecation note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deprecated {
    /// `message` and `since`, joined.
    pub note: String,
}

/// A structure (or the input/output/error structure of an operation).
#[derive(Debug, Clone)]
pub struct StructIr {
    /// Shape id (synthetic for operation inputs and outputs).
    pub id: ShapeId,
    /// Rust type name.
    pub rust_name: String,
    /// Module placement.
    pub placement: Placement,
    /// Role.
    pub role: StructRole,
    /// Documentation lines.
    pub docs: Vec<String>,
    /// Members in model order.
    pub members: Vec<MemberIr>,
    /// The whole structure is `@sensitive`.
    pub sensitive: bool,
    /// `@deprecated`.
    pub deprecated: Option<Deprecated>,
}

/// The HTTP binding of a member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HttpBinding {
    /// In the JSON document body.
    Body,
    /// `@httpLabel`.
    Label,
    /// `@httpQuery("name")`.
    Query(String),
    /// `@httpQueryParams`.
    QueryParams,
    /// `@httpHeader("name")`.
    Header(String),
    /// `@httpPrefixHeaders("prefix")`.
    PrefixHeaders(String),
    /// `@httpPayload`.
    Payload,
    /// `@httpResponseCode`.
    ResponseCode,
}

/// A Rust type, as the member of a structure or union uses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    String,
    Bool,
    Byte,
    Short,
    Integer,
    Long,
    Float,
    Double,
    BigInteger,
    BigDecimal,
    Blob,
    /// A timestamp with its format from the target shape (`@timestampFormat`), if any.
    Timestamp(Option<String>),
    Document,
    /// A string enum shape.
    Enum(ShapeId),
    /// An integer enum shape.
    IntEnum(ShapeId),
    /// A structure.
    Struct(ShapeId),
    /// A union.
    Union(ShapeId),
    /// A list or set; `sparse` lists hold `Option`s.
    List {
        member: Box<Ty>,
        sparse: bool,
    },
    /// A map; keys are strings or string enums.
    Map {
        key: Box<Ty>,
        value: Box<Ty>,
        sparse: bool,
    },
    /// `smithy.api#Unit` (a union member without data).
    Unit,
}

/// A member of a structure or union.
#[derive(Debug, Clone)]
pub struct MemberIr {
    /// Name in the model.
    pub name: String,
    /// Field and method name.
    pub rust_name: String,
    /// Target shape id.
    pub target: ShapeId,
    /// Its Rust type (without `Option`/`Box`).
    pub ty: Ty,
    /// Stored as `Option<T>`.
    pub optional: bool,
    /// `@required`: `build()` fails when it is missing.
    pub required: bool,
    /// `@default` value, if any (not null).
    pub default: Option<Value>,
    /// Stored behind a `Box` (breaks a recursive cycle).
    pub boxed: bool,
    /// Documentation lines.
    pub docs: Vec<String>,
    /// The member or its target is `@sensitive`.
    pub sensitive: bool,
    /// The JSON key (`@jsonName`, else the member name).
    pub json_name: String,
    /// HTTP binding.
    pub binding: HttpBinding,
    /// Member-level `@timestampFormat` (overrides the target's).
    pub timestamp_format: Option<String>,
    /// `@idempotencyToken`.
    pub idempotency_token: bool,
    /// `@deprecated`.
    pub deprecated: Option<Deprecated>,
    /// The target's `@mediaType` (a payload's content type; a header string with one is
    /// base64-encoded).
    pub media_type: Option<String>,
}

/// A string or integer enum.
#[derive(Debug, Clone)]
pub struct EnumIr {
    /// Shape id.
    pub id: ShapeId,
    /// Rust type name.
    pub rust_name: String,
    /// Documentation lines.
    pub docs: Vec<String>,
    /// Values in model order.
    pub variants: Vec<VariantIr>,
    /// An `intEnum`.
    pub int: bool,
    /// `@deprecated`.
    pub deprecated: Option<Deprecated>,
    /// `@sensitive`.
    pub sensitive: bool,
}

/// One value of an enum.
#[derive(Debug, Clone)]
pub struct VariantIr {
    /// Variant name.
    pub rust_name: String,
    /// The wire value (a string, or the integer as text for `intEnum`).
    pub value: String,
    /// Documentation lines.
    pub docs: Vec<String>,
    /// `@deprecated` (or `deprecated: true` in a 1.0 `@enum`).
    pub deprecated: Option<Deprecated>,
}

/// A union.
#[derive(Debug, Clone)]
pub struct UnionIr {
    /// Shape id.
    pub id: ShapeId,
    /// Rust type name.
    pub rust_name: String,
    /// Documentation lines.
    pub docs: Vec<String>,
    /// Members (variants) in model order; their variant names are in `rust_name` as
    /// UpperCamelCase.
    pub members: Vec<MemberIr>,
    /// `@sensitive`.
    pub sensitive: bool,
    /// `@deprecated`.
    pub deprecated: Option<Deprecated>,
}

/// A piece of an `@http` URI pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UriSegment {
    /// Literal text (already valid in a URI).
    Literal(String),
    /// `{name}` or greedy `{name+}`.
    Label { member: String, greedy: bool },
}

/// `@paginated`, merged with the service's defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaginatedIr {
    /// Input member carrying the token.
    pub input_token: String,
    /// Output member path carrying the next token (`nextToken`, or `a.b`).
    pub output_token: String,
    /// Output member path of the items, if modeled or unambiguous.
    pub items: Option<String>,
    /// Input member limiting the page size.
    pub page_size: Option<String>,
}

/// An operation.
#[derive(Debug, Clone)]
pub struct OperationIr {
    /// Shape id.
    pub id: ShapeId,
    /// Name in UpperCamelCase (`CreateChannel`).
    pub name: String,
    /// Method and module name (`create_channel`).
    pub snake: String,
    /// Documentation lines.
    pub docs: Vec<String>,
    /// HTTP method.
    pub method: String,
    /// URI path pattern.
    pub path: Vec<UriSegment>,
    /// Literal query parameters of the URI pattern (`?x=y`).
    pub query_literals: Vec<(String, String)>,
    /// Success status code.
    pub code: u16,
    /// Synthetic input structure id.
    pub input: ShapeId,
    /// Synthetic output structure id.
    pub output: ShapeId,
    /// Error structure ids (the operation's and the service's), sorted.
    pub errors: Vec<ShapeId>,
    /// Pagination.
    pub paginated: Option<PaginatedIr>,
    /// `@deprecated`.
    pub deprecated: Option<Deprecated>,
    /// `@endpoint` host prefix.
    pub host_prefix: Option<String>,
    /// Client protocol compliance tests of the operation, and of its errors.
    pub protocol_tests: Vec<ProtocolTestIr>,
    /// `@httpChecksumRequired`: the request carries a `Content-MD5` header.
    pub checksum_required: bool,
    /// `@requestCompression` encodings the client supports, in the model's order.
    pub request_compression: Vec<String>,
}

fn invalid(shape: &str, message: impl Into<String>) -> ModelError {
    ModelError::Invalid {
        shape: shape.to_owned(),
        message: message.into(),
    }
}

impl Ir {
    /// Runs every pass over `model`.
    pub fn build(model: &Model, options: &Options) -> Result<Ir, ModelError> {
        let mut model = model.clone();
        upgrade_v1_nullability(&mut model);
        let service = model.service()?.clone();
        let closure = collect_closure(&model, &service);
        let synthetic = synthesize_operation_shapes(&model, &service)?;
        let mut ir = Ir {
            service: resolve_service(&service, options),
            structures: BTreeMap::new(),
            enums: BTreeMap::new(),
            unions: BTreeMap::new(),
            operations: Vec::new(),
            serialized: BTreeSet::new(),
            deserialized: BTreeSet::new(),
        };
        resolve_shapes(&model, &service, &closure, &synthetic, &mut ir)?;
        box_recursive_members(&mut ir);
        resolve_operations(&model, &service, &synthetic, &mut ir)?;
        collect_protocol_tests(&model, &mut ir);
        mark_directions(&mut ir);
        check_names(&ir)?;
        Ok(ir)
    }

    /// The Rust path of a type from the crate root (`types::Channel`).
    pub fn type_path(&self, id: &str) -> Option<(Placement, String)> {
        if let Some(s) = self.structures.get(id) {
            return Some((s.placement.clone(), s.rust_name.clone()));
        }
        if let Some(e) = self.enums.get(id) {
            return Some((Placement::Types, e.rust_name.clone()));
        }
        self.unions
            .get(id)
            .map(|u| (Placement::Types, u.rust_name.clone()))
    }
}

/// Pass: Smithy 1.0 box semantics expressed as 2.0 traits: a member targeting a non-boxed
/// primitive number or boolean gets `@default(0)` / `@default(false)`.
pub fn upgrade_v1_nullability(model: &mut Model) {
    if model.version != IdlVersion::V1 {
        return;
    }
    let defaults: BTreeMap<ShapeId, Value> = model
        .shapes
        .values()
        .filter(|s| !s.has_trait("box"))
        .filter_map(|s| {
            let zero = match s.kind {
                ShapeKind::Boolean => Value::Bool(false),
                ShapeKind::Byte
                | ShapeKind::Short
                | ShapeKind::Integer
                | ShapeKind::Long
                | ShapeKind::Float
                | ShapeKind::Double => Value::from(0),
                _ => return None,
            };
            Some((s.id.clone(), zero))
        })
        .collect();
    for shape in model.shapes.values_mut() {
        if let ShapeKind::Structure(members) = &mut shape.kind {
            for m in members {
                if m.has_trait("box") {
                    continue;
                }
                if let Some(zero) = defaults.get(&m.target) {
                    m.traits
                        .entry("smithy.api#default".to_owned())
                        .or_insert_with(|| zero.clone());
                }
            }
        }
    }
}

/// Pass: every shape reachable from the service's operations and errors.
pub fn collect_closure(model: &Model, service: &Shape) -> BTreeSet<ShapeId> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<ShapeId> = model.service_operations(service);
    if let ShapeKind::Service(b) = &service.kind {
        stack.extend(b.errors.iter().cloned());
    }
    while let Some(id) = stack.pop() {
        if !seen.insert(id.clone()) {
            continue;
        }
        let Some(shape) = model.shape(&id) else {
            continue;
        };
        match &shape.kind {
            ShapeKind::Operation(op) => {
                stack.push(op.input.clone());
                stack.push(op.output.clone());
                stack.extend(op.errors.iter().cloned());
            }
            kind => stack.extend(kind.members().into_iter().map(|m| m.target.clone())),
        }
    }
    seen
}

/// Pass: an `{Op}Input` and `{Op}Output` structure per operation, copied from the modeled
/// input/output (or empty for `Unit`). Returns operation id -> (input id, output id, shapes).
pub fn synthesize_operation_shapes(
    model: &Model,
    service: &Shape,
) -> Result<BTreeMap<ShapeId, (Shape, Shape)>, ModelError> {
    let mut out = BTreeMap::new();
    for op_id in model.service_operations(service) {
        let op_shape = model
            .shape(&op_id)
            .ok_or_else(|| invalid(&service.id, format!("binds missing operation {op_id}")))?;
        let ShapeKind::Operation(op) = &op_shape.kind else {
            return Err(invalid(&op_id, "is bound as an operation but is not one"));
        };
        let name = op_name(service, op_shape);
        let make = |target: &str, suffix: &str| -> Result<Shape, ModelError> {
            let id = format!("{SYNTHETIC_NS}#{name}{suffix}");
            let source = model
                .shape(target)
                .ok_or_else(|| invalid(&op_id, format!("{suffix} {target} is not defined")))?;
            let ShapeKind::Structure(members) = &source.kind else {
                return Err(invalid(
                    &op_id,
                    format!("{suffix} {target} must be a structure"),
                ));
            };
            let mut traits = source.traits.clone();
            if target == UNIT {
                traits.clear();
            }
            Ok(Shape {
                id,
                kind: ShapeKind::Structure(members.clone()),
                traits,
            })
        };
        out.insert(
            op_id.clone(),
            (make(&op.input, "Input")?, make(&op.output, "Output")?),
        );
    }
    Ok(out)
}

fn op_name(service: &Shape, op: &Shape) -> String {
    renamed(service, &op.id)
}

/// The name of a shape after the service's `rename` map.
fn renamed(service: &Shape, id: &str) -> String {
    if let ShapeKind::Service(b) = &service.kind {
        if let Some(n) = b.rename.get(id) {
            return n.clone();
        }
    }
    shape_name(id).to_owned()
}

fn deprecated(traits: &crate::model::Traits) -> Option<Deprecated> {
    let d = traits.get("smithy.api#deprecated")?;
    let message = d.get("message").and_then(Value::as_str);
    let since = d.get("since").and_then(Value::as_str);
    let note = match (message, since) {
        (Some(m), Some(s)) => format!("{m} (since {s})"),
        (Some(m), None) => m.to_owned(),
        (None, Some(s)) => format!("deprecated since {s}"),
        (None, None) => "deprecated".to_owned(),
    };
    Some(Deprecated { note })
}

fn docs_of(traits: &crate::model::Traits) -> Vec<String> {
    traits
        .get("smithy.api#documentation")
        .and_then(Value::as_str)
        .map(docs::doc_lines)
        .unwrap_or_default()
}

fn resolve_service(service: &Shape, options: &Options) -> ServiceIr {
    let sdk_id = service
        .trait_value("aws.api#service")
        .and_then(|v| v.get("sdkId"))
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| service.name().to_owned());
    let version = match &service.kind {
        ShapeKind::Service(b) => b.version.clone().unwrap_or_default(),
        _ => String::new(),
    };
    ServiceIr {
        id: service.id.clone(),
        crate_name: options
            .crate_name
            .clone()
            .unwrap_or_else(|| names::crate_name(&sdk_id)),
        crate_version: options
            .crate_version
            .clone()
            .unwrap_or_else(|| "0.1.0".to_owned()),
        title: service
            .trait_value("title")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| sdk_id.clone()),
        sdk_id,
        version,
        docs: docs_of(&service.traits),
        signing_name: service
            .trait_value("aws.auth#sigv4")
            .and_then(|v| v.get("name"))
            .and_then(Value::as_str)
            .map(str::to_owned),
        endpoint_rules: service.trait_value("smithy.rules#endpointRuleSet").cloned(),
        endpoint_tests: service.trait_value("smithy.rules#endpointTests").cloned(),
    }
}

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
        let ty = ty_of(model, &m.target)?;
        let required = m.has_trait("required");
        let default = m
            .trait_value("default")
            .or_else(|| target.trait_value("default"))
            .filter(|v| !v.is_null())
            .cloned();
        let client_optional = m.has_trait("clientOptional");
        let optional = !is_union
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
        });
    }
    Ok(out)
}

/// Pass: a member whose target can reach its own structure or union again without passing
/// through a list or map is stored in a `Box`.
pub fn box_recursive_members(ir: &mut Ir) {
    let direct = |ir: &Ir, id: &str| -> Vec<ShapeId> {
        let members = ir
            .structures
            .get(id)
            .map(|s| &s.members)
            .or_else(|| ir.unions.get(id).map(|u| &u.members));
        members
            .into_iter()
            .flatten()
            .filter_map(|m| match &m.ty {
                Ty::Struct(t) | Ty::Union(t) => Some(t.clone()),
                _ => None,
            })
            .collect()
    };
    let reaches = |ir: &Ir, from: &str, to: &str| -> bool {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_owned()];
        while let Some(id) = stack.pop() {
            if id == to {
                return true;
            }
            if seen.insert(id.clone()) {
                stack.extend(direct(ir, &id));
            }
        }
        false
    };
    let mut to_box: Vec<(ShapeId, usize)> = Vec::new();
    let containers: Vec<ShapeId> = ir
        .structures
        .keys()
        .chain(ir.unions.keys())
        .cloned()
        .collect();
    for id in containers {
        let members = ir
            .structures
            .get(&id)
            .map(|s| &s.members)
            .or_else(|| ir.unions.get(&id).map(|u| &u.members))
            .cloned()
            .unwrap_or_default();
        for (i, m) in members.iter().enumerate() {
            if let Ty::Struct(t) | Ty::Union(t) = &m.ty {
                if reaches(ir, t, &id) {
                    to_box.push((id.clone(), i));
                }
            }
        }
    }
    for (id, i) in to_box {
        if let Some(s) = ir.structures.get_mut(&id) {
            s.members[i].boxed = true;
        } else if let Some(u) = ir.unions.get_mut(&id) {
            u.members[i].boxed = true;
        }
    }
}

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
                let items = get("items").or_else(|| {
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

/// Pass: which structures and unions are written (reachable from inputs) and which are read
/// (reachable from outputs and errors), so each gets only the JSON code it needs.
pub fn mark_directions(ir: &mut Ir) {
    fn walk(ir: &Ir, ty: &Ty, out: &mut BTreeSet<ShapeId>) {
        match ty {
            Ty::Struct(id) | Ty::Union(id) if out.insert(id.clone()) => {
                let members = ir
                    .structures
                    .get(id)
                    .map(|s| &s.members)
                    .or_else(|| ir.unions.get(id).map(|u| &u.members));
                for m in members.into_iter().flatten() {
                    walk(ir, &m.ty, out);
                }
            }
            Ty::List { member, .. } => walk(ir, member, out),
            Ty::Map { value, .. } => walk(ir, value, out),
            _ => {}
        }
    }
    let mut ser = BTreeSet::new();
    let mut de = BTreeSet::new();
    for op in &ir.operations {
        walk(ir, &Ty::Struct(op.input.clone()), &mut ser);
        walk(ir, &Ty::Struct(op.output.clone()), &mut de);
        for e in &op.errors {
            walk(ir, &Ty::Struct(e.clone()), &mut de);
        }
    }
    ir.serialized = ser;
    ir.deserialized = de;
}

/// Pass: every name is a Rust identifier and no two things in one scope share a name.
pub fn check_names(ir: &Ir) -> Result<(), ModelError> {
    let mut types: BTreeMap<(Placement, String), &str> = BTreeMap::new();
    let all = ir
        .structures
        .values()
        .map(|s| (&s.id, s.placement.clone(), &s.rust_name))
        .chain(
            ir.enums
                .values()
                .map(|e| (&e.id, Placement::Types, &e.rust_name)),
        )
        .chain(
            ir.unions
                .values()
                .map(|u| (&u.id, Placement::Types, &u.rust_name)),
        );
    for (id, placement, name) in all {
        if !names::is_identifier(name) {
            return Err(invalid(
                id,
                format!("name `{name}` is not a Rust identifier"),
            ));
        }
        // The builder of a structure takes the name `{Name}Builder` in the same module.
        for n in [name.clone(), format!("{name}Builder")] {
            if let Some(other) = types.insert((placement.clone(), n.clone()), id) {
                if other != id {
                    return Err(invalid(
                        id,
                        format!("Rust name `{n}` is also the name of {other}"),
                    ));
                }
            }
        }
    }
    let scopes = ir
        .structures
        .values()
        .map(|s| (&s.id, &s.members))
        .chain(ir.unions.values().map(|u| (&u.id, &u.members)));
    for (id, members) in scopes {
        let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
        for m in members {
            if !names::is_identifier(names::unraw(&m.rust_name)) {
                return Err(invalid(
                    &format!("{id}${}", m.name),
                    format!(
                        "member name becomes `{}`, not a Rust identifier",
                        m.rust_name
                    ),
                ));
            }
            if let Some(other) = seen.insert(&m.rust_name, &m.name) {
                return Err(invalid(
                    id,
                    format!(
                        "members `{other}` and `{}` both become the Rust name `{}`",
                        m.name, m.rust_name
                    ),
                ));
            }
        }
    }
    for e in ir.enums.values() {
        let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
        for v in &e.variants {
            if !names::is_identifier(&v.rust_name) {
                return Err(invalid(
                    &e.id,
                    format!(
                        "enum value `{}` becomes `{}`, not a Rust identifier",
                        v.value, v.rust_name
                    ),
                ));
            }
            if let Some(other) = seen.insert(&v.rust_name, &v.value) {
                return Err(invalid(
                    &e.id,
                    format!(
                        "enum values `{other}` and `{}` both become the variant `{}`",
                        v.value, v.rust_name
                    ),
                ));
            }
        }
    }
    let mut ops: BTreeMap<&str, &str> = BTreeMap::new();
    for op in &ir.operations {
        if let Some(other) = ops.insert(&op.snake, &op.id) {
            return Err(invalid(
                &op.id,
                format!("operation name `{}` is also the name of {other}", op.snake),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(shapes: &str) -> Result<Ir, ModelError> {
        let text = format!(
            r#"{{"smithy": "2.0", "shapes": {{
                "t.s#Svc": {{"type": "service", "version": "1", "operations": [{{"target": "t.s#Op"}}]}},
                "t.s#Op": {{"type": "operation", "input": {{"target": "t.s#In"}},
                    "traits": {{"smithy.api#http": {{"method": "POST", "uri": "/op"}}}}}},
                {shapes}
            }}}}"#
        );
        Ir::build(&Model::from_json(&text)?, &Options::default())
    }

    #[test]
    fn synthetic_input_and_nullability() {
        let ir = build(
            r#""t.s#In": {"type": "structure", "members": {
                "a": {"target": "smithy.api#String", "traits": {"smithy.api#required": {}}},
                "b": {"target": "t.s#Rec"}}},
               "t.s#Rec": {"type": "structure", "members": {
                "req": {"target": "smithy.api#String", "traits": {"smithy.api#required": {}}},
                "def": {"target": "smithy.api#Integer", "traits": {"smithy.api#default": 0}},
                "opt": {"target": "smithy.api#Integer"},
                "co": {"target": "smithy.api#String", "traits": {"smithy.api#required": {}, "smithy.api#clientOptional": {}}},
                "next": {"target": "t.s#Rec"}}}"#,
        )
        .unwrap();
        let input = &ir.structures["smithy.synthetic#OpInput"];
        assert_eq!(input.rust_name, "OpInput");
        assert_eq!(input.placement, Placement::Operation("op".into()));
        // Inputs are all optional; `required` is checked by build().
        assert!(input.members.iter().all(|m| m.optional));
        assert!(input.members[0].required);
        let rec = &ir.structures["t.s#Rec"];
        let opt: Vec<_> = rec
            .members
            .iter()
            .map(|m| (m.name.as_str(), m.optional))
            .collect();
        assert_eq!(
            opt,
            [
                ("req", false),
                ("def", false),
                ("opt", true),
                ("co", true),
                ("next", true)
            ]
        );
        assert!(rec.members[4].boxed, "recursive member is boxed");
        assert!(
            !ir.structures.contains_key("t.s#In"),
            "replaced by the synthetic input"
        );
    }

    #[test]
    fn colliding_member_names_are_an_error() {
        let err = build(
            r#""t.s#In": {"type": "structure", "members": {
                "fooBar": {"target": "smithy.api#String"},
                "foo_bar": {"target": "smithy.api#String"}}}"#,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "smithy.synthetic#OpInput: members `fooBar` and `foo_bar` both become the Rust name `foo_bar`"
        );
    }

    #[test]
    fn colliding_shape_names_are_an_error() {
        let err = build(
            r#""t.s#In": {"type": "structure", "members": {
                "a": {"target": "t.s#FooBar"}, "b": {"target": "t.s#Foo_Bar"}}},
               "t.s#FooBar": {"type": "structure", "members": {}},
               "t.s#Foo_Bar": {"type": "structure", "members": {}}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("Rust name `FooBar`"), "{err}");
    }

    #[test]
    fn enum_values_that_are_not_identifiers_are_an_error() {
        let err = build(
            r#""t.s#In": {"type": "structure", "members": {"a": {"target": "t.s#E"}}},
               "t.s#E": {"type": "string", "traits": {"smithy.api#enum": [
                 {"value": "a-b"}, {"value": "a_b"}]}}"#,
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("both become the variant `AB`"),
            "{err}"
        );
    }

    #[test]
    fn v1_primitives_get_zero_defaults() {
        let text = r#"{"smithy": "1.0", "shapes": {
            "t.s#Svc": {"type": "service", "version": "1", "operations": [{"target": "t.s#Op"}]},
            "t.s#Op": {"type": "operation", "output": {"target": "t.s#Out"},
                "traits": {"smithy.api#http": {"method": "GET", "uri": "/"}}},
            "t.s#Out": {"type": "structure", "members": {
                "p": {"target": "smithy.api#PrimitiveInteger"},
                "b": {"target": "smithy.api#Integer"},
                "l": {"target": "t.s#Count"}}},
            "t.s#Count": {"type": "integer"}}}"#;
        let ir = Ir::build(&Model::from_json(text).unwrap(), &Options::default()).unwrap();
        let out = &ir.structures["smithy.synthetic#OpOutput"];
        let opt: Vec<_> = out
            .members
            .iter()
            .map(|m| (m.name.as_str(), m.optional))
            .collect();
        assert_eq!(opt, [("p", false), ("b", true), ("l", false)]);
    }

    #[test]
    fn ivs_model_resolves() {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../model/ivs.json"))
                .unwrap();
        let ir = Ir::build(&Model::from_json(&text).unwrap(), &Options::default()).unwrap();
        assert_eq!(ir.operations.len(), 35);
        assert_eq!(ir.service.crate_name, "ivs");
        assert_eq!(
            ir.operations
                .iter()
                .filter(|o| o.paginated.is_some())
                .count(),
            7
        );
        let list = ir
            .operations
            .iter()
            .find(|o| o.name == "ListChannels")
            .unwrap();
        assert_eq!(
            list.paginated.as_ref().unwrap().items.as_deref(),
            Some("channels")
        );
    }
}
