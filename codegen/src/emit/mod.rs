//! IR to token streams: one module per concern. Each function returns items; [`emit`]
//! assembles them into files and [`crate::render`] prints them.

mod operation;
mod protocol_tests;
mod service;
mod shapes;
mod values;
mod waiters;

use std::collections::BTreeMap;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use serde_json::{Map, Value};

use crate::ir::{Deprecated, Ir, Placement, Ty};
use crate::model::ModelError;
use crate::render;

/// Options of the emitted crate that do not come from the model.
#[derive(Debug, Clone)]
pub struct EmitOptions {
    /// The `aws-lite-runtime` dependency line of `Cargo.toml`, e.g. `{ path = "../../runtime" }`.
    pub runtime_dependency: String,
    /// The partitions JSON compiled into the crate for endpoint resolution.
    pub partitions_json: String,
    /// Endpoint test cases whose model expectation the shipped partition table contradicts.
    pub endpoint_divergences: EndpointDivergences,
}

/// The partition table as the models' endpoint tests were written (default: none): data
/// that names no service. A generated endpoint test whose case the shipped table contradicts
/// must give the model's expectation with this table.
#[derive(Debug, Clone, Default)]
pub struct EndpointDivergences {
    /// Why the shipped table and the models' tests differ.
    pub reason: String,
    /// The partition table (JSON): the shipped one with some outputs set back (see
    /// [`partitions_with_outputs`]); empty for none.
    pub partitions_as_tested: String,
}

/// `partitions_json` with `overrides` (partition id to outputs) set over the partitions'
/// `outputs`. Each override must name a partition of the table and an output it has, with a
/// value of the same JSON type; the error says which does not.
pub fn partitions_with_outputs(
    partitions_json: &str,
    overrides: &BTreeMap<String, Map<String, Value>>,
) -> Result<String, String> {
    let mut root: Value = serde_json::from_str(partitions_json)
        .map_err(|e| format!("the partition table is not JSON: {e}"))?;
    let list = root
        .get_mut("partitions")
        .and_then(Value::as_array_mut)
        .ok_or("the partition table has no `partitions` list")?;
    let ids: Vec<String> = list
        .iter()
        .filter_map(|p| p.get("id").and_then(Value::as_str).map(str::to_owned))
        .collect();
    for (id, outputs) in overrides {
        let partition = list
            .iter_mut()
            .find(|p| p.get("id").and_then(Value::as_str) == Some(id.as_str()))
            .ok_or_else(|| {
                format!(
                    "`partitions_as_tested` names partition `{id}`, which the partition table \
                     does not have (it has {})",
                    ids.join(", ")
                )
            })?;
        let shipped = partition
            .get_mut("outputs")
            .and_then(Value::as_object_mut)
            .ok_or_else(|| format!("partition `{id}` of the partition table has no `outputs`"))?;
        let keys: Vec<String> = shipped.keys().cloned().collect();
        for (key, value) in outputs {
            let old = shipped.get_mut(key).ok_or_else(|| {
                format!(
                    "`partitions_as_tested` sets output `{key}` of partition `{id}`, which has \
                     no such output (it has {})",
                    keys.join(", ")
                )
            })?;
            if json_kind(old) != json_kind(value) {
                return Err(format!(
                    "`partitions_as_tested` sets output `{key}` of partition `{id}` to {value}, \
                     a {}, but the partition table's value {old} is a {}",
                    json_kind(value),
                    json_kind(old)
                ));
            }
            *old = value.clone();
        }
    }
    Ok(root.to_string())
}

/// The JSON type of `v`, for messages.
fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "object",
    }
}

/// A generated file: path relative to the crate root, and its text.
pub type File = (String, String);

