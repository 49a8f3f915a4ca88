//! Brings a model to one canonical form so that two spellings of the same API compare equal.
//!
//! - Smithy 1.0 box semantics become 2.0 defaults: a non-boxed boolean or number shape gets
//!   `@default(false)` / `@default(0)`, and so does a structure member targeting one (unless the
//!   member is `@box`). `@box` itself disappears.
//! - A member's `@default(null)` (2.0's way to say "nullable after all") is dropped.
//! - A string with the `@enum` trait becomes an `enum` shape with one member per value.
//! - A `set` becomes a `list` with `@uniqueItems`.
//!
//! (`@http` keeps its `code` as written: the trait evaluators treat an implicit and an explicit
//! 200 as equal, but compare the values as written once they differ, as smithy-diff does.)

use serde_json::{Map, Value};

use super::traits::{SYNTHETIC_ENUM, SYNTHETIC_SET};
use crate::model::{IdlVersion, Member, Model, Shape, ShapeKind, UNIT};

const BOX: &str = "smithy.api#box";
const DEFAULT: &str = "smithy.api#default";

/// The canonical form of `model` (a copy; the input is untouched).
pub(super) fn normalize(model: &Model) -> Model {
    let mut out = model.clone();
    let v1 = model.version == IdlVersion::V1;
    for shape in out.shapes.values_mut() {
        if let ShapeKind::Structure(members) = &mut shape.kind {
            for m in members.iter_mut() {
                normalize_member_default(model, m, v1);
            }
        }
        for m in member_list_mut(&mut shape.kind) {
            m.traits.remove(BOX);
        }
        if v1 && !shape.has_trait("box") {
            if let Some(zero) = zero_value(&shape.kind) {
                shape.traits.entry(DEFAULT.to_owned()).or_insert(zero);
            }
        }
        shape.traits.remove(BOX);
        string_enum_to_enum(shape);
        if let ShapeKind::Set(member) = &shape.kind {
            shape.kind = ShapeKind::List(member.clone());
            shape
                .traits
                .entry("smithy.api#uniqueItems".to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            shape
                .traits
                .insert(SYNTHETIC_SET.to_owned(), Value::Object(Map::new()));
        }
    }
    out
}

/// The zero value a non-boxed Smithy 1.0 primitive implicitly defaults to.
fn zero_value(kind: &ShapeKind) -> Option<Value> {
    match kind {
        ShapeKind::Boolean => Some(Value::Bool(false)),
        ShapeKind::Byte
        | ShapeKind::Short
        | ShapeKind::Integer
        | ShapeKind::Long
        | ShapeKind::Float
        | ShapeKind::Double => Some(Value::from(0)),
        _ => None,
    }
}

fn normalize_member_default(model: &Model, m: &mut Member, v1: bool) {
    let boxed = m.traits.contains_key(BOX);
    if v1 {
        // 1.0: the target's box decides, and a boxed member is nullable whatever it targets.
        let zero = model
            .shape(&m.target)
            .filter(|t| !t.has_trait("box"))
            .and_then(|t| zero_value(&t.kind));
        match zero {
            Some(zero) if !boxed => {
                m.traits.entry(DEFAULT.to_owned()).or_insert(zero);
            }
            _ if boxed => {
                m.traits.remove(DEFAULT);
            }
            _ => {}
        }
    } else if boxed {
        // A 2.0 file may keep `@box` on members converted from 1.0: it means nullable.
        m.traits.remove(DEFAULT);
    }
    if m.traits.get(DEFAULT).is_some_and(Value::is_null) {
        m.traits.remove(DEFAULT);
    }
}

fn member_list_mut(kind: &mut ShapeKind) -> Vec<&mut Member> {
    match kind {
        ShapeKind::Enum(m)
        | ShapeKind::IntEnum(m)
        | ShapeKind::Structure(m)
        | ShapeKind::Union(m) => m.iter_mut().collect(),
        ShapeKind::List(m) | ShapeKind::Set(m) => vec![m.as_mut()],
        ShapeKind::Map { key, value } => vec![key.as_mut(), value.as_mut()],
        _ => Vec::new(),
    }
}

/// A string with `@enum` as the equivalent `enum` shape. A malformed trait is left alone (the
/// trait evaluator will still see it).
fn string_enum_to_enum(shape: &mut Shape) {
    if !matches!(shape.kind, ShapeKind::String) {
        return;
    }
    let Some(Value::Array(defs)) = shape.traits.get("smithy.api#enum") else {
        return;
    };
    let mut members = Vec::new();
    for def in defs {
        let Some(value) = def.get("value").and_then(Value::as_str) else {
            return;
        };
        let name = def
            .get("name")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| name_from_value(value));
        let mut traits = crate::model::Traits::new();
        traits.insert("smithy.api#enumValue".to_owned(), Value::from(value));
        if let Some(doc) = def.get("documentation") {
            traits.insert("smithy.api#documentation".to_owned(), doc.clone());
        }
        if let Some(tags) = def.get("tags") {
            traits.insert("smithy.api#tags".to_owned(), tags.clone());
        }
        if def.get("deprecated").and_then(Value::as_bool) == Some(true) {
            traits.insert(
                "smithy.api#deprecated".to_owned(),
                Value::Object(Map::new()),
            );
        }
        members.push(Member {
            name,
            target: UNIT.to_owned(),
            traits,
        });
    }
    shape.traits.remove("smithy.api#enum");
    // Remembered: smithy-diff treats such a shape as a string (turning it into an enum shape is
    // fine, the way back is a type change, and its values are no member shapes).
    shape
        .traits
        .insert(SYNTHETIC_ENUM.to_owned(), Value::Object(Map::new()));
    shape.kind = ShapeKind::Enum(members);
}

/// A member name for an unnamed 1.0 enum value, as Smithy's own upgrade derives it.
fn name_from_value(value: &str) -> String {
    let mut name: String = value
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name.insert(0, '_');
    }
    name
}
