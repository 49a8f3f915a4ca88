//! The intermediate representation: the model resolved into what the emitters need.
//!
//! [`Ir::build`] runs named passes in order; each is a plain function with a doc line:
//! [`upgrade_v1_nullability`], [`check_protocol`], [`leave_out_event_streams`],
//! [`collect_closure`], [`synthesize_operation_shapes`],
//! [`resolve_shapes`], [`box_recursive_members`], [`resolve_operations`],
//! [`collect_protocol_tests`], [`resolve_waiters`], [`mark_directions`], [`check_names`].
//! Emitters read only this; this never formats code.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::docs;
use crate::model::{shape_name, Model, ModelError, Shape, ShapeId, ShapeKind};

mod auth;
mod check_names;
mod closure;
mod directions;
mod event_streams;
mod item_pins;
mod nullability;
mod operations;
mod protocol;
mod protocol_tests;
mod recursion;
mod service;
mod shapes;
mod synthetic;
mod waiters;

pub use auth::{resolve_auth, rules_name_sigv4a, AuthIr, AuthScheme};
pub use check_names::check_names;
pub use closure::collect_closure;
pub use directions::mark_directions;
pub use event_streams::leave_out_event_streams;
pub use item_pins::pin_items;
pub use nullability::upgrade_v1_nullability;
pub use operations::resolve_operations;
pub use protocol::check_protocol;
pub use protocol_tests::{collect_protocol_tests, ProtocolTestIr, ProtocolTestKind};
pub use recursion::box_recursive_members;
pub use service::resolve_service;
pub use shapes::resolve_shapes;
pub use synthetic::synthesize_operation_shapes;
pub use waiters::{
    compile_path, resolve_waiters, AcceptorIr, AcceptorState, Leaf, MatcherIr, PathExpr, Step,
    WaiterIr,
};

/// Namespace of the input and output structures the generator makes for each operation.
pub const SYNTHETIC_NS: &str = "smithy.synthetic";

/// Options that do not come from the model.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Crate name; by default from the service's `sdkId`.
    pub crate_name: Option<String>,
    /// Crate version written into `Cargo.toml`.
    pub crate_version: Option<String>,
    /// Resolve the model whatever its protocol (no [`check_protocol`]): for `cargo xtask
    /// diff`, which compares the Rust API a model would give, and the protocol does not
    /// change that API. Never for writing a crate.
    pub any_protocol: bool,
    /// The items member of each paginator whose `@paginated` trait names none, as pinned in
    /// a reviewed file (operation name to member name, `None` for "no `items()`"). `None`:
    /// nothing is pinned, every such paginator is inferred afresh. See [`Ir::item_pins`].
    pub pinned_items: Option<BTreeMap<String, Option<String>>>,
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
    /// Operations of the model that the crate leaves out, sorted by name.
    pub left_out: Vec<LeftOut>,
    /// Waiters, sorted by client method.
    pub waiters: Vec<WaiterIr>,
    /// Waiters of the model that the crate leaves out.
    pub left_out_waiters: Vec<LeftOut>,
    /// The items member of every paginator whose model names none (operation name to member
    /// name), to be written back to the pins file.
    pub item_pins: BTreeMap<String, Option<String>>,
}

/// An operation of the model that the generated crate leaves out, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftOut {
    /// Shape id.
    pub id: ShapeId,
    /// Operation name.
    pub name: String,
    /// Why (`has an event stream ...`).
    pub reason: String,
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
    /// A `@streaming` blob bound to the payload of an operation's input or output: sent and
    /// read as a stream (`ByteStream`), never buffered by the generated code. Such a member
    /// is never `Option` (an unset one is an empty body).
    ByteStream,
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
    /// The target's `@requiresLength`: a streaming payload must be sent with its length.
    pub requires_length: bool,
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
    /// Output member path of the items, if modeled, pinned or unambiguous.
    pub items: Option<String>,
    /// `items` is not named by the model (inferred or pinned), so a model update could
    /// change it: it goes in [`Ir::item_pins`].
    pub items_pinnable: bool,
    /// Input member limiting the page size.
    pub page_size: Option<String>,
}

/// An endpoint rule parameter an operation sets.
#[derive(Debug, Clone, PartialEq)]
pub enum EndpointParamIr {
    /// `smithy.rules#staticContextParams`: a fixed value (string or boolean).
    Static { name: String, value: Value },
    /// `smithy.rules#contextParam` on an input member (a string or boolean).
    Member {
        name: String,
        rust_name: String,
        ty: Ty,
    },
}

/// An operation.
#[derive(Debug, Clone)]
pub struct OperationIr {
    /// Shape id.
    pub id: ShapeId,
    /// Name in UpperCamelCase (`CreateChannel`).
    pub name: String,
    /// Module name (`create_channel`).
    pub snake: String,
    /// Method name on the client: the module name, unless the client defines that name
    /// itself (`config_operation`).
    pub client_method: String,
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
    /// Auth schemes, in the order the client tries them.
    pub auth: AuthIr,
    /// Endpoint parameters of the operation and its input.
    pub endpoint_params: Vec<EndpointParamIr>,
}

pub(crate) fn invalid(shape: &str, message: impl Into<String>) -> ModelError {
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
        if !options.any_protocol {
            check_protocol(&model, &service)?;
        }
        let left_out = leave_out_event_streams(&mut model, &service);
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
            left_out,
            waiters: Vec::new(),
            left_out_waiters: Vec::new(),
            item_pins: BTreeMap::new(),
        };
        resolve_shapes(&model, &service, &closure, &synthetic, &mut ir)?;
        box_recursive_members(&mut ir);
        resolve_operations(&model, &service, &synthetic, &mut ir)?;
        ir.item_pins = pin_items(&mut ir, options.pinned_items.as_ref())?;
        collect_protocol_tests(&model, &mut ir);
        (ir.waiters, ir.left_out_waiters) = resolve_waiters(&model, &ir);
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

pub(crate) fn op_name(service: &Shape, op: &Shape) -> String {
    renamed(service, &op.id)
}

/// The name of a shape after the service's `rename` map.
pub(crate) fn renamed(service: &Shape, id: &str) -> String {
    if let ShapeKind::Service(b) = &service.kind {
        if let Some(n) = b.rename.get(id) {
            return n.clone();
        }
    }
    shape_name(id).to_owned()
}

pub(crate) fn deprecated(traits: &crate::model::Traits) -> Option<Deprecated> {
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

pub(crate) fn docs_of(traits: &crate::model::Traits) -> Vec<String> {
    traits
        .get("smithy.api#documentation")
        .and_then(Value::as_str)
        .map(docs::doc_lines)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(shapes: &str) -> Result<Ir, ModelError> {
        let text = format!(
            r#"{{"smithy": "2.0", "shapes": {{
                "t.s#Svc": {{"type": "service", "version": "1", "operations": [{{"target": "t.s#Op"}}],
                    "traits": {{"aws.protocols#restJson1": {{}}}}}},
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
            "t.s#Svc": {"type": "service", "version": "1", "operations": [{"target": "t.s#Op"}],
                "traits": {"aws.protocols#restJson1": {}}},
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
