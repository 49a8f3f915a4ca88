//! Pass: recursive members are boxed.

use std::collections::BTreeSet;

use super::{Ir, Ty};
use crate::model::ShapeId;

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
