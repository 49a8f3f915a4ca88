//! A mirror of the Smithy JSON AST (IDL 1.0 and 2.0): data only, no code-generation logic.
//!
//! [`Model::from_json`] parses the text, applies `apply` shapes, flattens mixins, adds the
//! `smithy.api` prelude and checks that every member target exists. Unknown traits are kept
//! as JSON values; what the generator does not understand is not its reader's business.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::{Map, Value};

/// A shape id, `namespace#Name`.
pub type ShapeId = String;

/// Traits by absolute id (`smithy.api#documentation`), values as written in the model.
pub type Traits = BTreeMap<String, Value>;

/// The Smithy IDL version the file declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdlVersion {
    /// `"smithy": "1.0"`: box semantics decide nullability.
    V1,
    /// `"smithy": "2.0"`: `required`, `default` and `clientOptional` decide nullability.
    V2,
}

/// A whole model: every shape, sorted by id so iteration is deterministic.
#[derive(Debug, Clone)]
pub struct Model {
    /// IDL version of the file.
    pub version: IdlVersion,
    /// The `metadata` object.
    pub metadata: Map<String, Value>,
    /// Every shape, the prelude included.
    pub shapes: BTreeMap<ShapeId, Shape>,
}

/// One shape.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    /// Its absolute id.
    pub id: ShapeId,
    /// Its type and type-specific content.
    pub kind: ShapeKind,
    /// Its traits (after `apply` and mixins).
    pub traits: Traits,
}

/// A member of an aggregate, enum or list shape.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// The member name as the model spells it.
    pub name: String,
    /// The shape it targets.
    pub target: ShapeId,
    /// Its traits (after `apply` and mixins).
    pub traits: Traits,
}

/// Operation-specific content.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Operation {
    /// Input structure (`smithy.api#Unit` when absent).
    pub input: ShapeId,
    /// Output structure (`smithy.api#Unit` when absent).
    pub output: ShapeId,
    /// Modeled errors.
    pub errors: Vec<ShapeId>,
}

/// Service- and resource-specific content: what they bind.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Binding {
    /// `version` (services only).
    pub version: Option<String>,
    /// Bound operations, in model order.
    pub operations: Vec<ShapeId>,
    /// Bound resources.
    pub resources: Vec<ShapeId>,
    /// Errors every operation of a service may return.
    pub errors: Vec<ShapeId>,
    /// The service's `rename` map (shape id -> new name).
    pub rename: BTreeMap<ShapeId, String>,
    /// Lifecycle operations of a resource (create, read, update, delete, list, put).
    pub lifecycle: BTreeMap<String, ShapeId>,
    /// A resource's identifiers (name -> target).
    pub identifiers: BTreeMap<String, ShapeId>,
}

/// The type of a shape.
#[derive(Debug, Clone, PartialEq)]
pub enum ShapeKind {
    Blob,
    Boolean,
    String,
    Byte,
    Short,
    Integer,
    Long,
    Float,
    Double,
    BigInteger,
    BigDecimal,
    Timestamp,
    Document,
    /// Smithy 2.0 string enum; each member's `enumValue` trait holds its value.
    Enum(Vec<Member>),
    /// Smithy 2.0 integer enum.
    IntEnum(Vec<Member>),
    List(Box<Member>),
    Set(Box<Member>),
    Map {
        key: Box<Member>,
        value: Box<Member>,
    },
    Structure(Vec<Member>),
    Union(Vec<Member>),
    Service(Binding),
    Resource(Binding),
    Operation(Operation),
}

