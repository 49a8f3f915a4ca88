//! Pass: Smithy 1.0 box semantics as 2.0 `@default` traits.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::model::{IdlVersion, Model, ShapeId, ShapeKind};

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