/// One file to generate: its path and what it holds.
enum Job<'a> {
    Structure(&'a crate::ir::StructIr),
    Enum(&'a crate::ir::EnumIr),
    Union(&'a crate::ir::UnionIr),
    TypesMod(bool),
    Operation(&'a crate::ir::OperationIr),
    OperationMod,
    Client,
    CrateError,
    Primitives,
    Endpoint,
    Lib,
    ProtocolTestsMod,
    ProtocolTests(&'a crate::ir::OperationIr),
}

/// Every file of the crate for `ir`.
///
/// Building token streams and printing them is most of the generator's time, and each file
/// is independent of the others, so files are made on worker threads (token streams are not
/// `Send`: each thread builds and prints its own). The result is sorted by path, so it does
/// not depend on the scheduling.
pub fn emit(ir: &Ir, options: &EmitOptions) -> Result<Vec<File>, ModelError> {
    let type_modules = type_modules(ir);
    // The largest files (the crate's error and endpoint modules, then operations) come first,
    // so the workers finish close together.
    let mut jobs: Vec<(String, Job<'_>)> = vec![
        ("src/error.rs".into(), Job::CrateError),
        ("src/endpoint.rs".into(), Job::Endpoint),
    ];
    for op in &ir.operations {
        jobs.push((format!("src/operation/{}.rs", op.snake), Job::Operation(op)));
    }
    for s in ir.structures.values() {
        let dir = match s.placement {
            Placement::Operation(_) => continue,
            Placement::Errors => "src/types/error",
            Placement::Types => "src/types",
        };
        let module = crate::names::module_name(&s.rust_name);
        jobs.push((format!("{dir}/{module}.rs"), Job::Structure(s)));
    }
    for e in ir.enums.values() {
        let module = crate::names::module_name(&e.rust_name);
        jobs.push((format!("src/types/{module}.rs"), Job::Enum(e)));
    }
    for u in ir.unions.values() {
        let module = crate::names::module_name(&u.rust_name);
        jobs.push((format!("src/types/{module}.rs"), Job::Union(u)));
    }
    jobs.push(("src/types/mod.rs".into(), Job::TypesMod(false)));
    jobs.push(("src/types/error/mod.rs".into(), Job::TypesMod(true)));
    jobs.push(("src/operation/mod.rs".into(), Job::OperationMod));
    jobs.push(("src/client.rs".into(), Job::Client));
    jobs.push(("src/primitives.rs".into(), Job::Primitives));
    jobs.push(("src/lib.rs".into(), Job::Lib));
    if protocol_tests::has_tests(ir) {
        jobs.push(("src/protocol_tests/mod.rs".into(), Job::ProtocolTestsMod));
        for op in ir
            .operations
            .iter()
            .filter(|o| !o.protocol_tests.is_empty())
        {
            jobs.push((
                format!("src/protocol_tests/{}.rs", op.snake),
                Job::ProtocolTests(op),
            ));
        }
    }

    let make = |job: &Job<'_>| -> TokenStream {
        match job {
            Job::Structure(s) => shapes::structure(ir, s),
            Job::Enum(e) => shapes::enumeration(e),
            Job::Union(u) => shapes::union(ir, u),
            Job::TypesMod(errors) => service::types_mod(ir, &type_modules, *errors),
            Job::Operation(op) => operation::operation(ir, op),
            Job::OperationMod => service::operation_mod(ir),
            Job::Client => service::client(ir),
            Job::CrateError => service::crate_error(ir),
            Job::Primitives => service::primitives(ir),
            Job::Endpoint => service::endpoint(ir, options),
            Job::Lib => service::lib(ir),
            Job::ProtocolTestsMod => protocol_tests::module(ir),
            Job::ProtocolTests(op) => protocol_tests::operation_tests(ir, op),
        }
    };
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    // Workers take the next job from a shared counter, so one slow file never leaves a thread
    // idle; results are sorted by path afterwards, so the order of work does not matter.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let rendered: Vec<Result<File, ModelError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let (jobs, make, next) = (&jobs, &make, &next);
                scope.spawn(move || {
                    let mut done = Vec::new();
                    while let Some((path, job)) =
                        jobs.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
                    {
                        done.push(render::render(path, make(job)).map(|text| (path.clone(), text)));
                    }
                    done
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| match h.join() {
                Ok(files) => files,
                Err(_) => vec![Err(ModelError::Invalid {
                    shape: String::new(),
                    message: "a generator thread panicked; this is a generator bug".into(),
                })],
            })
            .collect()
    });
    let mut out = rendered
        .into_iter()
        .collect::<Result<Vec<File>, ModelError>>()?;
    out.push(("Cargo.toml".into(), service::cargo_toml(ir, options)));
    out.sort();
    Ok(out)
}

/// `(placement, module, type name)` of every type with its own file under `src/types`.
fn type_modules(ir: &Ir) -> Vec<(Placement, String, String)> {
    let structs = ir
        .structures
        .values()
        .filter(|s| !matches!(s.placement, Placement::Operation(_)))
        .map(|s| (s.placement.clone(), &s.rust_name));
    let enums = ir.enums.values().map(|e| (Placement::Types, &e.rust_name));
    let unions = ir.unions.values().map(|u| (Placement::Types, &u.rust_name));
    structs
        .chain(enums)
        .chain(unions)
        .map(|(p, name)| (p, crate::names::module_name(name), name.clone()))
        .collect()
}

/// An identifier, raw where the name says so (`r#type`).
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// `#[doc = ...]` attributes for documentation lines.
pub(crate) fn docs(lines: &[String]) -> TokenStream {
    let lines = lines.iter();
    quote! { #( #[doc = #lines] )* }
}

/// Like [`docs`], with `fallback` when the model documents nothing (every public item gets a
/// doc line).
pub(crate) fn docs_or(lines: &[String], fallback: &str) -> TokenStream {
    if lines.is_empty() {
        let line = format!(" {fallback}");
        quote! { #[doc = #line] }
    } else {
        docs(lines)
    }
}

/// `#[deprecated(note = ...)]`, if deprecated.
pub(crate) fn deprecated(d: &Option<Deprecated>) -> TokenStream {
    match d {
        Some(d) => {
            let note = &d.note;
            quote! { #[deprecated(note = #note)] }
        }
        None => quote! {},
    }
}

/// A `**Deprecated:**` doc paragraph, if deprecated. Types, fields and union variants carry
/// the note in their docs instead of `#[deprecated]`, which would make every use inside the
/// crate (derives, serializers, builders) warn; the methods users call carry the attribute.
pub(crate) fn deprecated_doc(d: &Option<Deprecated>) -> TokenStream {
    match d {
        Some(d) => {
            let note = format!(" **Deprecated:** {}", d.note);
            quote! { #[doc = ""] #[doc = #note] }
        }
        None => quote! {},
    }
}

/// The path of a generated type from anywhere in the crate.
pub(crate) fn type_path(ir: &Ir, id: &str) -> TokenStream {
    match ir.type_path(id) {
        Some((placement, name)) => {
            let name = ident(&name);
            match placement {
                Placement::Types => quote! { crate::types::#name },
                Placement::Errors => quote! { crate::types::error::#name },
                Placement::Operation(m) => {
                    let m = ident(&m);
                    quote! { crate::operation::#m::#name }
                }
            }
        }
        // The IR resolves every target it hands out; this is unreachable for a valid IR.
        None => quote! { () },
    }
}

/// The Rust type of `ty`.
pub(crate) fn rust_type(ir: &Ir, ty: &Ty) -> TokenStream {
    match ty {
        Ty::String | Ty::BigInteger | Ty::BigDecimal => quote! { ::std::string::String },
        Ty::Bool => quote! { bool },
        Ty::Byte => quote! { i8 },
        Ty::Short => quote! { i16 },
        Ty::Integer => quote! { i32 },
        Ty::Long => quote! { i64 },
        Ty::Float => quote! { f32 },
        Ty::Double => quote! { f64 },
        Ty::Blob => quote! { ::aws_lite_runtime::Blob },
        Ty::ByteStream => quote! { ::aws_lite_runtime::ByteStream },
        Ty::Timestamp(_) => quote! { ::aws_lite_runtime::DateTime },
        Ty::Document => quote! { ::aws_lite_runtime::Document },
        Ty::Unit => quote! { () },
        Ty::Enum(id) | Ty::IntEnum(id) | Ty::Struct(id) | Ty::Union(id) => type_path(ir, id),
        Ty::List { member, sparse } => {
            let m = rust_type(ir, member);
            if *sparse {
                quote! { ::std::vec::Vec<::std::option::Option<#m>> }
            } else {
                quote! { ::std::vec::Vec<#m> }
            }
        }
        Ty::Map { key, value, sparse } => {
            let k = rust_type(ir, key);
            let v = rust_type(ir, value);
            if *sparse {
                quote! { ::std::collections::HashMap<#k, ::std::option::Option<#v>> }
            } else {
                quote! { ::std::collections::HashMap<#k, #v> }
            }
        }
    }
}

/// Whether values of `ty` are `Copy` (getters return them by value).
pub(crate) fn is_copy(ty: &Ty) -> bool {
    matches!(
        ty,
        Ty::Bool | Ty::Byte | Ty::Short | Ty::Integer | Ty::Long | Ty::Float | Ty::Double
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = r#"{"partitions": [{"id": "aws-iso", "outputs": {"name": "aws-iso", "supportsDualStack": true}}]}"#;

    fn overrides(id: &str, key: &str, value: Value) -> BTreeMap<String, Map<String, Value>> {
        let mut outputs = Map::new();
        outputs.insert(key.to_owned(), value);
        BTreeMap::from([(id.to_owned(), outputs)])
    }

    #[test]
    fn partition_outputs_are_set() {
        let table = partitions_with_outputs(
            TABLE,
            &overrides("aws-iso", "supportsDualStack", Value::Bool(false)),
        )
        .unwrap();
        let table: Value = serde_json::from_str(&table).unwrap();
        assert_eq!(
            table["partitions"][0]["outputs"]["supportsDualStack"],
            Value::Bool(false)
        );
        assert_eq!(table["partitions"][0]["outputs"]["name"], "aws-iso");
    }

    #[test]
    fn an_unknown_partition_is_an_error() {
        let err = partitions_with_outputs(
            TABLE,
            &overrides("aws-isx", "supportsDualStack", Value::Bool(false)),
        )
        .unwrap_err();
        assert_eq!(
            err,
            "`partitions_as_tested` names partition `aws-isx`, which the partition table does \
             not have (it has aws-iso)"
        );
    }

    #[test]
    fn an_unknown_output_or_another_type_is_an_error() {
        let err = partitions_with_outputs(
            TABLE,
            &overrides("aws-iso", "supportsDualStak", Value::Bool(false)),
        )
        .unwrap_err();
        assert!(
            err.contains("output `supportsDualStak` of partition `aws-iso`, which has no such output (it has name, supportsDualStack)"),
            "{err}"
        );
        let err = partitions_with_outputs(
            TABLE,
            &overrides(
                "aws-iso",
                "supportsDualStack",
                Value::String("false".into()),
            ),
        )
        .unwrap_err();
        assert!(
            err.contains("a string, but the partition table's value true is a boolean"),
            "{err}"
        );
    }
}
