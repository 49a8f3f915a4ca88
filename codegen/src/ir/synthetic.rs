//! Pass: synthetic `{Op}Input` and `{Op}Output` structures.

use std::collections::BTreeMap;

use super::{invalid, op_name, SYNTHETIC_NS};
use crate::model::{Model, ModelError, Shape, ShapeId, ShapeKind, UNIT};

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