impl ShapeKind {
    /// The type name as the JSON AST spells it.
    pub fn type_name(&self) -> &'static str {
        match self {
            ShapeKind::Blob => "blob",
            ShapeKind::Boolean => "boolean",
            ShapeKind::String => "string",
            ShapeKind::Byte => "byte",
            ShapeKind::Short => "short",
            ShapeKind::Integer => "integer",
            ShapeKind::Long => "long",
            ShapeKind::Float => "float",
            ShapeKind::Double => "double",
            ShapeKind::BigInteger => "bigInteger",
            ShapeKind::BigDecimal => "bigDecimal",
            ShapeKind::Timestamp => "timestamp",
            ShapeKind::Document => "document",
            ShapeKind::Enum(_) => "enum",
            ShapeKind::IntEnum(_) => "intEnum",
            ShapeKind::List(_) => "list",
            ShapeKind::Set(_) => "set",
            ShapeKind::Map { .. } => "map",
            ShapeKind::Structure(_) => "structure",
            ShapeKind::Union(_) => "union",
            ShapeKind::Service(_) => "service",
            ShapeKind::Resource(_) => "resource",
            ShapeKind::Operation(_) => "operation",
        }
    }

    /// The members of this shape, in model order (list members and map keys/values too).
    pub fn members(&self) -> Vec<&Member> {
        match self {
            ShapeKind::Enum(m)
            | ShapeKind::IntEnum(m)
            | ShapeKind::Structure(m)
            | ShapeKind::Union(m) => m.iter().collect(),
            ShapeKind::List(m) | ShapeKind::Set(m) => vec![m],
            ShapeKind::Map { key, value } => vec![key, value],
            _ => Vec::new(),
        }
    }

    fn members_mut(&mut self) -> Vec<&mut Member> {
        match self {
            ShapeKind::Enum(m)
            | ShapeKind::IntEnum(m)
            | ShapeKind::Structure(m)
            | ShapeKind::Union(m) => m.iter_mut().collect(),
            ShapeKind::List(m) | ShapeKind::Set(m) => vec![m],
            ShapeKind::Map { key, value } => vec![key, value],
            _ => Vec::new(),
        }
    }
}

impl Shape {
    /// Whether the shape has trait `id` (`smithy.api#` may be left out).
    pub fn has_trait(&self, id: &str) -> bool {
        self.traits.contains_key(&absolute_trait(id))
    }

    /// The value of trait `id` (`smithy.api#` may be left out).
    pub fn trait_value(&self, id: &str) -> Option<&Value> {
        self.traits.get(&absolute_trait(id))
    }

    /// The member called `name`, if any.
    pub fn member(&self, name: &str) -> Option<&Member> {
        self.kind.members().into_iter().find(|m| m.name == name)
    }

    /// The shape's name, the part after `#`.
    pub fn name(&self) -> &str {
        shape_name(&self.id)
    }
}

impl Member {
    /// Whether the member has trait `id` (`smithy.api#` may be left out).
    pub fn has_trait(&self, id: &str) -> bool {
        self.traits.contains_key(&absolute_trait(id))
    }

    /// The value of trait `id` (`smithy.api#` may be left out).
    pub fn trait_value(&self, id: &str) -> Option<&Value> {
        self.traits.get(&absolute_trait(id))
    }
}

/// `documentation` -> `smithy.api#documentation`; ids with a namespace are left alone.
pub fn absolute_trait(id: &str) -> String {
    if id.contains('#') {
        id.to_owned()
    } else {
        format!("smithy.api#{id}")
    }
}

/// The name part of a shape id (`ns#Name` -> `Name`, `ns#Name$member` -> `Name`).
pub fn shape_name(id: &str) -> &str {
    let name = id.rsplit('#').next().unwrap_or(id);
    name.split('$').next().unwrap_or(name)
}

/// The namespace part of a shape id.
pub fn shape_namespace(id: &str) -> &str {
    id.split('#').next().unwrap_or("")
}

/// Why a model could not be read. Every variant names where the problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelError {
    /// The text is not JSON.
    Json {
        line: usize,
        column: usize,
        message: String,
    },
    /// The JSON is not a Smithy model, or a shape is malformed.
    Malformed { at: String, message: String },
    /// A shape has a type the Smithy specification does not define.
    UnknownShapeType { shape: ShapeId, found: String },
    /// A member, operation or binding refers to a shape that does not exist.
    MissingTarget {
        shape: ShapeId,
        member: Option<String>,
        target: ShapeId,
    },
    /// A check of the generator failed (names, unsupported constructs).
    Invalid { shape: ShapeId, message: String },
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelError::Json {
                line,
                column,
                message,
            } => write!(f, "invalid JSON at line {line}, column {column}: {message}"),
            ModelError::Malformed { at, message } => write!(f, "{at}: {message}"),
            ModelError::UnknownShapeType { shape, found } => {
                write!(f, "{shape}: unknown shape type `{found}`")
            }
            ModelError::MissingTarget {
                shape,
                member: Some(member),
                target,
            } => write!(
                f,
                "{shape}${member}: targets `{target}`, which is not defined in the model"
            ),
            ModelError::MissingTarget {
                shape,
                member: None,
                target,
            } => write!(
                f,
                "{shape}: refers to `{target}`, which is not defined in the model"
            ),
            ModelError::Invalid { shape, message } => write!(f, "{shape}: {message}"),
        }
    }
}

