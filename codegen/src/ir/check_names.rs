//! Pass: names are identifiers and unique in their scope.

use std::collections::BTreeMap;

use super::{invalid, Ir, Placement};
use crate::model::ModelError;
use crate::names;

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
    let mut methods: BTreeMap<&str, &str> = BTreeMap::new();
    for op in &ir.operations {
        if let Some(other) = ops.insert(&op.snake, &op.id) {
            return Err(invalid(
                &op.id,
                format!("operation name `{}` is also the name of {other}", op.snake),
            ));
        }
        if let Some(other) = methods.insert(&op.client_method, &op.id) {
            return Err(invalid(
                &op.id,
                format!(
                    "client method `{}` is also the method of {other}",
                    op.client_method
                ),
            ));
        }
    }
    for w in &ir.waiters {
        if let Some(other) = methods.insert(&w.method, &w.operation) {
            return Err(invalid(
                &w.operation,
                format!(
                    "waiter `{}` becomes the client method `{}`, which is also the method of \
                     {other}",
                    w.name, w.method
                ),
            ));
        }
    }
    Ok(())
}
