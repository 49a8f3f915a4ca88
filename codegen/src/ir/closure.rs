//! Pass: the shapes reachable from the service.

use std::collections::BTreeSet;

use crate::model::{Model, Shape, ShapeId, ShapeKind};

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
