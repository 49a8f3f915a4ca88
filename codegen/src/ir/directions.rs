//! Pass: which shapes are serialized and which deserialized.

use std::collections::BTreeSet;

use super::{Ir, Ty};
use crate::model::ShapeId;

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