impl std::error::Error for ModelError {}

fn malformed(at: impl Into<String>, message: impl Into<String>) -> ModelError {
    ModelError::Malformed {
        at: at.into(),
        message: message.into(),
    }
}

/// A member as written before mixins are flattened: `None` traits means "not written".
#[derive(Debug, Clone)]
struct RawShape {
    shape: Shape,
    mixins: Vec<ShapeId>,
}

impl Model {
    /// Parses a Smithy JSON AST model and resolves it (apply, mixins, prelude, targets).
    pub fn from_json(text: &str) -> Result<Model, ModelError> {
        let root: Value = serde_json::from_str(text).map_err(|e| ModelError::Json {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        let root = root
            .as_object()
            .ok_or_else(|| malformed("model", "the top level must be a JSON object"))?;
        let version = match root.get("smithy").and_then(Value::as_str) {
            Some(v) if v == "1" || v.starts_with("1.") => IdlVersion::V1,
            Some(v) if v == "2" || v.starts_with("2.") => IdlVersion::V2,
            Some(v) => {
                return Err(malformed(
                    "model",
                    format!("unsupported Smithy version `{v}`"),
                ))
            }
            None => return Err(malformed("model", "missing the `smithy` version string")),
        };
        let metadata = match root.get("metadata") {
            None => Map::new(),
            Some(Value::Object(m)) => m.clone(),
            Some(_) => return Err(malformed("metadata", "must be an object")),
        };
        let shapes_json = match root.get("shapes") {
            None => Map::new(),
            Some(Value::Object(m)) => m.clone(),
            Some(_) => return Err(malformed("shapes", "must be an object")),
        };

        let mut raw: BTreeMap<ShapeId, RawShape> = BTreeMap::new();
        let mut applies: Vec<(ShapeId, Traits)> = Vec::new();
        for (id, json) in &shapes_json {
            if !is_valid_shape_id(id.split('$').next().unwrap_or(id)) {
                // An empty key would make an error that names no place.
                let at = if id.is_empty() {
                    "shapes.\"\""
                } else {
                    id.as_str()
                };
                return Err(malformed(at, "is not a valid absolute shape id"));
            }
            let obj = json
                .as_object()
                .ok_or_else(|| malformed(id.clone(), "a shape must be a JSON object"))?;
            let ty = obj
                .get("type")
                .and_then(Value::as_str)
                .ok_or_else(|| malformed(id.clone(), "missing the `type` string"))?;
            if ty == "apply" {
                applies.push((id.clone(), parse_traits(id, obj.get("traits"))?));
                continue;
            }
            raw.insert(id.clone(), parse_shape(id, ty, obj, version)?);
        }
        for (id, shape) in prelude(version) {
            raw.entry(id).or_insert(RawShape {
                shape,
                mixins: Vec::new(),
            });
        }

        apply_traits(&mut raw, applies)?;
        let mut shapes = flatten_mixins(raw)?;
        // Mixins are not part of the API: they only lend members and traits.
        shapes.retain(|_, s| !s.has_trait("smithy.api#mixin"));
        let model = Model {
            version,
            metadata,
            shapes,
        };
        model.check_targets()?;
        Ok(model)
    }

    /// The shape with `id`.
    pub fn shape(&self, id: &str) -> Option<&Shape> {
        self.shapes.get(id)
    }

    /// The single service shape of the model; an error when there is none or several.
    pub fn service(&self) -> Result<&Shape, ModelError> {
        let services: Vec<&Shape> = self
            .shapes
            .values()
            .filter(|s| matches!(s.kind, ShapeKind::Service(_)))
            .collect();
        match services.as_slice() {
            [one] => Ok(one),
            [] => Err(malformed("model", "has no service shape")),
            many => Err(malformed(
                "model",
                format!(
                    "has {} service shapes ({}); exactly one is supported",
                    many.len(),
                    many.iter()
                        .map(|s| s.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
        }
    }

    /// Every operation the service binds, directly or through resources, sorted by id.
    pub fn service_operations(&self, service: &Shape) -> Vec<ShapeId> {
        let mut out = BTreeSet::new();
        let mut stack = vec![service.id.clone()];
        let mut seen = BTreeSet::new();
        while let Some(id) = stack.pop() {
            if !seen.insert(id.clone()) {
                continue;
            }
            let Some(shape) = self.shapes.get(&id) else {
                continue;
            };
            if let ShapeKind::Service(b) | ShapeKind::Resource(b) = &shape.kind {
                out.extend(b.operations.iter().cloned());
                out.extend(b.lifecycle.values().cloned());
                stack.extend(b.resources.iter().cloned());
            }
        }
        out.into_iter().collect()
    }

    fn check_targets(&self) -> Result<(), ModelError> {
        for shape in self.shapes.values() {
            for m in shape.kind.members() {
                if !self.shapes.contains_key(&m.target) {
                    return Err(ModelError::MissingTarget {
                        shape: shape.id.clone(),
                        member: Some(m.name.clone()),
                        target: m.target.clone(),
                    });
                }
            }
            let refs: Vec<&ShapeId> = match &shape.kind {
                ShapeKind::Operation(op) => [&op.input, &op.output]
                    .into_iter()
                    .chain(op.errors.iter())
                    .collect(),
                ShapeKind::Service(b) | ShapeKind::Resource(b) => b
                    .operations
                    .iter()
                    .chain(&b.resources)
                    .chain(&b.errors)
                    .chain(b.lifecycle.values())
                    .chain(b.identifiers.values())
                    .collect(),
                _ => Vec::new(),
            };
            for target in refs {
                if !self.shapes.contains_key(target) {
                    return Err(ModelError::MissingTarget {
                        shape: shape.id.clone(),
                        member: None,
                        target: target.clone(),
                    });
                }
            }
        }
        Ok(())
    }
}

fn is_valid_shape_id(id: &str) -> bool {
    let Some((ns, name)) = id.split_once('#') else {
        return false;
    };
    let ident = |s: &str| {
        let mut chars = s.chars();
        matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    !ns.is_empty() && ns.split('.').all(ident) && ident(name)
}

fn parse_traits(at: &str, traits: Option<&Value>) -> Result<Traits, ModelError> {
    match traits {
        None => Ok(Traits::new()),
        Some(Value::Object(map)) => Ok(map
            .iter()
            .map(|(k, v)| (absolute_trait(k), v.clone()))
            .collect()),
        Some(_) => Err(malformed(at, "`traits` must be an object")),
    }
}

fn target_of(at: &str, v: Option<&Value>) -> Result<ShapeId, ModelError> {
    v.and_then(Value::as_object)
        .and_then(|o| o.get("target"))
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| malformed(at, "expected an object with a `target` string"))
}

fn targets_of(at: &str, v: Option<&Value>) -> Result<Vec<ShapeId>, ModelError> {
    match v {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => items.iter().map(|i| target_of(at, Some(i))).collect(),
        Some(_) => Err(malformed(at, "expected a list of shape references")),
    }
}

fn parse_member(shape: &str, name: &str, json: &Value) -> Result<Member, ModelError> {
    let at = format!("{shape}${name}");
    let obj = json
        .as_object()
        .ok_or_else(|| malformed(at.clone(), "a member must be a JSON object"))?;
    Ok(Member {
        name: name.to_owned(),
        target: target_of(&at, Some(json))?,
        traits: parse_traits(&at, obj.get("traits"))?,
    })
}

fn parse_members(id: &str, obj: &Map<String, Value>) -> Result<Vec<Member>, ModelError> {
    match obj.get("members") {
        None => Ok(Vec::new()),
        Some(Value::Object(members)) => members
            .iter()
            .map(|(name, m)| parse_member(id, name, m))
            .collect(),
        Some(_) => Err(malformed(id, "`members` must be an object")),
    }
}

fn parse_shape(
    id: &str,
    ty: &str,
    obj: &Map<String, Value>,
    version: IdlVersion,
) -> Result<RawShape, ModelError> {
    let member = |name: &str| -> Result<Box<Member>, ModelError> {
        let json = obj
            .get(name)
            .ok_or_else(|| malformed(id, format!("a {ty} needs a `{name}` member")))?;
        Ok(Box::new(parse_member(id, name, json)?))
    };
    let kind = match ty {
        "blob" => ShapeKind::Blob,
        "boolean" => ShapeKind::Boolean,
        "string" => ShapeKind::String,
        "byte" => ShapeKind::Byte,
        "short" => ShapeKind::Short,
        "integer" => ShapeKind::Integer,
        "long" => ShapeKind::Long,
        "float" => ShapeKind::Float,
        "double" => ShapeKind::Double,
        "bigInteger" => ShapeKind::BigInteger,
        "bigDecimal" => ShapeKind::BigDecimal,
        "timestamp" => ShapeKind::Timestamp,
        "document" => ShapeKind::Document,
        "enum" => ShapeKind::Enum(parse_members(id, obj)?),
        "intEnum" => ShapeKind::IntEnum(parse_members(id, obj)?),
        "list" => ShapeKind::List(member("member")?),
        "set" => ShapeKind::Set(member("member")?),
        "map" => ShapeKind::Map {
            key: member("key")?,
            value: member("value")?,
        },
        "structure" => ShapeKind::Structure(parse_members(id, obj)?),
        "union" => ShapeKind::Union(parse_members(id, obj)?),
        "operation" => ShapeKind::Operation(Operation {
            input: match obj.get("input") {
                Some(v) => target_of(&format!("{id} input"), Some(v))?,
                None => UNIT.to_owned(),
            },
            output: match obj.get("output") {
                Some(v) => target_of(&format!("{id} output"), Some(v))?,
                None => UNIT.to_owned(),
            },
            errors: targets_of(id, obj.get("errors"))?,
        }),
        "service" | "resource" => {
            let mut b = Binding {
                version: obj
                    .get("version")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                operations: targets_of(id, obj.get("operations"))?,
                resources: targets_of(id, obj.get("resources"))?,
                errors: targets_of(id, obj.get("errors"))?,
                ..Binding::default()
            };
            if let Some(rename) = obj.get("rename") {
                let rename = rename
                    .as_object()
                    .ok_or_else(|| malformed(id, "`rename` must be an object"))?;
                for (k, v) in rename {
                    let v = v.as_str().ok_or_else(|| {
                        malformed(id, format!("`rename` of `{k}` must be a string"))
                    })?;
                    b.rename.insert(k.clone(), v.to_owned());
                }
            }
            for key in ["create", "put", "read", "update", "delete", "list"] {
                if let Some(v) = obj.get(key) {
                    b.lifecycle
                        .insert(key.to_owned(), target_of(&format!("{id} {key}"), Some(v))?);
                }
            }
            b.operations
                .extend(targets_of(id, obj.get("collectionOperations"))?);
            if let Some(Value::Object(ids)) = obj.get("identifiers") {
                for (k, v) in ids {
                    b.identifiers.insert(
                        k.clone(),
                        target_of(&format!("{id} identifier {k}"), Some(v))?,
                    );
                }
            }
            if ty == "service" {
                ShapeKind::Service(b)
            } else {
                ShapeKind::Resource(b)
            }
        }
        other => {
            return Err(ModelError::UnknownShapeType {
                shape: id.to_owned(),
                found: other.to_owned(),
            })
        }
    };
    let _ = version;
    Ok(RawShape {
        shape: Shape {
            id: id.to_owned(),
            kind,
            traits: parse_traits(id, obj.get("traits"))?,
        },
        mixins: targets_of(id, obj.get("mixins"))?,
    })
}

/// The id of the prelude's unit type.
pub const UNIT: &str = "smithy.api#Unit";

fn prelude(version: IdlVersion) -> Vec<(ShapeId, Shape)> {
    let mut out = Vec::new();
    let mut add = |name: &str, kind: ShapeKind, traits: &[(&str, Value)]| {
        let id = format!("smithy.api#{name}");
        let traits = traits
            .iter()
            .map(|(k, v)| (absolute_trait(k), v.clone()))
            .collect();
        out.push((id.clone(), Shape { id, kind, traits }));
    };
    let boxed: &[(&str, Value)] = match version {
        IdlVersion::V1 => &[("box", Value::Object(Map::new()))],
        IdlVersion::V2 => &[],
    };
    add("Blob", ShapeKind::Blob, &[]);
    add("Boolean", ShapeKind::Boolean, boxed);
    add("String", ShapeKind::String, &[]);
    add("Byte", ShapeKind::Byte, boxed);
    add("Short", ShapeKind::Short, boxed);
    add("Integer", ShapeKind::Integer, boxed);
    add("Long", ShapeKind::Long, boxed);
    add("Float", ShapeKind::Float, boxed);
    add("Double", ShapeKind::Double, boxed);
    add("BigInteger", ShapeKind::BigInteger, &[]);
    add("BigDecimal", ShapeKind::BigDecimal, &[]);
    add("Timestamp", ShapeKind::Timestamp, &[]);
    add("Document", ShapeKind::Document, &[]);
    let zero = |v: Value| -> Vec<(&'static str, Value)> {
        match version {
            IdlVersion::V1 => Vec::new(),
            IdlVersion::V2 => vec![("default", v)],
        }
    };
    add(
        "PrimitiveBoolean",
        ShapeKind::Boolean,
        &zero(Value::Bool(false)),
    );
    add("PrimitiveByte", ShapeKind::Byte, &zero(0.into()));
    add("PrimitiveShort", ShapeKind::Short, &zero(0.into()));
    add("PrimitiveInteger", ShapeKind::Integer, &zero(0.into()));
    add("PrimitiveLong", ShapeKind::Long, &zero(0.into()));
    add("PrimitiveFloat", ShapeKind::Float, &zero(0.into()));
    add("PrimitiveDouble", ShapeKind::Double, &zero(0.into()));
    add(
        "Unit",
        ShapeKind::Structure(Vec::new()),
        &[("unitType", Value::Object(Map::new()))],
    );
    out
}

fn apply_traits(
    raw: &mut BTreeMap<ShapeId, RawShape>,
    applies: Vec<(ShapeId, Traits)>,
) -> Result<(), ModelError> {
    for (target, traits) in applies {
        let (shape_id, member) = match target.split_once('$') {
            Some((s, m)) => (s.to_owned(), Some(m.to_owned())),
            None => (target.clone(), None),
        };
        let shape = raw
            .get_mut(&shape_id)
            .ok_or_else(|| ModelError::MissingTarget {
                shape: target.clone(),
                member: None,
                target: shape_id.clone(),
            })?;
        let slot = match &member {
            None => &mut shape.shape.traits,
            Some(m) => {
                &mut shape
                    .shape
                    .kind
                    .members_mut()
                    .into_iter()
                    .find(|x| &x.name == m)
                    .ok_or_else(|| ModelError::MissingTarget {
                        shape: shape_id.clone(),
                        member: Some(m.clone()),
                        target: target.clone(),
                    })?
                    .traits
            }
        };
        for (k, v) in traits {
            slot.insert(k, v);
        }
    }
    Ok(())
}

/// Copies the members and traits of mixins into the shapes that use them, mixins of mixins
/// first. The shape's own members come after inherited ones; its own traits win.
fn flatten_mixins(
    mut raw: BTreeMap<ShapeId, RawShape>,
) -> Result<BTreeMap<ShapeId, Shape>, ModelError> {
    let mut done: BTreeMap<ShapeId, Shape> = BTreeMap::new();
    let ids: Vec<ShapeId> = raw.keys().cloned().collect();
    for id in ids {
        resolve_mixins(&id, &mut raw, &mut done, &mut Vec::new())?;
    }
    Ok(done)
}

fn resolve_mixins(
    id: &str,
    raw: &mut BTreeMap<ShapeId, RawShape>,
    done: &mut BTreeMap<ShapeId, Shape>,
    path: &mut Vec<ShapeId>,
) -> Result<(), ModelError> {
    if done.contains_key(id) {
        return Ok(());
    }
    if path.iter().any(|p| p == id) {
        return Err(ModelError::Invalid {
            shape: id.to_owned(),
            message: format!("mixin cycle: {} -> {id}", path.join(" -> ")),
        });
    }
    let Some(entry) = raw.remove(id) else {
        return Err(ModelError::MissingTarget {
            shape: path.last().cloned().unwrap_or_default(),
            member: None,
            target: id.to_owned(),
        });
    };
    path.push(id.to_owned());
    let RawShape { mut shape, mixins } = entry;
    let mut inherited_members: Vec<Member> = Vec::new();
    let mut inherited_traits = Traits::new();
    for mixin in &mixins {
        resolve_mixins(mixin, raw, done, path)?;
        let m = &done[mixin.as_str()];
        for member in m.kind.members() {
            if !inherited_members.iter().any(|x| x.name == member.name) {
                inherited_members.push(member.clone());
            }
        }
        for (k, v) in &m.traits {
            // The mixin trait itself and local-only traits are not inherited.
            if k != "smithy.api#mixin" {
                inherited_traits.insert(k.clone(), v.clone());
            }
        }
    }
    path.pop();
    if !mixins.is_empty() {
        for (k, v) in inherited_traits {
            shape.traits.entry(k).or_insert(v);
        }
        if let ShapeKind::Structure(members)
        | ShapeKind::Union(members)
        | ShapeKind::Enum(members)
        | ShapeKind::IntEnum(members) = &mut shape.kind
        {
            let mut merged = Vec::new();
            for mut inherited in inherited_members {
                // A member redeclared locally only adds traits.
                if let Some(pos) = members.iter().position(|m| m.name == inherited.name) {
                    let local = members.remove(pos);
                    inherited.traits.extend(local.traits);
                }
                merged.push(inherited);
            }
            merged.append(members);
            *members = merged;
        }
    }
    done.insert(id.to_owned(), shape);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(shapes: &str) -> Result<Model, ModelError> {
        Model::from_json(&format!(r#"{{"smithy": "2.0", "shapes": {shapes}}}"#))
    }

    #[test]
    fn malformed_json_reports_line_and_column() {
        let err = Model::from_json("{\n  \"smithy\": \"2.0\",\n  \"shapes\": {,}\n}").unwrap_err();
        match err {
            ModelError::Json { line, column, .. } => assert_eq!((line, column), (3, 14)),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn unknown_shape_type_names_the_shape() {
        let err = model(r#"{"a.b#X": {"type": "stringy"}}"#).unwrap_err();
        assert_eq!(err.to_string(), "a.b#X: unknown shape type `stringy`");
    }

    #[test]
    fn missing_member_target_names_shape_and_member() {
        let err = model(
            r#"{"a.b#X": {"type": "structure", "members": {"foo": {"target": "a.b#Nope"}}}}"#,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "a.b#X$foo: targets `a.b#Nope`, which is not defined in the model"
        );
    }

    #[test]
    fn prelude_targets_resolve_and_unknown_traits_are_kept() {
        let m = model(
            r#"{"a.b#X": {"type": "structure", "members": {"foo": {"target": "smithy.api#String",
                "traits": {"custom.ns#thing": {"x": 1}}}}}}"#,
        )
        .unwrap();
        let x = m.shape("a.b#X").unwrap();
        assert!(x.member("foo").unwrap().has_trait("custom.ns#thing"));
        assert!(m.shape("smithy.api#PrimitiveInteger").is_some());
    }

    #[test]
    fn apply_adds_traits_to_shapes_and_members() {
        let m = model(
            r#"{"a.b#X": {"type": "structure", "members": {"foo": {"target": "smithy.api#String"}}},
                "a.b#X$foo": {"type": "apply", "traits": {"smithy.api#required": {}}},
                "a.b#X2": {"type": "apply", "traits": {}}}"#,
        );
        // An apply to a shape that does not exist is an error naming it.
        assert!(matches!(m, Err(ModelError::MissingTarget { .. })));
        let m = model(
            r#"{"a.b#X": {"type": "structure", "members": {"foo": {"target": "smithy.api#String"}}},
                "a.b#X$foo": {"type": "apply", "traits": {"smithy.api#required": {}}}}"#,
        )
        .unwrap();
        assert!(m
            .shape("a.b#X")
            .unwrap()
            .member("foo")
            .unwrap()
            .has_trait("required"));
    }

    #[test]
    fn mixins_are_flattened_and_removed() {
        let m = model(
            r#"{"a.b#M": {"type": "structure", "members": {"a": {"target": "smithy.api#String"}},
                          "traits": {"smithy.api#mixin": {}, "smithy.api#documentation": "doc"}},
                "a.b#X": {"type": "structure", "mixins": [{"target": "a.b#M"}],
                          "members": {"b": {"target": "smithy.api#String"}}}}"#,
        )
        .unwrap();
        assert!(m.shape("a.b#M").is_none());
        let x = m.shape("a.b#X").unwrap();
        let names: Vec<_> = x.kind.members().iter().map(|m| m.name.clone()).collect();
        assert_eq!(names, ["a", "b"]);
        assert!(x.has_trait("documentation"));
    }

    #[test]
    fn reads_every_ivs_model() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../model");
        for file in [
            "ivs.json",
            "history/ivs-2021-06.json",
            "history/ivs-2021-10.json",
            "history/ivs-2021-11.json",
            "history/ivs-2022-01.json",
            "history/ivs-2023-03.json",
        ] {
            let text = std::fs::read_to_string(format!("{dir}/{file}")).unwrap();
            let m = Model::from_json(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
            let svc = m.service().unwrap();
            assert!(m.service_operations(svc).len() >= 26, "{file}");
        }
    }
}
